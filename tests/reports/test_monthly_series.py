"""The month-by-month figures of a trend equal the measures asked month by month."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import builders, measures
from tests.factories import ClosureDayFactory
from tests.reports.conftest import YEAR, a_plan, a_review, build_authority

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filters", ["none", "team", "chair"])
def test_each_months_figures_equal_the_measures_for_that_month(staff, filters):
    build_authority(staff, 40)
    ClosureDayFactory(date=date(2018, 6, 15))
    plan = a_plan(staff, date(2018, 5, 31))
    a_review(plan, date(2018, 8, 31), chair=staff.iro)
    a_review(plan, date(2018, 8, 31), chair=staff.iro)  # the same date twice
    chosen = {"none": {}, "team": {"team": staff.team}, "chair": {"chair": staff.other_iro}}
    months = builders.trend_months(YEAR)
    assert [m.label for m in months] == [f"2018-{m:02d}" for m in range(4, 13)] + [
        "2019-01",
        "2019-02",
        "2019-03",
    ]
    series = measures.monthly_series(months, **chosen[filters])
    for month, values in zip(months, series, strict=True):
        for key in measures.SERIES_KEYS:
            assert values[key] == measures.MEASURES[key](month, **chosen[filters]), (month, key)
    if filters != "chair":  # a child's chair can change between a month's end and the year's
        total = measures.plans_started(YEAR, **chosen[filters])
        assert sum(v["plans_started"] for v in series) == total
