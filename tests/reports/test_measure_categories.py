"""plans_at_period_end_by_latest_category, year 2018-19."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey.models import Category
from iro.reports import measures
from tests.reports.conftest import YEAR, a_child, a_plan

pytestmark = pytest.mark.django_db

NONE = {"NEG": 0, "PHY": 0, "EMO": 0, "SAB": 0, "MUL": 0}


def test_children_at_the_end_count_by_the_latest_category_as_recorded_now(staff):
    a_plan(
        staff, date(2018, 5, 1), None, initial_category=Category.PHY, latest_category=Category.EMO
    )
    a_plan(staff, date(2018, 6, 1), None, initial_category=Category.NEG)
    a_plan(staff, date(2017, 6, 1), date(2019, 4, 1), initial_category=Category.NEG)
    a_plan(staff, date(2017, 6, 1), date(2019, 3, 31), initial_category=Category.SAB)  # ended
    a_plan(staff, date(2019, 4, 1), None, initial_category=Category.MUL)  # after the end
    assert measures.plans_at_period_end_by_latest_category(YEAR) == NONE | {"NEG": 2, "EMO": 1}


def test_a_child_with_two_open_plans_counts_once_under_the_later_start(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 4, 20), None, child=child, initial_category=Category.NEG)
    a_plan(staff, date(2018, 12, 3), None, child=child, initial_category=Category.MUL)
    assert measures.plans_at_period_end_by_latest_category(YEAR) == NONE | {"MUL": 1}


def test_two_open_plans_starting_the_same_day_count_once(staff):
    child = a_child(staff)
    a_plan(staff, date(2018, 4, 20), None, child=child, initial_category=Category.NEG)
    a_plan(staff, date(2018, 4, 20), None, child=child, initial_category=Category.PHY)
    counts = measures.plans_at_period_end_by_latest_category(YEAR)
    assert sum(counts.values()) == 1


def test_every_category_is_present_with_zero_when_none(staff):
    assert measures.plans_at_period_end_by_latest_category(YEAR) == NONE
    assert list(NONE) == list(measures.plans_at_period_end_by_latest_category(YEAR))
