"""Periods not yet over: read as at today, provisional in every format, targets on track or
not; periods not yet begun refused on the page, on download and on the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from iro.challenge import services as challenge_services
from iro.reports import builders, charts, measures, presentation
from iro.reports.measures import Ratio
from iro.reports.renderers import document, formats
from iro.timescales import PeriodNotBegun, parse_period
from tests.reports.conftest import a_plan, a_review

pytestmark = pytest.mark.django_db

NOTE = "Provisional: year to date, as at 2 December 2026"


def on(day: date):
    """The clock stopped at noon on ``day``."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def review_due_next_month(staff):
    """A plan started 15 April 2026, first review due 15 July and held on 10 July (on time);
    the next review falls due six months later, on 10 January 2027, and is not yet held."""
    plan = a_plan(staff, date(2026, 4, 15))
    a_review(plan, date(2026, 7, 10), chair=staff.iro)
    return plan


def test_a_review_due_next_month_is_not_late_today(staff, review_due_next_month):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    assert report.provisional
    assert report.measures["reviews_on_time"] == Ratio(1, 1)
    # Read over the whole year, the review due on 10 January would already count as missed.
    assert measures.reviews_on_time(parse_period("annual", "2026-27")) == Ratio(0, 1)


def test_the_review_is_still_on_time_on_the_day_it_falls_due(staff, review_due_next_month):
    with on(date(2027, 1, 10)):
        assert builders.annual_report("2026-27").measures["reviews_on_time"] == Ratio(1, 1)


def test_the_review_is_late_once_its_due_date_has_passed(staff, review_due_next_month):
    with on(date(2027, 1, 11)):
        report = builders.annual_report("2026-27")
    assert report.provisional
    assert report.measures["reviews_on_time"] == Ratio(0, 1)


def test_at_period_end_means_today_for_a_provisional_period(staff):
    a_plan(staff, date(2026, 5, 1), date(2026, 12, 20))  # ends after today: still on a plan
    a_plan(staff, date(2026, 5, 1), date(2026, 11, 30))  # ended before today
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    assert report.measures["children_on_plan_at_period_end"] == 1
    assert report.measures["plans_ended"] == 1  # the one ending on 20 December has not yet


def test_the_json_says_provisional_and_as_at_with_the_periods_own_last_day(staff):
    with on(date(2026, 12, 2)):
        data = json.loads(json.dumps(builders.annual_report("2026-27").as_json()))
    assert data["provisional"] is True
    assert data["as_at"] == "2026-12-02"
    assert data["period"] == {
        "label": "2026-27",
        "first_day": "2026-04-01",
        "last_day": "2027-03-31",
    }
    assert data["previous"]["period"]["label"] == "2025-26"
    assert data["previous"]["as_at"] == "2025-12-02"
    last_month = data["sections"]["trend"][-1]
    assert last_month["period"]["label"] == "2026-12"
    assert last_month["as_at"] == "2026-12-02"


def test_a_completed_period_is_not_provisional_and_as_at_its_last_day(staff):
    with on(date(2026, 12, 2)):
        data = builders.annual_report("2025-26").as_json()
    assert data["provisional"] is False
    assert data["as_at"] == "2026-03-31"
    assert "as_at" not in data["sections"]["trend"][-1]


def test_the_previous_period_is_the_same_span_a_year_earlier(staff):
    a_plan(staff, date(2025, 11, 20))  # within 1 April to 2 December 2025
    a_plan(staff, date(2025, 12, 10))  # after 2 December 2025: not in the same span
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    assert report.previous_period.last_day == date(2025, 12, 2)
    assert report.previous["plans_started"] == 1


def test_breakdowns_and_drill_down_read_the_same_span(staff):
    a_plan(staff, date(2026, 6, 1))
    a_plan(staff, date(2026, 12, 2))  # today: counted
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    by_team = dict(report.by_team)
    assert by_team[staff.team.name]["children_on_plan_at_period_end"] == 2
    assert report.measures["plans_started"] == 2


def test_the_children_behind_a_figure_are_those_counted_so_far(client, staff):
    a_plan(staff, date(2026, 11, 20))
    a_plan(staff, date(2026, 12, 20))  # starts after today: not yet a plan started
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/monthly/2026-11/plans_started/").content.decode()
        assert "1 row behind this figure" in page
        page = client.get("/reports/annual/2026-27/plans_started/").content.decode()
    assert "1 row behind this figure" in page
    assert "provisional, 1 April 2026 to 2 December 2026" in page


def test_a_quarter_or_month_says_period_to_date(staff):
    with on(date(2026, 12, 2)):
        quarter = builders.quarterly_report("2026-27-Q3")
        month = builders.monthly_report("2026-12")
    assert quarter.provisional_note == "Provisional: period to date, as at 2 December 2026"
    assert month.provisional_note == "Provisional: period to date, as at 2 December 2026"
    assert month.previous_period.last_day == date(2025, 12, 2)


def test_every_format_says_provisional_in_words(staff):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    html = document.render_html(report)
    assert NOTE in html  # the PDF is made from this document
    # and every page's footer says so, so a page printed alone does too
    assert (
        '@bottom-left { content: "Annual report 2026-27 · provisional, as at 2 December 2026'
        in (html.replace("&quot;", '"'))
    )
    header = next(csv.reader(io.StringIO(formats.render(report, "csv")[0])))
    assert header[3] == f"2026-27 ({NOTE})"
    assert header[4] == "2025-26 (to 2 December 2025)"
    book = load_workbook(io.BytesIO(formats.render(report, "xlsx")[0]))
    assert book["Measures"]["D1"].value == f"2026-27 ({NOTE})"


