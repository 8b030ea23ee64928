"""The parts of a census return the journey keeps beside enquiries and plans: a referral's
no further action, the episode's Child in Need plans and its assessments. Recorded with who
did it, refused to a user who may not, and refused with a plain message when the dates or
codes cannot be."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from iro.access.capabilities import Capability, refusal
from iro.access.scope import REFUSED_CHILD
from iro.journey import services
from iro.journey.checks import DATE_IN_FUTURE
from iro.journey.models import Assessment, CinPlanPeriod, Episode
from tests.factories import ChildFactory, make_staff

pytestmark = pytest.mark.django_db

REFUSED = refusal(Capability.RECORD_STRATEGY_DISCUSSION)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 28), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def episode(staff):
    child = ChildFactory(team=staff.team, date_of_birth=date(2016, 5, 14))
    return services.open_episode(
        child=child, referral_date=date(2024, 1, 8), acting_user=staff.social_worker
    )


def test_a_referral_with_no_further_action_is_recorded_with_who_recorded_it(staff, episode):
    services.record_referral_nfa(
        episode=episode, referral_nfa=True, acting_user=staff.social_worker
    )
    episode.refresh_from_db()
    assert episode.referral_nfa is True
    assert episode.history.first().history_user == staff.social_worker


def test_a_referral_can_be_opened_as_no_further_action(staff):
    child = ChildFactory(team=staff.team)
    episode = services.open_episode(
        child=child, referral_date=date(2024, 1, 8), referral_nfa=True,
        acting_user=staff.social_worker,
    )  # fmt: skip
    assert Episode.objects.get(pk=episode.pk).referral_nfa is True


@pytest.mark.parametrize(("who", "message"), [("senior_manager", REFUSED),
                                              ("analyst", REFUSED),
                                              ("outsider", REFUSED_CHILD)])  # fmt: skip
def test_no_further_action_is_refused_to_a_user_who_may_not_record_it(staff, episode, who, message):
    with pytest.raises(PermissionDenied) as refused:
        services.record_referral_nfa(
            episode=episode, referral_nfa=True, acting_user=getattr(staff, who)
        )
    assert str(refused.value) == message
    assert Episode.objects.get(pk=episode.pk).referral_nfa is False


def test_child_in_need_plans_are_recorded_with_their_dates_several_per_episode(staff, episode):
    services.record_cin_plan(
        episode=episode, start_date=date(2024, 1, 15), end_date=date(2024, 3, 1),
        acting_user=staff.social_worker,
    )  # fmt: skip
    later = services.record_cin_plan(
        episode=episode, start_date=date(2024, 4, 2), acting_user=staff.social_worker
    )
    services.end_cin_plan(cin_plan=later, end_date=date(2024, 6, 3),
                          acting_user=staff.social_worker)  # fmt: skip
    assert list(episode.cin_plans.values_list("start_date", "end_date")) == [
        (date(2024, 1, 15), date(2024, 3, 1)),
        (date(2024, 4, 2), date(2024, 6, 3)),
    ]
    assert later.history.first().history_user == staff.social_worker
    assert later.history.count() == 2  # recorded, then ended


@pytest.mark.parametrize(("who", "message"), [("senior_manager", REFUSED),
                                              ("analyst", REFUSED),
                                              ("outsider", REFUSED_CHILD)])  # fmt: skip
def test_child_in_need_plans_are_refused_to_a_user_who_may_not_record_them(
    staff, episode, who, message
):
    with pytest.raises(PermissionDenied) as refused:
        services.record_cin_plan(
            episode=episode, start_date=date(2024, 1, 15), acting_user=getattr(staff, who)
        )
    assert str(refused.value) == message
    period = services.record_cin_plan(
        episode=episode, start_date=date(2024, 1, 15), acting_user=staff.social_worker
    )
    with pytest.raises(PermissionDenied):
        services.end_cin_plan(
            cin_plan=period, end_date=date(2024, 2, 1), acting_user=getattr(staff, who)
        )
    assert CinPlanPeriod.objects.get().end_date is None


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2024, 1, 15), date(2024, 1, 14), "end_date",
         services.CIN_PLAN_END_BEFORE_START.format(date=date(2024, 1, 15))),
        (date(2024, 1, 2), None, "start_date",
         services.BEFORE_REFERRAL.format(date=date(2024, 1, 8))),
        (date(2024, 7, 1), None, "start_date", DATE_IN_FUTURE),
        (date(2024, 1, 15), date(2024, 7, 1), "end_date", DATE_IN_FUTURE),
    ],
)  # fmt: skip
def test_a_child_in_need_plan_with_impossible_dates_is_refused_saying_why(
    staff, episode, start, end, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.record_cin_plan(
            episode=episode, start_date=start, end_date=end, acting_user=staff.social_worker
        )
    assert refused.value.message_dict[field] == [message]
    assert not CinPlanPeriod.objects.exists()


def test_child_in_need_plans_of_one_episode_cannot_overlap(staff, episode):
    services.record_cin_plan(
        episode=episode, start_date=date(2024, 1, 15), end_date=date(2024, 3, 1),
        acting_user=staff.social_worker,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.record_cin_plan(
            episode=episode, start_date=date(2024, 2, 1), acting_user=staff.social_worker
        )
    assert refused.value.message_dict["start_date"] == [
        "The episode already has a Child in Need plan from 15 January 2024 to 1 March 2024: "
        "Child in Need plans of one episode cannot overlap."
    ]
    assert CinPlanPeriod.objects.count() == 1


def test_a_child_in_need_plan_cannot_end_after_its_episode_closed_or_twice(staff, episode):
    period = services.record_cin_plan(
        episode=episode, start_date=date(2024, 1, 15), end_date=date(2024, 2, 1),
        acting_user=staff.social_worker,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.end_cin_plan(
            cin_plan=period, end_date=date(2024, 3, 1), acting_user=staff.social_worker
        )
    assert refused.value.message_dict["end_date"] == [
        services.CIN_PLAN_ALREADY_ENDED.format(date=date(2024, 2, 1))
    ]
    services.close_episode(
        episode=episode, closure_date=date(2024, 4, 30), closure_reason="RC7",
        acting_user=staff.social_worker,
    )  # fmt: skip
    episode.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.record_cin_plan(
            episode=episode, start_date=date(2024, 3, 1), end_date=date(2024, 5, 2),
            acting_user=staff.social_worker,
        )  # fmt: skip
    assert refused.value.message_dict["end_date"] == [
        services.EPISODE_CLOSED.format(date=date(2024, 4, 30))
    ]


# --- assessments ----------------------------------------------------------------------


def test_an_assessment_is_recorded_then_authorised_with_its_factors(staff, episode):
    assessment = services.record_assessment(
        episode=episode, start_date=date(2024, 1, 9), acting_user=staff.social_worker
    )
    services.authorise_assessment(
        assessment=assessment, authorisation_date=date(2024, 2, 20), factors=["3B", "4B"],
        acting_user=staff.social_worker,
    )  # fmt: skip
    assessment = Assessment.objects.get()
    assert (assessment.start_date, assessment.authorisation_date, assessment.factors) == (
        date(2024, 1, 9), date(2024, 2, 20), ["3B", "4B"],
    )  # fmt: skip
    assert assessment.history.count() == 2
    assert assessment.history.first().history_user == staff.social_worker
    assert assessment.factor_labels() == [
        "Domestic violence: the parents or carers are the subject",
        "Mental health of the parents or carers",
    ]


@pytest.mark.parametrize(("who", "message"), [("senior_manager", REFUSED),
                                              ("analyst", REFUSED),
                                              ("outsider", REFUSED_CHILD)])  # fmt: skip
def test_assessments_are_refused_to_a_user_who_may_not_record_them(staff, episode, who, message):
    with pytest.raises(PermissionDenied) as refused:
        services.record_assessment(
            episode=episode, start_date=date(2024, 1, 9), acting_user=getattr(staff, who)
        )
    assert str(refused.value) == message
    assessment = services.record_assessment(
        episode=episode, start_date=date(2024, 1, 9), acting_user=staff.social_worker
    )
    with pytest.raises(PermissionDenied):
        services.authorise_assessment(
            assessment=assessment, authorisation_date=date(2024, 2, 1),
            acting_user=getattr(staff, who),
        )  # fmt: skip
    assert Assessment.objects.get().authorisation_date is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start_date": date(2024, 1, 2)}, "start_date",
         services.BEFORE_REFERRAL.format(date=date(2024, 1, 8))),
        ({"authorisation_date": date(2024, 1, 8)}, "authorisation_date",
         "The assessment cannot be authorised before it started on 9 January 2024."),
        ({"internal_review_date": date(2024, 1, 8)}, "internal_review_date",
         "The assessment cannot be reviewed before it started on 9 January 2024."),
        ({"authorisation_date": date(2024, 7, 1)}, "authorisation_date", DATE_IN_FUTURE),
        ({"factors": ["3B", "99Z"]}, "factors", "'99Z' is not a valid assessment factor."),
        ({"factors": ["3B", "3B"]}, "factors", "The factor '3B' is given more than once."),
    ],
)  # fmt: skip
def test_an_assessment_with_impossible_dates_or_codes_is_refused_saying_why(
    staff, episode, fields, field, message
):
    given = {"start_date": date(2024, 1, 9)} | fields
    with pytest.raises(ValidationError) as refused:
        services.record_assessment(episode=episode, acting_user=staff.social_worker, **given)
    assert refused.value.message_dict[field] == [message]
    assert not Assessment.objects.exists()


def test_an_assessment_is_authorised_once(staff, episode):
    assessment = services.record_assessment(
        episode=episode, start_date=date(2024, 1, 9), authorisation_date=date(2024, 2, 1),
        acting_user=staff.social_worker,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.authorise_assessment(
            assessment=assessment, authorisation_date=date(2024, 3, 1),
            acting_user=staff.social_worker,
        )  # fmt: skip
    assert refused.value.message_dict["authorisation_date"] == [
        "This assessment was already authorised on 1 February 2024."
    ]


# --- an ICPC date given on the episode ------------------------------------------------


def test_an_icpc_date_given_on_the_episode_is_kept_once(staff, episode):
    services.record_episode_icpc(
        episode=episode, held_on=date(2024, 1, 29), acting_user=staff.social_worker
    )
    episode.refresh_from_db()
    assert episode.icpc_date == date(2024, 1, 29)
    assert episode.history.first().history_user == staff.social_worker
    with pytest.raises(ValidationError) as refused:
        services.record_episode_icpc(
            episode=episode, held_on=date(2024, 2, 5), acting_user=staff.social_worker
        )
    assert refused.value.message_dict["icpc_date"] == [
        "The episode already has an initial conference date, 29 January 2024, given on it."
    ]


@pytest.mark.parametrize(("who", "message"), [("senior_manager", REFUSED),
                                              ("analyst", REFUSED),
                                              ("outsider", REFUSED_CHILD)])  # fmt: skip
def test_an_episode_icpc_date_is_refused_to_a_user_who_may_not_record_it(
    staff, episode, who, message
):
    with pytest.raises(PermissionDenied) as refused:
        services.record_episode_icpc(
            episode=episode, held_on=date(2024, 1, 29), acting_user=getattr(staff, who)
        )
    assert str(refused.value) == message
    assert Episode.objects.get(pk=episode.pk).icpc_date is None


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(2024, 1, 5), services.BEFORE_REFERRAL.format(date=date(2024, 1, 8))),
        (date(2024, 7, 1), DATE_IN_FUTURE),
    ],
)
def test_an_episode_icpc_date_outside_the_episode_is_refused_saying_why(
    staff, episode, held_on, message
):
    with pytest.raises(ValidationError) as refused:
        services.record_episode_icpc(
            episode=episode, held_on=held_on, acting_user=staff.social_worker
        )
    assert refused.value.message_dict["icpc_date"] == [message]
    assert Episode.objects.get(pk=episode.pk).icpc_date is None
