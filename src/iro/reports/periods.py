"""The periods a report can be chosen for: those with data, none in the future.

A period has data from the reporting year of the earliest record the measures read (a
plan's start, a Section 47 enquiry's start, a conference held, a dispute or multi-agency
challenge raised) up to the period containing today. Periods begun but not over are listed
too: their reports are provisional (``timescales.Period.as_at``).
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Min

from iro import timescales
from iro.challenge.models import Dispute, MultiAgencyChallenge
from iro.journey.checks import EARLIEST_DATE
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


# --- A period as a person types it ---------------------------------------------------------

# The chooser reads a period the ways people write one, besides the addresses' own labels:
# a year as 2018-19, 2018/19, 2018-2019 or "2018 to 2019"; a quarter as 2018-19-Q3,
# "2018-19 Q3", "Q3 2018/19" (q small or capital); a month as 2019-02, 2019-2, 02/2019,
# "Feb 2019" or "February 2019".
_SEP = r"\s*(?:-|/|to)\s*"
_TYPED_YEAR = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{2}}|[0-9]{{4}})", re.IGNORECASE)
_TYPED_QUARTER = (
    re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{2}}|[0-9]{{4}})[\s-]*q([1-4])", re.IGNORECASE),
    re.compile(rf"q([1-4])[\s,-]*([0-9]{{4}}){_SEP}([0-9]{{2}}|[0-9]{{4}})", re.IGNORECASE),
)
_TYPED_MONTH = (
    re.compile(r"([0-9]{4})\s*[-/]\s*([0-9]{1,2})"),  # 2019-02, 2019-2, 2019/02
    re.compile(r"([0-9]{1,2})\s*[-/]\s*([0-9]{4})"),  # 02/2019, 2-2019
)
_MONTH_NAMED = re.compile(r"([a-z]+)\.?,?\s*([0-9]{4})", re.IGNORECASE)
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

NOT_A_YEAR_TYPED = "“{text}” is not a year: enter it as {example} (April {first} to March {last})"
ONE_YEAR_TYPED = (
    "“{text}” could be {before} or {after}: a report’s year runs from 1 April, so enter "
    "it as {after} (April {year} to March {next})"
)
NOT_A_QUARTER_TYPED = (
    "“{text}” is not a quarter: enter it as 2018-19-Q3 (the year from 1 April, then the "
    "quarter: Q1 is April to June)"
)
NOT_A_MONTH_TYPED = "“{text}” is not a month: enter it as 2019-02 or February 2019"


def _label_year(first: str, second: str) -> str | None:
    """``2018-19`` from the two years typed (19 or 2019), if the second follows the first."""
    start = int(first)
    end = int(second) if len(second) == 4 else None
    if end is None:
        return f"{start}-{second}" if int(second) == (start + 1) % 100 else None
    return f"{start}-{end % 100:02d}" if end == start + 1 else None


def _typed_label(kind: str, text: str) -> str | None:
    """The address label of ``text`` read as a period of ``kind``, or None."""
    if kind == ANNUAL:
        match = _TYPED_YEAR.fullmatch(text)
        return _label_year(match[1], match[2]) if match else None
    if kind == QUARTERLY:
        if match := _TYPED_QUARTER[0].fullmatch(text):
            year, quarter = _label_year(match[1], match[2]), match[3]
        elif match := _TYPED_QUARTER[1].fullmatch(text):
            year, quarter = _label_year(match[2], match[3]), match[1]
        else:
            return None
        return f"{year}-Q{quarter}" if year else None
    if match := _TYPED_MONTH[0].fullmatch(text):
        year, month = match[1], int(match[2])
    elif match := _TYPED_MONTH[1].fullmatch(text):
        year, month = match[2], int(match[1])
    elif (match := _MONTH_NAMED.fullmatch(text)) and match[1].lower() in _MONTH_NAMES:
        year, month = match[2], _MONTH_NAMES[match[1].lower()]
    else:
        return None
    return f"{year}-{month:02d}" if 1 <= month <= 12 else None


BEFORE_ANY_RECORD = "{label} ends before {day}, the earliest date a record may have: no report."


def after_earliest_record(period: Period) -> Period:
    """``period``, or ValueError for one ending before any record may be dated: no report
    can be built for it (a page, a file or the API would give a "final" report of zeros)."""
    if period.last_day < EARLIEST_DATE:
        raise ValueError(
            BEFORE_ANY_RECORD.format(label=period.label, day=f"{EARLIEST_DATE:%-d %B %Y}")
        )
    return period


def typed_period(kind: str, text: str) -> Period:
    """The period ``text`` names as a person types it (see above), read as ``kind`` first:
    "2011-12" is the year when a year is asked for and December 2011 when a month is. Text
    that is no period of ``kind`` but is one of another kind (a month typed with the
    annual choice left as it was) is read as that. Raises ValueError, saying how to write
    a period of ``kind``, when it is neither."""
    text = " ".join(text.split())
    for each in (kind, *(k for k in (ANNUAL, QUARTERLY, MONTHLY) if k != kind)):
        label = _typed_label(each, text)
        if label is not None:
            try:
                period = timescales.parse_period(each, label)
            except ValueError:
                continue  # the calendar's own bounds (year 9999)
            return after_earliest_record(period)
    raise ValueError(_not_typed(kind, text))


def _not_typed(kind: str, text: str) -> str:
    if kind == QUARTERLY:
        return NOT_A_QUARTER_TYPED.format(text=text)
    if kind == MONTHLY:
        return NOT_A_MONTH_TYPED.format(text=text)
    if re.fullmatch(r"[0-9]{4}", text) and int(text) < 9999:
        year = int(text)
        return ONE_YEAR_TYPED.format(
            text=text,
            before=f"{year - 1}-{year % 100:02d}",
            after=f"{year}-{(year + 1) % 100:02d}",
            year=year,
            next=year + 1,
        )
    return NOT_A_YEAR_TYPED.format(text=text, example="2018-19", first=2018, last=2019)
