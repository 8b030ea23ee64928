"""``iro retention [--format text|csv]``: the records past the retention period.

Lists LA child ID, why, and the date the period passed (see ``iro.rights.retention``
for the rule and ``IRO_RETENTION_YEARS``). It only lists: nothing is deleted.
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iro.rights import retention

BAD_FORMAT = "--format {value!r}: choose text or csv."


class Command(BaseCommand):
    help = "List children's records past the retention period (nothing is deleted)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", default="text", dest="fmt", help="text or csv")

    def handle(self, *args, fmt, **options):
        if fmt not in ("text", "csv"):
            raise CommandError(BAD_FORMAT.format(value=fmt), returncode=2)
        rows = retention.past_retention()
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(retention.COLUMNS)
            writer.writerows(retention.as_rows(rows))
            return
        years = settings.IRO_RETENTION_YEARS
        if not rows:
            self.stdout.write(f"No record is past the retention period ({years} years).")
            return
        self.stdout.write(
            f"{len(rows)} record{'s' if len(rows) != 1 else ''} past the retention period "
            f"({years} years). Nothing has been deleted: check each and decide."
        )
        for row in rows:
            self.stdout.write(f"{row.la_child_id}\t{row.passed_on.isoformat()}\t{row.why}")
