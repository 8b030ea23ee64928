"""A built report laid out for people: sections, rows and tables of formatted figures.

Shared by the web page and the PDF so both say the same thing in the same order (the
seed report's order: children and plans, timeliness, worries, participation, quotes,
action plan). Only formatting happens here; every figure comes from the builders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iro.reports.builders import ITEM_LABELS, LABELS, Report, TargetLine
from iro.reports.measures import Ratio

NO_DATA = "no data"


def show(value: Any) -> str:
    """A figure as text: 678; 72.0% (180 of 250); 'no data' for a ratio over nothing."""
    if isinstance(value, Ratio):
        if value.percent is None:
            return NO_DATA
        return f"{value.percent}% ({value.numerator:,} of {value.denominator:,})"
    if isinstance(value, dict) and "count" in value and "percent" in value:
        percent = value["percent"]
        return f"{value['count']:,}" + ("" if percent is None else f" ({percent:.1f}%)")
    if isinstance(value, int):
        return f"{value:,}"
    return NO_DATA if value is None else str(value)


def headline(value: Any) -> str:
    """The big number of a figure: the count, or the percent alone."""
    if isinstance(value, Ratio):
        return NO_DATA if value.percent is None else f"{value.percent}%"
    return show(value)


@dataclass(frozen=True)
class Line:
    """One row of a section table: a figure this period and the period before."""

    key: str
    label: str
    this: str
    previous: str
    item: str = ""  # a breakdown's key, for the link to its children


@dataclass(frozen=True)
class Table:
    title: str
    lines: list[Line]
    first: str = "Measure"  # the heading of the first column
    chart: str = ""  # the key of the chart this table gives the data of, drawn beside it


# Breakdowns drawn as a chart beside their table (charts.BREAKDOWN_CHARTS).
CHARTED = frozenset(
    {
        "plans_at_period_end_by_latest_category",
        "plans_ended_by_duration",
        "dispute_reasons",
        "dispute_resolution_stage",
    }
)

BREAKDOWN_FIRST = {
    "plans_at_period_end_by_latest_category": "Category",
    "plans_ended_by_duration": "Duration",
    "dispute_reasons": "Reason",
    "dispute_resolution_stage": "Stage",
    "multi_agency_challenges_raised": "Agency",
}


@dataclass
class Section:
    slug: str
    title: str
    intro: str
    highlights: list[tuple[str, str, str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # keys of charts with their own tables


def _lines(report: Report, keys: list[str]) -> list[Line]:
    return [
        Line(key, LABELS[key], show(report.measures[key]), show(report.previous[key]))
        for key in keys
    ]


def _breakdown(report: Report, key: str) -> Table:
    this, last = report.measures[key], report.previous[key]
    if key == "multi_agency_challenges_raised":
        agencies = sorted(set(this["by_agency"]) | set(last["by_agency"]))
        lines = [Line(key, "All agencies", show(this["count"]), show(last["count"]))]
        lines += [
            Line(
                key,
                agency,
                show(this["by_agency"].get(agency, 0)),
                show(last["by_agency"].get(agency, 0)),
                agency,
            )
            for agency in agencies
        ]
        return Table(LABELS[key], lines, BREAKDOWN_FIRST[key], key if key in CHARTED else "")
    return Table(
        LABELS[key],
        [
            Line(key, ITEM_LABELS.get(item, item), show(this[item]), show(last.get(item)), item)
            for item in this
        ],
        BREAKDOWN_FIRST[key],
        key if key in CHARTED else "",
    )


def _highlight(report: Report, key: str) -> tuple[str, str, str, str]:
    return (
        key,
        LABELS[key],
        headline(report.measures[key]),
        headline(report.previous[key]),
    )


def sections(report: Report) -> list[Section]:
    """The report's sections in reading order, with the charts that belong to each."""
    plans = Section(
        "children",
        "Children and young people on a child protection plan",
        "Children subject to a plan during the period and at its end, the plans started "
        "and ended, and how many were a second or later plan.",
        [
            _highlight(report, "children_on_plan_during_period"),
            _highlight(report, "children_on_plan_at_period_end"),
        ],
        [
            Table(
                "Children and plans",
                _lines(
                    report,
                    [
                        "children_on_plan_during_period",
                        "children_on_plan_at_period_end",
                        "plans_started",
                        "plans_ended",
                        "plans_started_second_or_subsequent",
                    ],
                ),
            ),
            _breakdown(report, "plans_at_period_end_by_latest_category"),
            _breakdown(report, "plans_ended_by_duration"),
        ],
        ["trend_counts"],
    )
    timeliness = Section(
        "timeliness",
        "Timeliness of conferences",
        "Initial conferences should be held within 15 working days of the strategy "
        "discussion; the first review within 3 months of the plan starting, and later "
        "reviews at most 6 months apart.",
        [
            _highlight(report, "icpc_within_15_working_days"),
            _highlight(report, "review_conferences_in_timescale"),
        ],
        [
            Table(
                "Timeliness",
                _lines(
                    report,
                    [
                        "icpc_within_15_working_days",
                        "reviews_on_time",
                        "review_conferences_in_timescale",
                    ],
                ),
            )
        ],
        ["trend_timeliness"],
    )
    worries = Section(
        "worries",
        "When IROs have worries",
        "Disputes raised with children's services about a child's plan (the Dispute "
        "Resolution Process), the stage that resolved them, and challenges to other "
        "agencies (the multi-agency challenge process).",
        [_highlight(report, "children_with_dispute_raised")],
        [
            Table("Disputes", _lines(report, ["children_with_dispute_raised", "disputes_raised"])),
            _breakdown(report, "dispute_reasons"),
            _breakdown(report, "dispute_resolution_stage"),
            _breakdown(report, "multi_agency_challenges_raised"),
        ],
        [],
    )
    participation = Section(
        "participation",
        "Engagement with children and young people",
        "Of the child conferences held (one per child per conference): whether the child "
        "attended, whether their views reached the conference, whether an advocate was "
        "involved, and whether the chair met the child and parents beforehand.",
        [_highlight(report, "child_attended"), _highlight(report, "advocate_involved")],
        [
            Table(
                "Participation",
                _lines(
                    report,
                    [
                        "conferences_held",
                        "child_attended",
                        "child_views_represented",
                        "advocate_involved",
                        "pre_meetings_held",
                    ],
                ),
            )
        ],
        ["year_on_year"],
    )
    return [plans, timeliness, worries, participation]


