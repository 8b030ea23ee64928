"""Plausibility in the services: nothing before the child's birth (work for an unborn
child is fine), nothing before what it is about, no plan end before a review that
continued it, and each refusal says exactly what clashes with what."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.challenge import services as challenge
from iro.challenge.models import DisputeReason
from iro.children.services import update_child
from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import ConferenceKind, PlanEndReason
from iro.journey.services import Subject
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    EpisodeFactory,
    PlanFactory,
    child_on_plan,
    make_staff,
    s47_for,
)

pytestmark = [pytest.mark.django_db]

TODAY = date(2026, 12, 14)  # a Monday


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def born_2011(staff):
    return ChildFactory(
        first_name="Ama", last_name="Brightwater", date_of_birth=date(2011, 5, 3), team=staff.team
    )


BEFORE_BIRTH_1990 = "{d} is before Ama Brightwater was born on 3 May 2011: check the year."


def test_a_referral_before_the_childs_birth_is_refused(staff, born_2011):
    with pytest.raises(ValidationError) as raised:
        services.open_episode(
            child=born_2011, referral_date=date(1990, 6, 1), acting_user=staff.coordinator
        )
    assert raised.value.message_dict == {
        "referral_date": [BEFORE_BIRTH_1990.format(d="1 June 1990")]
    }


def test_a_strategy_discussion_and_s47_before_the_childs_birth_are_refused(staff, born_2011):
    episode = EpisodeFactory(child=born_2011, referral_date=date(1990, 6, 1))
    with pytest.raises(ValidationError) as raised:
        services.record_strategy_discussion(
            episode=episode, held_on=date(1990, 6, 4), acting_user=staff.coordinator
        )
    assert raised.value.message_dict == {"held_on": [BEFORE_BIRTH_1990.format(d="4 June 1990")]}
    with pytest.raises(ValidationError) as raised:
        services.record_section47(
            episode=episode, start_date=date(1990, 6, 4), acting_user=staff.coordinator
        )
    assert raised.value.message_dict == {"start_date": [BEFORE_BIRTH_1990.format(d="4 June 1990")]}


def test_a_conference_and_a_plan_before_the_childs_birth_are_refused(staff, born_2011):
    s47 = s47_for(born_2011, referral=date(1990, 6, 1), strategy=date(1990, 6, 4))
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=born_2011, section47=s47)],
            scheduled_date=date(1990, 6, 20),
            venue="Civic Centre",
            confirm_reason="Recorded after the event",
            acting_user=staff.coordinator,
        )
    assert raised.value.message_dict == {
        "scheduled_date": [BEFORE_BIRTH_1990.format(d="20 June 1990")]
    }
    with pytest.raises(ValidationError) as raised:
        services.start_plan(
            child=born_2011,
            start_date=date(1990, 6, 20),
            category="NEG",
            acting_user=staff.iro,
        )
    assert raised.value.message_dict == {"start_date": [BEFORE_BIRTH_1990.format(d="20 June 1990")]}


def test_work_months_before_a_birth_says_how_far_ahead_work_may_start(staff, born_2011):
    with pytest.raises(ValidationError) as raised:
        services.open_episode(
            child=born_2011, referral_date=date(2010, 6, 1), acting_user=staff.coordinator
        )
    assert raised.value.message_dict == {
        "referral_date": [
            "1 June 2010 is before Ama Brightwater was born on 3 May 2011: work before a "
            "birth starts at most 40 weeks ahead of it."
        ]
    }


def test_a_pre_birth_conference_for_an_unborn_child_is_accepted(staff):
    unborn = ChildFactory(
        date_of_birth=None, expected_date_of_birth=date(2027, 3, 1), team=staff.team
    )
    episode = services.open_episode(
        child=unborn, referral_date=date(2026, 12, 1), acting_user=staff.coordinator
    )
    discussion = services.record_strategy_discussion(
        episode=episode, held_on=date(2026, 12, 2), acting_user=staff.coordinator
    )
    conference = services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=unborn, section47=discussion.section47)],
        scheduled_date=date(2026, 12, 16),
        venue="Civic Centre",
        acting_user=staff.coordinator,
    )
    assert conference.booking_warnings == ""


def test_work_begun_before_a_birth_stays_plausible_once_the_child_is_born(staff):
    # Born on 1 December 2026; referred in pregnancy on 1 June 2026 (26 weeks before).
    baby = ChildFactory(date_of_birth=date(2026, 12, 1), team=staff.team)
    episode = services.open_episode(
        child=baby, referral_date=date(2026, 6, 1), acting_user=staff.coordinator
    )
    assert episode.referral_date == date(2026, 6, 1)


def test_a_dispute_before_the_plan_it_is_about_is_refused(staff, born_2011):
    plan = PlanFactory(child=born_2011, start_date=date(2026, 2, 2))
    with pytest.raises(ValidationError) as raised:
        challenge.raise_dispute(
            child=born_2011,
            plan=plan,
            raised_on=date(2020, 5, 1),
            reason=DisputeReason.PLANNING,
            detail="The plan has no date for the health assessment.",
            addressed_to=staff.team_manager,
            acting_user=staff.iro,
        )
    assert raised.value.message_dict == {
        "raised_on": [
            "The dispute cannot be raised on 1 May 2020: the plan it is about started on "
            "2 February 2026."
        ]
    }


def test_a_dispute_or_challenge_before_the_childs_first_referral_is_refused(staff, born_2011):
    EpisodeFactory(child=born_2011, referral_date=date(2025, 9, 1))
    expected = (
        "The {what} cannot be raised on 1 May 2020: the service's involvement with "
        "Ama Brightwater began with the referral on 1 September 2025."
    )
    with pytest.raises(ValidationError) as raised:
        challenge.raise_dispute(
            child=born_2011,
            raised_on=date(2020, 5, 1),
            reason=DisputeReason.PLANNING,
            detail="The plan has no date for the health assessment.",
            addressed_to=staff.team_manager,
            acting_user=staff.iro,
        )
    assert raised.value.message_dict == {"raised_on": [expected.format(what="dispute")]}
    with pytest.raises(ValidationError) as raised:
        challenge.raise_multi_agency_challenge(
            child=born_2011,
            agency=AgencyFactory(),
            professional="Health visitor",
            concern="Visits missed",
            raised_on=date(2020, 5, 1),
            acting_user=staff.iro,
        )
    assert raised.value.message_dict == {"raised_on": [expected.format(what="challenge")]}


def test_a_plan_cannot_end_before_a_later_review_that_continued_it(staff):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2026, 8, 3),
        icpc_on=date(2026, 8, 24),
        reviews=(date(2026, 12, 2),),
        team=staff.team,
    )
    with pytest.raises(ValidationError) as raised:
        services.end_plan(
            plan=journey.plan,
            ended_on=date(2026, 12, 1),
            reason=PlanEndReason.STEP_DOWN_CIN,
            acting_user=staff.iro,
            expected_version=current_version(journey.plan),
        )
    assert raised.value.message_dict == {
        "end_date": [
            "The plan cannot end on 1 December 2026: the review conference on "
            "2 December 2026 decided to continue it."
        ]
    }
    # On the day of the review or after it, the plan can end.
    services.end_plan(
        plan=journey.plan,
        ended_on=date(2026, 12, 2),
        reason=PlanEndReason.STEP_DOWN_CIN,
        acting_user=staff.iro,
        expected_version=current_version(journey.plan),
    )


def test_a_review_cannot_be_before_its_plan(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 8, 3), icpc_on=date(2026, 8, 24), team=staff.team
    )
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=journey.child, plan=journey.plan)],
            scheduled_date=date(2026, 8, 20),
            venue="Civic Centre",
            confirm_reason="Recorded after the event",
            acting_user=staff.coordinator,
        )
    assert raised.value.message_dict == {
        "scheduled_date": ["The date cannot be before the plan started on 24 August 2026."]
    }


def test_the_details_page_says_which_date_once(client, staff, born_2011):
    EpisodeFactory(child=born_2011, referral_date=date(2024, 3, 4))
    client.force_login(staff.coordinator)
    url = reverse("child_details", args=[born_2011.public_id])
    form = {"la_child_id": born_2011.la_child_id,
            "last_name": born_2011.last_name, "born": "born", "date_of_birth_day": "1",
            "date_of_birth_month": "6", "date_of_birth_year": "2025", "sex": "M",
            "ethnicity": "WBRI", "preferred_language": "English", "version": born_2011.version,
            "team": str(born_2011.team_id)}  # fmt: skip
    page = client.post(url, form).text
    assert "The date of birth cannot be 1 June 2025" in page
    assert "of birth of birth" not in page


def test_a_date_of_birth_after_the_childs_recorded_work_is_refused(staff, born_2011):
    EpisodeFactory(child=born_2011, referral_date=date(2024, 3, 4))
    with pytest.raises(ValidationError) as raised:
        update_child(
            child=born_2011,
            date_of_birth=date(2025, 6, 1),
            acting_user=staff.coordinator,
            expected_version=born_2011.version,
        )
    assert raised.value.message_dict == {
        "date_of_birth": [
            "The date of birth cannot be 1 June 2025: the child's first referral, on "
            "4 March 2024, would be more than 40 weeks before it."
        ]
    }
