"""review_conferences_in_timescale: each review date held in the period against its due date."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from iro.reports.measures import Ratio
from tests.reports.conftest import YEAR, a_child, a_plan, a_review

pytestmark = pytest.mark.django_db


def test_a_first_review_exactly_3_months_after_the_start_is_in_timescale(staff):
    a_review(a_plan(staff, date(2018, 6, 15)), date(2018, 9, 15), chair=staff.iro)
    a_review(a_plan(staff, date(2018, 6, 15)), date(2018, 9, 16), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 2)


def test_a_later_review_is_due_6_months_after_the_previous_even_one_from_last_year(staff):
    plan = a_plan(staff, date(2017, 12, 1))
    a_review(plan, date(2018, 3, 1), chair=staff.iro)  # last year: not a unit, sets the due
    a_review(plan, date(2018, 9, 1), chair=staff.iro)  # due 1 September: in
    a_review(plan, date(2019, 3, 2), chair=staff.iro)  # due 1 March: out
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 2)


def test_month_ends_are_clamped(staff):
    plan = a_plan(staff, date(2018, 8, 31))
    a_review(plan, date(2018, 11, 30), chair=staff.iro)  # 31 August + 3 months = 30 November
    other = a_plan(staff, date(2018, 8, 31))
    a_review(other, date(2018, 12, 1), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 2)


def test_a_sibling_conference_is_one_unit_per_child(staff):
    first, second = a_plan(staff, date(2018, 6, 15)), a_plan(staff, date(2018, 6, 1))
    a_review(None, date(2018, 9, 15), chair=staff.iro, children=[first, second])
    # The second child's first review was due 1 September.
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 2)


def test_the_same_review_date_twice_is_one_unit(staff):
    plan = a_plan(staff, date(2018, 6, 15))
    a_review(plan, date(2018, 9, 15), chair=staff.iro)
    a_review(plan, date(2018, 9, 15), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 1)


def test_reviews_before_the_start_or_after_the_end_of_the_plan_are_not_units(staff):
    plan = a_plan(staff, date(2018, 6, 15), date(2018, 10, 1))
    a_review(plan, date(2018, 6, 1), chair=staff.iro)
    a_review(plan, date(2018, 9, 14), chair=staff.iro)
    a_review(plan, date(2018, 11, 1), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 1)


def test_only_reviews_held_in_the_period_are_units(staff):
    plan = a_plan(staff, date(2017, 12, 31))
    a_review(plan, date(2018, 3, 31), chair=staff.iro)  # the day before
    a_review(plan, date(2018, 4, 1), chair=staff.iro)  # the first day (due 30 September)
    a_review(plan, date(2019, 3, 31), chair=staff.iro)  # the last day (due 1 October)
    a_review(plan, date(2019, 4, 1), chair=staff.iro)  # the day after
    assert measures.review_conferences_in_timescale(YEAR) == Ratio(1, 2)


def test_the_chair_filter_is_the_review_conferences_chair(staff):
    plan = a_plan(staff, date(2018, 6, 15))
    a_review(plan, date(2018, 9, 15), chair=staff.iro)
    a_review(plan, date(2019, 3, 16), chair=staff.other_iro)  # due 15 March: out
    assert measures.review_conferences_in_timescale(YEAR, chair=staff.iro) == Ratio(1, 1)
    assert measures.review_conferences_in_timescale(YEAR, chair=staff.other_iro) == Ratio(0, 1)


def test_the_team_filter_is_the_childs_team(staff):
    a_review(a_plan(staff, date(2018, 6, 15)), date(2018, 9, 15), chair=staff.iro)
    theirs = a_plan(staff, date(2018, 6, 15), child=a_child(staff, team=staff.other_team))
    a_review(theirs, date(2018, 9, 20), chair=staff.iro)
    assert measures.review_conferences_in_timescale(YEAR, team=staff.team) == Ratio(1, 1)
    assert measures.review_conferences_in_timescale(YEAR, team=staff.other_team) == Ratio(0, 1)
