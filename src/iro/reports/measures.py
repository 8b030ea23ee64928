"""One function per measure of metrics.md, computed in the database.

Every measure is ``measure(period, *, team=None, chair=None)`` and returns an ``int``, a
``Ratio`` or a ``dict`` exactly as metrics.md defines it; ``MEASURES`` lists them in the
contract's order. Definitions live in metrics.md; the docstrings here only say how.

Filters, and the choices they need:

- ``team`` (a ``people.Team``): the child's team as recorded now (``Child.team``).
- ``chair`` (a ``people.User``):
  - conference measures (ICPC timeliness, review conferences, participation): the chair
    of the conference itself (for an S47, of the initial conference that gives its ICPC
    date);
  - plan and child measures (children and plans, categories, durations, reviews on time):
    the chair of the child's latest held conference on or before the period's last day.
    "On or before", not "in the period": a child on a plan for a whole month without a
    conference in it still belongs to the chair who last saw them, so the breakdown by
    chair adds up to the whole;
  - disputes and multi-agency challenges: the IRO who raised them; but the children
    with a dispute raised, a measure of children, are credited as the plan and child
    measures are (a child two IROs raised disputes for is one child, once).

Where the contract needs month arithmetic on two columns at once, the review measures
fetch the minimal columns in a constant number of ordered queries and let
``iro.timescales`` do the months: ``reviews_on_time`` walks each current plan's review
dates; ``review_conferences_in_timescale`` takes, for each review held in the period, the
plan's review date before it and adds 3 or 6 months. Both read the same ordered stream
of the reviews of the plans open in the period (``_review_units``), once per report, and
keep only counts (``ReviewTally``). Everything else
is aggregates, conditional counts and subqueries: plan durations compare calendar months
through date parts in portable SQL, ICPC timeliness compares the S47 start with the earliest start
still in time for each ICPC date (a table computed once per period from
``timescales.icpc_due``). No measure's number of queries grows with the number of
children; within ``one_report()`` a report reads each of a period's review rows,
participation counts and ICPCs once (grouped by team and month, so the totals, the
breakdown by team and an annual report's trend are sums of the same few thousand rows),
and runs its queries without PostgreSQL's JIT.
"""

from __future__ import annotations

import dataclasses
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from iro import timescales
from iro.challenge.models import (
    RATING_QUESTIONS,
    ChallengeOutcome,
    Dispute,
    DisputeOutcome,
    DisputeReason,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    Population,
    Respondent,
    Stage,
    StageTimescale,
    Theme,
    WorkingHours,
    stage_report_key,
)
from iro.children.models import Sex
from iro.journey.models import (
    Category,
    ChildAttendance,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    LatenessReason,
    Plan,
)
from iro.people.selectors import closure_days
from iro.timescales import Period

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Ratio:
    """A share with its parts, so nobody has to trust a rounding.

    ``percent`` is 100 x numerator / denominator to one decimal place, rounded half away
    from zero in exact decimal arithmetic (81.25 gives 81.3), or None when the
    denominator is 0.
    """

    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.numerator, self.denominator)

    def as_json(self) -> dict:
        percent = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if percent is None else float(percent),
        }


def one_decimal(value: Decimal) -> Decimal:
    """A figure to one decimal place, half away from zero (as percentages are)."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_of(part: int, whole: int) -> Decimal | None:
    """100 x part / whole to one decimal, half away from zero; None when whole is 0.

    Both are integers, so the quotient is exact to far more places than the one kept:
    no quotient can fall within the default 28 digits' error of a true half.
    """
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def share_breakdown(counts: dict[str, int]) -> dict[str, dict]:
    """metrics.md's dispute breakdowns: each key's count and percent of their total."""
    total = sum(counts.values())
    return {
        key: {"count": n, "percent": Ratio(n, total).as_json()["percent"]}
        for key, n in counts.items()
    }


# --- Filters ------------------------------------------------------------------------------


def _held_rows() -> QuerySet[ConferenceChild]:
    return ConferenceChild.objects.filter(conference__status=ConferenceStatus.HELD)


def latest_chair(period: Period, child_ref: str = "child") -> Subquery:
    """The chair of the child's latest held conference on or before the period's last day."""
    return Subquery(
        _held_rows()
        .filter(child=OuterRef(child_ref), conference__held_on__lte=period.last_day)
        .order_by("-conference__held_on", "-conference_id")
        .values("conference__chair")[:1]
    )


def _latest_chairs(period: Period, team) -> ChairsByChild:
    """``latest_chair`` of every child with a plan open at some time in the period (of
    the team, when given), read in one query instead of a subquery per plan, and
    remembered for the report (``one_report``)."""
    return _remembered("chairs", _read_latest_chairs, period, team, None)


def _read_latest_chairs(period: Period, team, _chair=None) -> ChairsByChild:
    children = plans_during(period, team).values("child")
    rows = (
        _held_rows()
        .filter(child__in=children, conference__held_on__lte=period.last_day)
        .order_by("child_id", "-conference__held_on", "-conference_id")
    )
    if connections[rows.db].features.can_distinct_on_fields:
        rows = rows.distinct("child_id")  # PostgreSQL: one row a child, chosen in the query
    return ChairsByChild(_rows_in_chunks(rows.values_list("child_id", "conference__chair_id")))


class ChairsByChild:
    """Each child's chair, from ``(child id, chair id)`` rows in child order whose first
    row for a child is the one that counts. Kept as two sorted arrays of machine
    integers, looked up by bisection: a national year's 36,000 children take 0.6 MiB,
    where a dictionary of them took 4."""

    __slots__ = ("_chairs", "_children")

    def __init__(self, rows: Iterable[tuple[int, int | None]]) -> None:
        self._children, self._chairs = array("q"), array("q")
        last = None
        for child_id, chair_id in rows:
            if child_id != last:
                self._children.append(child_id)
                self._chairs.append(chair_id or 0)  # no chair: 0, never a key
                last = child_id

    def get(self, child_id: int) -> int | None:
        """The child's chair; None for a child with no conference (or no chair)."""
        i = bisect_left(self._children, child_id)
        if i < len(self._children) and self._children[i] == child_id:
            return self._chairs[i] or None
        return None


def _by_child(qs: QuerySet, period: Period, team, chair, child: str = "child") -> QuerySet:
    """Filter rows that belong to a child by the child's team and latest chair."""
    if team is not None:
        qs = qs.filter(**{f"{child}__team": team})
    if chair is not None:
        qs = qs.alias(_latest_chair=latest_chair(period, child)).filter(_latest_chair=chair.pk)
    return qs


def _plans(period: Period, team, chair) -> QuerySet[Plan]:
    return _by_child(Plan.objects.all(), period, team, chair)


def plans_during(period: Period, team=None, chair=None) -> QuerySet[Plan]:
    """Plans open at some time in the period: s <= last day and (e empty or e >= first)."""
    return _plans(period, team, chair).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.first_day),
        start_date__lte=period.last_day,
    )


def plans_at_end(period: Period, team=None, chair=None) -> QuerySet[Plan]:
    """Plans open at the period's end: s <= last day and (e empty or e > last day)."""
    return _plans(period, team, chair).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=period.last_day),
        start_date__lte=period.last_day,
    )


def current_plans_at_end(period: Period, team=None, chair=None) -> QuerySet[Plan]:
    """Each child's one current plan at the period's end.

    A child with two plans open at the end (a data error) keeps the later start (then the
    later record).
    """
    later_open = Plan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=period.last_day),
        child=OuterRef("child"),
        start_date__lte=period.last_day,
    ).filter(
        Q(start_date__gt=OuterRef("start_date"))
        | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    return plans_at_end(period, team, chair).exclude(Exists(later_open))


def _conference_rows(period: Period, team, chair, kinds: Iterable[str] | None = None):
    return _conference_rows_in((period,), team, chair, kinds)


def _conference_rows_in(
    periods: tuple[Period, ...], team, chair, kinds: Iterable[str] | None = None
) -> QuerySet[ConferenceChild]:
    rows = _held_rows().filter(_held_in(periods))
    if kinds is not None:
        rows = rows.filter(conference__kind__in=list(kinds))
    if team is not None:
        rows = rows.filter(child__team=team)
    if chair is not None:
        rows = rows.filter(conference__chair=chair)
    return rows


def _disputes(team, chair) -> QuerySet[Dispute]:
    qs = Dispute.objects.all()
    if team is not None:
        qs = qs.filter(child__team=team)
    if chair is not None:
        qs = qs.filter(raised_by=chair)
    return qs


def _count(qs: QuerySet, field: str = "pk", *, distinct: bool = False) -> int:
    return qs.aggregate(n=Count(field, distinct=distinct))["n"]


# --- Children and plans -------------------------------------------------------------------


def children_on_plan_during_period(period: Period, *, team=None, chair=None) -> int:
    return _count(plans_during(period, team, chair), "child", distinct=True)


def children_on_plan_at_period_end(period: Period, *, team=None, chair=None) -> int:
    return _count(plans_at_end(period, team, chair), "child", distinct=True)


def plans_started_in(period: Period, team=None, chair=None) -> QuerySet[Plan]:
    return _plans(period, team, chair).filter(
        start_date__gte=period.first_day, start_date__lte=period.last_day
    )


def plans_ended_in(period: Period, team=None, chair=None) -> QuerySet[Plan]:
    return _plans(period, team, chair).filter(
        end_date__gte=period.first_day, end_date__lte=period.last_day
    )


def plans_started(period: Period, *, team=None, chair=None) -> int:
    return _count(plans_started_in(period, team, chair))


def plans_ended(period: Period, *, team=None, chair=None) -> int:
    return _count(plans_ended_in(period, team, chair))


def is_repeat_plan() -> Q:
    """A second or later plan: an earlier-starting plan of the child, or a recorded count."""
    earlier = Plan.objects.filter(child=OuterRef("child"), start_date__lt=OuterRef("start_date"))
    return Q(Exists(earlier)) | Q(previous_plans__gte=1)


def plans_started_second_or_subsequent(period: Period, *, team=None, chair=None) -> Ratio:
    counts = plans_started_in(period, team, chair).aggregate(
        units=Count("pk"), repeats=Count("pk", filter=is_repeat_plan())
    )
    return Ratio(counts["repeats"], counts["units"])


CATEGORY_KEYS = tuple(Category.values)  # NEG, PHY, EMO, SAB, MUL


def plans_at_period_end_by_latest_category(
    period: Period, *, team=None, chair=None
) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORY_KEYS, 0)
    rows = (
        current_plans_at_end(period, team, chair)
        .values("latest_category")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    )
    for row in rows:
        counts[row["latest_category"]] = row["n"]
    return counts


