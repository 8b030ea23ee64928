"""``iro cin validate|export|import``: the DfE Children in Need census.

- ``iro cin validate FILE [--format text|json|csv]`` checks a census file without
  importing it; ``iro cin validate --period 2023-24 --user NAME`` checks the records that
  would make that year's return. Findings are not failures: the command exits 0 whether
  or not it finds any (read the summary); it exits 2, with one line on stderr, when the
  file cannot be read or the user may not read the records.
- ``iro cin export --period 2023-24 --output FILE --user NAME [--lea 123]`` writes the
  year's return from the records (access-logged).
- ``iro cin import FILE... --user NAME`` applies census files to the records, each file
  in one transaction, and prints what it added, updated and skipped. A file that cannot
  be read changes nothing (one line on stderr); the command then exits 2 after trying
  the other files.
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandParser

from iro import timescales
from iro.census import report
from iro.census.export import ExportRefused, write_return
from iro.census.importer import RECORD_KINDS as KINDS
from iro.census.importer import ImportSummary
from iro.census.jobs import record_command_import, run_import
from iro.census.management.common import (
    Raw,
    exporting_user,
    fail,
    importing_user,
    parse_year,
)
from iro.census.reader import CensusFileError, CensusStream, Header
from iro.census.returns import check_records
from iro.census.rules import Validator
from iro.children.services import la_child_id_problem

NO_SUCH_ACTION = "Say what to do: iro cin validate|export|import (see iro cin --help)."
FILE_OR_PERIOD = "Give a census FILE to check, or --period (with --user) to check the records."
BAD_LEA = "--lea must be the three-digit DfE local authority number, not {value!r}."


class Command(BaseCommand):
    help = "The DfE Children in Need census: validate a file or the records, export a return."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", title="actions")
        validate = actions.add_parser(
            "validate",
            help="check a census file, or a year's records, against the DfE rules",
            description=(
                "Check a census file without importing it, or the records of a year before "
                "its return. Exit status 0 whether or not there are findings (read the "
                "summary); 2 when the file cannot be read or the user is refused."
            ),
        )
        validate.add_argument("file", nargs="?", help="the census XML file")
        validate.add_argument("--period", help="a reporting year such as 2023-24")
        validate.add_argument("--user", help="who is checking the records (with --period)")
        validate.add_argument("--format", choices=report.FORMATS, default="text")

        export = actions.add_parser(
            "export",
            help="write the census return for a year from the records",
            description="Write the year's CIN census return (access-logged).",
        )
        export.add_argument("--period", required=True, help="a reporting year such as 2023-24")
        export.add_argument("--output", required=True, help="the XML file to write")
        export.add_argument("--user", required=True, help="who is exporting (a username)")
        export.add_argument("--lea", help="the three-digit DfE local authority number")

        load = actions.add_parser(
            "import",
            help="apply census files to the records (each file all or nothing)",
            description=(
                "Import census XML files into the child protection records through the "
                "journey services. Each file is one transaction; children that cannot be "
                "represented are skipped and listed. Importing a file twice changes nothing."
            ),
        )
        load.add_argument("files", nargs="+", metavar="FILE", help="census XML files")
        load.add_argument("--user", required=True, help="who is importing (a username)")

    def handle(self, *args, action: str | None = None, **options) -> None:
        if action == "validate":
            if bool(options["file"]) == bool(options["period"]):
                raise fail(FILE_OR_PERIOD)
            if options["file"]:
                self.validate_file(options["file"], output_format=options["format"])
            else:
                self.validate_records(
                    parse_year(options["period"]),
                    exporting_user(options["user"]),
                    output_format=options["format"],
                )
        elif action == "export":
            self.export(options)
        elif action == "import":
            self.import_files(options["files"], importing_user(options["user"]))
        else:
            raise fail(NO_SUCH_ACTION)

    # --- validate -------------------------------------------------------------------------

    def validate_file(self, path: str, *, output_format: str) -> None:
        spool = report.FindingSpool()
        try:
            try:
                stream = CensusStream(path)
                validator = Validator(stream.header)
                spool.extend(validator.run(stream.children()))
            except CensusFileError as exc:
                raise fail(str(exc)) from None
            self._report(path, stream.header, validator, spool, output_format)
        finally:
            spool.close()

    def validate_records(self, period: timescales.Period, user, *, output_format: str) -> None:
        spool = report.FindingSpool()
        try:
            try:
                period, validator, notes = check_records(user=user, period=period, add=spool.extend)
            except timescales.PeriodNotBegun as exc:
                raise fail(str(exc)) from None
            source = f"records for {period.label}"
            self._report(source, validator.header, validator, spool, output_format)
        finally:
            spool.close()
        for la_child_id, message in notes.lines:
            self.stderr.write(f"note: child {la_child_id}: {message}")

    def _report(self, source: str, header: Header, validator, spool, output_format: str) -> None:
        out = Raw(self.stdout)
        summary, year = validator.summary(), validator.year
        if output_format == "json":
            about = {
                "file": source,
                "reference_date": str(header.reference_date) if header.reference_date else None,
                "census_year_first_day": str(year.first_day) if year else None,
                "lea": header.lea,
            }
            report.write_json(out, about=about, findings=spool, summary=summary)
        elif output_format == "csv":
            report.write_csv(out, findings=spool)
            self.stderr.write("\n".join(report.summary_lines(summary)))
        else:
            span = f"census year {year.first_day} to {year.reference_date}" if year else None
            title = f"{source}: {span or 'no reference date'}, LEA {header.lea or 'not given'}"
            report.write_text(out, title=title, findings=spool, summary=summary)

    # --- export ---------------------------------------------------------------------------

    def export(self, options) -> None:
        period = parse_year(options["period"])
        lea = options.get("lea")
        if lea is not None and not re.fullmatch(r"[0-9]{3}", lea):
            raise fail(BAD_LEA.format(value=lea))
        user = exporting_user(options["user"])
        try:
            result = write_return(user=user, period=period, path=options["output"], lea=lea)
        except ExportRefused as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot write {options['output']}: {exc.strerror}") from None
        for la_child_id, message in result.notes.lines:
            self.stderr.write(f"note: child {la_child_id}: {message}")
        self.stdout.write(
            f"Wrote the {period.label} return ({result.children} children) to {options['output']}."
        )

    # --- import ---------------------------------------------------------------------------

    def import_files(self, paths: list[str], user) -> None:
        """Each file is a census import job, as from the page, run here and now."""
        failed: list[str] = []
        for path in paths:
            progress = _ProgressBar(self.stderr, path) if self.stderr.isatty() else None
            job = record_command_import(path=path, acting_user=user)
            summary = run_import(job, path=path, progress=progress)
            if progress:
                progress.clear()
            if summary is None:
                self.stderr.write(f"{path}: {job.error}")
                failed.append(path)
                continue
            self.stdout.write("\n".join(import_summary_lines(summary)))
        if failed:
            listed = ", ".join(failed)
            raise fail(f"{len(failed)} of {len(paths)} files could not be read: {listed}")


def shown_id(la_child_id: str | None) -> str:
    """An LAchildID as printed: quoted with escapes when it holds anything unsafe."""
    if not la_child_id:
        return "(no LAchildID)"
    return repr(la_child_id) if la_child_id_problem(la_child_id) else la_child_id


def import_summary_lines(summary: ImportSummary) -> list[str]:
    added = ", ".join(f"{summary.added[k]} {k}" for k in KINDS)
    updated = ", ".join(f"{summary.updated[k]} {k}" for k in KINDS if summary.updated[k])
    lines = [
        f"{summary.path}: {summary.children_read} children read.",
        f"  added: {added}",
        f"  updated: {updated or 'nothing'}",
        f"  skipped: {len(summary.skipped)} children",
    ]
    for s in summary.skipped:
        lines.append(f"    line {s.line}: child {shown_id(s.la_child_id)}: {s.reason}")
    for note, count in summary.notes.most_common():
        lines.append(f"  not stored ({count}): {note}")
    if summary.findings:
        found = ", ".join(f"{rule}: {n}" for rule, n in summary.findings.items())
        lines.append(f"  findings by rule: {found} (iro cin validate FILE lists them)")
    else:
        lines.append("  findings by rule: none")
    return lines


class _ProgressBar:
    """A one-line progress bar on a terminal (never in a pipe or a log)."""

    WIDTH = 30

    def __init__(self, stream, label: str) -> None:
        self.stream = stream
        self.label = label

    def __call__(self, done: int, total: int, children: int = 0) -> None:
        share = done / total if total else 1
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%}", ending="")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r" + " " * (len(self.label) + self.WIDTH + 10) + "\r", ending="")