def test_the_trends_month_not_yet_over_says_it_runs_only_to_today(staff):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    labels = [builders.trend_label(p) for p, _ in report.trend]
    assert labels[-2:] == ["2026-11", "2026-12 to 2 Dec"]
    chart = charts.trend_counts(report)
    assert chart.rows[-1][0] == "2026-12 to 2 Dec"  # the chart's table ...
    assert chart.alt.split(". ")[0].endswith("to 2026-12 to 2 Dec")  # ... and its description
    book = load_workbook(io.BytesIO(formats.render(report, "xlsx")[0]))
    assert [row[0].value for row in book["Trend"].iter_rows(min_row=2)][-1] == "2026-12 to 2 Dec"


def test_a_completed_period_says_nothing_of_provisional(staff):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2025-26")
    assert report.provisional_note is None
    assert "Provisional" not in document.render_html(report)
    assert "provisional, as at" not in document.render_html(report)
    assert formats.render(report, "csv")[0].startswith("measure,label,item,2025-26,2024-25,note\n")


@pytest.fixture
def reviews_target(staff):
    challenge_services.set_target(
        year="2026-27",
        measure="reviews_on_time",
        value=90,
        action="Book every review before it falls due.",
        acting_user=staff.iro_manager,
    )


def test_a_target_for_a_provisional_year_is_on_track_never_met(
    staff, review_due_next_month, reviews_target
):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    (line,) = report.progress
    assert line.verdict == "On track"
    assert line.as_json()["on_track"] is True
    assert "met" not in line.as_json()
    with on(date(2027, 1, 11)):
        (line,) = builders.annual_report("2026-27").progress
    assert line.verdict == "Not on track"


def test_the_targets_page_position_is_on_track_while_the_year_runs(
    staff, review_due_next_month, reviews_target
):
    (line,) = builders.targets_with_position("2026-27", day=date(2026, 12, 2))
    assert line.verdict == "On track"
    (line,) = builders.targets_with_position("2026-27", day=date(2027, 4, 1))
    assert line.verdict == "Not met"  # the year is over: the review of 10 January was missed


def test_the_report_page_shows_on_track(client, staff, review_due_next_month, reviews_target):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        page = client.get("/reports/annual/2026-27/").content.decode()
    assert NOTE in page
    assert "On track" in page
    assert ">Met<" not in page
    # No link to a year not begun, nor to the year before, when the records begin in
    # April 2026 (that report would be all noughts).
    assert 'href="/reports/annual/2027-28/"' not in page
    assert 'href="/reports/annual/2025-26/"' not in page


def test_a_period_not_yet_begun_has_no_report(staff):
    with on(date(2026, 12, 2)), pytest.raises(PeriodNotBegun):
        builders.annual_report("2027-28")


def test_a_period_not_yet_begun_is_refused_on_the_page(client, staff):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        response = client.get("/reports/annual/2030-31/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no report yet for 2030-31" in page
    assert "begins on 1 April 2030" in page
    assert 'href="/reports/annual/2026-27/"' in page


def test_a_period_not_yet_begun_is_refused_for_download(client, staff):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        response = client.get("/reports/monthly/2027-01.json")
    assert response.status_code == 404
    assert "There is no report yet for 2027-01" in response.content.decode()
    assert "Content-Disposition" not in response


def test_a_period_not_yet_begun_is_refused_for_its_children(client, staff):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        response = client.get("/reports/quarterly/2026-27-Q4/plans_started/")
    assert response.status_code == 404


def test_a_typed_period_not_yet_begun_is_an_error_on_the_form(client, staff):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        response = client.get("/reports/", {"kind": "annual", "period": "2027-28"})
    assert response.status_code == 200
    assert "The annual period 2027-28 has not begun" in response.content.decode()


def test_the_command_refuses_a_period_not_yet_begun_with_exit_status_2(staff):
    with on(date(2026, 12, 2)), pytest.raises(CommandError) as error:
        call_command("report", "annual", "--period", "2027-28", stdout=io.StringIO())
    assert error.value.returncode == 2
    assert str(error.value).startswith("The annual period 2027-28 has not begun")
    assert "\n" not in str(error.value)


def test_the_command_reports_a_period_under_way_as_provisional(staff):
    out = io.StringIO()
    with on(date(2026, 12, 2)):
        call_command("report", "monthly", "--period", "2026-12", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["provisional"], data["as_at"]) == (True, "2026-12-02")


def test_the_action_plan_shows_a_percentage_to_one_decimal_like_the_rest_of_the_report(
    staff, review_due_next_month, reviews_target
):
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
    (row,) = presentation.progress_rows(report)
    assert row[2] == "100.0%"  # the one review so far in time


def test_a_year_not_over_heads_its_columns_to_the_day_beside_the_same_stretch_before(
    client, staff, review_due_next_month, reviews_target
):
    client.force_login(staff.iro_manager)
    with on(date(2026, 12, 2)):
        report = builders.annual_report("2026-27")
        page = client.get("/reports/annual/2026-27/").content.decode()
    assert (report.this_column, report.previous_column) == ("2026-27 to 2 Dec", "2025-26 to 2 Dec")
    assert '--numeric">2026-27 to 2 Dec</th>' in page
    assert '--numeric">2025-26 to 2 Dec</th>' in page
    assert '--numeric">2025-26</th>' not in page  # never headed as the whole year
    from iro.reports.renderers.document import render_html

    # The document's opening line gives the stretch a year earlier, not the whole year.
    assert "to 2 December 2026, beside 1 April 2025 to 2 December 2025." in render_html(report)
    with on(date(2027, 4, 2)):
        over = builders.annual_report("2026-27")
    assert (over.this_column, over.previous_column) == ("2026-27", "2025-26")
