"""A voided record counts in no measure, and a restore puts it back: each figure is
computed afresh from the live records, so a report made after a correction reflects it."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey import corrections
from iro.journey.models import ConferenceKind, Decision
from iro.reports import measures
from iro.reports.measures import Ratio
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import hold_conference
from tests.reports.conftest import YEAR, a_child, a_plan, a_review, an_icpc, an_s47

pytestmark = pytest.mark.django_db

WHY = "Recorded against the wrong child."
BACK = "It was the right child after all."


def test_icpc_within_15_working_days_changes_after_a_void_and_back_after_a_restore(staff):
    an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 6, 25), chair=staff.iro)  # in time
    late = an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 7, 30), chair=staff.iro)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 2)
    corrections.void_conference(conference=late, reason=WHY, acting_user=staff.iro_manager)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 1)
    corrections.restore_conference(conference=late, reason=BACK, acting_user=staff.iro_manager)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 2)


def test_plans_started_lose_the_plan_of_a_voided_initial_conference(staff):
    s47 = an_s47(staff, date(2018, 6, 4))
    plan = a_plan(staff, date(2018, 6, 20), child=s47.episode.child)
    icpc = an_icpc(s47, date(2018, 6, 20), chair=staff.iro, plan=plan, decision=Decision.PLAN)
    a_plan(staff, date(2018, 9, 1))
    assert measures.plans_started(YEAR) == 2
    assert measures.children_on_plan_at_period_end(YEAR) == 2
    corrections.void_conference(conference=icpc, reason=WHY, acting_user=staff.iro_manager)
    assert measures.plans_started(YEAR) == 1
    assert measures.children_on_plan_at_period_end(YEAR) == 1
    assert measures.conferences_held(YEAR) == 0
    corrections.restore_conference(conference=icpc, reason=BACK, acting_user=staff.iro_manager)
    assert measures.plans_started(YEAR) == 2
    assert measures.conferences_held(YEAR) == 1


def test_a_voided_review_leaves_the_review_measures(staff):
    plan = a_plan(staff, date(2018, 4, 10))
    review = a_review(plan, date(2018, 7, 2), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 1)
    corrections.void_conference(conference=review, reason=WHY, acting_user=staff.iro_manager)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(0, 0)
    corrections.restore_conference(conference=review, reason=BACK, acting_user=staff.iro_manager)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 1)


def test_a_voided_plan_end_reopens_the_plan_in_the_measures(staff):
    plan = a_plan(staff, date(2018, 4, 10), date(2018, 10, 1))
    assert measures.plans_ended(YEAR) == 1
    assert measures.children_on_plan_at_period_end(YEAR) == 0
    corrections.void_plan_end(plan=plan, reason=WHY, acting_user=staff.iro_manager)
    assert measures.plans_ended(YEAR) == 0
    assert measures.children_on_plan_at_period_end(YEAR) == 1
    corrections.restore_plan_end(plan=plan, reason=BACK, acting_user=staff.iro_manager)
    assert measures.plans_ended(YEAR) == 1


def test_voided_disputes_and_challenges_are_not_counted(staff):
    child = a_child(staff)
    dispute = DisputeFactory(child=child, raised_on=date(2018, 6, 1))
    challenge = MultiAgencyChallengeFactory(child=child, raised_on=date(2018, 6, 1))
    before = measures.multi_agency_challenges_raised(YEAR)
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=staff.iro_manager)
    corrections.void_challenge(challenge=challenge, reason=WHY, acting_user=staff.iro_manager)
    assert measures.disputes_raised(YEAR) == 0
    assert measures.children_with_dispute_raised(YEAR) == 0
    assert measures.multi_agency_challenges_raised(YEAR) != before
    corrections.restore_dispute(dispute=dispute, reason=BACK, acting_user=staff.iro_manager)
    corrections.restore_challenge(challenge=challenge, reason=BACK, acting_user=staff.iro_manager)
    assert measures.disputes_raised(YEAR) == 1
    assert measures.multi_agency_challenges_raised(YEAR) == before


def test_a_voided_scheduled_conference_is_not_a_conference_held(staff):
    child = a_child(staff)
    held = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(child, {"section47": an_s47(staff, date(2018, 6, 4), child=child)})],
        chair=staff.iro,
        held_on=date(2018, 6, 20),
    )
    assert measures.conferences_held(YEAR) == 1
    corrections.void_conference(conference=held, reason=WHY, acting_user=staff.iro_manager)
    assert measures.conferences_held(YEAR) == 0
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 0)


def test_feedback_on_a_voided_conference_is_not_quoted_in_the_report(staff):
    from iro.challenge.selectors import quotable_feedback
    from tests.challenge.factories import FeedbackFactory

    child = a_child(staff)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(child, {})], chair=staff.iro,
        held_on=date(2018, 6, 20),
    )  # fmt: skip
    FeedbackFactory(conference=conference, received_on=date(2018, 6, 21))
    assert quotable_feedback(YEAR.first_day, YEAR.last_day).count() == 1
    corrections.void_conference(conference=conference, reason=WHY, acting_user=staff.iro_manager)
    assert quotable_feedback(YEAR.first_day, YEAR.last_day).count() == 0
