"""The IRO manager's list of open disputes: each current stage's response due date from
the authority's timescale in working days, overdue responses flagged and first."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.challenge import services
from iro.challenge.models import DisputeReason, StageTimescale
from iro.journey.checks import current_version
from tests.challenge.view_helpers import html
from tests.factories import ChildFactory, ClosureDayFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)  # a Monday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def timescales(db):
    StageTimescale.objects.create(stage=1, working_days=5)
    StageTimescale.objects.create(stage=2, working_days=10)


def raise_for(staff, name: str, raised_on: date, *, by=None):
    first, last = name.split()
    child = ChildFactory(team=staff.team, first_name=first, last_name=last)
    return services.raise_dispute(
        child=child,
        raised_on=raised_on,
        reason=DisputeReason.PLANNING,
        addressed_to=staff.team_manager,
        detail="The plan has drifted.",
        acting_user=by or staff.iro,
    )


def rows(response) -> list[str]:
    """Each row of the table: the child's name and the response state, in order."""
    table = html(response).split('id="open-disputes"', 1)[1].split("</table>", 1)[0]
    out = []
    for row in table.split("<tbody", 1)[1].split("</tr>")[:-1]:
        name = row.split('class="govuk-link"', 1)[1].split(">", 1)[1].split("<", 1)[0]
        state = row.split("govuk-tag", 1)[1].split(">", 1)[1].split("<", 1)[0]
        out.append(f"{name}: {state}")
    return out


def test_it_flags_overdue_responses_first_then_the_soonest_due(client, staff):
    overdue = raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))  # due 10 June
    raise_for(staff, "Brin Elmstead", date(2024, 6, 26))  # due 3 July
    answered = raise_for(staff, "Cato Fallowfield", date(2024, 6, 3))
    services.record_stage_response(
        dispute=answered,
        responded_on=date(2024, 6, 7),
        response="Done.",
        acting_user=staff.team_manager,
        expected_version=current_version(answered),
    )
    at_stage_2 = raise_for(staff, "Dela Greyfriar", date(2024, 6, 3))
    services.escalate_dispute(
        dispute=at_stage_2,
        escalated_on=date(2024, 6, 17),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(at_stage_2),
    )  # stage 2 due 1 July: today, so not yet overdue
    resolved = raise_for(staff, "Emrys Hartwell", date(2024, 6, 3))
    services.resolve_dispute(
        dispute=resolved,
        resolved_on=date(2024, 6, 5),
        resolution="Agreed.",
        acting_user=staff.iro,
        expected_version=current_version(resolved),
    )
    client.force_login(staff.iro_manager)
    response = client.get(reverse("dispute_list"))
    assert response.status_code == 200
    assert rows(response) == [
        "Ayla Dunmere: Response overdue",
        "Dela Greyfriar: Awaiting response",
        "Brin Elmstead: Awaiting response",
        "Cato Fallowfield: Responded",
    ]
    body = html(response)
    assert "due by 10 Jun 2024, 15 working days ago" in body
    assert "due by 1 Jul 2024" in body
    assert "4 open disputes" in body
    assert "1 with a response overdue" in body
    open_part = body.split('id="resolved"', 1)[0]
    assert overdue.public_id and "Emrys" not in open_part  # resolved: listed under the open


def test_local_closure_days_and_bank_holidays_move_the_due_date(client, staff):
    ClosureDayFactory(date=date(2024, 5, 28), description="Council closure")
    # From Friday 24 May: Monday 27 May is a bank holiday and the 28th a closure day,
    # so the five working days are the 29th, 30th, 31st, 3 and 4 June.
    raise_for(staff, "Fenna Inchbrook", date(2024, 5, 24))
    client.force_login(staff.iro_manager)
    assert "due by 4 Jun 2024" in html(client.get(reverse("dispute_list")))


def test_a_stage_without_a_timescale_is_never_called_overdue(client, staff):
    StageTimescale.objects.filter(stage=1).delete()
    raise_for(staff, "Galen Juniperhill", date(2024, 1, 8))
    client.force_login(staff.iro_manager)
    response = client.get(reverse("dispute_list"))
    assert rows(response) == ["Galen Juniperhill: Awaiting response"]
    assert "no timescale set for this stage" in html(response)


