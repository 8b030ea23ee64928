"""The measures of "More measures", year 2018-19 (1 April 2018 to 31 March 2019), each
figure worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from iro.challenge.models import (
    ChallengeOutcome,
    Comparison,
    DisputeStage,
    Population,
    Stage,
    StageTimescale,
    WorkingHours,
)
from iro.journey.models import ConferenceKind, Decision, LatenessReason
from iro.reports import builders, measures, presentation
from iro.reports.measures import Ratio
from iro.timescales import parse_period
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import hold_conference
from tests.reports.conftest import YEAR, a_child, a_plan, an_s47

pytestmark = pytest.mark.django_db


def an_icpc(staff, s47, held_on, *, decision=Decision.PLAN, reason="", **fields):
    return hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(s47.episode.child, {"section47": s47, "decision": decision})],
        chair=staff.iro,
        held_on=held_on,
        lateness_reason=reason,
        **fields,
    )


def a_review(staff, plan, held_on, *, reason=""):
    return hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(plan.child, {"plan": plan, "decision": Decision.CONTINUE})],
        chair=staff.iro,
        held_on=held_on,
        lateness_reason=reason,
    )


# --- Conferences held and what they decided -----------------------------------------------


def test_initial_and_review_conferences_are_counted_per_child_and_icpcs_leading_to_a_plan(staff):
    siblings = [a_child(staff), a_child(staff)]
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[
            (siblings[0], {"decision": Decision.PLAN}),
            (siblings[1], {"decision": Decision.NO_PLAN}),
        ],
        chair=staff.iro,
        held_on=date(2018, 5, 1),
    )
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(a_child(staff), {"decision": Decision.PLAN})],
        chair=staff.other_iro,
        held_on=date(2019, 3, 31),
    )
    hold_conference(  # before the year
        kind=ConferenceKind.INITIAL,
        children=[(a_child(staff), {"decision": Decision.PLAN})],
        chair=staff.iro,
        held_on=date(2018, 3, 31),
    )
    hold_conference(  # a transfer-in is not an initial conference
        kind=ConferenceKind.TRANSFER_IN,
        children=[(a_child(staff), {"decision": Decision.PLAN})],
        chair=staff.iro,
        held_on=date(2018, 6, 1),
    )
    a_review(staff, a_plan(staff, date(2018, 4, 1)), date(2018, 6, 20))
    assert measures.initial_conferences_held(YEAR) == 3
    assert measures.review_conferences_held(YEAR) == 1
    assert measures.icpc_leading_to_plan(YEAR) == Ratio(2, 3)
    assert measures.icpc_leading_to_plan(YEAR, chair=staff.iro) == Ratio(1, 2)
    assert measures.conferences_held(YEAR) == 5


# --- Reasons for lateness -----------------------------------------------------------------


def test_late_icpcs_are_counted_by_their_recorded_reason(staff):
    # S47 from Monday 4 June 2018: the 15th working day is Monday 25 June.
    an_icpc(staff, an_s47(staff, date(2018, 6, 4)), date(2018, 6, 25), reason="interpreter")
    an_icpc(staff, an_s47(staff, date(2018, 6, 4)), date(2018, 6, 26), reason="interpreter")
    an_icpc(staff, an_s47(staff, date(2018, 6, 4)), date(2018, 7, 2), reason="reports_not_ready")
    an_icpc(staff, an_s47(staff, date(2018, 6, 4)), date(2018, 7, 2))  # imported: none
    reasons = measures.late_icpc_reasons(YEAR)
    assert reasons == {
        "interpreter": 1,  # the one on the 25th was in time, whatever its note
        "child_preparing": 0,
        "unavailable": 0,
        "reports_not_ready": 1,
        "transfer": 0,
        "other": 0,
        "not_recorded": 1,
    }
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 4)
    assert set(reasons) == {*LatenessReason.values, "not_recorded"}


def test_late_reviews_are_counted_by_their_recorded_reason(staff):
    plan = a_plan(staff, date(2018, 4, 1))  # first review due 1 July 2018
    a_review(staff, plan, date(2018, 7, 2), reason=LatenessReason.UNAVAILABLE)  # late
    a_review(staff, plan, date(2019, 1, 2))  # due 2 January 2019: in time
    other = a_plan(staff, date(2018, 5, 1))  # due 1 August 2018
    a_review(staff, other, date(2018, 8, 1), reason=LatenessReason.OTHER)  # in time
    a_review(staff, other, date(2019, 2, 2))  # due 1 February 2019: late, none recorded
    reasons = measures.late_review_reasons(YEAR)
    assert (reasons["unavailable"], reasons["other"], reasons["not_recorded"]) == (1, 0, 1)
    assert sum(reasons.values()) == 2
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(2, 4)


# --- Plans and time -----------------------------------------------------------------------


def test_a_plan_started_exactly_24_months_before_the_period_end_is_open_two_years(staff):
    a_plan(staff, date(2017, 3, 31))  # 31 March 2019 less 24 months: counts
    a_plan(staff, date(2017, 4, 1))  # a day short
    a_plan(staff, date(2016, 1, 1), date(2019, 3, 31))  # ended on the last day: not open
    a_plan(staff, date(2015, 1, 1), date(2019, 4, 1))  # ended after it: open, counts
    # A child with two open plans (a data error) is counted by the later one.
    twice = a_child(staff)
    a_plan(staff, date(2016, 1, 1), child=twice)
    a_plan(staff, date(2018, 9, 1), child=twice)
    assert measures.plans_open_two_years_or_more_at_period_end(YEAR) == 2
    february = parse_period("monthly", "2019-02")  # 28 February 2019 less 24 months
    assert measures.two_years_before(february.last_day) == date(2017, 2, 28)


def test_a_previous_plan_ending_exactly_24_months_before_the_new_start_counts(staff):
    def again(previous_end: date, start: date = date(2018, 6, 1)) -> None:
        child = a_child(staff)
        a_plan(staff, date(2015, 1, 1), previous_end, child=child)
        a_plan(staff, start, child=child)

    again(date(2016, 6, 1))  # exactly 24 months before: counts
    again(date(2016, 5, 31))  # a day more: does not
    again(date(2018, 6, 1))  # ended the day the new one started: counts
    a_plan(staff, date(2018, 7, 1), previous_plans=2)  # earlier plans elsewhere: not known here
    # A plan that ended after this one started is not a previous plan.
    overlapping = a_child(staff)
    a_plan(staff, date(2018, 8, 1), child=overlapping)
    a_plan(staff, date(2018, 1, 1), date(2018, 9, 1), child=overlapping)
    assert measures.plans_started_within_two_years_of_previous(YEAR) == Ratio(2, 5)


def test_from_29_february_24_months_back_is_28_february(staff):
    year = parse_period("annual", "2019-20")
    child = a_child(staff)
    a_plan(staff, date(2016, 1, 1), date(2018, 2, 28), child=child)
    a_plan(staff, date(2020, 2, 29), child=child)
    other = a_child(staff)
    a_plan(staff, date(2016, 1, 1), date(2018, 2, 27), child=other)
    a_plan(staff, date(2020, 2, 29), child=other)
    assert measures.plans_started_within_two_years_of_previous(year) == Ratio(1, 2)


# --- The rate per 10,000 children, and the IROs' caseload ---------------------------------


def record_population(staff, year: str, children: int) -> Population:
    return Population.objects.create(
        year=year,
        children=children,
        source="ONS mid-year estimates",
        recorded_by=staff.iro_manager,
        recorded_on=date(2019, 5, 1),
    )


def test_the_rate_per_10000_rounds_half_away_from_zero(staff):
    a_plan(staff, date(2018, 6, 1))
    record_population(staff, "2018-19", 40_000)
    # 10,000 x 1 / 40,000 = 0.25: 0.3 (a float round would say 0.2).
    assert measures.children_on_plan_at_period_end_per_10000(YEAR) == Decimal("0.3")


def test_the_rate_is_for_the_periods_reporting_year_and_null_without_a_population(staff):
    for _ in range(3):
        a_plan(staff, date(2018, 6, 1))
    assert measures.children_on_plan_at_period_end_per_10000(YEAR) is None
    record_population(staff, "2018-19", 60_000)
    # 10,000 x 3 / 60,000 = 0.5
    assert measures.children_on_plan_at_period_end_per_10000(YEAR) == Decimal("0.5")
    december = parse_period("monthly", "2018-12")
    assert measures.children_on_plan_at_period_end_per_10000(december) == Decimal("0.5")
    assert measures.children_on_plan_at_period_end_per_10000(YEAR.previous_year()) is None
    # One team's children are not a population.
    assert measures.children_on_plan_at_period_end_per_10000(YEAR, team=staff.team) is None


def _table_line(report, key):
    return next(
        line
        for section in presentation.sections(report)
        for table in section.tables
        for line in table.lines
        if line.key == key
    )


def test_the_report_says_why_a_rate_has_no_figure(staff):
    a_plan(staff, date(2018, 6, 1))
    record_population(staff, "2018-19", 60_000)
    report = builders.build_report("annual", YEAR)
    rate = _table_line(report, "children_on_plan_at_period_end_per_10000")
    assert rate.this == "0.2"
    # The year before had no population recorded: not "no data", which reads as none.
    assert rate.previous == "not known: no child population recorded for the year"
    per_iro = _table_line(report, "iro_caseload_per_fte_at_period_end")
    assert per_iro.this == "not known: no IRO working hours recorded"
    # No figure, so no children behind it are offered; a figure links as ever.
    assert (per_iro.known, rate.known) == (False, True)
    team = builders.build_report("annual", YEAR, team=staff.team)
    assert _table_line(team, "children_on_plan_at_period_end_per_10000").this == (
        "not for one team or chair"
    )
    assert _table_line(team, "iro_caseload_per_fte_at_period_end").this == "not for one team"


def hours(staff, person, starts_on: date, fte: str) -> None:
    WorkingHours.objects.create(
        person=person,
        starts_on=starts_on,
        fte=Decimal(fte),
        recorded_by=staff.iro_manager,
        recorded_on=starts_on,
    )


def test_the_caseload_is_children_on_a_plan_over_the_iros_fte_at_the_end(staff):
    for _ in range(3):
        a_review(staff, a_plan(staff, date(2018, 6, 1)), date(2018, 9, 1))  # chaired by Ivy
    assert measures.iro_caseload_per_fte_at_period_end(YEAR) is None  # no FTE recorded
    hours(staff, staff.iro, date(2017, 1, 1), "1.0")
    hours(staff, staff.iro, date(2019, 4, 1), "0.5")  # after the year: not yet
    hours(staff, staff.other_iro, date(2018, 1, 1), "0.8")
    hours(staff, staff.other_iro, date(2019, 3, 31), "0.6")  # from the last day: counts
    # 3 / (1.0 + 0.6) = 1.875: 1.9
    assert measures.iro_caseload_per_fte_at_period_end(YEAR) == Decimal("1.9")
    assert measures.iro_caseload_per_fte_at_period_end(YEAR, chair=staff.iro) == Decimal("3.0")
    assert measures.iro_caseload_per_fte_at_period_end(YEAR, chair=staff.other_iro) == 0
    assert measures.iro_caseload_per_fte_at_period_end(YEAR, team=staff.team) is None


def test_an_iro_who_left_counts_no_hours(staff):
    a_plan(staff, date(2018, 6, 1))
    hours(staff, staff.iro, date(2017, 1, 1), "1.0")
    hours(staff, staff.iro, date(2018, 12, 1), "0")
    assert measures.iro_caseload_per_fte_at_period_end(YEAR) is None


# --- Who the children on a plan are -------------------------------------------------------


def on_plan(staff, **child):
    a_plan(staff, date(2018, 6, 1), child=a_child(staff, **child))


def test_children_on_a_plan_at_the_end_by_age_on_the_last_day(staff):
    on_plan(staff, date_of_birth=None, expected_date_of_birth=date(2019, 5, 1))  # unborn
    on_plan(staff, date_of_birth=date(2019, 4, 5))  # born after the year: unborn then
    on_plan(staff, date_of_birth=date(2019, 3, 31))  # 0
    on_plan(staff, date_of_birth=date(2018, 3, 31))  # 1 that day
    on_plan(staff, date_of_birth=date(2014, 4, 1))  # 4, 5 the next day
    on_plan(staff, date_of_birth=date(2014, 3, 31))  # 5
    on_plan(staff, date_of_birth=date(2003, 4, 1))  # 15
    on_plan(staff, date_of_birth=date(2003, 3, 31))  # 16
    assert measures.children_on_plan_at_period_end_by_age(YEAR) == {
        "unborn": 2,
        "under_1": 1,
        "1_to_4": 2,
        "5_to_9": 1,
        "10_to_15": 1,
        "16_and_over": 1,
    }


def test_an_age_on_28_february_for_a_child_born_on_29_february(staff):
    on_plan(staff, date_of_birth=date(2016, 2, 29))
    # On 28 February 2021 the child is still 4; on 1 March, 5.
    assert (
        measures.children_on_plan_at_period_end_by_age(parse_period("monthly", "2021-02"))["1_to_4"]
        == 1
    )
    assert (
        measures.children_on_plan_at_period_end_by_age(parse_period("monthly", "2021-03"))["5_to_9"]
        == 1
    )


def test_children_on_a_plan_at_the_end_by_sex_ethnic_group_and_disability(staff):
    on_plan(staff, sex="M", ethnicity="WBRI", disabilities=[])
    on_plan(staff, sex="M", ethnicity="MWBC", disabilities=["NONE"])
    on_plan(staff, sex="F", ethnicity="AIND", disabilities=["AUT"])
    on_plan(staff, sex="F", ethnicity="BAFR", disabilities=["MOB", "VIS"])
    on_plan(staff, sex="U", ethnicity="CHNE")
    on_plan(staff, sex="F", ethnicity="REFU")
    on_plan(staff, sex="F", ethnicity="NOBT")
    ended = a_child(staff, sex="M", disabilities=["LD"])
    a_plan(staff, date(2018, 6, 1), date(2019, 1, 1), child=ended)  # not on a plan at the end
    assert measures.children_on_plan_at_period_end_by_sex(YEAR) == {
        "male": 2,
        "female": 4,
        "unknown": 1,
    }
    assert measures.children_on_plan_at_period_end_by_ethnicity(YEAR) == {
        "white": 1,
        "mixed": 1,
        "asian": 1,
        "black": 1,
        "other": 1,
        "not_known": 2,
    }
    assert measures.children_on_plan_at_period_end_with_disability(YEAR) == 2


# --- Disputes and challenges --------------------------------------------------------------


def test_dispute_stage_responses_are_in_time_up_to_the_stages_due_date(staff):
    StageTimescale.objects.create(stage=Stage.INFORMAL, working_days=5)

    def responded(on: date, *, stage=Stage.INFORMAL) -> None:
        dispute = DisputeFactory(child=a_child(staff), raised_on=date(2018, 6, 4), stage=stage)
        DisputeStage.objects.filter(dispute=dispute, stage=stage).update(responded_on=on)

    # Started Monday 4 June 2018: due 5 working days later, Monday 11 June.
    responded(date(2018, 6, 11))
    responded(date(2018, 6, 12))
    responded(date(2018, 6, 8))
    responded(date(2018, 6, 11), stage=Stage.STAGE_2)  # no timescale for stage 2: no unit
    assert measures.dispute_stage_responses_in_time(YEAR) == Ratio(2, 3)


def test_disputes_resolved_in_the_period_by_recorded_outcome(staff):
    DisputeFactory(resolved_on=date(2018, 7, 1), outcome="concern_addressed")
    DisputeFactory(resolved_on=date(2018, 8, 1), outcome="concern_addressed")
    DisputeFactory(resolved_on=date(2018, 9, 1), outcome="withdrawn")
    DisputeFactory(resolved_on=date(2018, 9, 1))  # imported: no outcome
    DisputeFactory(resolved_on=date(2019, 4, 1), outcome="not_addressed")  # the next year
    DisputeFactory(outcome="")  # still open
    assert measures.dispute_outcomes(YEAR) == {
        "concern_addressed": 2,
        "partly_addressed": 0,
        "not_addressed": 0,
        "withdrawn": 1,
        "not_recorded": 1,
    }


def test_challenges_closed_in_the_period_by_recorded_outcome(staff):
    MultiAgencyChallengeFactory(responded_on=date(2018, 7, 1), outcome=ChallengeOutcome.UPHELD)
    MultiAgencyChallengeFactory(
        raised_on=date(2018, 2, 1),  # raised the year before, closed in this one
        responded_on=date(2018, 4, 1),
        outcome=ChallengeOutcome.PARTLY_UPHELD,
    )
    MultiAgencyChallengeFactory(responded_on=date(2018, 7, 1))  # no outcome recorded
    MultiAgencyChallengeFactory()  # not answered yet
    MultiAgencyChallengeFactory(responded_on=date(2019, 4, 1), outcome=ChallengeOutcome.WITHDRAWN)
    assert measures.multi_agency_challenge_outcomes(YEAR) == {
        "upheld": 1,
        "partly_upheld": 1,
        "not_upheld": 0,
        "withdrawn": 0,
        "not_recorded": 1,
    }


# --- Comparisons beside ours --------------------------------------------------------------


def test_comparisons_sit_beside_our_figures_with_their_source_and_year(staff):
    a_plan(staff, date(2018, 6, 1))
    record_population(staff, "2018-19", 40_000)
    for year, value in (("2018-19", "43.7"), ("2017-18", "45.3")):
        Comparison.objects.create(
            year=year,
            measure="children_on_plan_at_period_end_per_10000",
            area="england",
            value=Decimal(value),
            source=f"Children in need {year}",
            recorded_by=staff.iro_manager,
            recorded_on=date(2019, 11, 1),
        )
    report = builders.annual_report("2018-19")
    assert report.measures["children_on_plan_at_period_end_per_10000"] == Decimal("0.3")
    (england,) = report.comparisons["children_on_plan_at_period_end_per_10000"]
    assert (england.this, england.previous) == (Decimal("43.7"), Decimal("45.3"))
    assert england.label == "England (source: Children in need 2018-19; Children in need 2017-18)"
    (table,) = presentation._comparison_tables(report)
    assert table.lines[0].label == "This authority"
    for_team = builders.annual_report("2018-19", team=staff.team)
    (table,) = presentation._comparison_tables(for_team)
    assert table.lines[0].label == f"This team ({staff.team.name})"  # not the authority's
    data = report.as_json()
    assert data["measures"]["children_on_plan_at_period_end_per_10000"] == 0.3
    assert data["sections"]["comparisons"]["children_on_plan_at_period_end_per_10000"] == [
        {
            "area": "england",
            "this_year": {"year": "2018-19", "value": 43.7, "source": "Children in need 2018-19"},
            "previous_year": {
                "year": "2017-18",
                "value": 45.3,
                "source": "Children in need 2017-18",
            },
        }
    ]
