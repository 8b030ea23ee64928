"""``iro cin validate|export|import``: the DfE Children in Need census.

- ``iro cin validate FILE [--format text|json|csv]`` checks a census file without
  importing it. Findings are not failures: the command exits 0 whether or not it finds
  any (read the summary); it exits 2, with one line on stderr, when the file cannot be
  read at all.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iro.census import report
from iro.census.reader import CensusFileError, CensusStream
from iro.census.rules import Validator

NO_SUCH_ACTION = "Say what to do: iro cin validate|export|import (see iro cin --help)."


def fail(message: str) -> CommandError:
    """A one-line error on stderr and exit status 2."""
    return CommandError(message, returncode=2)


class Raw:
    """Django's stdout wrapper ends every write with a newline; reports write pieces."""

    def __init__(self, wrapper) -> None:
        self._wrapper = wrapper

    def write(self, text: str) -> None:
        self._wrapper.write(text, ending="")


class Command(BaseCommand):
    help = "The DfE Children in Need census: validate a file (export and import to follow)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", title="actions")
        validate = actions.add_parser(
            "validate",
            help="check a census file against the DfE rules on S47s, ICPCs, plans and reviews",
            description=(
                "Check a census file without importing it. Exit status 0 whether or not "
                "there are findings (read the summary); 2 when the file cannot be read."
            ),
        )
        validate.add_argument("file", help="the census XML file")
        validate.add_argument("--format", choices=report.FORMATS, default="text")

    def handle(self, *args, action: str | None = None, **options) -> None:
        if action == "validate":
            self.validate(options["file"], output_format=options["format"])
        else:
            raise fail(NO_SUCH_ACTION)

    def validate(self, path: str, *, output_format: str) -> None:
        out = Raw(self.stdout)
        spool = report.FindingSpool()
        try:
            try:
                stream = CensusStream(path)
                validator = Validator(stream.header)
                spool.extend(validator.run(stream.children()))
            except CensusFileError as exc:
                raise fail(str(exc)) from None
            header, summary, year = stream.header, validator.summary(), validator.year
            if output_format == "json":
                about = {
                    "file": path,
                    "reference_date": header.reference_date.isoformat()
                    if header.reference_date
                    else None,
                    "census_year_first_day": year.first_day.isoformat() if year else None,
                    "lea": header.lea,
                }
                report.write_json(out, about=about, findings=spool, summary=summary)
            elif output_format == "csv":
                report.write_csv(out, findings=spool)
                self.stderr.write("\n".join(report.summary_lines(summary)))
            else:
                if year:
                    span = f"census year {year.first_day} to {year.reference_date}"
                else:
                    span = "no reference date"
                title = f"{path}: {span}, LEA {header.lea or 'not given'}"
                report.write_text(out, title=title, findings=spool, summary=summary)
        finally:
            spool.close()
