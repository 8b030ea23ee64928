"""Team and chair filters of the plan and child measures (see the measures docstring)."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from iro.reports.measures import Ratio
from iro.timescales import parse_period
from tests.reports.conftest import YEAR, a_child, a_plan, a_review

pytestmark = pytest.mark.django_db


def test_the_team_is_the_childs_team(staff):
    a_plan(staff, date(2018, 6, 1))
    a_plan(staff, date(2018, 6, 1), child=a_child(staff, team=staff.other_team))
    a_plan(staff, date(2018, 6, 1), child=a_child(staff, team=staff.other_team))
    assert measures.children_on_plan_during_period(YEAR, team=staff.team) == 1
    assert measures.children_on_plan_during_period(YEAR, team=staff.other_team) == 2
    assert measures.plans_started(YEAR, team=staff.other_team) == 2


def test_the_chair_of_a_child_is_the_chair_of_their_latest_conference_by_the_last_day(staff):
    plan = a_plan(staff, date(2018, 6, 1))
    a_review(plan, date(2018, 9, 1), chair=staff.iro)
    a_review(plan, date(2019, 2, 1), chair=staff.other_iro)
    a_review(plan, date(2019, 4, 2), chair=staff.iro)  # after the year: not counted
    assert measures.children_on_plan_at_period_end(YEAR, chair=staff.other_iro) == 1
    assert measures.children_on_plan_at_period_end(YEAR, chair=staff.iro) == 0
    # By the end of the second quarter (30 September) the latest was Ivy's review.
    q2 = parse_period("quarterly", "2018-19-Q2")
    assert measures.children_on_plan_at_period_end(q2, chair=staff.iro) == 1


def test_a_child_without_a_conference_in_the_period_stays_with_the_last_chair(staff):
    plan = a_plan(staff, date(2018, 6, 1))
    a_review(plan, date(2018, 9, 1), chair=staff.iro)
    october = parse_period("monthly", "2018-10")
    assert measures.children_on_plan_at_period_end(october, chair=staff.iro) == 1
    assert measures.reviews_on_time(october, chair=staff.iro) == Ratio(1, 1)
    assert measures.plans_at_period_end_by_latest_category(october, chair=staff.iro)["NEG"] == 1


def test_the_breakdown_by_chair_adds_up_to_the_whole(staff):
    for chair, start in [
        (staff.iro, date(2018, 5, 1)),
        (staff.other_iro, date(2018, 6, 1)),
        (staff.iro_manager, date(2018, 7, 1)),
    ]:
        a_review(a_plan(staff, start), start.replace(month=start.month + 3), chair=chair)
    chairs = [staff.iro, staff.other_iro, staff.iro_manager]
    for key in ("children_on_plan_during_period", "children_on_plan_at_period_end"):
        whole = measures.MEASURES[key](YEAR)
        assert sum(measures.MEASURES[key](YEAR, chair=c) for c in chairs) == whole == 3
