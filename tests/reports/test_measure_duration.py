"""plans_ended_by_duration: each band [lower, upper) in calendar months, month ends clamped."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from iro import timescales
from iro.journey.models import Plan
from iro.reports import measures
from iro.timescales import parse_period
from tests.reports.conftest import YEAR, a_child, a_plan

pytestmark = pytest.mark.django_db

BANDS = ["under_3_months", "3_to_6_months", "6_to_12_months", "1_to_2_years", "2_years_and_over"]


def only(band: str) -> dict[str, int]:
    return {key: int(key == band) for key in BANDS}


@pytest.mark.parametrize(
    ("start", "end", "band"),
    [
        # 31 January + 3 months is 30 April (clamped): the 30th is the 3-month edge.
        (date(2018, 1, 31), date(2018, 4, 29), "under_3_months"),
        (date(2018, 1, 31), date(2018, 4, 30), "3_to_6_months"),
        (date(2018, 2, 28), date(2018, 5, 27), "under_3_months"),
        (date(2018, 2, 28), date(2018, 5, 28), "3_to_6_months"),
        # 30 November 2018 + 3 months is 28 February 2019.
        (date(2018, 11, 30), date(2019, 2, 27), "under_3_months"),
        (date(2018, 11, 30), date(2019, 2, 28), "3_to_6_months"),
        # 30 November 2017 + 6 months is 30 May 2018.
        (date(2017, 11, 30), date(2018, 5, 29), "3_to_6_months"),
        (date(2017, 11, 30), date(2018, 5, 30), "6_to_12_months"),
        # 31 August 2017 + 12 months is 31 August 2018.
        (date(2017, 8, 31), date(2018, 8, 30), "6_to_12_months"),
        (date(2017, 8, 31), date(2018, 8, 31), "1_to_2_years"),
        # 15 June 2016 + 24 months is 15 June 2018.
        (date(2016, 6, 15), date(2018, 6, 14), "1_to_2_years"),
        (date(2016, 6, 15), date(2018, 6, 15), "2_years_and_over"),
        (date(2009, 6, 15), date(2018, 6, 15), "2_years_and_over"),
        (date(2018, 6, 15), date(2018, 6, 16), "under_3_months"),
    ],
)
def test_a_plan_ended_in_the_year_falls_in_one_band(staff, start, end, band):
    a_plan(staff, start, end)
    assert measures.plans_ended_by_duration(YEAR) == only(band)


@pytest.mark.parametrize(
    ("start", "end", "band"),
    [
        # 31 January 2019 + 3 months is 30 April 2019.
        (date(2019, 1, 31), date(2019, 4, 29), "under_3_months"),
        (date(2019, 1, 31), date(2019, 4, 30), "3_to_6_months"),
        # A leap year: 30 November 2019 + 3 months is 29 February 2020.
        (date(2019, 11, 30), date(2020, 2, 28), "under_3_months"),
        (date(2019, 11, 30), date(2020, 2, 29), "3_to_6_months"),
        # 29 February 2020 + 12 months is 28 February 2021, outside this year.
        (date(2019, 2, 28), date(2020, 2, 28), "1_to_2_years"),
    ],
)
def test_month_ends_in_2019_20(staff, start, end, band):
    a_plan(staff, start, end)
    assert measures.plans_ended_by_duration(parse_period("annual", "2019-20")) == only(band)


def test_plans_ended_outside_the_year_or_still_open_are_not_counted(staff):
    a_plan(staff, date(2017, 1, 1), date(2018, 3, 31))
    a_plan(staff, date(2017, 1, 1), date(2019, 4, 1))
    a_plan(staff, date(2017, 1, 1), None)
    assert measures.plans_ended_by_duration(YEAR) == dict.fromkeys(BANDS, 0)


def _band_by_hand(start: date, end: date) -> str:
    for key, lower, upper in measures.DURATION_BANDS:
        if (lower is None or end >= timescales.add_months(start, lower)) and (
            upper is None or end < timescales.add_months(start, upper)
        ):
            return key
    raise AssertionError("no band")


def test_the_database_bands_agree_with_timescales_add_months_on_many_dates(staff):
    """Every start from 1 October 2015 to 31 March 2019 against ends near each band edge."""
    rng = random.Random(20190331)
    child = a_child(staff)
    plans, expected = [], dict.fromkeys(BANDS, 0)
    start = date(2015, 10, 1)
    while len(plans) < 600:
        start += timedelta(days=rng.randint(1, 3))
        months = rng.choice([3, 6, 12, 24])
        edge = timescales.add_months(start, months)
        end = edge + timedelta(days=rng.choice([-2, -1, 0, 1]))
        if not YEAR.first_day <= end <= YEAR.last_day or end <= start:
            start = date(2015, 10, 1) + timedelta(days=rng.randint(0, 1200))
            continue
        plans.append(
            Plan(
                child=child,
                start_date=start,
                end_date=end,
                initial_category="NEG",
                latest_category="NEG",
            )
        )
        expected[_band_by_hand(start, end)] += 1
    # Measures only read: plain rows suffice here (no history needed for a read test).
    Plan.objects.bulk_create(plans)
    assert measures.plans_ended_by_duration(YEAR) == expected
    assert sum(expected.values()) == 600
