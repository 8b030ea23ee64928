"""``iro due icpc|first-review|next-review DATE``: one statutory due date, as ISO."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from iro import timescales

BAD_DATE = "{value!r} is not a date: expected YYYY-MM-DD, for example 2024-03-28"
OUT_OF_RANGE = "{value} is outside the years {first} to {last}: check the date"
# Casework dates are never near the calendar's ends; outside these years a due date
# could run past 9999-12-31, so the date is refused before anything is computed.
FIRST_YEAR = 1900
LAST_YEAR = 2200
KINDS = {
    "icpc": "the initial conference due after a strategy discussion on DATE (15 working days)",
    "first-review": "the first review due after an initial conference on DATE (3 months)",
    "next-review": "the next review due after a review on DATE (6 months)",
}


def parse_iso_date(value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(value=value), returncode=2) from None


def in_range(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        message = OUT_OF_RANGE.format(value=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR)
        raise CommandError(message, returncode=2)
    return day


class Command(BaseCommand):
    help = "Print a statutory due date: " + "; ".join(f"{k}: {v}" for k, v in KINDS.items())
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="which due date")
        parser.add_argument("date", help="the date it runs from, YYYY-MM-DD")

    def handle(self, *args, kind: str, date: str, **options) -> None:
        start = in_range(parse_iso_date(date))
        if kind == "icpc":
            due = timescales.icpc_due(start, closures=self._closures())
        elif kind == "first-review":
            due = timescales.first_review_due(start)
        else:
            due = timescales.next_review_due(start)
        self.stdout.write(due.isoformat())

    def _closures(self) -> frozenset[date]:
        """Local closure days from the database; bank holidays alone if it is not set up."""
        from iro.people.selectors import closure_days

        try:
            return closure_days()
        except DatabaseError:
            print(
                "note: local closure days not read (database not set up); bank holidays only",
                file=sys.stderr,
            )
            return frozenset()
