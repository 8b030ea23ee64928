"""A report's measures as rows (for CSV and spreadsheets), and safe cell text.

One row per number: a ratio gives its numerator, denominator and percent; a breakdown
gives one row per key; a share breakdown a count and a percent per key.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from iro.reports.builders import ITEM_LABELS, LABELS, RATING_LABELS, THEME_LABELS, Report
from iro.reports.disclosure import Withheld
from iro.reports.measures import BREAKDOWN_KEYS, Ratio, as_json
from iro.reports.presentation import NOT_KNOWN, total, why_no_figure
from iro.timescales import long_date

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text that cannot start a formula: a leading quote is added where it could. A count
    the published edition withholds is its words ("fewer than 5")."""
    if isinstance(value, Withheld):
        return str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _items(key: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Ratio):
        percent = value.percent
        yield "numerator", value.numerator
        yield "denominator", value.denominator
        yield "percent", None if percent is None else float(percent)
    elif isinstance(value, dict) and "by_agency" in value:
        yield "count", value["count"]
        for agency, n in value["by_agency"].items():
            yield f"agency: {agency}", n
    elif key == "feedback_received":
        yield "All feedback", total(value)  # the total the report's table starts with
        for item, n in value.items():
            yield ITEM_LABELS.get(item, item), n
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                yield f"{ITEM_LABELS.get(key, key)}: count", item["count"]
                yield f"{ITEM_LABELS.get(key, key)}: percent", item["percent"]
            else:
                yield ITEM_LABELS.get(key, key), item
    else:
        yield "", value


def column_titles(report: Report) -> list[str]:
    """The two figure columns' titles: the periods' labels, saying in words when the period
    is provisional and that the comparison is the same stretch a year earlier."""
    if not report.provisional:
        return [report.period.label, report.previous_period.label]
    return [
        f"{report.period.label} ({report.provisional_note})",
        f"{report.previous_period.label} (to {long_date(report.previous_period.last_day)})",
    ]


def measure_rows(report: Report) -> list[list[Any]]:
    """Header, then [key, label, item, this period, previous period, note] per number; the
    note says why a figure is blank where the report's page says it (no population
    recorded, not for one team)."""
    rows: list[list[Any]] = [["measure", "label", "item", *column_titles(report), "note"]]
    for key, value in report.measures.items():
        previous = dict(_items(key, report.previous[key]))
        items = list(_items(key, value))
        # An agency seen in only one of the periods had no challenges in the other: 0.
        items += [(item, 0) for item in previous if item not in dict(items)]
        for item, number in items:
            before = previous.get(item, 0 if item.startswith("agency: ") else None)
            rows.append([key, LABELS[key], item, number, before, _note(report, key, value)])
    return rows + feedback_rows(report)


def _note(report: Report, key: str, value: Any) -> str:
    """Why this period's or the previous period's figure is blank, if the report says:
    "Not known for 2026-27: no child population recorded for the year"; a reason the
    same for both periods once ("Not for one team or chair")."""
    said: list[str] = []
    for figure, period in ((value, report.period), (report.previous[key], report.previous_period)):
        reason = why_no_figure(report, key, period) if figure is None else ""
        if reason.startswith(NOT_KNOWN):
            reason = f"Not known for {period.label}: {reason.removeprefix(NOT_KNOWN)}"
        reason = reason[:1].upper() + reason[1:]
        if reason and reason not in said:
            said.append(reason)
    return "; ".join(said)


def feedback_rows(report: Report) -> list[list[Any]]:
    """The feedback's average rating per question (with the number of answers) and its
    themes' counts, in the same five columns as the measures."""
    now, before = report.feedback or {}, report.previous_feedback or {}
    rows: list[list[Any]] = []
    for field, label in RATING_LABELS.items():
        this = now.get("ratings", {}).get(field, {})
        last = before.get("ratings", {}).get(field, {})
        rows.append(
            ["feedback_rating", label, "average", this.get("average"), last.get("average"), ""]
        )
        rows.append(
            ["feedback_rating", label, "answers", this.get("answers"), last.get("answers"), ""]
        )
    for theme, label in THEME_LABELS.items():
        rows.append(
            [
                "feedback_theme",
                label,
                "count",
                now.get("themes", {}).get(theme),
                before.get("themes", {}).get(theme),
                "",
            ]
        )
    return rows


def to_csv(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else safe_text(cell) for cell in row])
    return out.getvalue()


def management_rows(report: Report) -> list[list[Any]]:
    """The management lists after the measures: a blank row, then per list its title and
    count, its column headings and its rows (no rows for a role that sees no names)."""
    rows: list[list[Any]] = []
    for lst in report.management:
        rows += [[], [lst.title, lst.count]]
        if lst.rows:
            rows.append(list(lst.columns))
            rows += [list(row) for row in lst.rows]
    return rows


def breakdowns(report: Report) -> list[tuple[str, list[list[Any]]]]:
    """An annual report's figures by team (and by chair, in the internal edition): per
    breakdown its title ("By team") and its rows, the column headings first (each figure
    with its numerator and denominator), then a row per team or chair; none for a
    monthly or quarterly report."""
    if report.kind != "annual":
        return []
    groups = [("By team", report.by_team)]
    if not report.published:
        groups.append(("By chair", report.by_chair))
    tables = []
    for title, by in groups:
        header: list[Any] = [title.removeprefix("By ").capitalize()]
        for key in BREAKDOWN_KEYS:
            header += [key, f"{key} numerator", f"{key} denominator"]
        rows = [header]
        for name, values in by:
            row: list[Any] = [name]
            for key in BREAKDOWN_KEYS:
                row += ratio_cells(values[key])
            rows.append(row)
        tables.append((title, rows))
    return tables


def breakdown_rows(report: Report) -> list[list[Any]]:
    """The breakdowns after the measures in one table (CSV): a blank row, the title, and
    the rows the spreadsheet's sheet of it has."""
    return [row for title, rows in breakdowns(report) for row in ([], [title], *rows)]


def ratio_cells(value: Any) -> list[Any]:
    """A figure as three cells: the percent, numerator and denominator of a ratio, or
    the number and two blanks."""
    if isinstance(value, Ratio):
        data = as_json(value)
        return [data["percent"], data["numerator"], data["denominator"]]
    return [value, None, None]


def render_csv(report: Report) -> str:
    signed = [[report.signed_off], []] if report.signed_off else []
    return to_csv(signed + measure_rows(report) + breakdown_rows(report) + management_rows(report))
