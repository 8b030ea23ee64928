"""The lists a manager reads each month, in monthly and quarterly reports.

- **Conferences due next period**: initial conferences and reviews due by the end of the
  period after the report's, not yet held nor booked, or booked for a day after they are
  due, as the records stand today (those already overdue today say so). The work
  queues' own selector (``journey.queues.due_by``).
- **Plans open 15 months or more** at the period's end (started on or before the day 15
  calendar months before it), longest first.
- **Late conferences not yet agreed**: held outside timescale with a reason for the
  lateness recorded, waiting for a manager's decision today (agreed or reason not
  accepted) (the IRO service manager's
  queue, ``journey.queues.late_conferences_to_agree``).
- **Late conferences whose reason was not accepted**: decided so by a manager in the
  period, with who decided, when and why (``journey.queues.late_reasons_not_accepted``).
- **IRO loads**: per chair, the children on a plan at the period's end whose latest
  conference they chaired, and the conferences they chaired in the period (the measures'
  own definitions: ``measures.latest_chair``, ``measures.conferences_held_rows``).

The first four name children, so they are read through the user's access
(``access.scope``): a role that sees names gets the rows, a role that does not gets only
how many there are. They are the user's, not the report's, so they are never kept with
the cached report. What they are made of (which conferences are due, which plans are
long, the lists of late conferences and loads) is kept for each reader until the
records change (``cache.kept_for_reader``): working out a region's thousands of due
dates took half a second a page. The rows a page shows are made from it per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from django.db.models import Count

from iro import timescales
from iro.access.scope import display_name, shows_names, visible_to
from iro.children.models import Child
from iro.journey.queues import (
    ICPC,
    due_by,
    late_conferences_to_agree,
    late_reasons_not_accepted,
)
from iro.journey.selectors import current_chair_id
from iro.people.models import User
from iro.reports.cache import kept_for_reader
from iro.reports.measures import conferences_held_rows, latest_chair, plans_at_end
from iro.timescales import MONTHLY, QUARTERLY, Period
from iro.work.queues import LazyRows

KINDS = (MONTHLY, QUARTERLY)
LONG_PLAN_MONTHS = 15
NO_CHAIR = "No conference yet"
COUNTS_ONLY = (
    "Your role does not include children's names, so only how many children each list "
    "holds is shown."
)


@dataclass(frozen=True)
class ManagementList:
    """One list: its rows (when the reader may see them) and how many there are."""

    key: str
    title: str
    intro: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]  # a tuple, or ``LazyRows`` made as they are read
    count: int
    empty: str
    named: bool  # rows name children (False: figures only, shown to every reader)
    child_ids: tuple[int, ...] = ()  # the children in the rows (for the access log)
    limit: int | None = None  # rows a page shows (None: all; the files always hold all)
    one_child_a_row: bool = False  # child_ids line up with the rows, one each
    # The key under which what the list is made from is kept for its reader (one per
    # reader, state of the records and day: ``cache.kept_for_reader``); a page keeps
    # the list rendered under it too. Empty: not kept.
    kept_as: str = ""

    @property
    def shown(self) -> tuple[tuple[str, ...], ...]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def shown_child_ids(self) -> tuple[int, ...]:
        """The children the shown rows name (a row names one child, in order), for the
        access log: a page that shows a hundred of five thousand has read a hundred."""
        if self.limit is None or not self.one_child_a_row:
            return self.child_ids
        return self.child_ids[: self.limit]

    @property
    def more(self) -> int:
        """Rows the page leaves to the files."""
        return len(self.rows) - len(self.shown)

    def as_json(self) -> dict:
        data = {"key": self.key, "title": self.title, "count": self.count}
        if self.rows or not self.named:
            data["columns"] = list(self.columns)
            data["rows"] = [list(row) for row in self.rows]
        return data


class _Due(NamedTuple):
    """A conference due and not booked in time: whose, which kind (``ICPC`` or
    ``REVIEW``), when, and the day it is booked for when that is after it is due."""

    child_id: int
    kind: str
    due: date
    booked_for: date | None = None


class _LongPlan(NamedTuple):
    child_id: int
    start_date: date


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if timescales.add_months(start, months) > end else months


def _next_period(period: Period) -> Period:
    months = 3 if period.kind == QUARTERLY else 1
    return timescales.period_containing(
        period.kind, timescales.add_months(period.first_day, months)
    )


def _due_next_period(user, period: Period, *, day: date, team=None, chair=None) -> tuple[_Due, ...]:
    following = _next_period(period)
    # Not booked, or booked for a day after it is due (that will be late as it stands).
    due = [
        item
        for item in due_by(user, day, following.last_day)
        if item.booked_for is None or item.booked_for > item.due
    ]
    if team is not None or chair is not None:
        # A report for one team or chair: that team's children, or those whose chair (of
        # their latest conference, as the records stand) it is.
        children = Child.objects.filter(pk__in={item.child_id for item in due})
        if team is not None:
            children = children.filter(team=team)
        if chair is not None:
            children = children.annotate(_chair=current_chair_id()).filter(_chair=chair.pk)
        kept = set(children.values_list("pk", flat=True))
        due = [item for item in due if item.child_id in kept]
    return tuple(_Due(item.child_id, item.kind, item.due, item.booked_for) for item in due)


def conferences_due_next_period(
    user, period: Period, *, day: date, due: Sequence[_Due]
) -> ManagementList:
    """The list of the conferences ``due`` (``_due_next_period``, kept for the reader)."""
    following = _next_period(period)

    def make(run) -> list[tuple[str, ...]]:
        children = Child.objects.select_related("team").in_bulk([i.child_id for i in run])
        return [
            (
                display_name(user, children[item.child_id]),
                children[item.child_id].team.name if children[item.child_id].team else "No team",
                "Initial conference" if item.kind == ICPC else "Review conference",
                _d(item.due),
                "Overdue" if item.due < day else "",
                _d(item.booked_for) if item.booked_for else "Not booked",
            )
            for item in run
        ]

    return ManagementList(
        key="conferences_due",
        title=f"Conferences due by the end of {following.label}, not booked in time",
        intro=(
            f"Initial conferences and reviews due by {_d(following.last_day)} that are "
            f"neither held nor booked on {_d(day)}, or booked for a day after they are due; "
            "those already past their due date say so."
        ),
        columns=("Child", "Team", "Conference", "Due by", "Overdue", "Booked for"),
        rows=LazyRows(due, make),  # a page makes the rows it shows; the files all of them
        count=len(due),
        empty="Every conference due by then is held or booked in time.",
        named=True,
        child_ids=tuple(item.child_id for item in due),
        one_child_a_row=True,
    )


def _long_plans(user, period: Period, *, team=None, chair=None) -> tuple[_LongPlan, ...]:
    """Plans open at the period's end for ``LONG_PLAN_MONTHS`` or more (of the team's
    children, or the chair's at the period's end, as the report's measures count them)."""
    started_by = timescales.add_months(period.last_day, -LONG_PLAN_MONTHS)
    return tuple(
        _LongPlan(*row)
        for row in plans_at_end(period, team, chair)
        .filter(start_date__lte=started_by, child__in=visible_to(user).values("pk"))
        .order_by("start_date", "child__la_child_id", "pk")
        .values_list("child_id", "start_date")
    )


