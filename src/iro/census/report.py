"""Validation findings written as text, JSON or CSV.

Findings are spooled (to memory, then to a temporary file past a few megabytes) while a
file is read, and only written out once it has been read to the end: a file that turns
out to be unreadable half-way gives one error line, never a half report.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import TextIO

from iro.census.cells import safe_row
from iro.census.rules import RULES, Finding

FORMATS = ("text", "json", "csv")
CSV_COLUMNS = ("rule", "severity", "child", "field", "line", "message")
SPOOL_IN_MEMORY = 4 * 1024 * 1024


class FindingSpool:
    """Holds findings without holding them all in memory."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )
        self.count = 0

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self._file.write(json.dumps(finding.as_dict()))
            self._file.write("\n")
            self.count += 1

    def __iter__(self) -> Iterator[Finding]:
        self._file.seek(0)
        for line in self._file:
            yield Finding(**json.loads(line))

    def close(self) -> None:
        self._file.close()


def summary_lines(summary: dict) -> list[str]:
    lines = [
        f"Summary: {summary['children']} children read; "
        f"{summary['errors']} errors, {summary['queries']} queries."
    ]
    for code, count in summary["by_rule"].items():
        rule = RULES[code]
        lines.append(f"  {code:<9} {rule.severity:<5} {count:>7}  {rule.title}")
    return lines


def write_text(out: TextIO, *, title: str, findings: Iterable[Finding], summary: dict) -> None:
    out.write(title + "\n")
    for f in findings:
        where = f"line {f.line}: " if f.line else ""
        # An ID with a line break or other control character is quoted, so it cannot
        # start a line of the report (the import refuses such IDs).
        child = f.child if f.child is None or f.child.isprintable() else repr(f.child)
        who = f"child {child}, " if child else ""
        out.write(f"{where}{f.rule} ({f.severity}) {who}{f.field}: {f.message}\n")
    out.write("\n".join(summary_lines(summary)) + "\n")


def write_json(out: TextIO, *, about: dict, findings: Iterable[Finding], summary: dict) -> None:
    # Written piece by piece so the findings never have to be one list in memory.
    out.write("{\n")
    for key, value in about.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    out.write(f'  "summary": {json.dumps(summary)},\n  "findings": [')
    for n, f in enumerate(findings):
        out.write(("," if n else "") + "\n    " + json.dumps(f.as_dict()))
    out.write("\n  ]\n}\n")


def csv_row(f: Finding) -> list:
    """A finding as a row of ``CSV_COLUMNS``, safe to open in a spreadsheet."""
    return safe_row([f.rule, f.severity, f.child or "", f.field, f.line or "", f.message])


def write_csv(out: TextIO, *, findings: Iterable[Finding]) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        writer.writerow(csv_row(f))