# Duration bands of metrics.md, each [lower, upper) in calendar months after the start.
DURATION_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("under_3_months", None, 3),
    ("3_to_6_months", 3, 6),
    ("6_to_12_months", 6, 12),
    ("1_to_2_years", 12, 24),
    ("2_years_and_over", 24, None),
)


def _ended_before_months(months: int) -> Q:
    """e < s + ``months`` calendar months (clamped to the month's end), in portable SQL.

    With d = the whole months from s's month to e's month: true when d < months, or when
    d == months and e's day is before min(s's day, the length of e's month), that is
    e.day < s.day and e is not the last day of its month.
    """
    return Q(_month_gap__lt=months) | (
        Q(_month_gap=months, _end_day__lt=F("_start_day")) & ~Q(_day_after_end=1)
    )


class DatePart(Func):
    """A date's year, month or day as an integer, or the day of the month of the day
    after it (``"next_day"``: 1 when the date is a month's last day).

    Django's ``Extract`` on SQLite calls a Python function for every row; SQLite's own
    ``strftime`` does the same work natively. PostgreSQL uses ``EXTRACT``.
    """

    output_field = IntegerField()
    SQLITE = {
        "year": "'%%Y', {}",
        "month": "'%%m', {}",
        "day": "'%%d', {}",
        "next_day": "'%%d', {}, '+1 day'",
    }
    POSTGRES = {
        "year": "YEAR FROM {}",
        "month": "MONTH FROM {}",
        "day": "DAY FROM {}",
        "next_day": "DAY FROM ({} + 1)",
    }

    def __init__(self, expression, part: str):
        super().__init__(expression)
        self.part = part

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "sqlite":
            return f"CAST(strftime({self.SQLITE[self.part].format(column)}) AS INTEGER)", params
        return f"CAST(EXTRACT({self.POSTGRES[self.part].format(column)}) AS INTEGER)", params


def _with_month_gap(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    # annotate, not alias: conditional aggregates cannot refer to an alias.
    return qs.annotate(
        _month_gap=(DatePart("end_date", "year") * 12 + DatePart("end_date", "month"))
        - (DatePart("start_date", "year") * 12 + DatePart("start_date", "month")),
        _end_day=DatePart("end_date", "day"),
        _start_day=DatePart("start_date", "day"),
        _day_after_end=DatePart("end_date", "next_day"),
    )


def duration_band_filters() -> dict[str, Q]:
    """Each duration band as a filter over plans annotated by ``_with_month_gap``."""
    bands = {}
    for key, lower, upper in DURATION_BANDS:
        q = Q()
        if lower is not None:
            q &= ~_ended_before_months(lower)
        if upper is not None:
            q &= _ended_before_months(upper)
        bands[key] = q
    return bands


def plans_ended_by_duration(period: Period, *, team=None, chair=None) -> dict[str, int]:
    qs = _with_month_gap(plans_ended_in(period, team, chair))
    return qs.aggregate(
        **{key: Count("pk", filter=q) for key, q in duration_band_filters().items()}
    )


# --- Timeliness ---------------------------------------------------------------------------


def icpc_units(period: Period, team=None, chair=None) -> QuerySet[ConferenceChild]:
    """One row per unit: the first held initial-conference row of each S47 (its ICPC),
    held in the period, on or after the S47 start. ``icpc_date`` is the conference date.

    Transfer-ins and ICPCs without an S47 are not units; an S47 marked "ICPC not required"
    still counts when it has an ICPC date. Rows, not S47s with a subquery, so the ICPC
    date is a plain column the in-time comparison can use cheaply.
    """
    return _icpc_units_in((period,), team, chair)


def _icpc_units_in(periods: tuple[Period, ...], team, chair) -> QuerySet[ConferenceChild]:
    """``icpc_units`` held in any of ``periods``."""
    earlier_icpc = _held_rows().filter(
        Q(conference__held_on__lt=OuterRef("conference__held_on"))
        | Q(
            conference__held_on=OuterRef("conference__held_on"),
            conference_id__lt=OuterRef("conference_id"),
        ),
        section47=OuterRef("section47"),
        conference__kind=ConferenceKind.INITIAL,
    )
    qs = (
        _held_rows()
        .filter(
            _held_in(periods),
            conference__kind=ConferenceKind.INITIAL,
            section47__isnull=False,
            section47__start_date__lte=F("conference__held_on"),
        )
        .exclude(Exists(earlier_icpc))
        .alias(icpc_date=F("conference__held_on"))
    )
    if team is not None:
        qs = qs.filter(section47__episode__child__team=team)
    if chair is not None:
        qs = qs.filter(conference__chair=chair)
    return qs


@lru_cache(maxsize=64)
def _earliest_timely_starts(period: Period, closures: frozenset[date]) -> tuple:
    """For every day x of the period, the earliest S47 start d with icpc_due(d) >= x,
    merged into runs of days sharing it: ((first x, last x, earliest d), ...).

    ``icpc_due`` never decreases as d grows, so "ICPC x in time for start d" is exactly
    "d >= earliest d for x": a comparison the database can make.
    """
    # 15 working days are under 4 calendar weeks unless closures pile up: go back far
    # enough that the earliest candidate is late for every day of the period.
    back = 60
    while timescales.icpc_due(period.first_day - timedelta(days=back), closures=closures) >= (
        period.first_day
    ):
        back *= 2
    candidate = period.first_day - timedelta(days=back)
    due = timescales.icpc_due(candidate, closures=closures)
    runs: list[list] = []
    day = period.first_day
    while day <= period.last_day:
        while due < day:
            candidate += timedelta(days=1)
            due = timescales.icpc_due(candidate, closures=closures)
        if runs and runs[-1][2] == candidate:
            runs[-1][1] = day
        else:
            runs.append([day, day, candidate])
        day += timedelta(days=1)
    return tuple(tuple(run) for run in runs)


class DateLookupTable(Func):
    """``CASE WHEN d BETWEEN first AND last THEN value ... END`` for date runs.

    The same SQL Django's ``Case(When(...))`` writes, compiled directly: with a branch per
    working day of a year, ``Case`` spends far longer building and hashing its expression
    tree than the database spends running it.
    """

    output_field = DateField()

    def __init__(self, expression, runs: tuple[tuple[date, date, date], ...]):
        super().__init__(expression)
        self.runs = runs

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        adapt = connection.ops.adapt_datefield_value
        # PostgreSQL types a CASE of untyped literals as text; say they are dates.
        then = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
        sql, params = [], []
        for first, last, value in self.runs:
            sql.append(f"WHEN {column} BETWEEN %s AND %s THEN {then}")
            params += [*column_params, adapt(first), adapt(last), adapt(value)]
        return f"(CASE {' '.join(sql)} ELSE NULL END)", params


def icpc_in_time_filter(period: Period) -> Q:
    """Over ``icpc_units``: ICPC date <= add_working_days(S47 start, 15)."""
    return _icpc_in_time_filter_for((period,))


def _icpc_in_time_filter_for(periods: tuple[Period, ...]) -> Q:
    """``icpc_in_time_filter`` for ICPCs held in any of ``periods``."""
    closures = closure_days()
    runs = tuple(run for p in periods for run in _earliest_timely_starts(p, closures))
    return Q(section47__start_date__gte=DateLookupTable(F("conference__held_on"), runs))


def icpc_within_15_working_days(period: Period, *, team=None, chair=None) -> Ratio:
    met, units = _icpc_by(period, team, chair, lambda key: None).get(None, (0, 0))
    return Ratio(met, units)


def _icpc_grouped(periods: tuple[Period, ...], team, chair) -> list[dict[tuple, tuple[int, int]]]:
    """For each of ``periods``, ``{(child's team, lateness reason, year, month): (in
    time, units)}`` of ``icpc_units``: one query over the periods' ICPCs, grouped (a few
    thousand rows at most, whatever the number of children), from which the ratio, its
    breakdown by team, the late units' reasons and the trend's months are all summed."""
    rows = (
        _icpc_units_in(periods, team, chair)
        .values_list(
            F("section47__episode__child__team"),
            F("conference__lateness_reason"),
            DatePart("conference__held_on", "year"),
            DatePart("conference__held_on", "month"),
        )
        .annotate(met=Count("pk", filter=_icpc_in_time_filter_for(periods)), units=Count("pk"))
        .order_by()
    )
    grouped = {tuple(key): (met, units) for *key, met, units in rows}
    return _split_by_month(grouped, periods, slice(2, 4))


def _icpc_by(period: Period, team, chair, group: Callable[[tuple], Any]) -> dict:
    """``{group(key): [in time, units]}`` summed from ``_icpc_grouped`` (once per
    report) by ``group`` of each ``(team, reason, year, month)`` key."""
    summed: dict = {}
    grouped = _remembered_together("icpc", _icpc_grouped, period, team, chair)
    for key, (met, units) in grouped.items():
        counts = summed.get(group(key))
        if counts is None:
            summed[group(key)] = counts = [0, 0]
        counts[0] += met
        counts[1] += units
    return summed


def latest_first_review_start(period: Period) -> date:
    """The latest plan start s whose first review has fallen due: s + 3 months <= last day.

    ``add_months`` never decreases, so the starts that qualify are exactly those up to
    this day. Clamping makes it more than "last day - 3 months": for 28 February 2019
    it is 30 November 2018 (30 November + 3 months is 28 February).
    """
    s = timescales.add_months(period.last_day, -timescales.FIRST_REVIEW_MONTHS)
    while timescales.first_review_due(s + timedelta(days=1)) <= period.last_day:
        s += timedelta(days=1)
    while timescales.first_review_due(s) > period.last_day:
        s -= timedelta(days=1)
    return s


class Unindexed(Func):
    """The column's value, telling SQLite not to look it up through an index.

    Review rows are wanted by plan (a few each, through the plan index), but without
    statistics SQLite prefers the (kind, held_on) index and reads every review ever held;
    a unary ``+`` is SQLite's documented way to rule an index out. PostgreSQL, which
    keeps statistics, gets the plain column.
    """

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])


