"""The report as a tagged PDF, a spreadsheet, CSV and charts: every section, safe cells."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from iro.reports import builders, charts
from iro.reports.renderers import document, spreadsheet, tabular
from tests.challenge.factories import (
    DisputeFactory,
    FeedbackFactory,
    MultiAgencyChallengeFactory,
    TargetFactory,
)
from tests.factories import AgencyFactory, ConferenceFactory, TeamFactory
from tests.reports.conftest import a_child, a_plan, build_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_year(staff):
    """A year with something in every section of the annual report."""
    build_authority(staff, 6)
    FeedbackFactory(
        conference=ConferenceFactory(held_on=date(2018, 7, 2), chair=staff.iro),
        text="Much better way than the old way.",
        attribution="Mother, after a strength based conference",
        featured=True,
    )
    TargetFactory(
        year="2018-19",
        measure="icpc_within_15_working_days",
        value=Decimal("80"),
        action="Book every initial conference the day the enquiry starts.",
    )
    TargetFactory(
        year="2019-20",
        measure="child_attended",
        value=Decimal("30"),
        action="Make meetings child friendly.",
    )
    return builders.annual_report("2018-19")


SECTION_TITLES = [
    "Children and young people on a child protection plan",
    "Timeliness of conferences",
    "When IROs have worries",
    "Engagement with children and young people",
    "Feedback from children, families and professionals",
    "By team and by chair",
    "What people told us",
    "Action plan",
]


def test_the_printable_annual_report_holds_every_section(full_year):
    html = document.render_html(full_year)
    for title in SECTION_TITLES:
        assert f"<h2>{title}</h2>" in html
    assert '<html lang="en-GB">' in html
    assert "Much better way than the old way." in html
    assert "Make meetings child friendly." in html
    # This year's targets keep their actions beside the progress made, as on the page.
    assert '<span class="action">Book every initial conference the day the enquiry' in html
    assert html.count('<img src="data:image/svg+xml;base64,') == html.count("<figure>") >= 5
    assert 'alt=""' not in html


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed streams inflated, to look for entries."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_pdf_is_tagged_pdf_ua_with_its_language_title_and_figure_alternatives(full_year):
    pdf = document.render_pdf(full_year)
    assert pdf.startswith(b"%PDF-")
    content = _pdf_objects(pdf)
    assert b'pdfuaid:part="1"' in content
    assert b"/Lang (en-GB)" in content
    assert b"/StructTreeRoot" in content
    assert b"Annual report 2018-19" in content  # the title in the metadata
    assert content.count(b"/Alt") >= 5


def test_the_spreadsheet_has_a_sheet_per_part_and_numbers_as_numbers(full_year):
    book = load_workbook(io.BytesIO(spreadsheet.render_xlsx(full_year)))
    assert book.sheetnames == [
        "Measures",
        "Trend",
        "By team",
        "By chair",
        "Comparisons",
        "Quotes",
        "Action plan",
        "Words",
        "Definitions",
    ]
    assert list(book["Words"].iter_rows(values_only=True))[1] == (None, None, spreadsheet.NO_WORDS)
    rows = list(book["Measures"].iter_rows(values_only=True))
    assert rows[0] == ("measure", "label", "item", "2018-19", "2017-18", "note")
    by_item = {(r[0], r[2]): r[3] for r in rows[1:]}
    assert by_item["children_on_plan_during_period", None] == 6
    assert by_item["icpc_within_15_working_days", "percent"] == 100.0
    percent = next(
        r for r in book["Measures"].iter_rows(min_row=2)
        if (r[0].value, r[2].value) == ("icpc_within_15_working_days", "percent")
    )  # fmt: skip
    assert percent[3].number_format == "0.0"  # 100.0, as the page writes it
    plan = list(book["Action plan"].iter_rows(values_only=True))
    assert plan[1][:5] == (
        "2018-19",
        "icpc_within_15_working_days",
        "Initial conferences within 15 working days",
        "at_least",
        80.0,
    )


def test_text_from_the_records_cannot_become_a_formula(staff):
    team = TeamFactory(name='=HYPERLINK("http://x.example","click")')
    child = a_child(staff, team=team)
    a_plan(staff, date(2018, 5, 1), child=child)
    FeedbackFactory(
        conference=ConferenceFactory(held_on=date(2018, 6, 1)),
        text="-2+3 stars",
        attribution="@professional",
        featured=True,
    )
    MultiAgencyChallengeFactory(
        child=child, agency=AgencyFactory(name="+Agency"), raised_on=date(2018, 6, 1)
    )
    report = builders.annual_report("2018-19")
    book = load_workbook(io.BytesIO(spreadsheet.render_xlsx(report)))
    teams = [row[0] for row in book["By team"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x.example","click")' in teams
    quote = next(book["Quotes"].iter_rows(min_row=2, values_only=True))
    assert quote[1:] == ("A professional", "'-2+3 stars")
    assert book["Quotes"]["A2"].number_format == "d mmm yyyy"  # a day, not a time of one
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Neglect", "Neglect"),
        (42, 42),
        (None, None),
    ],
)
def test_safe_text_neutralises_formula_starts(text, safe):
    assert tabular.safe_text(text) == safe


def rows_of(report, key: str) -> dict:
    return {row[2]: tuple(row[3:]) for row in tabular.measure_rows(report) if row[0] == key}


def test_a_rate_left_blank_in_the_rows_says_why_as_the_page_does(staff):
    build_authority(staff, 2)  # no child population recorded for either year
    report = builders.annual_report("2018-19")
    rate = rows_of(report, "children_on_plan_at_period_end_per_10000")[""]
    assert rate == (
        None,
        None,
        "Not known for 2018-19: no child population recorded for the year; "
        "Not known for 2017-18: no child population recorded for the year",
    )


def test_a_rate_for_one_team_says_it_is_not_for_one_team(staff):
    build_authority(staff, 2)
    report = builders.annual_report("2018-19", team=staff.team)
    rate = rows_of(report, "children_on_plan_at_period_end_per_10000")[""]
    assert rate[2] == "Not for one team or chair"  # once: the same for both periods
    assert report.scope == "Moorside Safeguarding Team"  # not "team Moorside ... Team"
    other = builders.annual_report("2018-19", team=TeamFactory(name="Ashby Vale"))
    assert other.scope == "team Ashby Vale"
    assert rows_of(report, "plans_started")[""][2] == ""  # a count has nothing to explain


def test_an_agency_with_no_challenges_in_one_period_has_0_there_not_a_blank(staff):
    child = a_child(staff)
    MultiAgencyChallengeFactory(
        child=child, agency=AgencyFactory(name="Health"), raised_on=date(2018, 6, 1)
    )
    MultiAgencyChallengeFactory(
        child=child, agency=AgencyFactory(name="Police"), raised_on=date(2017, 6, 1)
    )
    rows = rows_of(builders.annual_report("2018-19"), "multi_agency_challenges_raised")
    assert rows["agency: Health"][:2] == (1, 0)
    assert rows["agency: Police"][:2] == (0, 1)
    assert rows["count"][:2] == (1, 1)


def test_the_feedback_rows_start_with_all_feedback_as_the_report_does(staff):
    FeedbackFactory(conference=ConferenceFactory(held_on=date(2018, 6, 1)))
    FeedbackFactory(conference=ConferenceFactory(held_on=date(2018, 7, 1)), respondent="child")
    rows = rows_of(builders.annual_report("2018-19"), "feedback_received")
    assert next(iter(rows)) == "All feedback"
    assert rows["All feedback"][:2] == (2, 0)
    assert rows["Professional"][:2] == (1, 0)
    assert rows["Child or young person"][:2] == (1, 0)


def test_csv_cells_are_neutralised_too(staff):
    assert tabular.to_csv([["=cmd", 1, None]]) == "'=cmd,1,\n"


def test_charts_are_svg_with_text_as_text_alt_text_and_unique_ids(full_year):
    drawn = charts.charts_for(full_year)
    assert set(drawn) == {
        "trend_counts",
        "trend_timeliness",
        "year_on_year",
        *charts.BREAKDOWN_CHARTS,
    }
    ids: list[str] = []
    for key, chart in drawn.items():
        assert chart.svg.startswith('<svg role="img"')
        assert f'<title id="{key}-title">{chart.title}</title>' in chart.svg
        assert "<text" in chart.svg  # svg.fonttype none: labels stay text
        assert chart.alt and chart.rows
        ids += re.findall(r'id="([^"]+)"', chart.svg)
    assert len(ids) == len(set(ids))


def test_charts_carry_no_inline_css_which_the_pages_policy_would_refuse(full_year):
    for chart in charts.charts_for(full_year).values():
        assert " style=" not in chart.svg
        assert "<style" not in chart.svg
        assert 'fill="' in chart.svg  # the colours are presentation attributes instead


def test_the_same_report_draws_the_same_charts(full_year):
    first = charts.charts_for(full_year)["year_on_year"].svg
    assert charts.charts_for(full_year)["year_on_year"].svg == first


def test_a_breakdown_with_nothing_in_either_year_is_not_drawn(staff):
    report = builders.annual_report("2018-19")
    drawn = charts.charts_for(report)
    assert drawn["dispute_reasons"].empty
    assert "nothing was recorded in either period" in document.render_html(report)


def test_disputes_chart_alt_text_reads_the_figures(staff):
    DisputeFactory(child=a_child(staff), raised_on=date(2018, 6, 1), reason="planning")
    chart = charts.charts_for(builders.annual_report("2018-19"))["dispute_reasons"]
    assert "Planning 1 against 0" in chart.alt
    assert chart.rows[1] == ["Planning", 1, 0]


NEW_KEYS = [
    "initial_conferences_held",
    "review_conferences_held",
    "icpc_leading_to_plan",
    "late_icpc_reasons",
    "late_review_reasons",
    "plans_open_two_years_or_more_at_period_end",
    "plans_started_within_two_years_of_previous",
    "children_on_plan_at_period_end_per_10000",
    "children_on_plan_at_period_end_by_age",
    "children_on_plan_at_period_end_by_sex",
    "children_on_plan_at_period_end_by_ethnicity",
    "children_on_plan_at_period_end_with_disability",
    "participation_units",
    "dispute_stage_responses_in_time",
    "dispute_outcomes",
    "multi_agency_challenge_outcomes",
    "iro_caseload_per_fte_at_period_end",
]


@pytest.fixture
def compared_year(staff):
    from iro.challenge.models import Comparison, Population

    build_authority(staff, 6)
    for year, children, england in (("2018-19", 60_000, "43.7"), ("2017-18", 59_800, "45.3")):
        Population.objects.create(
            year=year,
            children=children,
            source="ONS",
            recorded_by=staff.iro_manager,
            recorded_on=date(2019, 5, 1),
        )
        Comparison.objects.create(
            year=year,
            measure="children_on_plan_at_period_end_per_10000",
            area="england",
            value=Decimal(england),
            source=f"Children in need {year}",
            recorded_by=staff.iro_manager,
            recorded_on=date(2019, 11, 1),
        )
    return builders.annual_report("2018-19")


def test_every_new_measure_is_in_every_format_beside_the_year_before(compared_year):
    rows = tabular.measure_rows(compared_year)
    assert {row[0] for row in rows[1:]} >= set(NEW_KEYS)
    (rate,) = [r for r in rows if r[0] == "children_on_plan_at_period_end_per_10000"]
    # 2 children on a plan at the end of the year: 10,000 x 2 / 60,000 = 0.333..: 0.3;
    # none the year before, over its own population: 0.0.
    assert rate[3:] == [Decimal("0.3"), Decimal("0.0"), ""]
    book = load_workbook(io.BytesIO(spreadsheet.render_xlsx(compared_year)))
    keys = {row[0] for row in book["Measures"].iter_rows(values_only=True)}
    assert keys >= set(NEW_KEYS)
    assert list(book["Comparisons"].iter_rows(values_only=True))[1:] == [
        (
            "children_on_plan_at_period_end_per_10000",
            builders.LABELS["children_on_plan_at_period_end_per_10000"],
            "england",
            year,
            value,
            f"Children in need {year}",
        )
        for year, value in (("2018-19", 43.7), ("2017-18", 45.3))
    ]
    html = document.render_html(compared_year)
    for key in NEW_KEYS:
        assert builders.LABELS[key] in html.replace("&#x27;", "'"), key
    assert "England (source: Children in need 2018-19; Children in need 2017-18)" in html
    data = compared_year.as_json()
    assert set(NEW_KEYS) <= set(data["measures"]) and set(NEW_KEYS) <= set(
        data["previous"]["measures"]
    )


def test_the_annual_csv_has_the_figures_by_team_and_by_chair_but_published_by_team_only(
    full_year, staff
):
    rows = list(csv.reader(io.StringIO(tabular.render_csv(full_year))))
    titles = [row[0] for row in rows if len(row) == 1]
    assert titles == ["By team", "By chair"]
    header = rows[rows.index(["By team"]) + 1]
    assert header[:4] == [
        "Team",
        tabular.BREAKDOWN_KEYS[0],
        f"{tabular.BREAKDOWN_KEYS[0]} numerator",
        f"{tabular.BREAKDOWN_KEYS[0]} denominator",
    ]
    teams = {row[0] for row in rows[rows.index(["By team"]) + 2 : rows.index(["By chair"]) - 1]}
    assert teams == {name for name, _ in full_year.by_team}
    published = builders.annual_report("2018-19", edition="published")
    rows = list(csv.reader(io.StringIO(tabular.render_csv(published))))
    assert [row[0] for row in rows if len(row) == 1] == ["By team"]


def test_our_comparison_figure_not_known_says_why_and_links_to_no_children(compared_year):
    from iro.challenge.models import Population
    from iro.reports import presentation

    Population.objects.filter(year="2018-19").delete()
    report = builders.annual_report("2018-19")
    (table,) = [t for t in presentation._comparison_tables(report)]
    ours = table.lines[0]
    assert ours.this == "not known: no child population recorded for the year"
    assert ours.known is False