BREAKDOWN_COLUMNS = [
    ("children_on_plan_during_period", "On a plan during"),
    ("children_on_plan_at_period_end", "On a plan at end"),
    ("plans_started", "Plans started"),
    ("icpc_within_15_working_days", "ICPC in time"),
    ("review_conferences_in_timescale", "Reviews in timescale"),
    ("reviews_on_time", "Reviews all on time"),
    ("children_with_dispute_raised", "Children with a dispute"),
    ("child_attended", "Child attended"),
]


def breakdown_rows(groups: list[tuple[str, dict]]) -> list[list[str]]:
    """Rows of a by-team or by-chair table, in ``BREAKDOWN_COLUMNS`` order."""
    return [
        [name, *(headline(values[key]) for key, _ in BREAKDOWN_COLUMNS)] for name, values in groups
    ]


def target_text(line: TargetLine) -> str:
    unit = (
        ""
        if line.measure in ("children_on_plan_at_period_end", "children_with_dispute_raised")
        else "%"
    )
    word = "at most" if line.direction == "at_most" else "at least"
    return f"{word} {float(line.value):g}{unit}"


def progress_text(line: TargetLine) -> str:
    if line.met is None:
        return "No data this year"
    return "Met" if line.met else "Not met"


def figure_text(line: TargetLine, value) -> str:
    if value is None:
        return NO_DATA
    unit = (
        ""
        if line.measure in ("children_on_plan_at_period_end", "children_with_dispute_raised")
        else "%"
    )
    return f"{value:g}{unit}"


@dataclass(frozen=True)
class Block:
    """A table as laid out: alone, or as the data beside its chart."""

    table: Table
    chart: Any = None  # a charts.Chart, when one is drawn beside the table
    image: str = ""  # the chart as a data: URL, for the PDF


def laid_out(report: Report, charts: dict, images: dict | None = None) -> list[tuple]:
    """``(section, blocks, [(chart, image)])`` per section: each table with its chart
    beside it where it has one (and something to draw), then the section's other charts."""
    images = images or {}
    result = []
    for section in sections(report):
        blocks = []
        for table in section.tables:
            chart = charts.get(table.chart) if table.chart else None
            if chart is not None and chart.empty:
                chart = None
            blocks.append(Block(table, chart, images.get(table.chart, "") if chart else ""))
        own = [(charts[key], images.get(key, "")) for key in section.charts]
        result.append((section, blocks, own))
    return result


def words_and_definitions(report: Report) -> dict:
    """The report's words by section (``context_words``, ``went_well``, ``was_hard``,
    ``next_steps``: "" where not written) and its definitions appendix as
    ``(key, label, definition)``, for the page and the printable document."""
    return {
        "context_words": report.words("context"),
        "went_well": report.words("went_well"),
        "was_hard": report.words("was_hard"),
        "next_steps": report.words("next_steps"),
        "definitions": [(key, LABELS.get(key, key), text) for key, text in report.definitions],
    }
