"""The periods a report can be chosen for: those with data, none in the future.

A period has data from the reporting year of the earliest record the measures read (a
plan's start, a Section 47 enquiry's start, a conference held, a dispute or multi-agency
challenge raised) up to the period containing today. Periods begun but not over are listed
too: their reports are provisional (``timescales.Period.as_at``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Min

from iro import timescales
from iro.challenge.models import Dispute, MultiAgencyChallenge
from iro.journey.models import Conference, Plan, Section47
from iro.timescales import ANNUAL, MONTHLY, QUARTERLY, Period

# (model, date field) read by the measures; default managers leave voided records out.
_RECORD_DATES = (
    (Plan, "start_date"),
    (Section47, "start_date"),
    (Conference, "held_on"),
    (Dispute, "raised_on"),
    (MultiAgencyChallenge, "raised_on"),
)


def earliest_record() -> date | None:
    """The date of the earliest record a measure reads, None when there is none."""
    found = [model.objects.aggregate(first=Min(field))["first"] for model, field in _RECORD_DATES]
    found = [d for d in found if d is not None]
    return min(found) if found else None


def years_with_data(today: date, earliest: date | None) -> list[Period]:
    """Reporting years from the one holding ``earliest`` to the one holding ``today``,
    newest first; none when there are no records or they all lie in the future."""
    if earliest is None or earliest > today:
        return []
    years = [timescales.period_containing(ANNUAL, today)]
    first = timescales.period_containing(ANNUAL, earliest)
    while years[-1].first_day > first.first_day:
        years.append(years[-1].previous_year())
    return years


def _within(kind: str, year: Period, today: date, earliest: date) -> list[Period]:
    months = 3 if kind == QUARTERLY else 1
    found = []
    day = year.first_day
    while day <= year.last_day and day <= today:
        period = timescales.period_containing(kind, day)
        if period.last_day >= earliest:
            found.append(period)
        day = timescales.add_months(day, months)
    return found


def quarters_and_months(year: Period, today: date, earliest: date) -> tuple[list, list]:
    """The quarters and months of ``year`` that have begun by ``today`` and end on or after
    the earliest record, oldest first."""
    return _within(QUARTERLY, year, today, earliest), _within(MONTHLY, year, today, earliest)