ROWS_PER_FETCH = 2000


def _rows_in_chunks(rows: QuerySet) -> Iterator[tuple]:
    """The tuples of a ``values_list`` query in its order, made ``ROWS_PER_FETCH`` at a
    time so Python's memory does not grow with the records.

    On PostgreSQL through an ordinary cursor: the server sends the whole result, which
    the client library keeps in its own compact buffer (it grows with the rows: about
    12 MiB more resident memory for a national year's reviews), and Python makes the
    rows a chunk at a time. Django's ``iterator()`` would
    open a server-side cursor instead, which PostgreSQL plans without parallel workers
    and which fetches chunk by chunk: the review rows of a national year took 0.55 s
    that way against 0.34 s. Elsewhere ``iterator()``, which on SQLite already reads
    the rows as they come."""
    alias = rows.db
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=ROWS_PER_FETCH)
        return
    compiler = rows.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``)
        return
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(ROWS_PER_FETCH):
            yield from compiler.apply_converters(chunk, converters) if converters else chunk


def _review_rows() -> QuerySet[ConferenceChild]:
    """Rows of held review conferences with a plan, to be looked up by plan."""
    return (
        _held_rows()
        .alias(_kind=Unindexed("conference__kind", output_field=CharField()))
        .filter(_kind=ConferenceKind.REVIEW, plan__isnull=False)
    )


def _reviews_of_plans_open_in(
    periods: tuple[Period, ...], team
) -> Iterator[tuple[int, list[tuple]]]:
    """``(plan, its rows)`` for each plan open in one of the periods with a held review
    on or after its start and on or before the last of the periods' last days, by plan
    id: each row ``(date, child, plan start, plan end, child's team, chair, lateness
    reason)``, by date then conference. One ordered query, read a chunk at a time
    (``_rows_in_chunks``)."""
    open_in = Q()
    for p in periods:
        open_in |= (Q(plan__end_date__isnull=True) | Q(plan__end_date__gte=p.first_day)) & Q(
            plan__start_date__lte=p.last_day
        )
    rows = _review_rows().filter(
        open_in,
        conference__held_on__gte=F("plan__start_date"),
        conference__held_on__lte=max(p.last_day for p in periods),
    )
    if team is not None:
        rows = rows.filter(child__team=team)
    rows = _rows_in_chunks(
        rows.values_list(
            "plan_id",
            "conference__held_on",
            "child_id",
            "plan__start_date",
            "plan__end_date",
            "child__team_id",
            "conference__chair_id",
            "conference__lateness_reason",
        ).order_by("plan_id", "conference__held_on", "conference_id")
    )
    plan, found = None, []
    for plan_id, *row in rows:
        if plan_id != plan:
            if found:
                yield plan, found
            plan, found = plan_id, []
        found.append(row)
    if found:
        yield plan, found


class ReviewUnit(NamedTuple):
    """One unit of a review measure, with the facts that decided it and its groups (a
    named tuple: a national report makes about 100,000 of them)."""

    plan_id: int
    child_id: int
    start: date
    on_time: bool
    due: date  # the due date of the review (or, walking, of the next one)
    review: date | None = None  # the review date, for review_conferences_in_timescale
    team_id: int | None = None  # the child's team
    # The chair the measure's chair filter uses: for review_conferences_in_timescale the
    # conference's; None for reviews_on_time, whose chair, the child's latest, is looked
    # up only when a breakdown by chair asks (ReviewTally.grouped).
    chair_id: int | None = None
    lateness_reason: str = ""  # the conference's recorded reason, for late_review_reasons
    # reviews_on_time: the last review of the walk held after it was due, if any (what
    # the children behind the figure say of a child not on time).
    late_review: date | None = None


@dataclass
class ReviewTally:
    """What a report needs of a review measure's units, counted as they stream by so
    a report's memory does not grow with the records: the units on time and in all,
    the same by team, by chair and by month of the review, and the late units by
    recorded lateness reason. Each ``[met, total]``.

    With ``chair_by_child`` (the walk's tally) the units are not counted by chair but
    their children kept (on time, late): their chair is the child's latest, which
    ``grouped`` looks up when a breakdown by chair asks for it, so a report's previous
    year does not look it up. The children are machine integers (8 bytes each)."""

    met: int = 0
    total: int = 0
    chair_by_child: bool = False
    by_team: dict = dataclasses.field(default_factory=dict)
    by_chair: dict = dataclasses.field(default_factory=dict)
    by_month: dict = dataclasses.field(default_factory=dict)
    late_reasons: dict = dataclasses.field(default_factory=dict)
    children: tuple = dataclasses.field(default_factory=lambda: (array("q"), array("q")))

    def add(self, unit: ReviewUnit) -> None:
        # About 130,000 calls a national report: each count is written out inline.
        on_time = unit.on_time
        self.met += on_time
        self.total += 1
        counts = self.by_team.get(unit.team_id)
        if counts is None:
            self.by_team[unit.team_id] = counts = [0, 0]
        counts[0] += on_time
        counts[1] += 1
        if self.chair_by_child:
            self.children[not on_time].append(unit.child_id)
        else:
            counts = self.by_chair.get(unit.chair_id)
            if counts is None:
                self.by_chair[unit.chair_id] = counts = [0, 0]
            counts[0] += on_time
            counts[1] += 1
        review = unit.review
        if review is not None:
            month = (review.year, review.month)
            counts = self.by_month.get(month)
            if counts is None:
                self.by_month[month] = counts = [0, 0]
            counts[0] += on_time
            counts[1] += 1
        if not on_time:
            reason = unit.lateness_reason
            self.late_reasons[reason] = self.late_reasons.get(reason, 0) + 1

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.met, self.total)

    def grouped(self, by: str, chair_of: Callable[[int], int | None] | None = None) -> dict:
        """``{team or chair id: Ratio}``, for the breakdowns; ``chair_of`` gives a child's
        chair where the units were counted by child."""
        tally = self.by_team if by == TEAM else self.by_chair
        if by != TEAM and self.chair_by_child:
            tally = {}
            for on_time, children in zip((1, 0), self.children, strict=True):
                for child_id in children:
                    counts = tally.setdefault(chair_of(child_id), [0, 0])
                    counts[0] += on_time
                    counts[1] += 1
        return {g: Ratio(met, total) for g, (met, total) in tally.items()}


_memo: ContextVar[dict | None] = ContextVar("iro_report_memo", default=None)


_TOGETHER = "periods read together"


