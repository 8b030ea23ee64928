"""children_on_plan_during_period and children_on_plan_at_period_end, year 2018-19."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from tests.reports.conftest import YEAR, a_child, a_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "during", "at_end"),
    [
        (date(2015, 6, 1), None, 1, 1),  # open for years
        (date(2017, 1, 1), date(2018, 3, 31), 0, 0),  # ended the day before the year
        (date(2017, 1, 1), date(2018, 4, 1), 1, 0),  # ended on its first day
        (date(2018, 4, 1), date(2018, 4, 2), 1, 0),  # started on its first day
        (date(2018, 6, 1), date(2019, 3, 31), 1, 0),  # ended on the last day: not at the end
        (date(2018, 6, 1), date(2019, 4, 1), 1, 1),  # ended the day after: on a plan at the end
        (date(2019, 3, 31), None, 1, 1),  # started on the last day
        (date(2019, 4, 1), None, 0, 0),  # started the day after
    ],
)
def test_a_plan_counts_by_its_dates_against_the_year(staff, start, end, during, at_end):
    a_plan(staff, start, end)
    assert measures.children_on_plan_during_period(YEAR) == during
    assert measures.children_on_plan_at_period_end(YEAR) == at_end


def test_a_child_with_two_plans_in_the_year_is_one_child(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 4, 20), date(2018, 9, 1), child=child)
    a_plan(staff, date(2018, 12, 3), None, child=child)
    assert measures.children_on_plan_during_period(YEAR) == 1
    assert measures.children_on_plan_at_period_end(YEAR) == 1
    assert measures.plans_started(YEAR) == 2


def test_two_open_plans_of_one_child_are_one_child_at_the_end(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 4, 20), None, child=child)
    a_plan(staff, date(2018, 12, 3), None, child=child)
    assert measures.children_on_plan_at_period_end(YEAR) == 1


def test_the_seed_shape_of_a_year_by_hand(staff):
    """Five children: four on a plan during the year, two of them still at 31 March."""
    a_plan(staff, date(2017, 5, 1), date(2018, 5, 1))  # during only
    a_plan(staff, date(2018, 7, 1), None)  # during and at end
    a_plan(staff, date(2016, 7, 1), None)  # during and at end
    a_plan(staff, date(2018, 10, 1), date(2019, 1, 15))  # during only
    a_plan(staff, date(2016, 1, 1), date(2017, 1, 1))  # neither
    assert measures.children_on_plan_during_period(YEAR) == 4
    assert measures.children_on_plan_at_period_end(YEAR) == 2