def long_plans(user, period: Period, *, plans: Sequence[_LongPlan]) -> ManagementList:
    """The list of the long ``plans`` (``_long_plans``, kept for the reader)."""
    end = period.last_day
    started_by = timescales.add_months(end, -LONG_PLAN_MONTHS)

    def make(run) -> list[tuple[str, ...]]:
        children = Child.objects.select_related("team").in_bulk([p.child_id for p in run])
        return [
            (
                display_name(user, children[plan.child_id]),
                children[plan.child_id].team.name if children[plan.child_id].team else "No team",
                _d(plan.start_date),
                f"{_whole_months(plan.start_date, end)} months",
            )
            for plan in run
        ]

    return ManagementList(
        key="long_plans",
        title=f"Plans open {LONG_PLAN_MONTHS} months or more",
        intro=(
            f"Plans open on {_d(end)} that started on or before {_d(started_by)}, longest first."
        ),
        columns=("Child", "Team", "Plan started", "Open for"),
        rows=LazyRows(plans, make),
        count=len(plans),
        empty=f"No plan had been open {LONG_PLAN_MONTHS} months or more.",
        named=True,
        child_ids=tuple(plan.child_id for plan in plans),
        one_child_a_row=True,
    )


def _from_queue(user, queue, *, key: str, title: str, intro: str) -> ManagementList:
    """A work queue of late conferences as a named management list: its rows' cells,
    and its children as the user may see them."""
    child_ids = tuple(
        visible_to(user)
        .filter(public_id__in={pid for row in queue.rows for pid in row.child_public_ids})
        .values_list("pk", flat=True)
    )
    return ManagementList(
        key=key,
        title=title,
        intro=intro,
        columns=queue.columns,
        rows=tuple(row.cells for row in queue.rows),
        count=len(queue.rows),
        empty=queue.empty,
        named=True,
        child_ids=child_ids,
    )


