"""The measures are exactly the keys of metrics.md, and targets refer to real measures."""

from __future__ import annotations

from iro.challenge.models import TargetMeasure
from iro.reports import measures

METRICS_MD_KEYS = [
    "children_on_plan_during_period",
    "children_on_plan_at_period_end",
    "plans_started",
    "plans_ended",
    "plans_started_second_or_subsequent",
    "plans_at_period_end_by_latest_category",
    "plans_ended_by_duration",
    "icpc_within_15_working_days",
    "reviews_on_time",
    "review_conferences_in_timescale",
    "children_with_dispute_raised",
    "disputes_raised",
    "dispute_reasons",
    "dispute_resolution_stage",
    "multi_agency_challenges_raised",
    "conferences_held",
    "child_attended",
    "child_views_represented",
    "advocate_involved",
    "pre_meetings_held",
    "initial_conferences_held",
    "review_conferences_held",
    "icpc_leading_to_plan",
    "late_icpc_reasons",
    "late_review_reasons",
    "plans_open_two_years_or_more_at_period_end",
    "plans_started_within_two_years_of_previous",
    "children_on_plan_at_period_end_per_10000",
    "children_on_plan_at_period_end_by_age",
    "children_on_plan_at_period_end_by_sex",
    "children_on_plan_at_period_end_by_ethnicity",
    "children_on_plan_at_period_end_with_disability",
    "participation_units",
    "dispute_stage_responses_in_time",
    "dispute_outcomes",
    "multi_agency_challenge_outcomes",
    "iro_caseload_per_fte_at_period_end",
    "feedback_received",
]


def test_there_is_one_measure_per_key_of_metrics_md_in_its_order():
    assert list(measures.MEASURES) == METRICS_MD_KEYS


def test_every_target_measure_is_a_measure():
    assert set(TargetMeasure.values) <= set(measures.MEASURES)
