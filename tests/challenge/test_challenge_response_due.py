"""A forwarded multi-agency challenge has a response due date: 20 working days from the
day it was forwarded (the partnership's protocol; domain.md gives no figure), or the
time the partnership agreed when forwarding it. The challenge page, the lists and the
partnership's queue show it, and mark a response overdue."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.challenge import page_selectors as pages
from iro.challenge import queues, services
from iro.challenge.models import MultiAgencyChallenge
from tests.challenge.view_helpers import date_data, html
from tests.factories import AgencyFactory, ChildFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def child(staff):
    return ChildFactory(
        team=staff.team, first_name="Quilla", last_name="Hartwell", la_child_id="LA7001"
    )


@pytest.fixture
def challenge(staff, child):
    return services.raise_multi_agency_challenge(
        child=child, agency=AgencyFactory(name="Northmoor Community Health"),
        professional="Health visitor", concern="No health report was shared.",
        raised_on=date(2024, 6, 3), acting_user=staff.iro,
    )  # fmt: skip


def forward(staff, challenge, on=date(2024, 6, 4), **kwargs) -> MultiAgencyChallenge:
    return services.forward_multi_agency_challenge(
        challenge=challenge, forwarded_on=on, forwarded_to="Ward manager",
        acting_user=staff.partnership, **kwargs,
    )  # fmt: skip


def test_the_response_is_due_20_working_days_after_forwarding_by_default(staff, challenge):
    challenge = forward(staff, challenge)
    assert challenge.response_working_days == 20
    # 4 June 2024 + 20 working days: 2 July 2024.
    state = pages.challenge_due(challenge, day=TODAY, closures=frozenset())
    assert state.due == date(2024, 7, 2)
    assert state.overdue and state.working_days_overdue == 9


def test_the_partnership_may_agree_another_time_when_forwarding(staff, challenge):
    challenge = forward(staff, challenge, response_working_days=40)
    state = pages.challenge_due(challenge, day=TODAY, closures=frozenset())
    assert state.due == date(2024, 7, 30)
    assert not state.overdue


@pytest.mark.parametrize("days", [0, -3, 121])
def test_a_response_time_out_of_range_is_refused_and_nothing_is_saved(staff, challenge, days):
    with pytest.raises(ValidationError) as refused:
        forward(staff, challenge, response_working_days=days)
    assert refused.value.message_dict == {"response_working_days": [services.RESPONSE_DAYS_RANGE]}
    challenge.refresh_from_db()
    assert challenge.forwarded_on is None


def test_a_challenge_not_yet_forwarded_has_no_due_date(staff, challenge):
    assert pages.challenge_due(challenge, day=TODAY, closures=frozenset()).due is None


def test_the_challenge_page_shows_the_due_date_and_that_it_is_overdue(client, staff, challenge):
    forward(staff, challenge)
    client.force_login(staff.iro)
    page = html(client.get(reverse("challenge_detail", args=[challenge.public_id])))
    due = page[page.index('id="response-due"') :]
    due = due[: due.index("</dd>")]
    assert "By 2 July 2024 (20 working days from forwarding)" in due
    assert "Response overdue</strong> 9 working days late" in due


def test_the_partnership_sets_the_response_time_on_the_forwarding_form(client, staff, challenge):
    client.force_login(staff.partnership)
    url = reverse("challenge_detail", args=[challenge.public_id])
    assert 'name="response_working_days"' in html(client.get(url))
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {
            "forwarded_to": "Ward manager",
            "response_working_days": "30",
            **date_data("forwarded_on", date(2024, 7, 1)),
        },
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.response_working_days == 30
    page = html(client.get(url))
    assert "By 12 August 2024 (30 working days from forwarding)" in page


def test_a_response_time_that_is_not_a_number_gets_a_clear_message(client, staff, challenge):
    client.force_login(staff.partnership)
    response = client.post(
        reverse("challenge_forward", args=[challenge.public_id]),
        {
            "forwarded_to": "Ward manager",
            "response_working_days": "twenty",
            **date_data("forwarded_on", date(2024, 7, 1)),
        },
    )
    assert services.RESPONSE_DAYS_RANGE in html(response)
    challenge.refresh_from_db()
    assert challenge.forwarded_on is None


def test_the_lists_mark_an_overdue_response_with_its_due_date(client, staff, child, challenge):
    forward(staff, challenge)
    in_time = services.raise_multi_agency_challenge(
        child=child, agency=AgencyFactory(name="Riverside Police"), professional="Officer",
        concern="No attendance.", raised_on=date(2024, 7, 10), acting_user=staff.iro,
    )  # fmt: skip
    forward(staff, in_time, on=date(2024, 7, 11))
    client.force_login(staff.partnership)
    listing = html(client.get(reverse("challenge_list")))
    waiting = listing[listing.index('id="awaiting-response"') :]
    waiting = waiting[: waiting.index("</table>")]
    assert (
        "Response overdue</strong> to Ward manager on 4 Jun 2024; response due by 2 Jul 2024"
        in (waiting)
    )
    assert "Forwarded</strong> to Ward manager on 11 Jul 2024; response due by 8 Aug 2024" in (
        waiting
    )
    client.force_login(staff.iro)
    page = html(client.get(reverse("child_worries", args=[child.public_id])))
    assert "response due by 2 Jul 2024, 9 working days ago" in page


def test_the_partnerships_queue_reads_each_challenges_own_response_time(staff, challenge):
    forward(staff, challenge, response_working_days=40)  # due 30 July: in time
    assert queues.challenges_without_response(staff.partnership, day=TODAY).rows == ()
    (row,) = queues.challenges_without_response(staff.partnership, day=date(2024, 8, 1)).rows
    assert row.cells[-2:] == ("30 Jul 2024", "2 working days late")
