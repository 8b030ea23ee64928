"""A built report laid out for people: sections, rows and tables of formatted figures.

Shared by the web page and the PDF so both say the same thing in the same order (the
seed report's order: children and plans, timeliness, worries, participation, quotes,
action plan). Only formatting happens here; every figure comes from the builders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iro.reports.builders import (
    ITEM_LABELS,
    LABELS,
    RATING_LABELS,
    THEME_LABELS,
    Report,
    TargetLine,
)
from iro.reports.disclosure import WITHHELD_BESIDE, WITHHELD_WORDS, Withheld
from iro.reports.measures import RATIO_KEYS, Ratio, reporting_year

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
    return NO_DATA if value is None else str(value)  # a count withheld: "fewer than 5"


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
    known: bool = True  # a figure this period: else no children behind it to link to


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
    "children_on_plan_at_period_end_by_age": "Age",
    "children_on_plan_at_period_end_by_sex": "Sex",
    "children_on_plan_at_period_end_by_ethnicity": "Ethnic group",
    "late_icpc_reasons": "Reason",
    "late_review_reasons": "Reason",
    "dispute_outcomes": "Outcome",
    "multi_agency_challenge_outcomes": "Outcome",
    "feedback_received": "Who gave it",
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
        Line(
            key,
            LABELS[key],
            _figure(report, key, report.measures[key], report.period),
            _figure(report, key, report.previous[key], report.previous_period),
            known=report.measures[key] is not None,
        )
        for key in keys
    ]


def _figure(report: Report, key: str, value: Any, period) -> str:
    """A figure as text; where a rate has no figure, the page says why (``why_no_figure``),
    not "no data" (which reads as "nothing happened")."""
    if value is not None:
        return show(value)
    return why_no_figure(report, key, period) or show(value)


NOT_KNOWN = "not known: "


def why_no_figure(report: Report, key: str, period) -> str:
    """Why a rate has no figure for the period, where it is not that nothing happened:
    what it is over is not recorded, or it means nothing for one team or chair; "" for
    any other measure."""
    if key == "children_on_plan_at_period_end_per_10000":
        if report.team is not None or report.chair is not None:
            return "not for one team or chair"
        year = reporting_year(period)
        return NOT_KNOWN + (
            f"no child population recorded for {'the year' if year == period.label else year}"
        )
    if key == "iro_caseload_per_fte_at_period_end":
        if report.team is not None:
            return "not for one team"
        return NOT_KNOWN + "no IRO working hours recorded"
    return ""


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
                        "plans_started_within_two_years_of_previous",
                        "plans_open_two_years_or_more_at_period_end",
                        "children_on_plan_at_period_end_per_10000",
                        "children_on_plan_at_period_end_with_disability",
                        "iro_caseload_per_fte_at_period_end",
                    ],
                ),
            ),
            *_comparison_tables(report),
            _breakdown(report, "plans_at_period_end_by_latest_category"),
            _breakdown(report, "plans_ended_by_duration"),
            _breakdown(report, "children_on_plan_at_period_end_by_age"),
            _breakdown(report, "children_on_plan_at_period_end_by_sex"),
            _breakdown(report, "children_on_plan_at_period_end_by_ethnicity"),
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
                        "initial_conferences_held",
                        "icpc_leading_to_plan",
                        "icpc_within_15_working_days",
                        "review_conferences_held",
                        "reviews_on_time",
                        "review_conferences_in_timescale",
                    ],
                ),
            ),
            _breakdown(report, "late_icpc_reasons"),
            _breakdown(report, "late_review_reasons"),
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
            Table(
                "Disputes",
                _lines(
                    report,
                    [
                        "children_with_dispute_raised",
                        "disputes_raised",
                        "dispute_stage_responses_in_time",
                    ],
                ),
            ),
            _breakdown(report, "dispute_reasons"),
            _breakdown(report, "dispute_resolution_stage"),
            _breakdown(report, "dispute_outcomes"),
            _breakdown(report, "multi_agency_challenges_raised"),
            _breakdown(report, "multi_agency_challenge_outcomes"),
        ],
        [],
    )
    participation = Section(
        "participation",
        "Engagement with children and young people",
        "Of the child conferences held (one per child per conference) where the child was "
        "5 or over on the day: whether the child attended, whether their views reached the "
        "conference and whether an advocate was involved. Of every child conference held: "
        "whether the chair met the child and parents beforehand.",
        [_highlight(report, "child_attended"), _highlight(report, "advocate_involved")],
        [
            Table(
                "Participation",
                _lines(
                    report,
                    [
                        "conferences_held",
                        "participation_units",
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
    return [plans, timeliness, worries, participation, feedback_section(report)]


def total(counts: dict) -> Any:
    """The counts added up; withheld ("not shown") when one of them is withheld."""
    if any(isinstance(n, Withheld) for n in counts.values()):
        return WITHHELD_BESIDE
    return sum(counts.values())


def rating_text(rating: dict | None) -> str:
    """A question's average rating: '4.2 out of 5 (37 answers)'; 'no data' for none;
    'fewer than 5 answers' for a team's rating the published edition withholds."""
    if not rating or rating.get("average") is None:
        return NO_DATA
    if isinstance(rating["average"], Withheld):
        return f"{WITHHELD_WORDS} answers"
    answers = rating["answers"]
    return f"{rating['average']:.1f} out of 5 ({answers:,} answer{'' if answers == 1 else 's'})"


