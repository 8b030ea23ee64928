"""The report as a spreadsheet (XLSX) for analysts: one sheet per part of the report.

The published edition has no "By chair" sheet; every edition has the report's words
("Words": one row per section) and the definitions appendix ("Definitions").

Numbers are numbers (percentages too, with their parts beside them); text that could
start a formula is neutralised, since agency names and quotes come from the records.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from iro.reports.builders import LABELS, Report, trend_label
from iro.reports.renderers.tabular import breakdowns, measure_rows, ratio_cells, safe_text

# The management lists' sheets: a sheet's name is at most 31 characters, so each list
# has a short one (its title is the first row of "For managers").
LIST_SHEETS = {
    "conferences_due": "Due, not booked",
    "long_plans": "Plans open 15 months or more",
    "late_not_agreed": "Late, not yet agreed",
    "late_not_accepted": "Late, reason not accepted",
    "iro_loads": "Each IRO's load",
}


def _append(sheet, row: list[Any]) -> None:
    sheet.append([safe_text(cell) for cell in row])


_WHOLE_NUMBER = re.compile(r"\d{1,9}")
_LIST_DATE = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}")


def _typed(cell: Any) -> Any:
    """A managers' list cell as a spreadsheet wants it: a count as a number, a day
    ("2 Dec 2026", as the lists write it) as a date, so they sort and sum; text as text."""
    if isinstance(cell, str):
        if _WHOLE_NUMBER.fullmatch(cell):
            return int(cell)
        if _LIST_DATE.fullmatch(cell):
            try:
                return datetime.strptime(cell, "%d %b %Y").date()
            except ValueError:
                return cell
    return cell


NO_WORDS = (
    "No words have been written for this report: the IRO service manager writes them "
    "from the report's page."
)


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    # Which report the file is, for whoever opens it later: its title, the edition, and
    # the day its figures run to while the period is not over.
    book.properties.title = report.title
    book.properties.subject = (
        f"{report.edition.capitalize()} edition, figures to "
        f"{report.period.last_day.day} {report.period.last_day:%B %Y}"
    )
    if report.signed_off:
        book.properties.description = report.signed_off
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = "Measures"
    for row in measure_rows(report):
        _append(sheet, row)
    for cells in sheet.iter_rows(min_row=2):
        if cells[2].value == "percent" or str(cells[2].value).endswith(": percent"):
            for cell in cells[3:5]:  # 71.0, as the page and the CSV write it, not 71
                cell.number_format = "0.0"
    for cell in sheet[1]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 52
    sheet.column_dimensions["C"].width = 30
    sheet.freeze_panes = "A2"

    trend = book.create_sheet("Trend")
    keys = list(report.trend[0][1]) if report.trend else []
    header = ["month"]
    for key in keys:
        header += [key, f"{key} numerator", f"{key} denominator"]
    _append(trend, header)
    for month, values in report.trend:
        row: list[Any] = [trend_label(month)]
        for key in keys:
            row += ratio_cells(values[key])
        _append(trend, row)

    for title, rows in breakdowns(report):
        sheet = book.create_sheet(title)
        for row in rows:
            _append(sheet, row)
    if report.kind == "annual":
        compared = book.create_sheet("Comparisons")
        _append(compared, ["measure", "label", "area", "year", "value", "source"])
        for key, rows in report.comparisons.items():
            for row in rows:
                for year, value, source in (
                    (report.period.label, row.this, row.this_source),
                    (report.previous_period.label, row.previous, row.previous_source),
                ):
                    if value is not None:
                        _append(compared, [key, LABELS[key], row.area, year, float(value), source])
        quotes = book.create_sheet("Quotes")
        _append(quotes, ["received on", "attribution", "quote"])
        for quote in report.quotes:
            _append(quotes, [quote.received_on, quote.attribution, quote.text])
        for (cell,) in quotes.iter_rows(min_row=2, max_col=1):
            cell.number_format = "d mmm yyyy"  # a day (a date alone showed a time, 00:00)
        plan = book.create_sheet("Action plan")
        _append(
            plan,
            [
                "year",
                "measure",
                "label",
                "direction",
                "target",
                "actual",
                "previous",
                "on track" if report.provisional else "met",
                "action",
            ],
        )
        for line in report.progress:
            _append(
                plan,
                [
                    report.period.label,
                    line.measure,
                    LABELS[line.measure],
                    line.direction,
                    float(line.value),
                    line.actual,
                    line.baseline,
                    line.met,
                    line.action,
                ],
            )
        for line in report.targets_next_year:
            _append(
                plan,
                [
                    report.next_year,
                    line.measure,
                    LABELS[line.measure],
                    line.direction,
                    float(line.value),
                    None,
                    None,
                    None,
                    line.action,
                ],
            )
    if report.management:
        lists = book.create_sheet("For managers")
        _append(lists, ["list", "count"])
        for lst in report.management:
            _append(lists, [lst.title, lst.count])
        for lst in report.management:
            # Every list has its sheet, empty or not: the file's sheets are the same each
            # month (a reader who sees no rows gets only the counts, and no list sheets).
            if lst.rows or lst.count == 0:
                sheet = book.create_sheet(LIST_SHEETS.get(lst.key, lst.title[:31]))
                _append(sheet, list(lst.columns))
                for row in lst.rows:
                    _append(sheet, [_typed(cell) for cell in row])
                for cells in sheet.iter_rows(min_row=2):
                    for cell in cells:
                        if isinstance(cell.value, date):
                            cell.number_format = "d mmm yyyy"
    words = book.create_sheet("Words")
    _append(words, ["section", "title", "text"])
    if report.signed_off:
        _append(words, ["signed_off", "Signed off for publication", report.signed_off])
    for section, title, text in report.narrative:
        _append(words, [section, title, text])
    if not report.narrative:  # a sheet of headings alone reads as a fault
        _append(words, ["", "", NO_WORDS])
    words.column_dimensions["B"].width = 30
    words.column_dimensions["C"].width = 100
    appendix = book.create_sheet("Definitions")
    _append(appendix, ["measure", "label", "definition"])
    for key, text in report.definitions:
        _append(appendix, [key, LABELS.get(key, key), text])
    appendix.column_dimensions["A"].width = 38
    appendix.column_dimensions["B"].width = 45
    appendix.column_dimensions["C"].width = 100
    for sheet in (words, appendix):
        for cell in sheet["C"]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
