"""Cells for spreadsheets and CSV files, safe from formula injection.

A value from a census file or a record (an LAchildID, a name, a message quoting either)
that starts with = + - @ or a tab or carriage return could run as a formula when the file
is opened in a spreadsheet. Such a cell gets a leading apostrophe, which spreadsheets show
as text and never evaluate (OWASP, "CSV injection").
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a cell: text that could start a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