@contextmanager
def one_report(*periods: Period):
    """Within it, what several measures of a period (and team, chair) read is read once
    and reused: the review units of both review measures (``_review_tallies``), the
    participation counts (``_participation``) and the ICPCs (``_icpc_grouped``), which
    a report asks for its measures, its breakdowns and its trend; and
    on PostgreSQL its queries run without just-in-time compilation (``_without_jit``).

    ``periods`` (a report's period and the same period a year earlier) are read
    together: the first of them asked for reads those three for all of them in one
    query each, so a report reads its review rows, conferences and ICPCs once, not
    once per period. They must not share a month (periods a year apart never do)."""
    months = [(y, m) for p in periods for y, m in _months_of(p)]
    if len(months) != len(set(months)):
        raise ValueError("Periods read together must not share a month")
    token = _memo.set({_TOGETHER: periods})
    try:
        with _without_jit():
            yield
    finally:
        _memo.reset(token)


@contextmanager
def _without_jit():
    """PostgreSQL's just-in-time compilation off for the block, in a transaction
    (``SET LOCAL``: it ends with the block, whatever a connection pooler does).

    A report's queries each read a year of a national authority's records: their
    estimated cost passes ``jit_above_cost``, and compiling them (close to a second
    each at 130,000 children, measured by ``EXPLAIN ANALYZE``) costs far more than
    running them. The block is one transaction on the database the reports
    read from; other databases do nothing.
    """
    alias = router.db_for_read(ConferenceChild)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _memo_key(name: str, period: Period, team, chair) -> tuple:
    return (
        name,
        period.first_day,
        period.last_day,
        getattr(team, "pk", None),
        getattr(chair, "pk", None),
    )


def _remembered(name: str, compute, period: Period, team, chair):
    memo = _memo.get()
    if memo is None:
        return compute(period, team, chair)
    key = _memo_key(name, period, team, chair)
    if key not in memo:
        memo[key] = compute(period, team, chair)
    return memo[key]


def _remembered_together(name: str, compute, period: Period, team, chair):
    """``_remembered`` for a ``compute(periods, team, chair)`` that reads several
    periods at once and returns a result for each: asked for one of the periods read
    together (``one_report``), it computes all of them and remembers each."""
    memo = _memo.get()
    if memo is None:
        return compute((period,), team, chair)[0]
    key = _memo_key(name, period, team, chair)
    if key not in memo:
        together = memo[_TOGETHER]
        periods = together if period in together else (period,)
        for each, result in zip(periods, compute(periods, team, chair), strict=True):
            memo.setdefault(_memo_key(name, each, team, chair), result)
    return memo[key]