def late_not_agreed(user, *, day: date, team=None, chair=None) -> ManagementList:
    return _from_queue(
        user,
        late_conferences_to_agree(user, day, team=team, chair=chair),
        key="late_not_agreed",
        title="Late conferences whose lateness is not yet agreed",
        intro=(
            "Conferences held outside timescale, with the reason recorded, that no manager "
            f"had decided on by {_d(day)}."
        ),
    )


def late_not_accepted(user, period: Period, *, team=None, chair=None) -> ManagementList:
    """The late conferences whose reason a manager did not accept in the period, with
    who decided and why (the service manager's queue, for the period)."""
    return _from_queue(
        user,
        late_reasons_not_accepted(
            user, period.last_day, since=period.first_day, team=team, chair=chair
        ),
        key="late_not_accepted",
        title="Late conferences whose reason was not accepted",
        intro=(
            "Conferences held outside timescale whose reason for lateness a manager did not "
            f"accept from {_d(period.first_day)} to {_d(period.last_day)}, with the decision."
        ),
    )


def iro_loads(period: Period, *, team=None, chair=None) -> ManagementList:
    on_plan = dict(
        plans_at_end(period, team, chair)
        .annotate(_chair=latest_chair(period))
        .values("_chair")
        .annotate(n=Count("child", distinct=True))
        .order_by()
        .values_list("_chair", "n")
    )
    chaired = dict(
        conferences_held_rows(period, team, chair)
        .values("conference__chair")
        .annotate(n=Count("conference", distinct=True))
        .order_by()
        .values_list("conference__chair", "n")
    )
    chairs = User.objects.in_bulk([pk for pk in {*on_plan, *chaired} if pk is not None])

    def name(pk) -> str:
        chair = chairs.get(pk)
        return (chair.get_full_name() or chair.username) if chair else NO_CHAIR

    keys = sorted(
        {*on_plan, *chaired},
        key=lambda pk: (pk is None, -on_plan.get(pk, 0), name(pk).lower()),
    )
    rows = tuple((name(pk), str(on_plan.get(pk, 0)), str(chaired.get(pk, 0))) for pk in keys)
    return ManagementList(
        key="iro_loads",
        title="Each IRO's load",
        intro=(
            f"Children on a plan on {_d(period.last_day)} whose latest conference each IRO "
            f"chaired, and the conferences each chaired in {period.label}."
        ),
        columns=("IRO", "Children on a plan at the end", "Conferences chaired"),
        rows=rows,
        count=len(rows),
        empty="No IRO chaired a conference or had a child on a plan.",
        named=False,
    )


@dataclass(frozen=True)
class _Found:
    """What one reader's lists are made of, kept until the records change."""

    due: tuple[_Due, ...]
    long_plans: tuple[_LongPlan, ...]
    late: ManagementList
    not_accepted: ManagementList
    loads: ManagementList


def _find(user, period: Period, *, day: date, team=None, chair=None) -> _Found:
    return _Found(
        _due_next_period(user, period, day=day, team=team, chair=chair),
        _long_plans(user, period, team=team, chair=chair),
        late_not_agreed(user, day=day, team=team, chair=chair),
        late_not_accepted(user, period, team=team, chair=chair),
        iro_loads(period, team=team, chair=chair),
    )


def management_lists(
    user, period: Period, *, day: date, team=None, chair=None
) -> list[ManagementList]:
    """The lists for ``user``, rows only when their role sees names; [] for an annual
    report. ``day`` is today (what is due, overdue or waiting is as the records stand).
    A report for one team or chair lists that team's children or that chair's, as its
    figures count them."""
    if period.kind not in KINDS:
        return []
    name = "management-lists"
    if team is not None or chair is not None:
        name += f":team={getattr(team, 'pk', '')}:chair={getattr(chair, 'pk', '')}"
    found, kept_as = kept_for_reader(
        name,
        user,
        period,
        today=day,
        make=lambda: _find(user, period, day=day, team=team, chair=chair),
    )
    named = [
        conferences_due_next_period(user, period, day=day, due=found.due),
        long_plans(user, period, plans=found.long_plans),
        found.late,
        found.not_accepted,
    ]
    if not shows_names(user):
        named = [
            ManagementList(
                lst.key, lst.title, lst.intro, lst.columns, (), lst.count, lst.empty, True
            )
            for lst in named
        ]
    return [replace(lst, kept_as=kept_as) for lst in (*named, found.loads)]