def feedback_section(report: Report) -> Section:
    """What families, children and professionals told us, as figures: how many pieces of
    feedback and from whom (``feedback_received``), the average rating of each fixed
    question, and how often each theme came up."""
    this, last = report.measures["feedback_received"], report.previous["feedback_received"]
    received = _breakdown(report, "feedback_received")
    received = Table(
        received.title,
        [
            Line("feedback_received", "All feedback", show(total(this)), show(total(last))),
            *received.lines,
        ],
        received.first,
    )
    now, before = report.feedback or {}, report.previous_feedback or {}
    ratings = Table(
        "Average rating, from 1 (not at all) to 5 (completely)",
        [
            Line(
                "",
                label,
                rating_text(now.get("ratings", {}).get(field)),
                rating_text(before.get("ratings", {}).get(field)),
            )
            for field, label in RATING_LABELS.items()
        ],
        "Question",
    )
    themes = Table(
        "What the feedback was about",
        [
            Line(
                "",
                label,
                show(now.get("themes", {}).get(theme, 0)),
                show(before.get("themes", {}).get(theme, 0)),
            )
            for theme, label in THEME_LABELS.items()
        ],
        "Theme",
    )
    return Section(
        "feedback",
        "Feedback from children, families and professionals",
        "Feedback given after conferences: who gave it, how they rated the fixed questions, "
        "and what it was about. Quotes appear in the annual report only once the IRO "
        "service manager has approved their wording, and never with a name.",
        [],
        [received, ratings, themes],
        [],
    )


def _published(key: str, value) -> str:
    """Another area's figure: a percent for a ratio measure, else the number."""
    if value is None:
        return NO_DATA
    return f"{value}%" if key in RATIO_KEYS else f"{value}"


def _comparison_tables(report: Report) -> list[Table]:
    """Our figure beside other areas' published figures, one table per measure that has
    any recorded: each area's row names its source and the year it is for."""
    tables = []
    # A report for one team or chair is compared as what it is, not as the authority's.
    ours = "This authority"
    if report.team is not None:
        ours = f"This team ({report.team.name})"
    elif report.chair is not None:
        ours = "This chair's conferences"
    for key, rows in report.comparisons.items():
        # Ours as the report's tables say it (why a figure is not known), linked to its
        # children only where there is a figure.
        lines = [
            Line(
                key,
                ours,
                _figure(report, key, report.measures[key], report.period),
                _figure(report, key, report.previous[key], report.previous_period),
                known=report.measures[key] is not None,
            )
        ]
        for row in rows:
            lines.append(
                # No key: another area's figure has no children behind it here. Their
                # published figures are whole years, ours to the day while the year runs.
                Line(
                    "",
                    f"{row.label} (whole year)" if report.provisional else row.label,
                    _published(key, row.this),
                    _published(key, row.previous),
                )
            )
        tables.append(Table(f"Compared with others: {LABELS[key].lower()}", lines, "Area"))
    return tables


BREAKDOWN_COLUMNS = [
    ("children_on_plan_during_period", "On a plan during"),
    ("children_on_plan_at_period_end", "On a plan at end"),
    ("plans_started", "Plans started"),
    ("icpc_within_15_working_days", "ICPC in time"),
    ("review_conferences_in_timescale", "Reviews in timescale"),
    ("reviews_on_time", "Reviews all on time"),
    ("children_with_dispute_raised", "Children with a dispute"),
    ("child_attended", "Child attended"),
    ("initial_conferences_held", "Initial conferences"),
    ("icpc_leading_to_plan", "ICPC led to a plan"),
    ("plans_open_two_years_or_more_at_period_end", "On a plan 2 years or more"),
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
    return line.verdict or "No data this year"


def figure_text(line: TargetLine, value) -> str:
    """A year's figure against a target: a count as it is, a percentage to one decimal
    as every other table of the report shows it ("90.0%", not "90%")."""
    if value is None:
        return NO_DATA
    if line.measure in ("children_on_plan_at_period_end", "children_with_dispute_raised"):
        return f"{value:g}"
    return f"{value:.1f}%"


def progress_rows(report) -> list[tuple]:
    """The action plan's progress table: each target line with its target, this year's
    and last year's figures and the result, as the page and the document show it."""
    return [
        (
            line,
            target_text(line),
            figure_text(line, line.actual),
            figure_text(line, line.baseline),
            progress_text(line),
        )
        for line in report.progress
    ]


def target_rows(report) -> list[tuple]:
    """Next year's targets, each line with its target as words."""
    return [(line, target_text(line)) for line in report.targets_next_year]


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