def _months_of(period: Period) -> Iterator[tuple[int, int]]:
    """The (year, month) of every month the period has a day in."""
    year, month = period.first_day.year, period.first_day.month
    while (year, month) <= (period.last_day.year, period.last_day.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _split_by_month(grouped: dict, periods: tuple[Period, ...], at: slice) -> list[dict]:
    """Rows grouped by (..., year, month, ...) split into one dict per period, by the
    year and month at ``at`` of each key (periods read together share no month)."""
    month_to = {ym: i for i, p in enumerate(periods) for ym in _months_of(p)}
    found: list[dict] = [{} for _ in periods]
    for key, value in grouped.items():
        found[month_to[tuple(key[at])]][key] = value
    return found


def _held_in(periods: tuple[Period, ...]) -> Q:
    """The conference was held within one of ``periods``."""
    q = Q()
    for p in periods:
        q |= Q(conference__held_on__gte=p.first_day, conference__held_on__lte=p.last_day)
    return q


def review_walk_units(period: Period, team=None, chair=None) -> list[ReviewUnit]:
    """The units of ``reviews_on_time`` (see ``_review_units``), as a list."""
    units = _review_units((period,), team, chair, walk=True)
    return [u for _, kind, u in units if kind is WALK]


def review_walk_tally(period: Period, team=None, chair=None) -> ReviewTally:
    """The units of ``reviews_on_time`` counted (``ReviewTally``), once per report."""
    return _review_tallies(period, team, chair)[0]


def reviews_on_time(period: Period, *, team=None, chair=None) -> Ratio:
    return review_walk_tally(period, team, chair).ratio


def review_conference_units(period: Period, team=None, chair=None) -> list[ReviewUnit]:
    """The units of ``review_conferences_in_timescale`` (see ``_review_units``), as a
    list, by plan, review date and conference."""
    units = _review_units((period,), team, chair, walk=False)
    return [u for _, kind, u in units if kind is CONFERENCE]


def review_conference_tally(period: Period, team=None, chair=None) -> ReviewTally:
    """The units of ``review_conferences_in_timescale`` counted (``ReviewTally``), once
    per report: with the walk's when a report's measures asked for them first
    (``_review_tallies``), else on their own (a trend's span; the service's headline
    figures, which walk no plan), for the periods read together."""
    both = (_memo.get() or {}).get(_memo_key("walk", period, team, chair))
    if both is not None:
        return both[1]
    return _remembered_together("reviews", _review_conference_tallies, period, team, chair)


def _review_conference_tallies(periods: tuple[Period, ...], team, chair) -> list[ReviewTally]:
    tallies = [ReviewTally() for _ in periods]
    for i, _kind, unit in _review_units(periods, team, chair, walk=False):
        tallies[i].add(unit)
    return tallies


def _review_tallies(period: Period, team, chair) -> tuple[ReviewTally, ReviewTally]:
    """Both review measures' tallies (the walk's, the conferences'), from one reading of
    the review rows, once per report for all the periods read together."""

    def both(periods, team, chair):
        tallies = [(ReviewTally(chair_by_child=True), ReviewTally()) for _ in periods]
        for i, kind, unit in _review_units(periods, team, chair, walk=True):
            walk, conferences = tallies[i]
            (walk if kind is WALK else conferences).add(unit)
        return tallies

    return _remembered_together("walk", both, period, team, chair)


WALK = "walk"  # a unit of reviews_on_time
CONFERENCE = "conference"  # a unit of review_conferences_in_timescale


def _review_units(
    periods: tuple[Period, ...], team, chair, *, walk: bool
) -> Iterator[tuple[int, str, ReviewUnit]]:
    """The units of both review measures for each of ``periods``, ``(index of the
    period, WALK or CONFERENCE, unit)``, from the held reviews of the plans open in any
    of them read once (``_reviews_of_plans_open_in``). A period's units come in the
    order a reading of that period alone gives.

    ``reviews_on_time`` (``walk=True``): each child's current plan at the period's end
    whose first review had fallen due, walked by ``timescales.review_walk`` over its
    distinct review dates; the plans are a query a period, by plan id, read beside the
    reviews.

    ``review_conferences_in_timescale``: distinct (plan, review date) pairs held in the
    period, each with its due date: from the plan's start for its first review, else
    from the plan's distinct review date before it, whoever chaired that one. The same
    date twice is one review, the first conference's (its chair); with a chair filter,
    the first of that chair's. Review dates before the plan's start or after its end
    are data errors: left out.
    """
    chair_id = getattr(chair, "pk", None)
    first_due, next_due = timescales.first_review_due, timescales.next_review_due

    def conference_units(i, plan_id, rows):
        first, last = periods[i].first_day, periods[i].last_day
        previous = held = None
        counted = False
        for day, child_id, start, end, team_id, by, reason in rows:
            if day > last:
                return
            if day != held:
                previous, held, counted = held, day, False
            if counted or day < first or (end is not None and day > end):
                continue
            if chair_id is not None and by != chair_id:
                continue
            counted = True
            due = next_due(previous) if previous is not None else first_due(start)
            unit = ReviewUnit(plan_id, child_id, start, day <= due, due, day, team_id, by, reason)
            yield i, CONFERENCE, unit

    def walked(i, plan, dates):
        plan_id, child_id, start, end, team_id = plan
        on = timescales.review_walk(start, dates, periods[i].last_day, plan_end=end)
        late = on.late_reviews[-1] if on.late_reviews else None
        unit = ReviewUnit(
            plan_id, child_id, start, on.on_time, on.next_due, None, team_id, late_review=late
        )
        return i, WALK, unit

    # Each period's plans to walk (none when not walking), by plan id, and the next of each.
    plans = [
        _rows_in_chunks(
            current_plans_at_end(p, team, chair)
            .filter(start_date__lte=latest_first_review_start(p))
            .values_list("pk", "child_id", "start_date", "end_date", "child__team_id")
            .order_by("pk")
        )
        if walk
        else iter(())
        for p in periods
    ]
    waiting = [next(each, None) for each in plans]
    indexes = range(len(periods))
    for plan_id, rows in _reviews_of_plans_open_in(periods, team):
        for i in indexes:
            while waiting[i] is not None and waiting[i][0] < plan_id:  # no review yet
                yield walked(i, waiting[i], ())
                waiting[i] = next(plans[i], None)
        for i in indexes:
            yield from conference_units(i, plan_id, rows)
        dates = None
        for i in indexes:
            if waiting[i] is not None and waiting[i][0] == plan_id:
                if dates is None:
                    dates = sorted({row[0] for row in rows})
                yield walked(i, waiting[i], dates)
                waiting[i] = next(plans[i], None)
    for i in indexes:
        while waiting[i] is not None:
            yield walked(i, waiting[i], ())
            waiting[i] = next(plans[i], None)


def review_conferences_in_timescale(period: Period, *, team=None, chair=None) -> Ratio:
    return review_conference_tally(period, team, chair).ratio


# --- Disputes and challenges --------------------------------------------------------------


def disputes_raised_in(period: Period, team=None, chair=None) -> QuerySet[Dispute]:
    return _disputes(team, chair).filter(
        raised_on__gte=period.first_day, raised_on__lte=period.last_day
    )


def disputes_resolved_in(period: Period, team=None, chair=None) -> QuerySet[Dispute]:
    return _disputes(team, chair).filter(
        resolved_on__gte=period.first_day, resolved_on__lte=period.last_day
    )


def disputes_raised_for_children(period: Period, team=None, chair=None) -> QuerySet[Dispute]:
    """The disputes raised in the period, for a measure of children: a chair's are those
    of the children whose latest held conference they chaired (metrics.md: a child
    measure is credited to the child's latest chair, so the breakdown adds up to the
    whole), not those the chair raised."""
    return _by_child(disputes_raised_in(period, team), period, None, chair)


def children_with_dispute_raised(period: Period, *, team=None, chair=None) -> int:
    return _count(disputes_raised_for_children(period, team, chair), "child", distinct=True)


def disputes_raised(period: Period, *, team=None, chair=None) -> int:
    return _count(disputes_raised_in(period, team, chair))


REASON_KEYS = tuple(DisputeReason.values)  # assessment, planning, practice, progress
STAGE_KEYS = ("informal", "stage_2", "stage_3", "stage_4", "stage_5_to_8")


def dispute_reasons(period: Period, *, team=None, chair=None) -> dict[str, dict]:
    counts = dict.fromkeys(REASON_KEYS, 0)
    rows = disputes_raised_in(period, team, chair).values("reason").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[row["reason"]] = row["n"]
    return share_breakdown(counts)


def dispute_resolution_stage(period: Period, *, team=None, chair=None) -> dict[str, dict]:
    counts = dict.fromkeys(STAGE_KEYS, 0)
    rows = disputes_resolved_in(period, team, chair).values("stage").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[stage_report_key(Stage(row["stage"]))] += row["n"]
    return share_breakdown(counts)


def challenges_raised_in(period: Period, team=None, chair=None) -> QuerySet:
    qs = MultiAgencyChallenge.objects.filter(
        raised_on__gte=period.first_day, raised_on__lte=period.last_day
    )
    if team is not None:
        qs = qs.filter(child__team=team)
    if chair is not None:
        qs = qs.filter(raised_by=chair)
    return qs


def multi_agency_challenges_raised(period: Period, *, team=None, chair=None) -> dict:
    """``{"count": n, "by_agency": {agency name: count}}``, agencies by name."""
    rows = (
        challenges_raised_in(period, team, chair)
        .values("agency__name")
        .annotate(n=Count("pk"))
        .order_by("agency__name")
    )
    by_agency = {row["agency__name"]: row["n"] for row in rows}
    return {"count": sum(by_agency.values()), "by_agency": by_agency}


# --- Participation ------------------------------------------------------------------------

PARTICIPATION_KINDS = (ConferenceKind.INITIAL, ConferenceKind.REVIEW, ConferenceKind.TRANSFER_IN)

ATTENDED = Q(
    attendance__in=[ChildAttendance.IN_PERSON, ChildAttendance.VIRTUAL, ChildAttendance.PART]
)
VIEWS_REPRESENTED = (
    ATTENDED | Q(advocate_attended=True) | Q(written_views=True) | Q(direct_work=True)
)
ADVOCATE_INVOLVED = Q(advocate_involved=True)
# "The chair met the child (where of an age to) and the parents beforehand."
PRE_MEETINGS_HELD = (Q(pre_meeting_child=True) | Q(pre_meeting_child_not_applicable=True)) & Q(
    pre_meeting_parents=True
)


def conferences_held_rows(period: Period, team=None, chair=None) -> QuerySet[ConferenceChild]:
    """Child-conferences (one per child per conference) held in the period."""
    return _conference_rows(period, team, chair, kinds=PARTICIPATION_KINDS)


def aged_at_least(years: int, born: str, day: str) -> Q:
    """The person born on the date column ``born`` is ``years`` or over on the date column
    ``day`` (whole years; a 29 February birthday falls on 1 March in other years). For
    rows annotated by ``_with_age_parts``; no date of birth (unborn) is never true."""
    months = 12 * years
    return Q(**{f"{born}__isnull": False}) & (
        Q(_age_months__gt=months) | Q(_age_months=months, _age_day__gte=F("_born_day"))
    )


def _with_age_parts(qs: QuerySet, born: str, day: str) -> QuerySet:
    """Annotate the whole months from the birth month to the day's month, and both days."""
    return qs.annotate(
        _age_months=(DatePart(day, "year") * 12 + DatePart(day, "month"))
        - (DatePart(born, "year") * 12 + DatePart(born, "month")),
        _age_day=DatePart(day, "day"),
        _born_day=DatePart(born, "day"),
    )


# "Where the child was aged 5 or over on the day": the units of the participation ratios.
PARTICIPATION_AGE = 5
OF_AN_AGE = aged_at_least(PARTICIPATION_AGE, "child__date_of_birth", "conference__held_on")

# The ratios over participation_units rather than conferences_held.
OVER_PARTICIPATION_UNITS = frozenset(
    {"participation_units", "child_attended", "child_views_represented", "advocate_involved"}
)

# Conditions counted over the child-conferences held (pre-meetings), or over those where
# the child was of an age to take part (the other three).
PARTICIPATION = {
    "attended": OF_AN_AGE & ATTENDED,
    "views": OF_AN_AGE & VIEWS_REPRESENTED,
    "advocate": OF_AN_AGE & ADVOCATE_INVOLVED,
    "pre_meetings": PRE_MEETINGS_HELD,
    "participation_units": OF_AN_AGE,
    "initial": Q(conference__kind=ConferenceKind.INITIAL),
    "review": Q(conference__kind=ConferenceKind.REVIEW),
    "initial_plan": Q(conference__kind=ConferenceKind.INITIAL, decision=Decision.PLAN),
}


def _participation(periods: tuple[Period, ...], team, chair) -> list[dict[tuple, tuple[int, ...]]]:
    """For each of ``periods``, ``{(child's team, year, month): counts}``, the counts in
    ``PARTICIPATION_COUNTS``'s order: the child-conferences held and how many met each
    participation condition, in one query over the periods' rows grouped by the child's
    team and the month held (a few thousand rows at most, whatever the number of
    children), so the totals, the breakdown by team and the trend's months share it."""
    rows = (
        _with_age_parts(
            _conference_rows_in(periods, team, chair, kinds=PARTICIPATION_KINDS),
            "child__date_of_birth",
            "conference__held_on",
        )
        .values_list(
            F("child__team"),
            DatePart("conference__held_on", "year"),
            DatePart("conference__held_on", "month"),
        )
        .annotate(
            units=Count("pk"),
            **{name: Count("pk", filter=condition) for name, condition in PARTICIPATION.items()},
        )
        .order_by()
    )
    grouped = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    return _split_by_month(grouped, periods, slice(1, 3))


PARTICIPATION_COUNTS = ("units", *PARTICIPATION)


def _participation_by(period: Period, team, chair, group: Callable[[tuple], Any]) -> dict:
    """The participation counts (``_participation``, once per report) summed by
    ``group(key)`` of each ``(team, year, month)`` key, as ``{name: count}``."""
    summed: dict = {}
    grouped = _remembered_together("participation", _participation, period, team, chair)
    for key, counts in grouped.items():
        into = summed.get(group(key))
        if into is None:
            summed[group(key)] = into = [0] * len(PARTICIPATION_COUNTS)
        for i, n in enumerate(counts):
            into[i] += n
    return {g: dict(zip(PARTICIPATION_COUNTS, counts, strict=True)) for g, counts in summed.items()}


def _participation_counts(period: Period, team, chair) -> dict[str, int]:
    """The period's totals (summed once per report: nine measures read them)."""

    def totals(period, team, chair):
        summed = _participation_by(period, team, chair, lambda key: None)
        return summed.get(None) or dict.fromkeys(PARTICIPATION_COUNTS, 0)

    return _remembered("participation totals", totals, period, team, chair)


def conferences_held(period: Period, *, team=None, chair=None) -> int:
    return _participation_counts(period, team, chair)["units"]


def _of_conferences_held(period: Period, team, chair, name: str) -> Ratio:
    counts = _participation_counts(period, team, chair)
    return Ratio(counts[name], counts["units"])


def participation_units(period: Period, *, team=None, chair=None) -> int:
    return _participation_counts(period, team, chair)["participation_units"]


def _of_participation_units(period: Period, team, chair, name: str) -> Ratio:
    counts = _participation_counts(period, team, chair)
    return Ratio(counts[name], counts["participation_units"])


def child_attended(period: Period, *, team=None, chair=None) -> Ratio:
    return _of_participation_units(period, team, chair, "attended")


def child_views_represented(period: Period, *, team=None, chair=None) -> Ratio:
    return _of_participation_units(period, team, chair, "views")


def advocate_involved(period: Period, *, team=None, chair=None) -> Ratio:
    return _of_participation_units(period, team, chair, "advocate")


def pre_meetings_held(period: Period, *, team=None, chair=None) -> Ratio:
    return _of_conferences_held(period, team, chair, "pre_meetings")


# --- More measures ------------------------------------------------------------------------


def initial_conferences_held(period: Period, *, team=None, chair=None) -> int:
    return _participation_counts(period, team, chair)["initial"]


def review_conferences_held(period: Period, *, team=None, chair=None) -> int:
    return _participation_counts(period, team, chair)["review"]


def icpc_leading_to_plan(period: Period, *, team=None, chair=None) -> Ratio:
    counts = _participation_counts(period, team, chair)
    return Ratio(counts["initial_plan"], counts["initial"])


NOT_RECORDED = "not_recorded"
LATENESS_KEYS = (*LatenessReason.values, NOT_RECORDED)


def _tally(keys: Iterable[str], rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Counts under ``keys``, a blank (or unknown) recorded value under ``not_recorded``."""
    counts = dict.fromkeys(keys, 0)
    for value, n in rows:
        counts[value if value in counts and value != NOT_RECORDED else NOT_RECORDED] += n
    return counts


def late_icpc_reasons(period: Period, *, team=None, chair=None) -> dict[str, int]:
    by_reason = _icpc_by(period, team, chair, lambda key: key[1])
    return _tally(LATENESS_KEYS, ((r, units - met) for r, (met, units) in by_reason.items()))


def late_review_reasons(period: Period, *, team=None, chair=None) -> dict[str, int]:
    late = review_conference_tally(period, team, chair).late_reasons
    return _tally(LATENESS_KEYS, late.items())


def two_years_before(day: date) -> date:
    """``day`` less 24 calendar months (29 February 2020 gives 28 February 2018)."""
    return timescales.add_months(day, -24)


def plans_open_two_years_or_more_at_period_end(period: Period, *, team=None, chair=None) -> int:
    plans = current_plans_at_end(period, team, chair).filter(
        start_date__lte=two_years_before(period.last_day)
    )
    return _count(plans, "child", distinct=True)


def previous_plan_within_two_years() -> Q:
    """Over plans: the child has another plan that ended on or before this one's start
    and on or after (this start - 24 months), compared by month and day in SQL."""
    start = OuterRef("start_date")
    earlier = (
        Plan.objects.filter(child=OuterRef("child"), end_date__lte=start)
        .exclude(pk=OuterRef("pk"))
        .annotate(
            _gap=(DatePart("end_date", "year") * 12 + DatePart("end_date", "month"))
            - (DatePart(start, "year") * 12 + DatePart(start, "month")),
            _end_day=DatePart("end_date", "day"),
            _start_day=DatePart(start, "day"),
            _day_after_end=DatePart("end_date", "next_day"),
        )
        # e >= s - 24 months: a later month, or the same month on or after the day (the
        # month's last day when it is shorter: 28 February for a 29 February start).
        .filter(
            Q(_gap__gt=-24)
            | Q(_gap=-24, _end_day__gte=F("_start_day"))
            | Q(_gap=-24, _day_after_end=1)
        )
    )
    return Q(Exists(earlier))


def plans_started_within_two_years_of_previous(period: Period, *, team=None, chair=None) -> Ratio:
    counts = plans_started_in(period, team, chair).aggregate(
        units=Count("pk"), met=Count("pk", filter=previous_plan_within_two_years())
    )
    return Ratio(counts["met"], counts["units"])


def reporting_year(period: Period) -> str:
    """The label of the reporting year a period falls in (by its last day)."""
    return timescales.period_containing(timescales.ANNUAL, period.last_day).label


def population(period: Period) -> int | None:
    """The authority's recorded population aged 0-17 for the period's reporting year."""
    found = Population.objects.filter(year=reporting_year(period)).values_list(
        "children", flat=True
    )
    return next(iter(found), None)


def children_on_plan_at_period_end_per_10000(
    period: Period, *, team=None, chair=None
) -> Decimal | None:
    """Over the authority's whole population, so only for the whole service: ``None``
    for one team or chair (whose children are not a population)."""
    if team is not None or chair is not None:
        return None
    children = population(period)
    if not children:
        return None
    on_plan = children_on_plan_at_period_end(period)
    return one_decimal(Decimal(10_000 * on_plan) / Decimal(children))


def born_on_or_before_for_age(day: date, years: int) -> date:
    """The latest date of birth of someone aged ``years`` or over on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one: born on the 28th or before
        return date(day.year - years, 2, 28)


AGE_KEYS = ("unborn", "under_1", "1_to_4", "5_to_9", "10_to_15", "16_and_over")


def _age_bands(day: date) -> dict[str, Q]:
    """Each age band on ``day`` as a filter on the child's date of birth. A child with no
    date of birth, or born after the day, was unborn on it."""
    born = "child__date_of_birth"

    def aged(years: int) -> Q:
        return Q(**{f"{born}__lte": born_on_or_before_for_age(day, years)})

    born_by_then = Q(**{f"{born}__lte": day})
    return {
        "unborn": Q(**{f"{born}__isnull": True}) | Q(**{f"{born}__gt": day}),
        "under_1": born_by_then & ~aged(1),
        "1_to_4": aged(1) & ~aged(5),
        "5_to_9": aged(5) & ~aged(10),
        "10_to_15": aged(10) & ~aged(16),
        "16_and_over": aged(16),
    }


def _children_at_end_by(period: Period, team, chair, name: str) -> dict[str, int]:
    """Children on a plan at period end (each once, by their current plan) in each band
    of ``name`` (``"age"``, ``"sex"``, ``"ethnicity"``, ``"disability"``): all four
    breakdowns are counted in one query over the same plans, once per report."""
    return dict(_remembered("at_end_bands", _children_at_end_in_bands, period, team, chair)[name])


def _children_at_end_in_bands(period: Period, team, chair) -> dict[str, dict[str, int]]:
    groups = {
        "age": _age_bands(period.last_day),
        "sex": SEX_BANDS,
        "ethnicity": ETHNICITY_BANDS,
        "disability": {"n": WITH_DISABILITY},
    }
    names = [(name, key, q) for name, bands in groups.items() for key, q in bands.items()]
    counts = current_plans_at_end(period, team, chair).aggregate(
        **{
            f"band_{i}": Count("child", distinct=True, filter=q)
            for i, (_, _, q) in enumerate(names)
        }
    )
    found: dict[str, dict[str, int]] = {name: {} for name in groups}
    for i, (name, key, _) in enumerate(names):
        found[name][key] = counts[f"band_{i}"]
    return found


def children_on_plan_at_period_end_by_age(
    period: Period, *, team=None, chair=None
) -> dict[str, int]:
    return _children_at_end_by(period, team, chair, "age")


SEX_BANDS = {
    "male": Q(child__sex=Sex.MALE),
    "female": Q(child__sex=Sex.FEMALE),
    "unknown": ~Q(child__sex__in=[Sex.MALE, Sex.FEMALE]),
}


def children_on_plan_at_period_end_by_sex(
    period: Period, *, team=None, chair=None
) -> dict[str, int]:
    return _children_at_end_by(period, team, chair, "sex")


# The DfE ethnicity codes by major group (Chinese is in "any other ethnic group", as
# the children in need statistics group it); refused or not obtained: not known.
ETHNIC_GROUPS = {
    "white": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "black": ("BCRB", "BAFR", "BOTH"),
    "other": ("CHNE", "OOTH"),
}
ETHNICITY_BANDS = {
    **{key: Q(child__ethnicity__in=codes) for key, codes in ETHNIC_GROUPS.items()},
    "not_known": ~Q(child__ethnicity__in=[c for codes in ETHNIC_GROUPS.values() for c in codes]),
}


def children_on_plan_at_period_end_by_ethnicity(
    period: Period, *, team=None, chair=None
) -> dict[str, int]:
    return _children_at_end_by(period, team, chair, "ethnicity")


# At least one recorded disability other than NONE: the list is neither empty nor NONE.
WITH_DISABILITY = ~Q(child__disabilities=[]) & ~Q(child__disabilities=["NONE"])


def children_on_plan_at_period_end_with_disability(period: Period, *, team=None, chair=None) -> int:
    return _children_at_end_by(period, team, chair, "disability")["n"]


@dataclass(frozen=True)
class StageResponse:
    """One response to a dispute stage, with its due date."""

    child_id: int
    responded_on: date
    due: date
    in_time: bool

    @property
    def detail(self) -> str:
        return f"Response {self.responded_on:%-d %b %Y}, due by {self.due:%-d %b %Y}"


def stage_response_units(period: Period, team=None, chair=None) -> list[StageResponse]:
    """Responses received in the period at a stage with a recorded timescale (a stage
    without one has no due date), each in time when received on or before the stage's
    start plus its working days. A few disputes a year reach a stage: the due dates are
    worked out here by ``timescales``, in two queries."""
    days = dict(StageTimescale.objects.values_list("stage", "working_days"))
    stages = (
        DisputeStage.objects.filter(
            dispute__in=_disputes(team, chair),
            responded_on__gte=period.first_day,
            responded_on__lte=period.last_day,
            stage__in=list(days),
        )
        .values_list("dispute__child_id", "stage", "started_on", "responded_on")
        .order_by("responded_on", "pk")
    )
    closures = closure_days()
    units = []
    for child_id, stage, started_on, responded_on in stages:
        due = timescales.add_working_days(started_on, days[stage], closures=closures)
        units.append(StageResponse(child_id, responded_on, due, responded_on <= due))
    return units


def dispute_stage_responses_in_time(period: Period, *, team=None, chair=None) -> Ratio:
    units = stage_response_units(period, team, chair)
    return Ratio(sum(u.in_time for u in units), len(units))


DISPUTE_OUTCOME_KEYS = (*DisputeOutcome.values, NOT_RECORDED)


def dispute_outcomes(period: Period, *, team=None, chair=None) -> dict[str, int]:
    rows = (
        disputes_resolved_in(period, team, chair)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _tally(DISPUTE_OUTCOME_KEYS, rows)


CHALLENGE_OUTCOME_KEYS = (*ChallengeOutcome.values, NOT_RECORDED)


def challenges_closed_in(period: Period, team=None, chair=None) -> QuerySet:
    """Challenges whose response (and outcome) came in the period."""
    qs = MultiAgencyChallenge.objects.filter(
        responded_on__gte=period.first_day, responded_on__lte=period.last_day
    )
    if team is not None:
        qs = qs.filter(child__team=team)
    if chair is not None:
        qs = qs.filter(raised_by=chair)
    return qs


def multi_agency_challenge_outcomes(period: Period, *, team=None, chair=None) -> dict[str, int]:
    rows = (
        challenges_closed_in(period, team, chair)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _tally(CHALLENGE_OUTCOME_KEYS, rows)


def fte_at(day: date, people=None) -> Decimal:
    """The sum of each person's full-time equivalent on ``day``: their latest record
    starting on or before it (0 for people with none)."""
    later = WorkingHours.objects.filter(
        person=OuterRef("person"), starts_on__lte=day, starts_on__gt=OuterRef("starts_on")
    )
    records = WorkingHours.objects.filter(starts_on__lte=day).exclude(Exists(later))
    if people is not None:
        records = records.filter(person__in=people)
    total = records.aggregate(total=Sum("fte"))["total"] or 0
    return Decimal(total).quantize(Decimal("0.01"))


def iro_caseload_per_fte_at_period_end(period: Period, *, team=None, chair=None) -> Decimal | None:
    """For the whole service, or one chair (their own children over their own hours);
    ``None`` for a team, whose children are chaired by IROs of every team."""
    if team is not None:
        return None
    fte = fte_at(period.last_day, None if chair is None else [chair.pk])
    if not fte:
        return None
    on_plan = children_on_plan_at_period_end(period, chair=chair)
    return one_decimal(Decimal(on_plan) / fte)


# --- Feedback -----------------------------------------------------------------------------

RESPONDENT_KEYS = tuple(Respondent.values)  # child, parent_or_carer, professional, other


def feedback_in(period: Period, team=None, chair=None) -> QuerySet[Feedback]:
    """Feedback received in the period (first and last day included), not about a voided
    conference; for a team, about a conference of one of its children; for a chair,
    about a conference they chaired."""
    qs = Feedback.objects.filter(
        received_on__gte=period.first_day,
        received_on__lte=period.last_day,
        conference__voided_at__isnull=True,
    )
    if chair is not None:
        qs = qs.filter(conference__chair=chair)
    if team is not None:
        # A subquery, so a conference of two of the team's children counts once.
        qs = qs.filter(
            conference__in=ConferenceChild.objects.filter(child__team=team).values("conference")
        )
    return qs


def feedback_received(period: Period, *, team=None, chair=None) -> dict[str, int]:
    """Pieces of feedback received in the period by who gave it (integer counts)."""
    counts = dict.fromkeys(RESPONDENT_KEYS, 0)
    rows = feedback_in(period, team, chair).values("respondent").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[row["respondent"]] = row["n"]
    return counts


def feedback_figures(period: Period, *, team=None, chair=None) -> dict:
    """The feedback's ratings and themes (not a measure of metrics.md; the report's
    feedback section): each rating question's average of the answers given (one
    decimal, half up; None where nobody answered) and the count of answers, and how many
    pieces of feedback touched each theme."""
    rows = list(feedback_in(period, team, chair).values_list(*RATING_QUESTIONS, "themes"))
    ratings = {}
    for i, field in enumerate(RATING_QUESTIONS):
        answers = [row[i] for row in rows if row[i] is not None]
        average = (
            (Decimal(sum(answers)) / len(answers)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
            if answers
            else None
        )
        ratings[field] = {
            "average": None if average is None else float(average),
            "answers": len(answers),
        }
    themes = dict.fromkeys(Theme.values, 0)
    for row in rows:
        for theme in row[-1] or ():
            if theme in themes:
                themes[theme] += 1
    return {"ratings": ratings, "themes": themes}


# --- The list -----------------------------------------------------------------------------

MeasureFunction = Callable[..., "int | Ratio | dict"]

# Every measure of metrics.md, in its order: key -> function.
MEASURES: dict[str, MeasureFunction] = {
    f.__name__: f
    for f in (
        children_on_plan_during_period,
        children_on_plan_at_period_end,
        plans_started,
        plans_ended,
        plans_started_second_or_subsequent,
        plans_at_period_end_by_latest_category,
        plans_ended_by_duration,
        icpc_within_15_working_days,
        reviews_on_time,
        review_conferences_in_timescale,
        children_with_dispute_raised,
        disputes_raised,
        dispute_reasons,
        dispute_resolution_stage,
        multi_agency_challenges_raised,
        conferences_held,
        child_attended,
        child_views_represented,
        advocate_involved,
        pre_meetings_held,
        initial_conferences_held,
        review_conferences_held,
        icpc_leading_to_plan,
        late_icpc_reasons,
        late_review_reasons,
        plans_open_two_years_or_more_at_period_end,
        plans_started_within_two_years_of_previous,
        children_on_plan_at_period_end_per_10000,
        children_on_plan_at_period_end_by_age,
        children_on_plan_at_period_end_by_sex,
        children_on_plan_at_period_end_by_ethnicity,
        children_on_plan_at_period_end_with_disability,
        participation_units,
        dispute_stage_responses_in_time,
        dispute_outcomes,
        multi_agency_challenge_outcomes,
        iro_caseload_per_fte_at_period_end,
        feedback_received,
    )
}


def compute_all(period: Period, *, team=None, chair=None) -> dict[str, int | Ratio | dict]:
    """Every measure for one period (and optionally one team or chair)."""
    if _memo.get() is not None:
        _review_tallies(period, team, chair)  # both review measures from one reading
    return {key: fn(period, team=team, chair=chair) for key, fn in MEASURES.items()}


def as_json(value: int | Ratio | dict | Decimal | None) -> int | float | dict | None:
    """A measure's value in the JSON shape of metrics.md (a rate as a number)."""
    if isinstance(value, Ratio):
        return value.as_json()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if value is not None and not isinstance(value, int | float | str | list):
        return str(value)  # a count the published edition withholds: "fewer than 5"
    return value


# --- Breakdowns by team and by chair ------------------------------------------------------
#
# The same measures for every team (or chair) at once, grouped in the database, so a
# breakdown costs the same few queries however many teams, chairs or children there are.
# Each group's figure equals the measure filtered by that team or chair (tests check).

TEAM = "team"
CHAIR = "chair"
GROUPINGS = (TEAM, CHAIR)

BREAKDOWN_KEYS = (
    "children_on_plan_during_period",
    "children_on_plan_at_period_end",
    "plans_started",
    "icpc_within_15_working_days",
    "reviews_on_time",
    "review_conferences_in_timescale",
    "children_with_dispute_raised",
    "child_attended",
    "child_views_represented",
    "initial_conferences_held",
    "review_conferences_held",
    "icpc_leading_to_plan",
    "plans_open_two_years_or_more_at_period_end",
)


def _grouped(qs: QuerySet, group, **aggregates) -> dict:
    rows = qs.annotate(_group=group).values("_group").annotate(**aggregates).order_by()
    return {row.pop("_group"): row for row in rows}


def _plan_measures_by(period: Period, by: str, team, chair) -> dict[str, dict]:
    """The breakdowns' four plan measures from one query over the plans any of them
    counts (open at some time in the period, or started in it). Each measure counts the
    rows of its own filter (``plans_during``, ``plans_at_end``, ``plans_started_in``,
    ``current_plans_at_end``), and a group appears only where it counts something, as
    it would by a query of its own. By team, the database groups them; by chair, each
    plan's group is its child's latest chair (``_latest_chairs``, one query for the
    report), so the plans' flags are read and counted here."""
    first, last = period.first_day, period.last_day
    open_during = Q(end_date__isnull=True) | Q(end_date__gte=first)
    open_at_end = Q(end_date__isnull=True) | Q(end_date__gt=last)
    started = Q(start_date__gte=first)  # and on or before the last day, as all these
    later_open = Plan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=last),
        child=OuterRef("child"),
        start_date__lte=last,
    ).filter(
        Q(start_date__gt=OuterRef("start_date"))
        | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    open_two_years = (
        open_at_end & ~Q(Exists(later_open)) & Q(start_date__lte=two_years_before(last))
    )
    plans = _plans(period, team, chair).filter(open_during | started, start_date__lte=last)
    # measure key: (its filter, whether it counts children rather than plans)
    counted = {
        "children_on_plan_during_period": (open_during, True),
        "children_on_plan_at_period_end": (open_at_end, True),
        "plans_started": (started, False),
        "plans_open_two_years_or_more_at_period_end": (open_two_years, True),
    }
    if by == TEAM:
        rows = _grouped(
            plans,
            F("child__team"),
            **{
                key: Count("child" if children else "pk", distinct=children, filter=condition)
                for key, (condition, children) in counted.items()
            },
        )
        return {key: {g: r[key] for g, r in rows.items() if r[key]} for key in counted}
    # By chair: each plan's flags, in child order, so each child is counted once for a
    # measure any of its plans meets, with no set of children kept.
    chair_of = _latest_chairs(period, team).get
    flags = plans.values_list(
        "child_id",
        *(ExpressionWrapper(condition, BooleanField()) for condition, _ in counted.values()),
    ).order_by("child_id")
    found: dict[str, dict] = {key: {} for key in counted}
    kinds = [(found[key], children) for key, (_, children) in counted.items()]
    for child_id, child_plans in groupby(_rows_in_chunks(flags), key=itemgetter(0)):
        group = chair_of(child_id)
        met = [0] * len(kinds)  # plans meeting each measure's filter
        for _, *matches in child_plans:
            for i, matched in enumerate(matches):
                met[i] += bool(matched)
        for (groups, children), n in zip(kinds, met, strict=True):
            if n:
                groups[group] = groups.get(group, 0) + (1 if children else n)
    return found


def _grouped_ratio(qs: QuerySet, group, condition: Q) -> dict:
    rows = _grouped(qs, group, units=Count("pk"), met=Count("pk", filter=condition))
    return {g: Ratio(r["met"], r["units"]) for g, r in rows.items()}


def measures_by(period: Period, by: str, *, team=None, chair=None) -> dict:
    """``{group id: {key: value}}`` for ``BREAKDOWN_KEYS``, grouped by the child's team
    (``by="team"``) or the chair (``by="chair"``, as each measure's chair filter defines
    it). A group id is None for children without a team, or without a chair yet."""
    if by not in GROUPINGS:
        raise ValueError(f"Cannot group by {by!r}; expected team or chair")
    found: dict[str, dict] = {
        **_plan_measures_by(period, by, team, chair),
        "icpc_within_15_working_days": (
            {
                g: Ratio(met, units)
                for g, (met, units) in _icpc_by(period, team, chair, lambda key: key[0]).items()
            }
            if by == TEAM
            else _grouped_ratio(
                icpc_units(period, team, chair), F("conference__chair"), icpc_in_time_filter(period)
            )
        ),
        "reviews_on_time": review_walk_tally(period, team, chair).grouped(
            by, _latest_chairs(period, team).get if by == CHAIR else None
        ),
        "review_conferences_in_timescale": review_conference_tally(period, team, chair).grouped(by),
        "children_with_dispute_raised": {
            g: r["n"]
            for g, r in _grouped(
                disputes_raised_for_children(period, team, chair),
                F("child__team") if by == TEAM else latest_chair(period),
                n=Count("child", distinct=True),
            ).items()
        },
    }
    if by == TEAM:
        participation = _participation_by(period, team, chair, lambda key: key[0])
    else:
        participation = _grouped(
            _with_age_parts(
                conferences_held_rows(period, team, chair),
                "child__date_of_birth",
                "conference__held_on",
            ),
            F("conference__chair"),
            **{
                name: Count("pk", filter=PARTICIPATION[name])
                for name in ("participation_units", "attended", "views", "initial", "review")
            },
            initial_plan=Count("pk", filter=PARTICIPATION["initial_plan"]),
        )
    found["child_attended"] = {
        g: Ratio(r["attended"], r["participation_units"]) for g, r in participation.items()
    }
    found["child_views_represented"] = {
        g: Ratio(r["views"], r["participation_units"]) for g, r in participation.items()
    }
    found["initial_conferences_held"] = {g: r["initial"] for g, r in participation.items()}
    found["review_conferences_held"] = {g: r["review"] for g, r in participation.items()}
    found["icpc_leading_to_plan"] = {
        g: Ratio(r["initial_plan"], r["initial"]) for g, r in participation.items()
    }
    groups = {g for values in found.values() for g in values}
    empty = {key: Ratio(0, 0) if key in RATIO_KEYS else 0 for key in BREAKDOWN_KEYS}
    return {g: {key: found[key].get(g, empty[key]) for key in BREAKDOWN_KEYS} for g in groups}


RATIO_KEYS = frozenset(
    {
        "plans_started_second_or_subsequent",
        "icpc_within_15_working_days",
        "reviews_on_time",
        "review_conferences_in_timescale",
        "child_attended",
        "child_views_represented",
        "advocate_involved",
        "pre_meetings_held",
        "icpc_leading_to_plan",
        "plans_started_within_two_years_of_previous",
        "dispute_stage_responses_in_time",
    }
)


# --- Month by month -----------------------------------------------------------------------
#
# A trend needs a few measures for each of many months. Asking each month separately is
# many small queries; these give every month's figure from one or two queries, by
# conditional counts per month. Each month's figure equals the measure for that month
# (tests check).

SERIES_KEYS = (
    "children_on_plan_at_period_end",
    "plans_started",
    "icpc_within_15_working_days",
    "review_conferences_in_timescale",
    "child_attended",
)


def _span(months: list[Period]) -> Period:
    first, last = months[0].first_day, months[-1].last_day
    return Period("span", f"{first.isoformat()}/{last.isoformat()}", first, last)


def _in_month(field: str, month: Period) -> Q:
    return Q(**{f"{field}__gte": month.first_day, f"{field}__lte": month.last_day})


def monthly_series(months: list[Period], *, team=None, chair=None) -> list[dict[str, int | Ratio]]:
    """``SERIES_KEYS`` for each of ``months`` (consecutive, in order)."""
    span = _span(months)
    series: list[dict[str, int | Ratio]] = [{} for _ in months]
    if chair is None:
        # A plan's chair depends on the month's last day: only unfiltered plans group.
        # Only plans open at some time in the span can count in any month.
        plans = _plans(span, team, None).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=span.first_day),
            start_date__lte=span.last_day,
        )
        aggregates = {}
        for i, month in enumerate(months):
            open_at_end = Q(start_date__lte=month.last_day) & (
                Q(end_date__isnull=True) | Q(end_date__gt=month.last_day)
            )
            aggregates[f"end_{i}"] = Count("child", distinct=True, filter=open_at_end)
            aggregates[f"started_{i}"] = Count("pk", filter=_in_month("start_date", month))
        counts = plans.aggregate(**aggregates)
        for i, values in enumerate(series):
            values["children_on_plan_at_period_end"] = counts[f"end_{i}"]
            values["plans_started"] = counts[f"started_{i}"]
    else:
        for month, values in zip(months, series, strict=True):
            values["children_on_plan_at_period_end"] = children_on_plan_at_period_end(
                month, team=team, chair=chair
            )
            values["plans_started"] = plans_started(month, team=team, chair=chair)

    # The span's ICPCs by month: for an annual report, the year's (one query).
    icpc = _icpc_by(span, team, chair, lambda key: key[2:])
    for month, values in zip(months, series, strict=True):
        met, units = icpc.get((month.first_day.year, month.first_day.month), (0, 0))
        values["icpc_within_15_working_days"] = Ratio(met, units)

    by_month = review_conference_tally(span, team, chair).by_month
    for month, values in zip(months, series, strict=True):
        met, total = by_month.get((month.first_day.year, month.first_day.month), (0, 0))
        values["review_conferences_in_timescale"] = Ratio(met, total)

    # The span's participation by month: for an annual report, the year's (one query).
    by_month = _participation_by(span, team, chair, lambda key: key[1:])
    for month, values in zip(months, series, strict=True):
        counts = by_month.get((month.first_day.year, month.first_day.month))
        met, units = (counts["attended"], counts["participation_units"]) if counts else (0, 0)
        values["child_attended"] = Ratio(met, units)
    return [{key: values[key] for key in SERIES_KEYS} for values in series]
