"""The statutory timescales of child protection, as plain functions of dates.

This module is pure: standard library and ``holidays`` only, no Django, no project imports,
no clock. Every rule here is defined in the measures contract, metrics.md ("Periods and dates",
"Timeliness"); change it there first. Due dates are always computed from recorded dates,
never stored.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

# The United Kingdom's calendar, imported with this module: ``holidays.country_holidays``
# would import every country's module the first time it is called (about 0.1 s), in the
# middle of whatever first asks for a working day (a census validation, a page).
from holidays.countries.united_kingdom import UnitedKingdom

# Working Together to Safeguard Children 2023, ch. 2: the initial child protection
# conference is held within 15 working days of the strategy discussion at which the
# section 47 enquiry was started.
ICPC_WORKING_DAYS = 15
# Working Together to Safeguard Children 2023, ch. 2: a child moving in from another
# authority has a transfer-in conference within 15 working days of notification.
TRANSFER_IN_WORKING_DAYS = 15
# Working Together to Safeguard Children 2023, ch. 2: the first review conference is held
# within 3 months of the initial conference (metrics.md: of the plan start) ...
FIRST_REVIEW_MONTHS = 3
# ... and later reviews at intervals of not more than 6 months.
LATER_REVIEW_MONTHS = 6
# Working Together to Safeguard Children 2023, ch. 2: the core group meets for the first
# time within 10 working days of the initial child protection conference.
FIRST_CORE_GROUP_WORKING_DAYS = 10
# Agencies' reports reach the chair this many working days before a conference (the
# invitation asks for it), so the family can read them with the chair first.
REPORT_WORKING_DAYS_BEFORE = 3

# The one-off England and Wales bank holidays metrics.md names, by royal proclamation.
# holidays 0.109 already has every one of them; they are added again so the contract's
# days do not depend on the library's version. (2020-05-08 replaced, not added to, the
# early May bank holiday of 2020-05-04; 2022-06-02 is the moved spring bank holiday.)
ONE_OFF_BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        date(2012, 6, 5),  # Queen's Diamond Jubilee
        date(2020, 5, 8),  # VE Day 75th anniversary (early May bank holiday moved)
        date(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Queen's Platinum Jubilee
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
    }
)

# Work for an unborn child (a pre-birth referral, S47, conference or plan) starts in
# pregnancy: nothing about a child can be dated more than a full-term pregnancy (40
# weeks, NHS) before the child's birth.
PRE_BIRTH_WEEKS = 40

SATURDAY = 5  # date.weekday(): Monday is 0

ANNUAL = "annual"
QUARTERLY = "quarterly"
MONTHLY = "monthly"
PERIOD_KINDS = (ANNUAL, QUARTERLY, MONTHLY)
# metrics.md "Periods and dates": the reporting year starts on 1 April.
REPORTING_YEAR_FIRST_MONTH = 4

# Error messages, for the tests and the command line to share.
UNKNOWN_PERIOD_KIND = 'Period kind "{kind}" is not one of annual, quarterly, monthly'
NOT_A_REPORTING_YEAR = 'Period "{label}" is not a reporting year; expected YYYY-YY such as 2018-19'
NOT_A_QUARTER = 'Period "{label}" is not a quarter; expected YYYY-YY-QN such as 2018-19-Q3'
NOT_A_MONTH = 'Period "{label}" is not a month; expected YYYY-MM such as 2019-02'
NOT_BEGUN = (
    "The {kind} period {label} has not begun: it starts on {first_day}, and today is {as_at}. "
    "A report is only made for a period that has begun"
)
NEGATIVE_WORKING_DAYS = "The number of working days to add must be 0 or more, not {n}"
REVIEW_BEFORE_PLAN = "Review on {review} is before the plan started on {plan_start}"

# [0-9], not \d: \d would also accept non-ASCII digits such as "２０１８".
_YEAR_LABEL = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_LABEL = re.compile(r"([0-9]{4})-([0-9]{2})-Q([1-4])")
_MONTH_LABEL = re.compile(r"([0-9]{4})-([0-9]{2})")


def earliest_event(date_of_birth: date) -> date:
    """The earliest date an event of a child born on `date_of_birth` can have: work
    before the birth (pre-birth conference, plan) is at most a pregnancy ahead of it."""
    return date_of_birth - timedelta(weeks=PRE_BIRTH_WEEKS)


# --- Working days -------------------------------------------------------------------------


@cache  # one library call per year; the answer never changes
def bank_holidays(year: int) -> frozenset[date]:
    """The England and Wales bank holidays of `year` that fall on a weekday.

    Substitute days and one-off days are included. The library also lists a holiday that
    falls at a weekend (Christmas Day on a Sunday) as well as its substitute; only the
    substitute is a bank holiday, so weekend dates are left out, matching GOV.UK's list.
    """
    listed = UnitedKingdom(subdiv="ENG", years=year)
    one_off = {d for d in ONE_OFF_BANK_HOLIDAYS if d.year == year}
    return frozenset(d for d in (*listed, *one_off) if d.weekday() < SATURDAY)


def _is_working_day(d: date, closed: frozenset[date]) -> bool:
    return d.weekday() < SATURDAY and d not in bank_holidays(d.year) and d not in closed


def is_working_day(d: date, *, closures: Iterable[date] = ()) -> bool:
    """True when `d` is Monday to Friday, not a bank holiday and not a local closure day."""
    return _is_working_day(d, frozenset(closures))


def non_working_day(d: date, *, closures: Iterable[date] = ()) -> str | None:
    """Why `d` is not a working day ("a Saturday", "a bank holiday", "a local closure
    day"), or None when it is one."""
    if d.weekday() >= SATURDAY:
        return f"a {calendar.day_name[d.weekday()]}"
    if d in bank_holidays(d.year):
        name = UnitedKingdom(subdiv="ENG", years=d.year).get(d)
        return f"a bank holiday ({name})" if name else "a bank holiday"
    if d in frozenset(closures):
        return "a local closure day"
    return None


def working_day_by(d: date, *, closures: Iterable[date] = ()) -> date:
    """The last working day on or before `d`: the day a meeting due by `d` must be held
    by, when `d` is a weekend, a bank holiday or a closure day (a family told "by Sunday
    7 March" expects a meeting on a Sunday)."""
    closed = frozenset(closures)
    while not _is_working_day(d, closed):
        d -= timedelta(days=1)
    return d


def add_working_days(d: date, n: int, *, closures: Iterable[date] = ()) -> date:
    """The n-th working day after `d`; `d` itself is day 0 whatever day it is.

    So a Saturday + 1 is the Monday (if that is a working day), and n == 0 returns `d`.
    Raises ValueError for a negative n.
    """
    if n < 0:
        raise ValueError(NEGATIVE_WORKING_DAYS.format(n=n))
    closed = frozenset(closures)
    day = d
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if _is_working_day(day, closed):
            remaining -= 1
    return day


def _weekdays_up_to(d: date) -> int:
    """Weekdays from 0001-01-01 (a Monday) up to and including `d`."""
    days = d.toordinal()  # 0001-01-01 is ordinal 1
    weeks, extra = divmod(days, 7)
    return weeks * 5 + min(extra, 5)


def working_days_between(start: date, end: date, *, closures: Iterable[date] = ()) -> int:
    """The number of working days d with start < d <= end; 0 when end <= start.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n)) == n.
    """
    if end <= start:
        return 0
    non_working = set(closures)
    for year in range(start.year, end.year + 1):
        non_working |= bank_holidays(year)
    lost = sum(1 for x in non_working if start < x <= end and x.weekday() < SATURDAY)
    return _weekdays_up_to(end) - _weekdays_up_to(start) - lost


# --- Months -------------------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    """`d` moved by n calendar months (n may be negative), clamped to the month's end.

    2019-01-31 + 1 month is 2019-02-28; 2020-01-31 + 1 month is 2020-02-29.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --- Conference due dates -----------------------------------------------------------------


def icpc_due(strategy_discussion: date, *, closures: Iterable[date] = ()) -> date:
    """The last day an initial conference is in time: 15 working days after the discussion."""
    return add_working_days(strategy_discussion, ICPC_WORKING_DAYS, closures=closures)


def transfer_in_due(notified: date, *, closures: Iterable[date] = ()) -> date:
    """The last day a transfer-in conference is in time: 15 working days after notification."""
    return add_working_days(notified, TRANSFER_IN_WORKING_DAYS, closures=closures)


def first_core_group_due(conference_held: date, *, closures: Iterable[date] = ()) -> date:
    """The last day the core group's first meeting is in time: 10 working days after the
    conference that started the plan."""
    return add_working_days(conference_held, FIRST_CORE_GROUP_WORKING_DAYS, closures=closures)


def report_due(conference_day: date, *, closures: Iterable[date] = ()) -> date:
    """The day the agencies' reports are due with the chair: 3 working days before the
    conference (the conference's own day is day 0, whatever day it is)."""
    closed = frozenset(closures)
    day, remaining = conference_day, REPORT_WORKING_DAYS_BEFORE
    while remaining:
        day -= timedelta(days=1)
        if _is_working_day(day, closed):
            remaining -= 1
    return day


# The two review due dates are worked out for every plan and review a report walks (a
# national year: about 100,000), from a few thousand distinct days: each is kept.
@lru_cache(maxsize=8192)
def first_review_due(plan_start_or_icpc: date) -> date:
    """The last day the first review conference is in time: 3 months after the plan start."""
    return add_months(plan_start_or_icpc, FIRST_REVIEW_MONTHS)


@lru_cache(maxsize=8192)
def next_review_due(previous_review: date) -> date:
    """The last day the next review conference is in time: 6 months after the previous."""
    return add_months(previous_review, LATER_REVIEW_MONTHS)


def icpc_in_time(s47_start: date, icpc_date: date, *, closures: Iterable[date] = ()) -> bool:
    """True when the ICPC was held on or before 15 working days after the S47 start."""
    return icpc_date <= icpc_due(s47_start, closures=closures)


# --- Reviews ------------------------------------------------------------------------------


def _counted_reviews(
    plan_start: date,
    reviews: Iterable[date],
    *,
    last_day: date | None = None,
    plan_end: date | None = None,
) -> list[date]:
    """The distinct review dates, sorted, less those before the plan start (data errors)
    and those after `last_day` or `plan_end` when given."""
    return sorted(
        {
            r
            for r in reviews
            if r >= plan_start
            and (last_day is None or r <= last_day)
            and (plan_end is None or r <= plan_end)
        }
    )


def review_due_dates(plan_start: date, reviews: Iterable[date]) -> list[tuple[date, date]]:
    """Each distinct review, in date order, with the date it was due by.

    The first review is due 3 months after the plan start, each later one 6 months after
    the review before it. The same date twice is one review; dates before the plan start
    are data errors and left out.
    """
    pairs = []
    due = first_review_due(plan_start)
    for review in _counted_reviews(plan_start, reviews):
        pairs.append((review, due))
        due = next_review_due(review)
    return pairs


@dataclass(frozen=True)
class ReviewWalk:
    """The outcome of the review walk of metrics.md for one plan up to one day."""

    on_time: bool
    late_reviews: tuple[date, ...]  # reviews held after their due date
    next_due: date  # the due date after the last review counted
    overdue_at_end: bool  # the next review was already overdue at the last day


def review_walk(
    plan_start: date,
    reviews: Iterable[date],
    last_day: date,
    *,
    plan_end: date | None = None,
) -> ReviewWalk:
    """Walk a plan's reviews up to `last_day` exactly as metrics.md "Timeliness" says.

    Only distinct reviews on or before `last_day` count (and none before the plan start or,
    when given, after `plan_end`). On time when no review was late and the next review was
    not already overdue at `last_day`.
    """
    due = first_review_due(plan_start)
    late: list[date] = []
    for review in _counted_reviews(plan_start, reviews, last_day=last_day, plan_end=plan_end):
        if review > due:
            late.append(review)
        due = next_review_due(review)
    overdue_at_end = due < last_day
    return ReviewWalk(
        on_time=not late and not overdue_at_end,
        late_reviews=tuple(late),
        next_due=due,
        overdue_at_end=overdue_at_end,
    )


def review_in_timescale(plan_start: date, reviews: Iterable[date], review: date) -> bool:
    """True when `review` was held on or before its due date among the plan's reviews.

    `review` counts as one of `reviews` whether or not it is listed there. Raises
    ValueError when it is before the plan start (a data error no measure counts).
    """
    if review < plan_start:
        raise ValueError(REVIEW_BEFORE_PLAN.format(review=review, plan_start=plan_start))
    due_by = dict(review_due_dates(plan_start, [*reviews, review]))
    return review <= due_by[review]


def next_review_after(plan_start: date, reviews: Iterable[date]) -> date:
    """The date the next review is due by, given the reviews held so far."""
    held = _counted_reviews(plan_start, reviews)
    return next_review_due(held[-1]) if held else first_review_due(plan_start)


# --- Reporting periods --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting period: a year from 1 April, a quarter of one, or a calendar month."""

    kind: str
    label: str
    first_day: date
    last_day: date
    # Set only on a period read before it ended (``as_at``): its own last day, while
    # ``last_day`` is the as-at date that every measure reads as the period's last day.
    ends_on: date | None = None

    @property
    def provisional(self) -> bool:
        """Read before it ended: the figures are the period to date, not the period."""
        return self.ends_on is not None

    @property
    def name(self) -> str:
        """The period as people name it: "2018-19", "2018-19 Q3, October to December
        2018", "February 2019" (the label is the address's: "2018-19-Q3", "2019-02")."""
        whole = self.whole
        if self.kind == MONTHLY:
            return f"{whole.first_day:%B %Y}"
        if self.kind == QUARTERLY:
            year, _, quarter = self.label.rpartition("-")
            return f"{year} {quarter}, {whole.first_day:%B} to {whole.last_day:%B %Y}"
        return self.label

    @property
    def whole(self) -> Period:
        """The whole period, whatever day it was read on."""
        if self.ends_on is None:
            return self
        return Period(self.kind, self.label, self.first_day, self.ends_on)

    def as_at(self, day: date) -> Period:
        """This period read on ``day``: the whole period once it is over; the period to
        ``day`` (provisional, ``last_day`` is ``day``) while it runs. Raises PeriodNotBegun
        for a period whose first day is after ``day``: it has no figures, not zeros."""
        whole = self.whole
        if day < whole.first_day:
            raise PeriodNotBegun(whole, day)
        if day >= whole.last_day:
            return whole
        return Period(self.kind, self.label, self.first_day, day, ends_on=whole.last_day)

    def previous_year(self) -> Period:
        """The same kind of period one year earlier (2018-19-Q3 gives 2017-18-Q3). For a
        provisional period, the same span a year earlier: its first day to the as-at date,
        each a year back, so the two figures cover the same stretch of the year."""
        earlier = period_containing(self.kind, add_months(self.first_day, -12))
        if self.provisional:
            return earlier.as_at(add_months(self.last_day, -12))
        return earlier


def long_date(d: date) -> str:
    """A date as people write it: 2 December 2026."""
    return f"{d.day} {d:%B %Y}"


class PeriodNotBegun(ValueError):
    """A period read before its first day: there is no report for it yet."""

    def __init__(self, period: Period, day: date):
        self.period = period
        self.day = day
        super().__init__(
            NOT_BEGUN.format(
                kind=period.kind,
                label=period.label,
                first_day=long_date(period.first_day),
                as_at=long_date(day),
            )
        )


def _year_label(first_year: int) -> str:
    return f"{first_year:04d}-{(first_year + 1) % 100:02d}"


def _reporting_year(first_year: int) -> Period:
    first_day = date(first_year, REPORTING_YEAR_FIRST_MONTH, 1)
    last_day = add_months(first_day, 12) - timedelta(days=1)
    return Period(ANNUAL, _year_label(first_year), first_day, last_day)


def _quarter(first_year: int, quarter: int) -> Period:
    first_day = add_months(date(first_year, REPORTING_YEAR_FIRST_MONTH, 1), 3 * (quarter - 1))
    last_day = add_months(first_day, 3) - timedelta(days=1)
    return Period(QUARTERLY, f"{_year_label(first_year)}-Q{quarter}", first_day, last_day)


def _month(year: int, month: int) -> Period:
    first_day = date(year, month, 1)
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return Period(MONTHLY, f"{year:04d}-{month:02d}", first_day, last_day)


def _check_kind(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(UNKNOWN_PERIOD_KIND.format(kind=kind))


def parse_period(kind: str, label: str) -> Period:
    """The period a label names, read as `kind` ("2011-12" is a year or a month).

    annual "2018-19", quarterly "2018-19-Q3" (Q1 is April to June), monthly "2019-02".
    Raises ValueError naming the expected format when the label does not fit the kind.
    """
    _check_kind(kind)
    if kind == MONTHLY:
        match = _MONTH_LABEL.fullmatch(label)
        if match and int(match[1]) >= date.min.year and 1 <= int(match[2]) <= 12:
            return _month(int(match[1]), int(match[2]))
        raise ValueError(NOT_A_MONTH.format(label=label))
    pattern, message = (
        (_YEAR_LABEL, NOT_A_REPORTING_YEAR) if kind == ANNUAL else (_QUARTER_LABEL, NOT_A_QUARTER)
    )
    match = pattern.fullmatch(label)
    # The year must end in the calendar's range: "9999-00" would end in year 10000.
    if (
        not match
        or not date.min.year <= int(match[1]) < date.max.year
        or int(match[2]) != (int(match[1]) + 1) % 100
    ):
        raise ValueError(message.format(label=label))
    first_year = int(match[1])
    return _reporting_year(first_year) if kind == ANNUAL else _quarter(first_year, int(match[3]))


def period_containing(kind: str, d: date) -> Period:
    """The period of the given kind that `d` falls in."""
    _check_kind(kind)
    if kind == MONTHLY:
        return _month(d.year, d.month)
    first_year = d.year if d.month >= REPORTING_YEAR_FIRST_MONTH else d.year - 1
    if kind == ANNUAL:
        return _reporting_year(first_year)
    quarter = (d.month - REPORTING_YEAR_FIRST_MONTH) % 12 // 3 + 1
    return _quarter(first_year, quarter)
