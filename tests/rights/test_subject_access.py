"""Subject access: everything held about one child, as JSON and a tagged PDF, logged,
for the IRO service manager only and only for a child they may see."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.access.log import log_view
from iro.access.models import AccessEvent, AccessLogEntry
from iro.children.services import set_restriction
from iro.journey.models import CoreGroupMember, Invitation, PlanAction, PlanOutcome
from iro.rights import subject_access
from tests.challenge.factories import (
    DisputeFactory,
    FeedbackFactory,
    MultiAgencyChallengeFactory,
)
from tests.documents.test_family_plan import inflated
from tests.factories import AgencyFactory, PlanFactory, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def record(staff):
    """Wren's record, with a sibling (Alder) at the same conference."""
    siblings = sibling_group(staff)
    conference = book_icpc(staff, siblings)
    wren = siblings.children[0]
    Invitation.objects.create(conference=conference, name="Rowan Brackwater", role="parent")
    FeedbackFactory(
        conference=conference, recorded_by=staff.iro, text="Felt listened to.",
        received_on=date(2024, 6, 19),
    )  # fmt: skip
    _plan_with_parts(wren, 1)
    DisputeFactory(child=wren, raised_by=staff.iro, raised_on=date(2024, 6, 12), stage=2)
    MultiAgencyChallengeFactory(child=wren, raised_by=staff.iro, raised_on=date(2024, 6, 13))
    log_view(user=staff.iro, child=wren, what="journey")
    return wren


def _plan_with_parts(child, n: int):
    agency = AgencyFactory()
    plan = PlanFactory(child=child, start_date=date(2024, 6, 1))
    for i in range(n):
        outcome = PlanOutcome.objects.create(plan=plan, text=f"Outcome {i}")
        PlanAction.objects.create(
            plan=plan, outcome=outcome, what=f"Action {i}", who="Sam", by_when=date(2024, 7, 1)
        )
        CoreGroupMember.objects.create(
            plan=plan, name=f"Member {i}", role="health", agency=agency, joined_on=plan.start_date
        )
    return plan


def test_the_json_holds_every_section_of_the_record(staff, record):
    data = subject_access.collect(record)
    assert data["schema"] == subject_access.SCHEMA
    assert set(subject_access.SECTIONS) <= set(data)
    assert data["child"]["first_name"] == "Wren"
    assert data["child"]["social_worker"] == "sam-social-worker"
    assert data["family"]["name"] == "Brackwater household"
    assert len(data["episodes"]) == 1
    assert len(data["episodes"][0]["section47s"]) == 1
    assert len(data["episodes"][0]["strategy_discussions"]) == 1
    [conference] = data["conferences"]
    assert conference["row"]["child_id"] == record.pk
    assert [i["name"] for i in conference["invitations"]] == ["Rowan Brackwater"]
    assert [f["text"] for f in conference["feedback"]] == ["Felt listened to."]
    [plan] = data["plans"]
    assert len(plan["outcomes"]) == len(plan["actions"]) == len(plan["core_group"]) == 1
    [dispute] = data["disputes"]
    assert [s["stage"] for s in dispute["stages"]] == [1, 2]
    assert len(data["multi_agency_challenges"]) == 1
    assert data["history"]["child"][0]["history_type"] == "+"
    assert data["history"]["child"][0]["history_user"] == "cora-coordinator"
    assert [(e["user"], e["what"]) for e in data["access_log"]] == [("ivy-iro", "journey")]
    json.dumps(data)  # every value is plain JSON


def test_the_sibling_at_the_same_conference_is_left_out(staff, record):
    text = subject_access.render_json(subject_access.collect(record)).decode()
    assert "Alder" not in text
    assert "BRA2" not in text


def test_the_number_of_queries_does_not_grow_with_the_record(staff, record):
    def count(child):
        with CaptureQueriesContext(connection) as queries:
            subject_access.collect(child)
        return len(queries)

    small = count(record)
    _plan_with_parts(record, 6)
    DisputeFactory(child=record, raised_by=staff.iro, raised_on=date(2024, 6, 14), stage=3)
    assert count(record) == small


