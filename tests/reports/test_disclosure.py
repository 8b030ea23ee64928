"""The published edition withholds small counts that could point to a child: a
characteristic's count of 1 to 4 reads "fewer than 5" in every format, and one more
count beside it when only one would be withheld; the internal edition keeps them all."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from iro.journey.models import Category
from iro.reports import builders
from iro.reports.disclosure import WITHHELD, WITHHELD_BESIDE, withhold_counts
from iro.reports.renderers import formats
from tests.reports.conftest import YEAR, a_plan, an_icpc, an_s47

pytestmark = pytest.mark.django_db


def test_small_counts_are_withheld_with_the_smallest_larger_one_beside_them():
    withheld = withhold_counts({"NEG": 12, "SAB": 1, "PHY": 7, "EMO": 0})
    assert withheld == {"NEG": 12, "SAB": WITHHELD, "PHY": WITHHELD, "EMO": 0}
    # The one beside is not fewer than 5, and does not say so.
    assert (str(withheld["SAB"]), str(withheld["PHY"])) == ("fewer than 5", "not shown")
    assert withheld["PHY"] is WITHHELD_BESIDE
    assert withhold_counts({"NEG": 12, "PHY": 5, "EMO": 0}) == {"NEG": 12, "PHY": 5, "EMO": 0}


def test_several_small_counts_cannot_be_worked_out_from_the_total():
    """White 16, and three of 1 each: 19 less 16 leaves 3 for three counts of at least 1.
    With White withheld too, the three are no longer known."""
    withheld = withhold_counts({"WHITE": 16, "MIXED": 1, "BLACK": 1, "NOT_KNOWN": 1, "ASIAN": 0})
    assert [str(n) for n in withheld.values()] == [
        "not shown", "fewer than 5", "fewer than 5", "fewer than 5", "0",
    ]  # fmt: skip
    assert withhold_counts({"A": 2, "B": 3}) == {"A": WITHHELD, "B": WITHHELD}
    assert [str(n) for n in withhold_counts({"A": 2, "B": 3}).values()] == [
        "fewer than 5", "fewer than 5",
    ]  # fmt: skip


def test_a_withheld_count_kept_in_the_cache_comes_back_as_it_was():
    import pickle

    assert str(pickle.loads(pickle.dumps(WITHHELD_BESIDE))) == "not shown"  # noqa: S301
    assert pickle.loads(pickle.dumps(WITHHELD)) is WITHHELD  # noqa: S301


@pytest.fixture
def plans(staff):
    """At the end of 2018-19: six children on a plan for neglect, one for sexual abuse,
    in one team."""
    for n in range(6):
        a_plan(staff, date(2018, 5, 1 + n), None, initial_category=Category.NEG,
               latest_category=Category.NEG)  # fmt: skip
    a_plan(staff, date(2018, 7, 1), None, initial_category=Category.SAB,
           latest_category=Category.SAB)  # fmt: skip


def test_the_published_edition_withholds_the_small_count_in_every_format(plans):
    report = builders.build_report("annual", YEAR, edition=builders.PUBLISHED)
    categories = report.measures["plans_at_period_end_by_latest_category"]
    # Sexual abuse 1 is withheld, and neglect beside it (else 7 - 6 gives it away).
    assert categories["SAB"] == WITHHELD and categories["NEG"] == WITHHELD
    assert str(categories["NEG"]) == "not shown"
    assert report.measures["children_on_plan_at_period_end"] == 7
    data = json.loads(formats.render(report, "json")[0])
    assert data["measures"]["plans_at_period_end_by_latest_category"]["SAB"] == "fewer than 5"
    csv_text = formats.render(report, "csv")[0]
    assert "Sexual abuse,fewer than 5," in csv_text
    assert "Sexual abuse,1," not in csv_text
    sheet = load_workbook(io.BytesIO(formats.render(report, "xlsx")[0])).worksheets[0]
    cells = {(row[2], row[3]) for row in sheet.iter_rows(values_only=True)}
    assert ("Sexual abuse", "fewer than 5") in cells
    html = formats.render(report, "html")[0]
    assert "fewer than 5" in html
    by_team = dict(report.by_team)
    assert all(v != 1 for values in by_team.values() for v in values.values())


def test_the_internal_edition_keeps_every_count(plans):
    report = builders.build_report("annual", YEAR)
    categories = report.measures["plans_at_period_end_by_latest_category"]
    assert (categories["SAB"], categories["NEG"]) == (1, 6)


def test_a_small_total_and_a_small_teams_figures_are_withheld(staff):
    a_plan(staff, date(2018, 5, 1), None, initial_category=Category.PHY,
           latest_category=Category.PHY)  # fmt: skip
    report = builders.build_report("annual", YEAR, edition=builders.PUBLISHED)
    assert report.measures["children_on_plan_at_period_end"] == WITHHELD
    assert report.measures["plans_at_period_end_by_latest_category"]["PHY"] == WITHHELD
    figures = dict(report.by_team)[staff.team.name]
    assert figures["children_on_plan_at_period_end"] == WITHHELD
    assert "fewer than 5" in formats.render(report, "html")[0]


def test_the_summary_and_the_pdf_say_fewer_than_5(staff):
    from iro.reports.summary import render, summarise

    a_plan(staff, date(2018, 5, 1), None, initial_category=Category.PHY,
           latest_category=Category.PHY)  # fmt: skip
    report = builders.build_report("annual", YEAR, edition=builders.PUBLISHED)
    summary = summarise(report)
    data = json.loads(render(summary, "json")[0])
    assert data["figures"]["children_on_plan_at_period_end"]["this_year"] == "fewer than 5"
    assert formats.render(report, "pdf")[0].startswith(b"%PDF")


def test_a_teams_published_report_withholds_its_small_figures_and_their_progress(staff):
    from iro.challenge import services as challenge_services
    from iro.reports import charts

    for n in range(2):
        a_plan(staff, date(2018, 5, 1 + n), None)
    an_icpc(an_s47(staff, date(2018, 6, 1)), date(2018, 6, 14), chair=staff.iro)  # in time
    challenge_services.set_target(
        year="2018-19", measure="children_on_plan_at_period_end", value="10",
        direction="at_most", action="Step down plans that have done their work.",
        acting_user=staff.iro_manager,
    )  # fmt: skip
    report = builders.build_report("annual", YEAR, team=staff.team, edition=builders.PUBLISHED)
    assert report.measures["children_on_plan_at_period_end"] == WITHHELD
    assert report.measures["plans_started"] == WITHHELD
    (line,) = [p for p in report.progress if p.measure == "children_on_plan_at_period_end"]
    assert (line.actual, line.met) == (None, None)
    assert report.measures["icpc_within_15_working_days"] == WITHHELD  # 1 of 1
    chart = charts.year_on_year(report)
    icpc = next(r for r in chart.rows if r[0] == builders.LABELS["icpc_within_15_working_days"])
    assert icpc[1] == "fewer than 5"
    assert "fewer than 5" in formats.render(report, "html")[0]
    internal = builders.build_report("annual", YEAR, team=staff.team)
    assert internal.measures["plans_started"] == 2
    # Month by month too: the table beneath the chart gave the counts the figures withheld.
    months = [m for _, m in report.trend]
    assert WITHHELD in [m["plans_started"] for m in months]
    assert all(m["plans_started"] in (0, WITHHELD) for m in months)
    assert all(not isinstance(m["children_on_plan_at_period_end"], int) or
               m["children_on_plan_at_period_end"] in (0,) for m in months)  # fmt: skip
    counts = charts.trend_counts(report)
    assert all(isinstance(row[2], str) or row[2] == 0 for row in counts.rows)
    data = json.loads(formats.render(report, "json")[0])
    assert {m["measures"]["plans_started"] for m in data["sections"]["trend"]} <= {
        0, "fewer than 5",
    }  # fmt: skip


def test_a_teams_ratings_from_fewer_than_5_people_are_withheld():
    from iro.reports.disclosure import _withhold_feedback
    from iro.reports.presentation import rating_text

    feedback = {
        "ratings": {"understood": {"average": 1.0, "answers": 1},
                    "listened": {"average": 4.2, "answers": 6}},
        "themes": {"communication": 2, "timeliness": 7},
    }  # fmt: skip
    _withhold_feedback(feedback)

    assert rating_text(feedback["ratings"]["understood"]) == "fewer than 5 answers"
    assert rating_text(feedback["ratings"]["listened"]) == "4.2 out of 5 (6 answers)"
    assert feedback["themes"] == {"communication": WITHHELD, "timeliness": 7}
