"""``iro annex-a --period 2023-24 --list 5|7 --format csv|xlsx --output FILE --user NAME``.

Writes Ofsted Annex A list 5 (Section 47 enquiries and ICPCs) or list 7 (child
protection) for a reporting year or a quarter of one (2023-24-Q3). Needs a user who may
export statutory returns; the export is access-logged. Errors are one line, exit 2.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iro.census.annex_a import FORMATS, LISTS, AnnexRefused, parse_annex_period, write_list
from iro.census.management.common import exporting_user, fail

FORMAT_FROM_NAME = "Give --format, or an --output name ending .csv or .xlsx."


class Command(BaseCommand):
    help = "Write Ofsted Annex A list 5 or 7 as CSV or an Excel workbook."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2023-24, or a quarter: 2023-24-Q3")
        parser.add_argument("--list", required=True, choices=LISTS, dest="list_number")
        parser.add_argument("--format", choices=FORMATS, dest="output_format")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--user", required=True, help="who is exporting (a username)")

    def handle(self, *args, period, list_number, output_format, output, user, **options):
        try:
            period = parse_annex_period(period)
        except ValueError as exc:
            raise fail(str(exc)) from None
        if output_format is None:
            output_format = output.rsplit(".", 1)[-1].lower() if "." in output else ""
            if output_format not in FORMATS:
                raise fail(FORMAT_FROM_NAME)
        acting = exporting_user(user)
        try:
            rows = write_list(
                user=acting,
                period=period,
                list_number=list_number,
                output_format=output_format,
                path=output,
            )
        except AnnexRefused as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}", returncode=2) from None
        self.stdout.write(f"Wrote Annex A list {list_number} for {period.label}: {rows} rows.")