def test_the_manager_downloads_json_and_a_tagged_pdf_and_each_is_logged(client, staff, record):
    client.force_login(staff.iro_manager)
    response = client.get(reverse("subject_access_export", args=[record.public_id, "json"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["generated_by"] == "mona-manager"
    pdf = client.get(reverse("subject_access_export", args=[record.public_id, "pdf"]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    inflated_pdf = inflated(pdf.content)
    assert b"/StructTreeRoot" in inflated_pdf  # tagged
    assert b"pdfuaid" in inflated_pdf  # PDF/UA-1
    assert b"/Lang (en-GB)" in inflated_pdf
    logged = AccessLogEntry.objects.filter(
        user=staff.iro_manager, child=record, event=AccessEvent.EXPORTED
    )
    assert sorted(logged.values_list("what", flat=True)) == [
        "subject access export (json)",
        "subject access export (pdf)",
    ]


def test_the_pdf_has_a_heading_per_section_and_dates_in_words(staff, record):
    html = subject_access.render_html(subject_access.collect(record), name="Wren Brackwater")
    for heading in subject_access.SECTIONS.values():
        assert f"<h2>{heading}</h2>" in html.replace("&#x27;", "'")
    assert "12 June 2024" in html  # the dispute's date
    assert 'lang="en-GB"' in html


@pytest.mark.parametrize("who", ["iro", "coordinator", "senior_manager", "analyst", "admin"])
def test_other_roles_are_refused_and_nothing_is_logged(client, staff, record, who):
    client.force_login(getattr(staff, who))
    response = client.get(reverse("subject_access_export", args=[record.public_id, "json"]))
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(event=AccessEvent.EXPORTED).exists()


def test_a_manager_off_a_restricted_childs_list_finds_nothing(client, staff, record):
    for _ in range(2):  # the second takes the manager off the list
        set_restriction(
            child=record, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
        )
    client.force_login(staff.iro_manager)
    response = client.get(reverse("subject_access_export", args=[record.public_id, "json"]))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(event=AccessEvent.EXPORTED).exists()


def test_the_command_writes_the_file_and_logs_it(staff, record, tmp_path):
    out = tmp_path / "wren.json"
    call_command(
        "subject-access",
        "--child", record.la_child_id, "--format", "json",
        "--output", str(out), "--user", "mona-manager",
    )  # fmt: skip
    assert json.loads(out.read_text())["child"]["la_child_id"] == record.la_child_id
    assert AccessLogEntry.objects.filter(child=record, event=AccessEvent.EXPORTED).exists()


@pytest.mark.parametrize(
    ("child", "user", "message"),
    [
        ("NOPE1", "mona-manager", "No child you may see has LA child ID 'NOPE1'."),
        ("BRA1", "nobody", "No user is called 'nobody'."),
        ("BRA1", "ivy-iro", "ivy-iro may not do this"),
        ("BRA1", "mona-manager/xml", "--format 'xml': choose json or pdf."),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(staff, record, tmp_path, child, user, message):
    out = tmp_path / "x.json"
    user, _, output_format = user.partition("/")
    with pytest.raises(CommandError) as refused:
        call_command(
            "subject-access", "--child", child, "--format", output_format or "json",
            "--output", str(out), "--user", user,
        )  # fmt: skip
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert not out.exists()


def test_the_json_holds_the_agencies_recommendations_and_the_records_amendments(staff, record):
    from django.utils import timezone

    from iro.journey.models import ConferenceAmendment, ConferenceRecommendation

    row = record.conference_rows.get()
    ConferenceRecommendation.objects.create(
        conference_child=row, agency="Health", recommendation="plan", comment="Weight loss."
    )
    sibling = row.conference.children.exclude(pk=row.pk).get()
    ConferenceAmendment.objects.create(
        conference=row.conference, amended_by=staff.iro, amended_at=timezone.now(),
        reason="Typed in the wrong box.", version=2,
        changes=[
            {"child": record.pk, "field": "Dissent", "before": "", "after": "Police"},
            {"child": sibling.child_id, "field": "Dissent", "before": "", "after": "School"},
        ],
    )  # fmt: skip
    [conference] = subject_access.collect(record)["conferences"]
    assert [(r["agency"], r["comment"]) for r in conference["recommendations"]] == [
        ("Health", "Weight loss.")
    ]
    [amendment] = conference["amendments"]
    assert amendment["reason"] == "Typed in the wrong box."
    # Only this child's changes: the sibling's belong to the sibling's own export.
    assert [c["after"] for c in amendment["changes"]] == ["Police"]
