"""Charts of a built report as SVG, each with alt text and the table of its data.

Drawn with matplotlib's object API (no pyplot: no global state, safe in a web server),
text kept as text (``svg.fonttype="none"``) so screen readers, search and the PDF's
fonts see it, ids and metadata fixed so the same report gives the same bytes. Charts
only draw figures the builders computed; each ``Chart`` carries the rows of its table.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any

from iro.reports.builders import ITEM_LABELS, LABELS, Report, trend_label
from iro.reports.measures import Ratio

FONT = ["Liberation Sans", "Arial", "DejaVu Sans"]
# The SVG names Arial for readers whose machines lack Liberation Sans; a server that lacks
# Arial must not log it for each label drawn (a demo server's log once held 246,000 such
# lines in eleven minutes).
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
THIS_YEAR = "#0b3b4f"  # dark teal, the service's colour
LAST_YEAR = "#8fb8c9"  # light teal, and hatched: the years differ by more than colour
LINE_COLOURS = ["#0b3b4f", "#d4351c", "#00703c", "#4c2c92"]
MARKERS = ["o", "s", "^", "D"]  # shapes as well as colours: never colour alone


@dataclass(frozen=True)
class Chart:
    """An SVG chart with what a screen reader says instead, and the data drawn."""

    key: str
    title: str
    alt: str
    svg: str
    headers: list[str]
    rows: list[list[Any]]
    empty: bool = False  # nothing but zeros or no data: say so instead of drawing it
    narrow: bool = False  # drawn to sit beside its table rather than above it


def _figure(width: float = 7.0, height: float = 3.2):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    return figure, figure.add_subplot()


def _svg(figure, key: str, title: str, alt: str) -> str:
    import matplotlib

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "iro-report", "font.family": FONT}
    ):
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prologue and DOCTYPE: the SVG is inline
    svg = _without_inline_css(svg)
    # Several charts share a page: every id gets the chart's key so none repeats.
    svg = re.sub(r'id="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    # The accessible name and description on the root element.
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{key}-title {key}-desc" ', 1)
    head_end = svg.index(">") + 1
    return (
        svg[:head_end]
        + f'<title id="{key}-title">{_escape(title)}</title>'
        + f'<desc id="{key}-desc">{_escape(alt)}</desc>'
        + svg[head_end:]
    )


_STYLE_ATTRIBUTE = re.compile(r'(<[A-Za-z][^<>]*?)\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _without_inline_css(svg: str) -> str:
    """The page's Content-Security-Policy refuses inline CSS (``style`` attributes and
    elements), so matplotlib's CSS becomes SVG presentation attributes, which it allows:
    ``style="fill: #fff; stroke-width: 0.8"`` becomes ``fill="#fff" stroke-width="0.8"``.
    Every property matplotlib writes (fill, stroke*, opacity, font-size, font-family,
    text-anchor...) is one. Its one rule, ``*{stroke-linejoin: round; ...}``, goes on
    the root element, where every element without its own value inherits it."""

    def to_attributes(match: re.Match) -> str:
        tag = match.group(1)
        attributes = [
            f'{name}="{value}"'
            for name, value in _declarations(match.group(2))
            if not re.search(rf"\s{re.escape(name)}=", tag)
        ]
        return tag + "".join(" " + a for a in attributes)

    root_rules: list[tuple[str, str]] = []
    for css in _STYLE_ELEMENT.findall(svg):
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            if selector.strip() == "*":
                root_rules += _declarations(body)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(to_attributes, svg)
    if root_rules:
        attributes = "".join(f' {name}="{value}"' for name, value in root_rules)
        svg = svg.replace("<svg ", f"<svg{attributes} ", 1)
    return svg


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=9)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def _legend_above(axes) -> None:
    axes.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3)


def _percent(value: Any) -> float | None:
    if isinstance(value, Ratio):
        return None if value.percent is None else float(value.percent)
    return None


def _shown(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return "no data"
    return f"{value:.1f}{suffix}" if suffix == "%" else f"{value:g}{suffix}"


def _month_ticks(axes, months: list[str]) -> None:
    """The months as labels of numbered positions: drawn as matplotlib draws category
    labels, without its trying to read each label as a date (a third of a chart's time)."""
    axes.set_xticks(range(len(months)), months)
    axes.set_xlim(-0.6, len(months) - 0.4)
    axes.tick_params(axis="x", rotation=45)


def _range_words(values: list[Any]) -> tuple[str, str, str]:
    """First, last and highest of a month-by-month series, as words: a count the
    published edition withholds (a team's) is its words, and left out of the highest."""
    known = [v for v in values if isinstance(v, int)]
    highest = str(max(known)) if known else "not shown"
    return str(values[0]), str(values[-1]), highest


def trend_counts(report: Report) -> Chart:
    """Children on a plan at each month's end, and plans started each month. A team's
    published report withholds its small counts: no point or bar for them, only words."""
    months = [trend_label(p) for p, _ in report.trend]
    on_plan = [m["children_on_plan_at_period_end"] for _, m in report.trend]
    started = [m["plans_started"] for _, m in report.trend]
    figure, axes = _figure()
    x = range(len(months))
    axes.plot(
        x,
        [v if isinstance(v, int) else float("nan") for v in on_plan],
        marker="o",
        color=LINE_COLOURS[0],
        label="On a plan at month end",
    )
    axes.bar(
        x,
        [v if isinstance(v, int) else 0 for v in started],
        color=LAST_YEAR,
        label="Plans started in the month",
    )
    _month_ticks(axes, months)
    axes.set_ylabel("Children", fontsize=9)
    _legend_above(axes)
    _style(axes)
    figure.tight_layout()
    title = "Children on a plan, month by month"
    first, last, highest = _range_words(on_plan)
    known_started = [v for v in started if isinstance(v, int)]
    started_words = (
        f"ranged from {min(known_started)} to {max(known_started)}"
        if len(known_started) == len(started)
        else "are withheld where fewer than 5"
    )
    alt = (
        f"Line and bar chart over {len(months)} months from {months[0]} to {months[-1]}. "
        f"Children on a plan at the month end went from {first} to {last} "
        f"(highest {highest}); plans started each month {started_words}."
    )
    rows = [
        [m, a if isinstance(a, int) else str(a), b if isinstance(b, int) else str(b)]
        for m, a, b in zip(months, on_plan, started, strict=True)
    ]
    empty = all(v == 0 for v in (*on_plan, *started))  # a count withheld is not nothing
    return Chart(
        "trend_counts",
        title,
        alt,
        _svg(figure, "trend_counts", title, alt),
        ["Month", "On a plan at month end", "Plans started"],
        rows,
        empty,
    )


TIMELINESS_KEYS = (
    "icpc_within_15_working_days",
    "review_conferences_in_timescale",
    "child_attended",
)


def trend_timeliness(report: Report) -> Chart:
    """Percentages month by month: ICPCs in time, reviews in timescale, attendance."""
    months = [trend_label(p) for p, _ in report.trend]
    figure, axes = _figure()
    series = {}
    for i, key in enumerate(TIMELINESS_KEYS):
        values = [_percent(m[key]) for _, m in report.trend]
        series[key] = values
        axes.plot(
            range(len(months)),
            [float("nan") if v is None else v for v in values],
            marker=MARKERS[i],
            color=LINE_COLOURS[i],
            label=SHORT[key],
        )
    axes.set_ylim(0, 105)
    axes.set_ylabel("Per cent", fontsize=9)
    _month_ticks(axes, months)
    _legend_above(axes)
    _style(axes)
    figure.tight_layout()
    title = "Timeliness and attendance, month by month"
    parts = []
    for key, values in series.items():
        known = [v for v in values if v is not None]
        parts.append(
            f"{LABELS[key]}: "
            + (f"from {_shown(known[0], '%')} to {_shown(known[-1], '%')}" if known else "no data")
        )
    alt = f"Line chart of percentages from {months[0]} to {months[-1]}. " + "; ".join(parts) + "."
    rows = [
        [month, *(_shown(series[key][i], "%") for key in TIMELINESS_KEYS)]
        for i, month in enumerate(months)
    ]
    return Chart(
        "trend_timeliness",
        title,
        alt,
        _svg(figure, "trend_timeliness", title, alt),
        ["Month", *(LABELS[k] for k in TIMELINESS_KEYS)],
        rows,
        all(v is None for values in series.values() for v in values),
    )


YEAR_ON_YEAR_KEYS = (
    "icpc_within_15_working_days",
    "reviews_on_time",
    "review_conferences_in_timescale",
    "child_attended",
    "child_views_represented",
    "advocate_involved",
    "pre_meetings_held",
    "plans_started_second_or_subsequent",
)

SHORT = {
    "icpc_within_15_working_days": "ICPC in 15 days",
    "reviews_on_time": "Reviews all on time",
    "review_conferences_in_timescale": "Reviews in timescale",
    "child_attended": "Child attended",
    "child_views_represented": "Views represented",
    "advocate_involved": "Advocate involved",
    "pre_meetings_held": "Pre-meetings",
    "plans_started_second_or_subsequent": "Repeat plans",
}


def year_on_year(report: Report) -> Chart:
    """This period beside the same period a year earlier, as percentages."""
    import numpy as np

    this = [_percent(report.measures[k]) for k in YEAR_ON_YEAR_KEYS]
    last = [_percent(report.previous[k]) for k in YEAR_ON_YEAR_KEYS]
    figure, axes = _figure(7.0, 3.6)
    y = np.arange(len(YEAR_ON_YEAR_KEYS))
    height = 0.38
    axes.barh(
        y - height / 2, [v or 0 for v in this], height, color=THIS_YEAR, label=report.this_column
    )
    axes.barh(
        y + height / 2,
        [v or 0 for v in last],
        height,
        color=LAST_YEAR,
        label=report.previous_column,
        hatch="//",
        edgecolor="white",
    )
    # A rate the published edition withholds says so, not "no data".
    words = [
        [_shown(v, "%") if isinstance(raw, Ratio) or raw is None else str(raw)
         for v, raw in zip(values, (figures[k] for k in YEAR_ON_YEAR_KEYS), strict=True)]
        for values, figures in ((this, report.measures), (last, report.previous))
    ]  # fmt: skip
    for offset, values, said in ((-height / 2, this, words[0]), (height / 2, last, words[1])):
        for yi, v, text in zip(y + offset, values, said, strict=True):
            axes.text((v or 0) + 1, yi, text, va="center", fontsize=7)
    axes.set_yticks(y, [SHORT[k] for k in YEAR_ON_YEAR_KEYS], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xlabel("Per cent", fontsize=9)
    _legend_above(axes)
    _style(axes)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    figure.tight_layout()
    title = f"{report.this_column} against {report.previous_column}"
    alt = (
        "Bar chart comparing percentages: "
        + "; ".join(
            f"{SHORT[k]} {a} against {b}" for k, a, b in zip(YEAR_ON_YEAR_KEYS, *words, strict=True)
        )
        + "."
    )
    rows = [[LABELS[k], a, b] for k, a, b in zip(YEAR_ON_YEAR_KEYS, *words, strict=True)]
    return Chart(
        "year_on_year",
        title,
        alt,
        _svg(figure, "year_on_year", title, alt),
        ["Measure", report.this_column, report.previous_column],
        rows,
        all(v is None for v in (*this, *last)),
    )


BREAKDOWN_HEADERS = {
    "plans_at_period_end_by_latest_category": "Category",
    "plans_ended_by_duration": "Duration",
    "dispute_reasons": "Reason",
    "dispute_resolution_stage": "Stage",
}


def breakdown(report: Report, key: str) -> Chart:
    """A breakdown (categories, durations, reasons, stages) this period against last."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    this, last = report.measures[key], report.previous[key]

    def count(value: Any) -> int | str:
        """The bar's figure; a count the published edition withholds is its words."""
        value = value["count"] if isinstance(value, dict) else value
        return value if isinstance(value, int) else str(value)

    def length(value: int | str) -> int:
        return value if isinstance(value, int) else 0  # withheld: no bar, only its words

    items = list(this)
    labels = [ITEM_LABELS.get(item, item) for item in items]
    a = [count(this[i]) for i in items]
    b = [count(last.get(i, 0)) for i in items]
    figure, axes = _figure(4.4, 0.9 + 0.42 * len(items))
    y = np.arange(len(items))
    height = 0.38
    axes.barh(y - height / 2, [length(v) for v in a], height, color=THIS_YEAR,
              label=report.this_column)  # fmt: skip
    axes.barh(
        y + height / 2,
        [length(v) for v in b],
        height,
        color=LAST_YEAR,
        label=report.previous_column,
        hatch="//",
        edgecolor="white",
    )
    top = max([*map(length, a), *map(length, b), 1])
    for offset, values in ((-height / 2, a), (height / 2, b)):
        for yi, v in zip(y + offset, values, strict=True):
            axes.text(length(v) + top * 0.01, yi, str(v), va="center", fontsize=7)
    axes.set_yticks(y, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend_above(axes)
    _style(axes)
    axes.grid(axis="y", visible=False)
    figure.tight_layout()
    title = LABELS[key]
    alt = (
        f"Bar chart of {title.lower()}: "
        + "; ".join(f"{label} {x} against {y_}" for label, x, y_ in zip(labels, a, b, strict=True))
        + f" ({report.this_column} against {report.previous_column})."
    )
    rows = [[label, x, y_] for label, x, y_ in zip(labels, a, b, strict=True)]
    return Chart(
        key,
        title,
        alt,
        _svg(figure, key, title, alt),
        [BREAKDOWN_HEADERS.get(key, ""), report.this_column, report.previous_column],
        rows,
        all(v == 0 for v in (*a, *b)),  # a count withheld is not nothing
        narrow=True,
    )


BREAKDOWN_CHARTS = (
    "plans_at_period_end_by_latest_category",
    "plans_ended_by_duration",
    "dispute_reasons",
    "dispute_resolution_stage",
)


def charts_for(report: Report) -> dict[str, Chart]:
    """Every chart of a report, by key."""
    charts = [trend_counts(report), trend_timeliness(report), year_on_year(report)]
    charts += [breakdown(report, key) for key in BREAKDOWN_CHARTS]
    return {chart.key: chart for chart in charts}
