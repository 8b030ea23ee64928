"""'Check the wording' checks only the wording: the jargon found is shown beside the
field, and nothing else is checked yet (no error for a missing date or decision)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey.models import Conference, ConferenceStatus, PlanAction, PlanOutcome
from tests.factories import child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20), team=staff.team
    )


def test_checking_an_action_shows_the_jargon_and_no_errors(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Mum to engage with the core group", "who": "", "check_wording": "1"},
    ).content.decode()
    assert "“engage”: try “take part”" in page
    assert "There is a problem" not in page
    assert "Enter who will do it." not in page
    assert "Enter the date it needs to happen by." not in page
    assert not PlanAction.objects.exists()


def test_checking_an_outcome_keeps_the_words_typed(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_outcome_new", args=[journey.plan.public_id]),
        {"text": "No more significant harm at home", "check_wording": "1"},
    ).content.decode()
    assert "“significant harm”: try “serious harm”" in page
    assert "No more significant harm at home</textarea>" in page
    assert "There is a problem" not in page
    assert not PlanOutcome.objects.exists()


def test_checking_the_record_does_not_ask_for_the_decision(client, staff):
    conference = book_icpc(staff, sibling_group(staff))
    row = conference.children.first()
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_record", args=[conference.public_id]),
        {f"child{row.pk}-worries": "The S47 found significant harm.", "check_wording": "1"},
    ).content.decode()
    assert "“S47”: try" in page
    assert "There is a problem" not in page
    assert "Select the decision for" not in page
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


def test_a_user_who_may_not_chair_cannot_check_a_plan_s_wording(client, staff, journey):
    client.force_login(staff.social_worker)
    response = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Mum to engage", "check_wording": "1"},
    )
    assert response.status_code == 403