def test_the_list_costs_the_same_queries_for_one_dispute_or_many(client, staff):
    raise_for(staff, "Hollis Kettlewick", date(2024, 6, 3))
    client.force_login(staff.iro_manager)
    client.get(reverse("dispute_list"))  # the session and user are cached after this
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dispute_list"))
    for n, name in enumerate(["Ione Larkmoor", "Jory Millbeck", "Kestrel Northolme"]):
        dispute = raise_for(staff, name, date(2024, 6, 3 + n))
        services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2024, 6, 10),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("dispute_list"))
    assert len(rows(response)) == 4
    assert len(many) == len(one), [q["sql"] for q in many]


def test_it_refuses_those_who_neither_raise_nor_answer_disputes(client, staff):
    raise_for(staff, "Linnet Ashcombe", date(2024, 6, 3))
    for who in ("coordinator", "partnership", "analyst"):
        client.force_login(getattr(staff, who))
        assert client.get(reverse("dispute_list")).status_code == 403, who
    # Those who answer them see the disputes about the children they may see: none here.
    client.force_login(staff.outsider)
    page = html(client.get(reverse("dispute_list")))
    assert "Linnet" not in page and "Ashcombe" not in page


def test_disputes_resolved_in_the_last_year_are_listed_under_the_open_ones(client, staff):
    recent = raise_for(staff, "Ayla Dunmere", date(2024, 6, 3))
    long_ago = raise_for(staff, "Brin Elmstead", date(2023, 5, 2))
    for dispute, on in ((recent, date(2024, 6, 20)), (long_ago, date(2023, 6, 20))):
        services.resolve_dispute(
            dispute=dispute,
            resolved_on=on,
            resolution="The plan was updated.",
            outcome="concern_addressed",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    raise_for(staff, "Cato Fallowfield", date(2024, 6, 26))
    client.force_login(staff.iro_manager)
    response = client.get(reverse("dispute_list"))
    assert rows(response) == ["Cato Fallowfield: Awaiting response"]
    resolved = html(response).split('id="resolved-disputes"', 1)[1].split("</table>", 1)[0]
    assert "Ayla Dunmere" in resolved and "20 Jun 2024" in resolved
    assert "The concern was addressed" in resolved
    assert "Brin Elmstead" not in resolved  # more than a year ago


def test_a_senior_manager_oversees_the_open_disputes(client, staff):
    """They answer the later stages and oversee the service: the list, not a refusal
    that named raising disputes (while each dispute opened)."""
    raise_for(staff, "Linnet Ashcombe", date(2024, 6, 3))
    client.force_login(staff.senior_manager)
    response = client.get(reverse("dispute_list"))
    assert response.status_code == 200
    assert len(rows(response)) == 1
    assert reverse("dispute_list") in client.get(reverse("caseload")).content.decode()


def test_it_lists_only_children_the_user_may_see(client, staff, settings):
    settings.IRO_CHILD_ACCESS = "chaired"
    raise_for(staff, "Marlo Brackwater", date(2024, 6, 3), by=staff.iro_manager)
    client.force_login(staff.other_iro)
    response = client.get(reverse("dispute_list"))
    assert "Marlo" not in html(response)
    assert "There are no open disputes." in html(response)
    client.force_login(staff.iro_manager)
    assert "Marlo Brackwater" in html(client.get(reverse("dispute_list")))


def test_a_team_manager_follows_every_dispute_about_their_teams_children_not_others(client, staff):
    ours = raise_for(staff, "Hollis Ambrey", date(2024, 6, 3))
    theirs = ChildFactory(first_name="Ivo", last_name="Quarrington", team=staff.other_team)
    services.raise_dispute(
        child=theirs, raised_on=date(2024, 6, 3), reason=DisputeReason.PLANNING,
        addressed_to=staff.outsider, detail="Visits missed.", acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.team_manager)
    waiting = html(client.get(reverse("disputes_waiting")))
    assert reverse("dispute_list") in waiting
    response = client.get(reverse("dispute_list"))
    assert response.status_code == 200
    assert rows(response) == [f"{ours.child.first_name} {ours.child.last_name}: Response overdue"]
