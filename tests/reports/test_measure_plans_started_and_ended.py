"""plans_started, plans_ended and plans_started_second_or_subsequent, year 2018-19."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from iro.reports.measures import Ratio
from tests.reports.conftest import YEAR, a_child, a_plan

pytestmark = pytest.mark.django_db


def test_plans_started_and_ended_count_dates_from_the_first_to_the_last_day(staff):
    a_plan(staff, date(2018, 3, 31), date(2018, 4, 1))  # ended on the first day
    a_plan(staff, date(2018, 4, 1), date(2019, 3, 31))  # started first day, ended last day
    a_plan(staff, date(2019, 3, 31), date(2019, 4, 1))  # started last day, ended day after
    a_plan(staff, date(2019, 4, 1), None)  # started the day after
    a_plan(staff, date(2017, 4, 1), date(2018, 3, 31))  # ended the day before
    assert measures.plans_started(YEAR) == 2
    assert measures.plans_ended(YEAR) == 2


def test_a_plan_is_a_repeat_when_the_child_had_an_earlier_plan_or_one_was_recorded(staff):
    child = a_child(staff)
    a_plan(staff, date(2015, 1, 5), date(2016, 1, 5), child=child)  # earlier, outside the year
    a_plan(staff, date(2018, 6, 1), None, child=child)  # repeat: earlier plan
    a_plan(staff, date(2018, 7, 1), None, previous_plans=1)  # repeat: recorded
    a_plan(staff, date(2018, 8, 1), None)  # first plan
    a_plan(staff, date(2018, 9, 1), None)  # first plan
    assert measures.plans_started_second_or_subsequent(YEAR) == Ratio(2, 4)
    assert measures.plans_started_second_or_subsequent(YEAR).percent == 50


def test_two_plans_of_a_child_in_the_year_make_the_second_a_repeat(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 4, 20), date(2018, 9, 1), child=child)
    a_plan(staff, date(2018, 12, 3), None, child=child)
    assert measures.plans_started_second_or_subsequent(YEAR) == Ratio(1, 2)


def test_a_plan_starting_the_same_day_as_another_is_not_earlier(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 6, 1), date(2018, 6, 2), child=child)
    a_plan(staff, date(2018, 6, 1), None, child=child)
    assert measures.plans_started_second_or_subsequent(YEAR) == Ratio(0, 2)


def test_no_plans_started_gives_no_percent(staff):
    assert measures.plans_started_second_or_subsequent(YEAR) == Ratio(0, 0)
    assert measures.plans_started_second_or_subsequent(YEAR).percent is None
