"""The minutes of a held conference: a document to print or send as a PDF, made from the
record, saying who came, what was decided for each child and why, and what happens next
by its statutory date. Only for readers who see names and may see every child."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from iro import timescales
from iro.access.models import AccessLogEntry
from iro.journey.models import Category, ConferenceKind, Decision, Invitation, InviteeRole
from tests.factories import (
    ChildFactory,
    PlanFactory,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

HELD = date(2026, 11, 16)  # a Monday


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def icpc(staff):
    return held_icpc(staff)


def held_icpc(staff):
    """An initial conference that started a plan for Wren, with who came and the record."""
    wren = ChildFactory(first_name="Wren", last_name="Brackwater", team=staff.team,
                        date_of_birth=date(2019, 3, 2), la_child_id="NM000123")  # fmt: skip
    s47 = s47_for(wren, referral=date(2026, 10, 26), strategy=date(2026, 10, 27))
    plan = PlanFactory(child=wren, episode=s47.episode, start_date=HELD, initial_category="NEG")
    conference = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(wren, {
            "section47": s47, "plan": plan, "decision": Decision.PLAN, "category": Category.NEG,
            "worries": "Wren has often gone without meals after school.",
            "working_well": "Wren's grandmother collects her from school every day.",
            "needs_to_happen": "A hot meal every evening, checked by the family support worker.",
            "scaling_score": 3, "wishes_feelings": "Wren said she likes living with her nan.",
            "outline_plan": "Family support twice a week; health visitor to check weight monthly.",
            "dissent": "Her father disagreed with the plan.",
        })],
        chair=staff.iro, held_on=HELD, venue="Northmoor Civic Centre, Room 2",
    )  # fmt: skip
    for name, role, attendance in (
        ("Hazel Brackwater", InviteeRole.PARENT, "attended"),
        ("PC Rook Ashdown", InviteeRole.POLICE, "apologies"),
        ("Moss Brackwater", InviteeRole.PARENT, "did_not_attend"),
    ):
        Invitation.objects.create(
            conference=conference, name=name, role=role, attendance=attendance
        )
    return conference


def minutes_url(conference, pdf=False) -> str:
    name = "conference_minutes_pdf" if pdf else "conference_minutes"
    return reverse(name, args=[conference.public_id])


def test_the_minutes_say_who_came_what_was_decided_and_what_happens_next(client, staff, icpc):
    client.force_login(staff.coordinator)
    page = client.get(minutes_url(icpc)).content.decode()
    assert "Record of the initial child protection conference" in page
    assert (
        "About Wren Brackwater. Held on Monday 16 November 2026 at 10:00am, "
        "Northmoor Civic Centre, Room 2."
    ) in page
    assert "Chaired by Ivy Coldharbour, Independent Reviewing Officer." in page
    assert '<th scope="row">Wren Brackwater</th><td>2 March 2019</td><td>NM000123</td>' in page
    assert '<th scope="row">Hazel Brackwater</th><td>Parent or carer</td><td>Attended</td>' in page
    assert "Sent apologies:</strong> PC Rook Ashdown (Police)." in page
    assert "Did not come:</strong> Moss Brackwater (Parent or carer)." in page
    assert "A child protection plan, under the category of neglect." in page
    assert "Her father disagreed with the plan." in page
    assert "Wren has often gone without meals after school." in page
    assert "3 out of 10" in page
    core_group = timescales.first_core_group_due(HELD)
    review = timescales.first_review_due(HELD)
    assert (
        f"The first core group meeting: by {core_group:%A} {core_group.day} {core_group:%B %Y}."
        in page
    )
    assert f"The next review conference: by {review:%A} {review.day} {review:%B %Y}." in page
    assert AccessLogEntry.objects.filter(
        user=staff.coordinator, what="conference minutes (HTML)"
    ).exists()


def test_what_is_kept_from_the_family_is_on_the_conference_page_never_in_the_minutes(
    client, staff, icpc
):
    row = icpc.children.get()
    row.kept_from_family = "Police information about the mother's new partner."
    row.save()
    client.force_login(staff.coordinator)
    for url in (minutes_url(icpc), reverse("conference_detail", args=[icpc.public_id])):
        page = client.get(url).content.decode()
        if url == minutes_url(icpc):
            assert "Her father disagreed with the plan." in page
            assert "mother's new partner" not in page and "Kept from the family" not in page
        else:
            assert "Police information about the mother&#x27;s new partner." in page
            assert "do not share it with the family" in page


def test_a_review_that_continues_the_plan_gives_the_next_review_six_months_on(client, staff, icpc):
    row = icpc.children.get()
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(row.child, {"plan": row.plan, "decision": Decision.CONTINUE,
                               "category": Category.NEG})],
        chair=staff.iro, held_on=date(2026, 11, 19),
    )  # fmt: skip
    client.force_login(staff.iro)
    page = client.get(minutes_url(review)).content.decode()
    assert "Record of the review child protection conference" in page
    assert "The child protection plan goes on, under the category of neglect." in page
    due = timescales.next_review_due(date(2026, 11, 19))
    assert f"The next review conference: by {due:%A} {due.day} {due:%B %Y}." in page
    assert "first core group" not in page
    assert "No one’s attendance is recorded." in page


def test_a_review_already_booked_is_given_with_the_day_it_must_be_held_by(client, staff, icpc):
    row = icpc.children.get()
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(row.child, {"plan": row.plan})],
        chair=staff.iro, scheduled_date=date(2027, 2, 1),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(minutes_url(icpc)).content.decode()
    due = timescales.first_review_due(HELD)
    assert (
        "The next review conference: booked for Monday 1 February 2027 "
        f"(it must be held by {due:%A} {due.day} {due:%B %Y})."
    ) in page


def test_minutes_once_sent_keep_the_booking_they_said_whatever_is_booked_or_held_since(
    client, staff, icpc
):
    from iro.journey import services
    from iro.journey.checks import current_version
    from iro.journey.models import ConferenceStatus

    row = icpc.children.get()
    due = timescales.first_review_due(HELD)
    booked = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(row.child, {"plan": row.plan})],
        chair=staff.iro, scheduled_date=date(2027, 2, 1),
    )  # fmt: skip
    services.record_minutes_sent(
        conference=icpc, sent_on=date(2026, 11, 20), acting_user=staff.coordinator,
        expected_version=current_version(icpc),
    )  # fmt: skip
    said = (
        "The next review conference: booked for Monday 1 February 2027 "
        f"(it must be held by {due:%A} {due.day} {due:%B %Y})."
    )
    client.force_login(staff.coordinator)
    assert said in client.get(minutes_url(icpc)).text
    with time_machine.travel(date(2027, 2, 1), tick=False):
        booked.status, booked.held_on = ConferenceStatus.HELD, date(2027, 2, 1)
        booked.save()  # held since: the minutes sent in November still say it was booked
        client.force_login(staff.coordinator)
        assert said in client.get(minutes_url(icpc)).text


def test_sent_minutes_give_a_sibling_groups_one_booked_review_for_each_child(client, staff):
    from iro.journey import services
    from iro.journey.checks import current_version

    rows = []
    for name in ("Rowan", "Ash"):
        child = ChildFactory(first_name=name, last_name="Fenwick", team=staff.team)
        s47 = s47_for(child, referral=date(2026, 10, 26), strategy=date(2026, 10, 27))
        rows.append((child, s47, PlanFactory(child=child, episode=s47.episode, start_date=HELD)))
    siblings = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(c, {"section47": s, "plan": p, "decision": Decision.PLAN,
                       "category": Category.NEG}) for c, s, p in rows],
        chair=staff.iro, held_on=HELD,
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(c, {"plan": p}) for c, _s, p in rows],
        chair=staff.iro, scheduled_date=date(2027, 2, 1),
    )  # fmt: skip
    services.record_minutes_sent(
        conference=siblings, sent_on=date(2026, 11, 20), acting_user=staff.coordinator,
        expected_version=current_version(siblings),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(minutes_url(siblings)).text
    assert page.count("booked for Monday 1 February 2027") == 2


def test_a_review_booked_after_the_minutes_were_sent_is_not_added_to_them(client, staff, icpc):
    from iro.journey import services
    from iro.journey.checks import current_version

    row = icpc.children.get()
    services.record_minutes_sent(
        conference=icpc, sent_on=date(2026, 11, 20), acting_user=staff.coordinator,
        expected_version=current_version(icpc),
    )  # fmt: skip
    with time_machine.travel(date(2026, 12, 1), tick=False):
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(row.child, {"plan": row.plan})],
            chair=staff.iro, scheduled_date=date(2027, 2, 1),
        )  # fmt: skip
        client.force_login(staff.coordinator)
        page = client.get(minutes_url(icpc)).text
    due = timescales.first_review_due(HELD)
    assert f"The next review conference: by {due:%A} {due.day} {due:%B %Y}." in page
    assert "booked for" not in page


def test_a_plan_ended_says_why_and_that_no_conference_follows(client, staff, icpc):
    row = icpc.children.get()
    row.plan.end_date, row.plan.end_reason = date(2026, 11, 19), "step_down_cin"
    row.plan.save()
    ended = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(row.child, {"plan": row.plan, "decision": Decision.END,
                               "category": Category.NEG})],
        chair=staff.iro, held_on=date(2026, 11, 19),
    )  # fmt: skip
    client.force_login(staff.iro)
    page = client.get(minutes_url(ended)).content.decode()
    assert "The child protection plan ends: stepped down to a Child in Need plan." in page
    assert "No further child protection conference is planned for Wren." in page
    assert "under the category" not in page


def test_the_pdf_is_the_same_record_to_send(client, staff, icpc):
    client.force_login(staff.social_worker)
    response = client.get(minutes_url(icpc, pdf=True))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="minutes-2026-11-16-')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "minutes.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip
    text = " ".join(text.split())
    assert "Record of the initial child protection conference" in text
    assert "Wren has often gone without meals after school." in text


def test_the_conference_page_links_the_minutes_once_it_is_held(client, staff, icpc):
    client.force_login(staff.coordinator)
    page = client.get(icpc.get_absolute_url()).content.decode()
    assert f'href="{minutes_url(icpc)}">read or print them</a>' in page
    assert f'href="{minutes_url(icpc, pdf=True)}" download>' in page


def test_readers_who_see_no_names_or_not_every_child_are_refused(client, staff, icpc):
    for refused in (staff.analyst, staff.partnership, staff.outsider):
        client.force_login(refused)
        assert client.get(minutes_url(icpc)).status_code == 403
        assert client.get(minutes_url(icpc, pdf=True)).status_code == 403
    # The roles that see no names are told why, the partnership officer as the analyst.
    for no_names in (staff.analyst, staff.partnership):
        client.force_login(no_names)
        assert "your role sees no names" in client.get(minutes_url(icpc)).content.decode()
    client.force_login(staff.coordinator)
    assert client.post(minutes_url(icpc)).status_code == 405


def test_a_conference_not_yet_held_has_no_minutes(client, staff, icpc):
    booked = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(icpc.children.get().child, {})],
        chair=staff.iro, scheduled_date=date(2027, 2, 1),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    assert client.get(minutes_url(booked)).status_code == 404
    assert "read or print them" not in client.get(booked.get_absolute_url()).content.decode()


def test_the_booked_reviews_of_siblings_are_read_at_once(client, staff, icpc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(conference) -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(minutes_url(conference)).status_code == 200
        return len(done)

    row = icpc.children.get()
    hold_conference(kind=ConferenceKind.REVIEW, children=[(row.child, {"plan": row.plan})],
                    chair=staff.iro, scheduled_date=date(2027, 2, 1))  # fmt: skip
    rows = []
    for name, review in (("Rowan", date(2027, 2, 2)), ("Ash", date(2027, 2, 3))):
        child = ChildFactory(first_name=name, last_name="Fenwick", team=staff.team)
        s47 = s47_for(child, referral=date(2026, 10, 26), strategy=date(2026, 10, 27))
        plan = PlanFactory(child=child, episode=s47.episode, start_date=HELD)
        rows.append((child, s47, plan, review))
    siblings = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(c, {"section47": s, "plan": p, "decision": Decision.PLAN,
                       "category": Category.NEG}) for c, s, p, _ in rows],
        chair=staff.iro, held_on=HELD,
    )  # fmt: skip
    for child, _s47, plan, review in rows:
        hold_conference(kind=ConferenceKind.REVIEW, children=[(child, {"plan": plan})],
                        chair=staff.iro, scheduled_date=review)  # fmt: skip
    client.force_login(staff.coordinator)
    one = queries(icpc)
    page = client.get(minutes_url(siblings)).content.decode()
    assert "booked for Tuesday 2 February 2027" in page
    assert "booked for Wednesday 3 February 2027" in page
    assert queries(siblings) == one  # not one more for each child's booked review
