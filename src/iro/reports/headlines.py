"""The service's headline figures for the year to date, for the senior manager's page.

The same measures as the reports (``reports.measures``), over the reporting year from
1 April to the given day, beside the same stretch of last year. Figures only: no child,
family member or chair is named. A fixed number of queries whatever the data, and only
the cache's while the records and the day are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from iro import timescales
from iro.challenge.selectors import targets_for_year
from iro.reports import measures
from iro.reports.builders import LABELS, target_lines
from iro.reports.cache import kept_or_recent_for_everyone
from iro.reports.measures import Ratio
from iro.reports.presentation import target_text
from iro.timescales import ANNUAL, Period

# The headline measures, in the order the page shows them.
HEADLINE_KEYS = (
    "children_on_plan_at_period_end",
    "plans_started",
    "plans_ended",
    "icpc_within_15_working_days",
    "review_conferences_in_timescale",
    "reviews_on_time",
    "conferences_held",
    "child_views_represented",
    "disputes_raised",
)
# A headline's label when "at the period end" means "today", and what a figure counts
# where the reader could take it for something else.
HEADLINE_LABELS = {"children_on_plan_at_period_end": "Children subject to a plan"}
HEADLINE_HINTS = {
    "children_on_plan_at_period_end": "On the day: today, and the same day last year.",
    "conferences_held": "One for each child at each initial, review and transfer-in conference.",
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str  # as read: "42" or "81.3% (13 of 16)"
    last_year: str
    hint: str = ""  # what the figure counts, under its label
    detail: str = ""  # how this year's figure is made up: "412 initial, 571 review, ..."
    last_year_detail: str = ""
    target: str = ""  # the year's target set for the action plan: "at least 92%"
    verdict: str = ""  # against it so far: "On track", "Not on track" ("" without one)


@dataclass(frozen=True)
class Headlines:
    period: Period
    last_year: Period
    figures: list[Figure]
    made_at: datetime | None = None  # a copy made a little earlier: when (``headlines``)


def year_to_date(day: date) -> Period:
    """The reporting year that ``day`` falls in, from 1 April up to ``day``: the year read
    as at ``day``, as the annual report reads a year not yet over."""
    return timescales.period_containing(ANNUAL, day).as_at(day)


def _same_stretch_last_year(period: Period) -> Period:
    """1 April to the same day a year earlier, as the annual report compares."""
    return period.previous_year()


def _read(value) -> str:
    if isinstance(value, Ratio):
        percent: Decimal | None = value.percent
        if percent is None:
            return "None yet"
        return f"{percent}% ({value.numerator} of {value.denominator})"
    return str(value)


def headlines(day: date, *, recent_ok: bool = False) -> Headlines:
    """The headline measures for the year to ``day`` and the same stretch last year, kept
    until the records change or the day does (the same for every reader: figures only;
    the worker keeps them ready with the reports, ``keeping.keep_reports``). With
    ``recent_ok`` (the page), while the worker makes them anew after a change, the copy
    it made a little earlier, with ``made_at`` saying when (``cache``)."""
    found, made_at = kept_or_recent_for_everyone(
        "headlines", year_to_date(day), today=day, make=lambda: _made(day), recent_ok=recent_ok
    )
    return replace(found, made_at=made_at) if made_at is not None else found


def _made(day: date) -> Headlines:
    period = year_to_date(day)
    last_year = _same_stretch_last_year(period)
    now, before = {}, {}
    with measures.one_report(period, last_year):  # the two stretches read together
        for key in HEADLINE_KEYS:
            fn = measures.MEASURES[key]
            now[key], before[key] = fn(period), fn(last_year)
        details = {key: (_made_up(key, period), _made_up(key, last_year)) for key in now}
    # The action plan's targets for the year, as the annual report reads them so far.
    set_for_year = {k: t for k, t in targets_for_year(period.label).items() if k in now}
    targets = {
        line.measure: line
        for line in target_lines(
            period.label, now, before, targets=set_for_year, provisional=period.provisional
        )
    }
    figures = [
        Figure(
            key=key,
            label=HEADLINE_LABELS.get(key, LABELS[key]),
            value=_read(now[key]),
            last_year=_read(before[key]),
            hint=HEADLINE_HINTS.get(key, ""),
            detail=details[key][0],
            last_year_detail=details[key][1],
            target=target_text(targets[key]) if key in targets else "",
            verdict=(targets[key].verdict or "") if key in targets else "",
        )
        for key in HEADLINE_KEYS
    ]
    return Headlines(period=period, last_year=last_year, figures=figures)


def _made_up(key: str, period: Period) -> str:
    """How the figure of ``key`` is made up, where a reader adds up its parts: the child
    conferences held by kind (the initial and review ones are the ICPC and review
    timeliness figures' totals; the rest are transfer-in conferences, in neither)."""
    if key != "conferences_held":
        return ""
    held = measures.conferences_held(period)
    initial = measures.initial_conferences_held(period)
    review = measures.review_conferences_held(period)
    return f"{initial} initial, {review} review, {held - initial - review} transfer-in"
