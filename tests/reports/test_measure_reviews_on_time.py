"""reviews_on_time: children on a plan at the end whose review walk finds no late review."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from iro.reports.measures import Ratio
from iro.timescales import parse_period
from tests.reports.conftest import YEAR, a_child, a_plan, a_review

pytestmark = pytest.mark.django_db


def walk(staff, start: date, reviews: list[date], period=YEAR, end: date | None = None) -> Ratio:
    plan = a_plan(staff, start, end)
    for held_on in reviews:
        a_review(plan, held_on, chair=staff.iro)
    return measures.reviews_on_time(period)


def test_reviews_exactly_at_3_and_6_months_are_on_time(staff):
    # 15 June 2018 + 3 months = 15 September; + 6 months = 15 March 2019; next due
    # 15 September 2019, after the year end.
    assert walk(staff, date(2018, 6, 15), [date(2018, 9, 15), date(2019, 3, 15)]) == Ratio(1, 1)


def test_a_first_review_a_day_after_3_months_is_late(staff):
    assert walk(staff, date(2018, 6, 15), [date(2018, 9, 16), date(2019, 3, 1)]) == Ratio(0, 1)


def test_a_later_review_a_day_after_6_months_is_late(staff):
    assert walk(staff, date(2018, 6, 15), [date(2018, 9, 15), date(2019, 3, 16)]) == Ratio(0, 1)


def test_a_review_overdue_at_the_year_end_is_late(staff):
    # Next review due 15 March 2019, none held by 31 March.
    assert walk(staff, date(2018, 6, 15), [date(2018, 9, 15)]) == Ratio(0, 1)


def test_a_review_due_on_the_last_day_is_not_yet_overdue(staff):
    # 31 December 2018 + 3 months = 31 March 2019, the last day: a unit, and on time.
    assert walk(staff, date(2018, 12, 31), []) == Ratio(1, 1)


def test_a_plan_whose_first_review_is_not_yet_due_is_not_a_unit(staff):
    # 1 January 2019 + 3 months = 1 April 2019, after the last day.
    assert walk(staff, date(2019, 1, 1), []) == Ratio(0, 0)


def test_month_ends_clamp_30_november_plus_3_months_to_28_february(staff):
    a_review(a_plan(staff, date(2018, 11, 30)), date(2019, 2, 28), chair=staff.iro)
    a_review(a_plan(staff, date(2018, 11, 30)), date(2019, 3, 1), chair=staff.iro)
    assert measures.reviews_on_time(YEAR) == Ratio(1, 2)


def test_31_january_plus_3_months_is_30_april(staff):
    plan = a_plan(staff, date(2019, 1, 31))
    april, may = parse_period("monthly", "2019-04"), parse_period("monthly", "2019-05")
    assert measures.reviews_on_time(april) == Ratio(1, 1)  # due 30 April, the last day
    assert measures.reviews_on_time(may) == Ratio(0, 1)  # overdue by 31 May
    a_review(plan, date(2019, 4, 30), chair=staff.iro)
    assert measures.reviews_on_time(may) == Ratio(1, 1)


def test_the_same_review_date_twice_is_one_review(staff):
    plan = a_plan(staff, date(2018, 6, 15))
    for held_on in (date(2018, 9, 15), date(2018, 9, 15), date(2019, 3, 15)):
        a_review(plan, held_on, chair=staff.iro)
    assert measures.reviews_on_time(YEAR) == Ratio(1, 1)


def test_reviews_after_the_last_day_are_not_walked(staff):
    # Due 1 December 2018; the review of 2 April 2019 is after the year: overdue at the end.
    assert walk(staff, date(2018, 9, 1), [date(2019, 4, 2)]) == Ratio(0, 1)


def test_reviews_before_the_plan_started_are_ignored(staff):
    plan = a_plan(staff, date(2018, 6, 15))
    a_review(plan, date(2018, 6, 1), chair=staff.iro)  # a data error
    a_review(plan, date(2018, 9, 15), chair=staff.iro)
    a_review(plan, date(2019, 3, 15), chair=staff.iro)
    assert measures.reviews_on_time(YEAR) == Ratio(1, 1)


def test_only_children_on_a_plan_at_the_end_are_units(staff):
    walk(staff, date(2018, 4, 2), [], end=date(2019, 3, 31))  # ended on the last day
    assert measures.reviews_on_time(YEAR) == Ratio(0, 0)
    walk(staff, date(2018, 4, 2), [date(2018, 7, 2), date(2019, 1, 2)], end=date(2019, 4, 1))
    assert measures.reviews_on_time(YEAR) == Ratio(1, 1)


def test_a_child_with_two_open_plans_is_walked_on_the_later_one_only(staff):
    child = a_child(staff)
    a_plan(staff, date(2017, 1, 9), child=child)  # never reviewed: would be late
    later = a_plan(staff, date(2018, 9, 3), child=child)
    a_review(later, date(2018, 12, 3), chair=staff.iro)
    assert measures.reviews_on_time(YEAR) == Ratio(1, 1)


def test_reviews_of_a_plan_from_earlier_years_are_walked_from_its_start(staff):
    # 2 May 2016: 2 Aug 2016, 1 Feb 2017 (on time), 2 Aug 2017 (a day late: due 1 Aug).
    reviews = [
        date(2016, 8, 2),
        date(2017, 2, 1),
        date(2017, 8, 2),
        date(2018, 2, 1),
        date(2018, 8, 1),
        date(2019, 1, 31),
    ]
    assert walk(staff, date(2016, 5, 2), reviews) == Ratio(0, 1)
