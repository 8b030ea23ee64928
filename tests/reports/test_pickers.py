"""The reports index lists the years, quarters and months with data, none in the future."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from iro.reports import periods
from tests.challenge.factories import DisputeFactory
from tests.reports.conftest import a_child, a_plan

pytestmark = pytest.mark.django_db


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def links(page: str, kind: str) -> list[str]:
    return re.findall(rf'href="/reports/{kind}/([0-9Q-]+)/"', page)


def test_the_earliest_record_is_the_earliest_date_a_measure_reads(staff):
    assert periods.earliest_record() is None
    a_plan(staff, date(2025, 5, 1))
    DisputeFactory(child=a_child(staff), raised_on=date(2024, 11, 3))
    assert periods.earliest_record() == date(2024, 11, 3)


def test_years_run_from_the_earliest_record_to_today_newest_first(staff):
    years = periods.years_with_data(date(2026, 12, 2), date(2024, 11, 3))
    assert [y.label for y in years] == ["2026-27", "2025-26", "2024-25"]
    assert periods.years_with_data(date(2026, 12, 2), None) == []


def test_the_current_year_lists_only_the_quarters_and_months_begun(staff):
    year = periods.years_with_data(date(2026, 12, 2), date(2024, 11, 3))[0]
    quarters, months = periods.quarters_and_months(year, date(2026, 12, 2), date(2024, 11, 3))
    assert [q.label for q in quarters] == ["2026-27-Q1", "2026-27-Q2", "2026-27-Q3"]
    assert [m.label for m in months] == [f"2026-{n:02d}" for n in range(4, 13)]


def test_the_first_year_lists_from_the_earliest_records_month(staff):
    first = periods.years_with_data(date(2026, 12, 2), date(2024, 11, 3))[-1]
    quarters, months = periods.quarters_and_months(first, date(2026, 12, 2), date(2024, 11, 3))
    assert [q.label for q in quarters] == ["2024-25-Q3", "2024-25-Q4"]
    assert [m.label for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]


def test_the_index_links_periods_with_data_and_none_in_the_future(client, staff):
    a_plan(staff, date(2025, 6, 10))
    client.force_login(staff.analyst)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/").content.decode()
    assert links(page, "annual") == ["2026-27", "2025-26"]
    assert links(page, "quarterly") == ["2026-27-Q1", "2026-27-Q2", "2026-27-Q3"]
    assert links(page, "monthly") == [f"2026-{n:02d}" for n in range(4, 13)]
    assert "Year to date" in page
    assert "2027-01" not in page


def test_choosing_a_year_lists_its_quarters_and_months(client, staff):
    a_plan(staff, date(2025, 6, 10))
    client.force_login(staff.analyst)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/", {"year": "2025-26"}).content.decode()
    assert links(page, "quarterly") == ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4"]
    assert links(page, "monthly") == [
        "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
        "2025-12", "2026-01", "2026-02", "2026-03",
    ]  # fmt: skip
    assert "Quarters and months of 2025-26" in page


def test_an_unknown_year_shows_the_latest(client, staff):
    a_plan(staff, date(2025, 6, 10))
    client.force_login(staff.analyst)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/", {"year": "2030-31"}).content.decode()
    assert "Quarters and months of 2026-27" in page


def test_with_no_records_there_is_nothing_to_choose(client, staff):
    client.force_login(staff.analyst)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/").content.decode()
    assert links(page, "annual") == []
    assert "There are no records yet" in page
