"""``iro report annual|quarterly|monthly --period LABEL --format FORMAT [--team NAME]
[--chair USERNAME] [--edition internal|published] [--output FILE]``: a performance report
from the records.

The internal edition (the default) names the chairs; the published edition, for the public
website, names no chair and no child, so it cannot be for one chair.

Without ``--output``, JSON and CSV go to standard output. Any bad argument (kind,
period, format, team, chair, output) is one line on standard error and exit status 2; so
is a period not yet begun. A period begun but not over is reported as at today,
provisional (``timescales.Period.as_at``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iro import timescales
from iro.people.models import Role, Team, User
from iro.reports.builders import (
    EDITIONS,
    INTERNAL,
    PUBLISHED,
    PUBLISHED_FOR_A_CHAIR,
    REPORT_KINDS,
    UNKNOWN_EDITION,
)
from iro.reports.cache import cached_report
from iro.reports.renderers import formats

FORMATS = formats.FORMATS
TEXT_FORMATS = ("json", "csv", "html")

UNKNOWN_KIND = 'Report "{kind}" is not one of annual, quarterly, monthly, summary'
SUMMARY = "summary"  # the annual report summary (published edition): pdf, html or json
SUMMARY_FORMAT = 'The summary is a pdf, html or json file, not "{format}"'
SUMMARY_FILTERS = "The summary is of the whole service: it takes no --team or --chair"
PERIOD_REQUIRED = "Give the period with --period, for example {example}"
EXAMPLES = {"annual": "2018-19", "quarterly": "2018-19-Q3", "monthly": "2019-02"}
UNKNOWN_FORMAT = 'Format "{format}" is not one of {formats}'
UNKNOWN_TEAM = 'There is no team named "{name}"'
UNKNOWN_CHAIR = 'There is no IRO with the username "{username}"'
OUTPUT_REQUIRED = "A {format} report is a file: give it with --output FILE"
CANNOT_WRITE = "Cannot write {path}: {reason}"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Write an annual, quarterly or monthly performance report."

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle(), not by argparse, so a mistake is one line, not a usage text.
        parser.add_argument("kind", help="annual, quarterly, monthly or summary")
        parser.add_argument("--period", help="2018-19, 2018-19-Q3 or 2019-02 by the kind")
        parser.add_argument("--format", default="json", help=", ".join(FORMATS))
        parser.add_argument("--team", help="only the children of this team (its name)")
        parser.add_argument("--chair", help="only this chair's conferences and children")
        parser.add_argument(
            "--edition",
            default=INTERNAL,
            help="internal (names the chairs; the default) or published (names no one)",
        )
        parser.add_argument("--output", help="the file to write (default: standard output)")

    def handle(self, *args, kind, period, format, team, chair, edition, output, **options) -> None:
        if kind == SUMMARY:
            return self._summary(period, format, team or chair, output)
        if kind not in REPORT_KINDS:
            raise _fail(UNKNOWN_KIND.format(kind=kind))
        if not period:
            raise _fail(PERIOD_REQUIRED.format(example=EXAMPLES[kind]))
        try:
            the_period = timescales.parse_period(kind, period)
        except ValueError as error:
            raise _fail(str(error)) from None
        if format not in FORMATS:
            raise _fail(UNKNOWN_FORMAT.format(format=format, formats=", ".join(FORMATS)))
        if format not in TEXT_FORMATS and not output:
            raise _fail(OUTPUT_REQUIRED.format(format=format.upper()))
        if edition not in EDITIONS:
            raise _fail(UNKNOWN_EDITION.format(edition=edition))
        if edition == PUBLISHED and chair:
            raise _fail(PUBLISHED_FOR_A_CHAIR)
        the_team = self._team(team) if team else None
        the_chair = self._chair(chair) if chair else None
        try:
            report = cached_report(
                kind, the_period, team=the_team, chair=the_chair, edition=edition
            )
        except timescales.PeriodNotBegun as error:
            raise _fail(str(error)) from None
        content = self._render(report, format)
        if output:
            self._write(Path(output), content)
        else:
            self.stdout.write(content if isinstance(content, str) else content.decode(), ending="")

    def _summary(self, period: str | None, format: str, filtered, output: str | None) -> None:
        """``iro report summary --period 2018-19 --format pdf --output FILE``."""
        from iro.reports import summary

        if not period:
            raise _fail(PERIOD_REQUIRED.format(example=EXAMPLES["annual"]))
        if format not in summary.SUMMARY_FORMATS:
            raise _fail(SUMMARY_FORMAT.format(format=format))
        if filtered:
            raise _fail(SUMMARY_FILTERS)
        if format == "pdf" and not output:
            raise _fail(OUTPUT_REQUIRED.format(format="PDF"))
        try:
            found = summary.build_summary(period)
        except ValueError as error:  # no such year, or one not yet begun
            raise _fail(str(error)) from None
        content = summary.render(found, format)[0]
        if output:
            self._write(Path(output), content)
        else:
            self.stdout.write(content, ending="")

    def _team(self, name: str) -> Team:
        try:
            return Team.objects.get(name=name)
        except Team.DoesNotExist:
            raise _fail(UNKNOWN_TEAM.format(name=name)) from None

    def _chair(self, username: str) -> User:
        try:
            # Former chairs too: a past year's report names who chaired then.
            return User.objects.get(username=username, role__in=[Role.IRO, Role.IRO_MANAGER])
        except User.DoesNotExist:
            raise _fail(UNKNOWN_CHAIR.format(username=username)) from None

    def _render(self, report, format: str) -> str | bytes:
        return formats.render(report, format)[0]

    def _write(self, path: Path, content: str | bytes) -> None:
        try:
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        except OSError as error:
            raise _fail(CANNOT_WRITE.format(path=path, reason=error.strerror or error)) from None
