"""The work queues of conferences and plans, for each role's landing page (``iro.work``).

Each queue is a selector taking ``(user, day)`` and returning an ``iro.work.queues.Queue``:
rows of waiting work, each linking straight to its action. Every queue starts from the
children ``user`` may see (``iro.access.scope.visible_to``) and names them with
``display_name``; a conference is listed when at least one of its children is visible,
and only the visible children are named. Each runs a fixed number of queries, whatever
the number of children, conferences or plans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.scope import display_name, shows_names, visible_to
from iro.children.models import Child
from iro.journey.chairs import caseloads, per_fte, working_time
from iro.journey.invitations import has_postal_address, needing_an_interpreter
from iro.journey.models import (
    OPEN_ACTION_STATUSES,
    CalendarEntry,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Invitation,
    InviteeRole,
    LateDecision,
    Plan,
    PlanAction,
    Section47,
)
from iro.journey.selectors import (
    AT_RISK_WORKING_DAYS,
    FAMILY_ROLES,
    ICPC,
    REVIEW,
    UPCOMING_DAYS,
    _booked_dates,
    _open_on,
    _pending_section47s,
    _plural,
    current_chair_id,
    how_soon,
    latest_review_held,
    may_record,
)
from iro.journey.services import time_passed
from iro.people.models import CHAIR_ROLES, Leave, User
from iro.people.selectors import closure_days, iros, leave_between
from iro.work.queues import LazyRows, Queue, Row

# The coordinator books reviews due in the next eight weeks.
REVIEWS_TO_BOOK_DAYS = 56
# Conferences held this long ago or more are not listed for minutes: the record of
# sending minutes began after them, so their absence says nothing.
MINUTES_LOOKBACK_DAYS = 90
# How far back the manager's list of late conferences whose reason was not accepted goes.
NOT_ACCEPTED_LOOKBACK_DAYS = 90
# Plans whose first core group meeting is listed: those started this recently.
CORE_GROUP_LOOKBACK_DAYS = 42

OVERDUE = "Overdue"
AT_RISK = "At risk"
BOOKED_LATE = "Booked late"
DAY_PASSED = "Day passed, not recorded"
RED = "red"
ORANGE = "orange"


def _d(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else "Not set"


def _days_left(day: date, due: date, closures: frozenset[date]) -> tuple[str, str, str]:
    """The working days left before ``due`` in words, with a flag and its colour."""
    if due < day:
        late = timescales.working_days_between(due, day, closures=closures)
        if late == 0:  # due on the last working day, read on a weekend or closure day
            return f"Overdue since {_d(due)}", OVERDUE, RED
        return f"{_plural(late, 'working day')} overdue", OVERDUE, RED
    left = timescales.working_days_between(day, due, closures=closures)
    at_risk = left <= AT_RISK_WORKING_DAYS
    words = "Due today" if left == 0 else f"{_plural(left, 'working day')} left"
    return words, AT_RISK if at_risk else "", ORANGE if at_risk else ""


def _working_days_ago(since: int) -> str:
    """How long ago, in working days, a conference was held or booked for."""
    return f"{_plural(since, 'working day')} ago" if since else "Under a working day"


def _visible_conferences(user, *, team=None, chair=None) -> QuerySet[Conference]:
    """Conferences with at least one child ``user`` may see; with ``team``, of a child of
    that team; with ``chair``, chaired by them (a report's filters)."""
    children = visible_to(user)
    if team is not None:
        children = children.filter(team=team)
    conferences = Conference.objects.filter(
        Exists(
            ConferenceChild.objects.filter(
                conference=OuterRef("pk"), child__in=children.values("pk")
            )
        )
    )
    return conferences if chair is None else conferences.filter(chair=chair)


def _children_of(user, conference_ids: Iterable[int]) -> dict[int, list[Child]]:
    """The children ``user`` may see at each conference, in one query."""
    children: dict[int, list[Child]] = defaultdict(list)
    rows = (
        ConferenceChild.objects.filter(
            conference_id__in=list(conference_ids), child__in=visible_to(user).values("pk")
        )
        .select_related("child")
        .order_by("child__la_child_id")
    )
    for row in rows:
        children[row.conference_id].append(row.child)
    return children


def _names(user, children: list[Child]) -> str:
    return ", ".join(display_name(user, c) for c in children) or "No children you can see"


def _ids(children: Iterable[Child]) -> tuple:
    return tuple(c.public_id for c in children)


def _chair_name(conference: Conference) -> str:
    return str(conference.chair) if conference.chair_id else "Not allocated"


def _held_cells(user, conference: Conference, children: list[Child]) -> tuple[str, ...]:
    """A held conference's first cells: its children, its kind, when, and who chaired."""
    return (
        _names(user, children),
        conference.get_kind_display(),
        _d(conference.held_on),
        _chair_name(conference),
    )


def _when(conference: Conference) -> str:
    when = _d(conference.held_on or conference.scheduled_date)
    if conference.held_on is None and conference.scheduled_time:
        when += f" {conference.scheduled_time:%H:%M}"
    return when


# --- IRO service manager ------------------------------------------------------------------


def late_conferences_waiting(user, *, team=None, chair=None) -> QuerySet[Conference]:
    """Conferences held outside timescale that no manager has decided on yet (the
    ``late_conferences_to_agree`` queue's, without its rows)."""
    return (
        _visible_conferences(user, team=team, chair=chair)
        .filter(status=ConferenceStatus.HELD, late_decision="")
        .exclude(lateness_reason="")
    )


def late_conferences_to_agree(user, day: date, *, team=None, chair=None) -> Queue:
    """Conferences held outside timescale (a lateness reason recorded) that no manager
    has decided on yet, oldest first (of a team's children or a chair's, for a report's
    filters). One the user chaired is another manager's to decide: its row says so.
    Three queries."""
    conferences = list(
        late_conferences_waiting(user, team=team, chair=chair)
        .select_related("chair")
        .order_by("held_on", "pk")
    )
    children = _children_of(user, [c.pk for c in conferences])
    rows = []
    for c in conferences:
        kids = children[c.pk]
        chaired = c.chair_id == user.pk
        rows.append(
            Row(
                href=c.get_absolute_url() + "#lateness",
                action="Read the reason" if chaired else "Read the reason and decide",
                cells=(
                    *_held_cells(user, c, kids),
                    c.get_lateness_reason_display(),
                ),
                child_public_ids=_ids(kids),
                flag="You chaired it: another manager decides" if chaired else "",
            )
        )
    return Queue(
        key="late-to-agree",
        title="Late conferences waiting for your decision",
        columns=("Children", "Conference", "Held on", "Chair", "Why it was late"),
        rows=tuple(rows),
        empty="No late conference is waiting for agreement.",
    )


def late_reasons_not_accepted(
    user, day: date, *, since: date | None = None, team=None, chair=None
) -> Queue:
    """Late conferences whose reason a manager did not accept, decided in the last 90
    days (or from ``since``: a report's period) up to ``day``, latest decision first,
    with the manager's comment (of a team's children or a chair's, for a report's
    filters). Three queries."""
    first = since or day - timedelta(days=NOT_ACCEPTED_LOOKBACK_DAYS)
    conferences = list(
        _visible_conferences(user, team=team, chair=chair)
        .filter(
            status=ConferenceStatus.HELD,
            late_decision=LateDecision.NOT_AGREED,
            late_decided_on__gte=first,
            late_decided_on__lte=day,
        )
        .select_related("chair", "late_decided_by")
        .order_by("-late_decided_on", "-pk")
    )
    children = _children_of(user, [c.pk for c in conferences])
    rows = []
    for c in conferences:
        kids = children[c.pk]
        # Free text may name people: only for a role that sees names.
        comment = f": {c.late_decision_comment}" if shows_names(user) else ""
        rows.append(
            Row(
                href=c.get_absolute_url() + "#lateness",
                action="Read the decision",
                cells=(
                    *_held_cells(user, c, kids),
                    c.get_lateness_reason_display(),
                    f"{c.late_decided_by} on {_d(c.late_decided_on)}{comment}",
                ),
                child_public_ids=_ids(kids),
                flag="Reason not accepted",
                tone="red",
            )
        )
    return Queue(
        key="late-not-accepted",
        title="Late conferences whose reason was not accepted",
        columns=("Children", "Conference", "Held on", "Chair", "Why it was late", "Decision"),
        rows=tuple(rows),
        empty=(
            f"No reason for lateness was turned down in the last {NOT_ACCEPTED_LOOKBACK_DAYS} days."
            if since is None
            else f"No reason for lateness was turned down from {_d(since)} to {_d(day)}."
        ),
    )


def conferences_without_a_chair(user, day: date) -> Queue:
    """Scheduled conferences from ``day`` on (or with no date yet) that have no chair, or
    whose chair is on leave on the day or no longer chairs (signs in no more, or has
    another role now), soonest first. Four queries."""
    on_leave = Exists(
        Leave.objects.filter(
            user=OuterRef("chair"),
            start_date__lte=OuterRef("scheduled_date"),
            end_date__gte=OuterRef("scheduled_date"),
        )
    )
    conferences = list(
        _visible_conferences(user)
        .filter(status=ConferenceStatus.SCHEDULED)
        .filter(Q(scheduled_date__gte=day) | Q(scheduled_date__isnull=True))
        .filter(
            Q(chair__isnull=True)
            | on_leave
            | Q(chair__is_active=False)
            | ~Q(chair__role__in=CHAIR_ROLES)
        )
        .select_related("chair")
        .order_by(F("scheduled_date").asc(nulls_last=True), "scheduled_time", "pk")
    )
    chair_ids = {c.chair_id for c in conferences if c.chair_id}
    last = max((c.scheduled_date for c in conferences if c.chair_id), default=day)
    leave = leave_between(chair_ids, day, last)
    children = _children_of(user, [c.pk for c in conferences])
    rows = []
    for c in conferences:
        kids = children[c.pk]
        if c.chair_id and not c.chair.chairs_conferences:
            chair = f"{c.chair} no longer chairs conferences"
            action, flag = "Change the chair", "Chair gone"
        elif c.chair_id:
            away = next(
                (
                    lv
                    for lv in leave.get(c.chair_id, [])
                    if lv.start_date <= c.scheduled_date <= lv.end_date
                ),
                None,
            )
            chair = f"{c.chair} is on leave"
            if away is not None:
                chair += f" {_d(away.start_date)} to {_d(away.end_date)}"
            action, flag = "Change the chair", "Chair away"
        else:
            chair, action, flag = "No chair", "Allocate a chair", "No chair"
        rows.append(
            Row(
                href=reverse("conference_chair", args=[c.public_id]),
                action=action,
                cells=(_names(user, kids), c.get_kind_display(), _when(c), chair),
                child_public_ids=_ids(kids),
                flag=flag,
                tone=ORANGE,
            )
        )
    return Queue(
        key="no-chair",
        title="Conferences with no chair, or whose chair is away or gone",
        columns=("Children", "Conference", "Date", "Chair"),
        rows=tuple(rows),
        empty="Every booked conference has a chair who is at work that day.",
    )


def _s47s_not_booked(user, day: date) -> QuerySet[Section47]:
    """Section 47 enquiries still waiting for their initial conference on ``day`` with
    none booked: no scheduled initial conference linked to the enquiry, nor one for the
    child unlinked and dated on or after its start. A cancelled booking does not count."""
    booked = ConferenceChild.objects.filter(
        conference__status=ConferenceStatus.SCHEDULED, conference__kind=ConferenceKind.INITIAL
    )
    unlinked = booked.filter(
        section47__isnull=True,
        child=OuterRef("episode__child"),
        conference__scheduled_date__gte=OuterRef("start_date"),
    )
    return (
        _pending_section47s(visible_to(user), day)
        .exclude(Exists(booked.filter(section47=OuterRef("pk"))))
        .exclude(Exists(unlinked))
    )


def _icpc_rows(user, day: date, s47s: QuerySet[Section47], closures: frozenset[date]) -> LazyRows:
    """The enquiries by due date then LA child ID, each a row only when a page shows it
    (a region's coordinator can have hundreds waiting, a backlog tens of thousands).
    Counting and ordering them reads three values each; the due date is worked out once
    per start date; the enquiries' records are read for the rows shown."""
    due_on: dict[date, date] = {}
    dated = []
    for pk, start, la_child_id in s47s.values_list(
        "pk", "start_date", "episode__child__la_child_id"
    ):
        if start not in due_on:
            due_on[start] = timescales.icpc_due(start, closures=closures)
        dated.append((due_on[start], la_child_id, pk))
    dated.sort()

    def make(run) -> list[Row]:
        found = Section47.objects.select_related("episode__child__team").in_bulk(
            [pk for _, _, pk in run]
        )
        return [
            _to_book(
                user,
                day,
                closures,
                found[pk].episode.child,
                "initial",
                "Book the conference",
                due,
                _d(found[pk].start_date),
                _d(found[pk].icpc_requested_on)
                if found[pk].icpc_requested_on
                else "Not yet requested",
            )
            for due, _, pk in run
        ]

    return LazyRows(dated, make)


def _to_book(
    user, day: date, closures, child: Child, kind: str, action: str, due: date, *dates: str
) -> Row:
    """A row of the coordinator's: a conference of ``kind`` to book for ``child`` by
    ``due``, its cells the child, their team, ``dates``, the due date and the time left."""
    left, flag, tone = _days_left(day, due, closures)
    return Row(
        href=reverse("conference_new", args=[child.public_id]) + f"?kind={kind}",
        action=action,
        cells=(
            display_name(user, child),
            child.team.name if child.team else "No team",
            *dates,
            _d(due),
            left,
        ),
        child_public_ids=(child.public_id,),
        flag=flag,
        tone=tone,
    )


ICPC_COLUMNS = ("Child", "Team", "Enquiry started", "Requested", "Due by", "Time left")


def icpcs_requested_not_booked(user, day: date) -> Queue:
    """Initial conferences the social worker has requested that nobody has booked, by
    the working days left before they are due. Two queries, and one more for the rows a
    page shows."""
    closures = closure_days()
    s47s = _s47s_not_booked(user, day).filter(icpc_requested_on__isnull=False)
    return Queue(
        key="icpc-not-booked",
        title="Initial conferences requested but not booked",
        columns=ICPC_COLUMNS,
        rows=_icpc_rows(user, day, s47s, closures),
        empty="Every requested initial conference is booked.",
    )


def _at_risk_row(
    day,
    closures,
    child: Child,
    due: date,
    booked_for,
    *,
    kind: str,
    book: str,
    before: tuple,
    after: tuple,
    about: str = "",
    booking=None,
) -> Row:
    """A row of a list of conferences overdue or at risk: flagged by the time left, or
    "Booked late" when booked for after its due date; to the conference booked (its
    public id, ``booking``), where its date is moved or its lateness agreed, or to book
    one. Its cells are ``before``, the time left in words, then ``after``."""
    left, flag, tone = _days_left(day, due, closures)
    if booked_for is not None and booked_for > due and due >= day:
        flag, tone = BOOKED_LATE, RED  # booked for after it is due: it will be late
    if booked_for is None:
        href = reverse("conference_new", args=[child.public_id]) + f"?kind={kind}"
    elif booking is not None:
        href = reverse("conference_detail", args=[booking])
    else:
        href = reverse("child_protection", args=[child.public_id])
    return Row(
        href=href,
        action="See the booking" if booked_for else book,
        cells=(*before, left, *after),
        child_public_ids=(child.public_id,),
        flag=flag or AT_RISK,
        tone=tone or ORANGE,
        about=about,
    )


def icpcs_overdue_or_at_risk(user, day: date) -> Queue:
    """Across the service, initial conferences overdue (booked or not) or due within 10
    working days and not booked by their due date, soonest due first: the ones that will
    be late unless someone acts. A booking for after the due date is flagged "Booked
    late", and opens the conference booked. Four queries, and two more for the rows a
    page shows (``LazyRows``)."""
    closures = closure_days()
    at_risk_until = timescales.add_working_days(day, AT_RISK_WORKING_DAYS, closures=closures)
    waiting = list(
        _pending_section47s(visible_to(user), day).values_list(
            "pk", "start_date", "episode__child_id"
        )
    )
    due_on: dict[date, date] = {}
    for _, start, _ in waiting:
        if start not in due_on:
            due_on[start] = timescales.icpc_due(start, closures=closures)
    near = [(pk, start, child) for pk, start, child in waiting if due_on[start] <= at_risk_until]
    # The initial conference booked for each enquiry: linked to it, or for its child
    # unlinked and on or after its start (the earliest), with its chair.
    bookings = (
        ConferenceChild.objects.filter(
            child_id__in=[child for _, _, child in near],
            conference__status=ConferenceStatus.SCHEDULED,
            conference__kind=ConferenceKind.INITIAL,
            conference__scheduled_date__isnull=False,
        )
        .order_by("conference__scheduled_date")
        .values_list(
            "child_id",
            "section47_id",
            "conference__scheduled_date",
            "conference__chair_id",
            "conference__public_id",
        )
    )
    by_child: dict[int, list] = {}
    for child_id, s47_id, scheduled, chair_id, conference in bookings:
        by_child.setdefault(child_id, []).append((s47_id, scheduled, chair_id, conference))

    def booking(pk: int, start: date, child_id: int):
        for s47_id, scheduled, chair_id, conference in by_child.get(child_id, ()):
            if s47_id == pk or (s47_id is None and scheduled >= start):
                return scheduled, chair_id, conference
        return None, None, None

    items = []
    for pk, start, child_id in near:
        due = due_on[start]
        booked_for, chair_id, conference = booking(pk, start, child_id)
        if due < day or booked_for is None or booked_for > due:
            items.append((due, booked_for, chair_id, child_id, start, conference))
    items.sort(key=lambda item: (item[0], item[3]))
    chairs = {
        pk: str(chair) for pk, chair in User.objects.in_bulk({i[2] for i in items} - {None}).items()
    }

    def make(run) -> list[Row]:
        children = Child.objects.in_bulk([i[3] for i in run])
        rows = []
        for due, booked_for, chair_id, child_id, start, conference in run:
            child = children[child_id]
            rows.append(
                _at_risk_row(
                    day,
                    closures,
                    child,
                    due,
                    booked_for,
                    booking=conference,
                    kind="initial",
                    book="Book the conference",
                    before=(display_name(user, child), _d(start), _d(due)),
                    after=(
                        _d(booked_for) if booked_for else "Not booked",
                        chairs.get(chair_id, "No chair yet") if booked_for else "",
                    ),
                )
            )
        return rows

    return Queue(
        key="icpcs-at-risk",
        title="Initial conferences overdue or at risk",
        columns=("Child", "Enquiry started", "Due by", "Time left", "Booked for", "Chair"),
        rows=LazyRows(items, make),
        empty="No initial conference is overdue or due in the next 10 working days without "
        "a booking in time.",
        hint=(
            "Initial conferences overdue, or due within 10 working days and not booked by "
            "their due date (15 working days from the strategy discussion)."
        ),
    )


def _open_plans(children: QuerySet[Child], day: date) -> QuerySet[Plan]:
    return Plan.objects.filter(_open_on(day), child__in=children.values("pk"))


class OpenPlan(NamedTuple):
    """A child's current plan as the review queues read it (``_reviews_due``)."""

    pk: int
    child_id: int
    start_date: date
    la_child_id: str
    last_review: date | None


def _reviews_due(children: QuerySet[Child], day: date) -> list[tuple[OpenPlan, date]]:
    """The next review of each child's current plan, with its due date. One query.

    A child with two plans open (a data error) counts once, by the later started plan,
    as in the caseload. Each plan comes with its latest review (``latest_review_held``)."""
    current: dict[int, OpenPlan] = {}
    plans = (
        _open_plans(children, day)
        .annotate(last_review=latest_review_held(), la_child_id=F("child__la_child_id"))
        .order_by("child_id", "-start_date", "-pk")
        .values_list("pk", "child_id", "start_date", "la_child_id", "last_review", named=True)
    )
    for plan in plans:
        current.setdefault(plan.child_id, plan)
    return [
        (p, timescales.next_review_after(p.start_date, [p.last_review] if p.last_review else []))
        for p in current.values()
    ]


def reviews_overdue_or_at_risk(user, day: date) -> Queue:
    """Across the service, reviews overdue or due within 10 working days and not booked
    in time, grouped by the chair of the review booked, else the child's current chair;
    a review booked for after its due date is flagged "Booked late", and opens the
    review booked. Six queries, and three more for the rows a page shows (``LazyRows``)."""
    closures = closure_days()
    at_risk_until = timescales.add_working_days(day, AT_RISK_WORKING_DAYS, closures=closures)
    visible = visible_to(user)
    due = [(p, d) for p, d in _reviews_due(visible, day) if d <= at_risk_until]
    # The children are those with a plan open (a subquery, not a list of thousands).
    with_plans = _open_plans(visible, day).values("child_id")
    booked = _booked_dates(with_plans)
    # Overdue reviews stay listed even when booked; those at risk only until booked in time.
    due = [
        (p, d)
        for p, d in due
        if d < day or booked.get((p.child_id, REVIEW)) is None or booked[(p.child_id, REVIEW)] > d
    ]
    # Only the children listed are asked who chairs them (a region: a few hundred of
    # its 5,000 on a plan): the chair of the review booked, else the child's chair.
    listed = [p.child_id for p, _ in due]
    chair_of_child = dict(
        Child.objects.filter(pk__in=listed)
        .annotate(chair_id=current_chair_id())
        .order_by()
        .values_list("pk", "chair_id")
    )
    booked_chairs = (
        ConferenceChild.objects.filter(
            child_id__in=listed,
            conference__status=ConferenceStatus.SCHEDULED,
            conference__kind=ConferenceKind.REVIEW,
            conference__scheduled_date__isnull=False,
            conference__chair__isnull=False,
        )
        .order_by("-conference__scheduled_date")  # the earliest booking is written last
        .values_list("child_id", "conference__chair_id")
    )
    chair_of_child.update(booked_chairs)
    chairs = {
        pk: str(chair)
        for pk, chair in User.objects.in_bulk(set(chair_of_child.values()) - {None}).items()
    }
    items = sorted(
        ((chairs.get(chair_of_child[p.child_id], "No chair yet"), d, p) for p, d in due),
        key=lambda item: (item[0], item[1], item[2].pk),
    )

    def make(run) -> list[Row]:
        children = Child.objects.in_bulk([p.child_id for _, _, p in run])
        # The review each listed child has booked (its earliest), to open from the row.
        bookings = {
            (child_id, scheduled): conference
            for child_id, scheduled, conference in ConferenceChild.objects.filter(
                child_id__in=[p.child_id for _, _, p in run],
                conference__status=ConferenceStatus.SCHEDULED,
                conference__kind=ConferenceKind.REVIEW,
                conference__scheduled_date__isnull=False,
            ).values_list("child_id", "conference__scheduled_date", "conference__public_id")
        }
        rows = []
        for chair, d, plan in run:
            child = children[plan.child_id]
            booked_for = booked.get((child.pk, REVIEW))
            rows.append(
                _at_risk_row(
                    day,
                    closures,
                    child,
                    d,
                    booked_for,
                    booking=bookings.get((child.pk, booked_for)),
                    kind="review",
                    book="Book the review",
                    before=(chair, display_name(user, child), _d(d)),
                    after=(_d(booked_for) if booked_for else "Not booked",),
                    about=display_name(user, child),  # the first cell is the chair
                )
            )
        return rows

    return Queue(
        key="reviews-at-risk",
        title="Reviews overdue or at risk, by chair",
        columns=("Chair", "Child", "Due by", "Time left", "Booked for"),
        rows=LazyRows(items, make),
        empty="No review is overdue or due in the next 10 working days without a booking.",
        hint=(
            "Reviews overdue, or due within 10 working days and not booked by their due "
            "date, under the chair of the review booked (else the child's chair)."
        ),
    )


def iro_loads(user, day: date) -> Queue:
    """Each IRO's load, heaviest first: children on a plan they chair and conferences
    booked for them in the next four weeks, with leave in those weeks; then anyone who
    chairs no more but still has either, to move. Five queries.

    Counts, not names: like the reports' figures they count every child."""
    until = day + timedelta(days=UPCOMING_DAYS)
    chairs = list(iros().order_by("last_name", "first_name", "pk"))
    # Those who chaired and chair no more (gone, or another role now): their children on
    # a plan and their bookings wait for someone else.
    gone = list(
        User.objects.filter(chaired_conferences__isnull=False)
        .exclude(pk__in=[c.pk for c in chairs])
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    loads = caseloads([c.pk for c in chairs + gone], today=day, until=until)
    ftes = working_time([c.pk for c in chairs], day)
    leave = leave_between([c.pk for c in chairs], day, until)
    rows = []

    def heaviest(c):
        return (-per_fte(sum(loads[c.pk]), ftes.get(c.pk)), c.last_name, c.first_name)

    for chair in sorted(chairs, key=heaviest):
        on_plan, upcoming = loads[chair.pk]
        fte = ftes.get(chair.pk)
        away = "; ".join(
            f"{_d(lv.start_date)} to {_d(lv.end_date)}" for lv in leave.get(chair.pk, [])
        )
        rows.append(
            Row(
                # The children the figure counts: those on a plan under this chair.
                href=reverse("caseload") + f"?chair={chair.pk}&on_plan=yes",
                action="See their children on a plan",
                cells=(
                    str(chair),
                    str(on_plan),
                    str(upcoming),
                    _fte_words(fte),
                    _per_full_time(on_plan, fte),
                    away or "None",
                ),
            )
        )
    for chair in gone:
        on_plan, upcoming = loads[chair.pk]
        if not on_plan and not upcoming:
            continue
        rows.append(
            Row(
                href=reverse("move_conferences", args=[chair.pk]),
                action="Move their conferences",
                cells=(
                    f"{chair} (no longer chairs)",
                    str(on_plan),
                    str(upcoming),
                    "No longer chairs",
                    "Not counted",
                    "None",
                ),
                flag="Gone",
                tone=ORANGE,
            )
        )
    return Queue(
        key="iro-loads",
        title="Each IRO's load",
        columns=(
            "IRO",
            "Children on a plan",
            "Conferences in the next 4 weeks",
            "Working time (full time is 1)",
            "Children on a plan per full-time IRO",
            "Leave",
        ),
        rows=tuple(rows),
        empty="There are no active IROs.",
        hint=(
            "So that work can be moved: children whose latest conference they chaired. "
            "Heaviest first for their working time, counting the children and the "
            "conferences together (working time as recorded on the figures page; none "
            "recorded counts as full time)."
        ),
        counted=False,
    )


def _fte_words(fte) -> str:
    return "Not recorded" if fte is None else f"{fte.normalize():f}"


def _per_full_time(on_plan: int, fte) -> str:
    if fte is None:
        return str(on_plan)
    if fte <= 0:
        return "Not working in the service"
    return str(round(on_plan / fte))


# --- Conference coordinator ---------------------------------------------------------------


def section47s_to_book(user, day: date) -> Queue:
    """Section 47 enquiries waiting for an initial conference with none booked, by due
    date (requested or not yet). Two queries, and one more for the rows a page shows."""
    closures = closure_days()
    s47s = _s47s_not_booked(user, day)
    return Queue(
        key="icpc-to-book",
        title="Section 47 enquiries waiting for an initial conference to be booked",
        columns=ICPC_COLUMNS,
        rows=_icpc_rows(user, day, s47s, closures),
        empty="No Section 47 enquiry is waiting for an initial conference to be booked.",
    )


def conferences_without_invitations(user, day: date) -> Queue:
    """Conferences booked in the next four weeks with no invitation sent yet (later ones
    are invited nearer the time). Two queries."""
    sent = Invitation.objects.filter(conference=OuterRef("pk"), sent_at__isnull=False)
    conferences = list(
        _visible_conferences(user)
        .filter(
            status=ConferenceStatus.SCHEDULED,
            scheduled_date__gte=day,
            scheduled_date__lte=day + timedelta(days=UPCOMING_DAYS),
        )
        .exclude(Exists(sent))
        .annotate(invited=Count("invitations"))
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    children = _children_of(user, [c.pk for c in conferences])
    rows = []
    for c in conferences:
        kids = children[c.pk]
        rows.append(
            Row(
                href=reverse("conference_invitations", args=[c.public_id]),
                action="Send the invitations",
                cells=(
                    _names(user, kids),
                    c.get_kind_display(),
                    _when(c),
                    how_soon(c.scheduled_date, day),
                    f"{_plural(c.invited, 'person')} listed, none sent".replace("persons", "people")
                    if c.invited
                    else "Nobody invited yet",
                ),
                child_public_ids=_ids(kids),
            )
        )
    return Queue(
        key="invitations-not-sent",
        title="Conferences in the next 4 weeks without invitations sent",
        columns=("Children", "Conference", "Date", "How soon", "Invitations"),
        rows=tuple(rows),
        empty="Every conference in the next 4 weeks has had its invitations sent.",
    )


def interpreters_to_book(user, day: date) -> Queue:
    """Conferences booked in the next four weeks where an adult of the children's family
    needs an interpreter (their family record says so) and no interpreter is invited yet,
    soonest first: for the coordinator to book one in time. Three queries."""
    needing = needing_an_interpreter().filter(
        family__children__conference_rows__conference=OuterRef("pk")
    )
    interpreter = Invitation.objects.filter(conference=OuterRef("pk"), role=InviteeRole.INTERPRETER)
    conferences = list(
        _visible_conferences(user)
        .filter(
            Exists(needing),
            status=ConferenceStatus.SCHEDULED,
            scheduled_date__gte=day,
            scheduled_date__lte=day + timedelta(days=UPCOMING_DAYS),
        )
        .exclude(Exists(interpreter))
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    children = _children_of(user, [c.pk for c in conferences])
    languages: dict[int, list[str]] = defaultdict(list)
    for conference_id, language in (
        needing_an_interpreter()
        .filter(family__children__conference_rows__conference__in=[c.pk for c in conferences])
        .order_by("pk")
        .values_list("family__children__conference_rows__conference", "preferred_language")
    ):
        word = language.strip() or "language not recorded"
        if word not in languages[conference_id]:
            languages[conference_id].append(word)
    rows = tuple(
        Row(
            href=reverse("conference_invitations", args=[c.public_id]),
            action="Invite an interpreter",
            cells=(
                _names(user, children[c.pk]),
                c.get_kind_display(),
                _when(c),
                how_soon(c.scheduled_date, day),
                ", ".join(languages[c.pk]),
            ),
            child_public_ids=_ids(children[c.pk]),
        )
        for c in conferences
    )
    return Queue(
        key="interpreters-to-book",
        title="Conferences in the next 4 weeks needing an interpreter",
        columns=("Children", "Conference", "Date", "How soon", "Language"),
        rows=rows,
        empty="Every conference in the next 4 weeks that needs an interpreter has one invited.",
        hint="A parent or carer of the children needs an interpreter (their family record "
        "says so) and none is invited: book one and add them to the invitations.",
    )


STARTED = "Started today: record it when it is over"


def conferences_coming_up(user, day: date) -> Queue:
    """The conferences booked from ``day`` to four weeks on for the children ``user`` may
    see, soonest first, each with the day the agencies' reports are due with the chair
    (``timescales.report_due``): what the social worker writes for. Two queries."""
    closures = closure_days()
    conferences = list(
        _visible_conferences(user)
        .filter(
            status=ConferenceStatus.SCHEDULED,
            scheduled_date__gte=day,
            scheduled_date__lte=day + timedelta(days=UPCOMING_DAYS),
        )
        .select_related("chair")
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    children = _children_of(user, [c.pk for c in conferences])
    rows = []
    for c in conferences:
        kids = children[c.pk]
        report = timescales.report_due(c.scheduled_date, closures=closures)
        # The social work report: whether it reached the chair, else when it is due.
        if c.report_received_on is not None:
            flag, tone = "Report with the chair", ""
        elif report < day:
            flag, tone = "Report was due", ORANGE
        elif report == day:
            flag, tone = "Report due today", ORANGE
        else:
            flag, tone = "", ""
        href, action = c.get_absolute_url(), "See it"
        if c.scheduled_date == day and time_passed(c.scheduled_date, c.scheduled_time):
            # Today, its start gone by: the chair may record it this afternoon.
            flag, tone = STARTED, ORANGE
            if may_record(user, c):
                href, action = reverse("conference_record", args=[c.public_id]), "Record it"
        rows.append(
            Row(
                href=href,
                action=action,
                cells=(
                    _names(user, kids),
                    c.get_kind_display(),
                    _when(c),
                    _chair_name(c),
                    _d(report),
                ),
                child_public_ids=_ids(kids),
                flag=flag,
                tone=tone,
            )
        )
    return Queue(
        key="conferences-coming-up",
        title="Conferences in the next 4 weeks",
        columns=("Children", "Conference", "Date", "Chair", "Report to the chair by"),
        rows=tuple(rows),
        empty="No conference is booked in the next 4 weeks.",
        hint=f"The social work report reaches the chair "
        f"{timescales.REPORT_WORKING_DAYS_BEFORE} working days before the conference, so "
        "the family can read it first; record when it did from the conference's page.",
    )


# A report is due with the chair this many working days before the conference: a week
# ahead is enough to find every conference whose report is due today or was due.
_REPORT_LOOK_AHEAD_DAYS = 14


def reports_not_with_the_chair(user, day: date) -> Queue:
    """Conferences still to come whose social work report was due with the chair by
    ``day`` (``timescales.report_due``) and has not been recorded as received, soonest
    first: for the coordinator to chase. Two queries."""
    closures = closure_days()
    conferences = (
        _visible_conferences(user)
        .filter(
            status=ConferenceStatus.SCHEDULED,
            report_received_on__isnull=True,
            scheduled_date__gte=day,
            scheduled_date__lte=day + timedelta(days=_REPORT_LOOK_AHEAD_DAYS),
        )
        .select_related("chair")
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    due = [
        (c, report)
        for c in conferences
        if (report := timescales.report_due(c.scheduled_date, closures=closures)) <= day
    ]
    children = _children_of(user, [c.pk for c, _ in due])
    rows = tuple(
        Row(
            href=reverse("conference_report", args=[c.public_id]),
            action="Record the report",
            cells=(
                _names(user, children[c.pk]),
                c.get_kind_display(),
                _when(c),
                _chair_name(c),
                _d(report),
            ),
            child_public_ids=_ids(children[c.pk]),
            flag="Report due today" if report == day else "Report was due",
            tone=ORANGE,
        )
        for c, report in due
    )
    return Queue(
        key="reports-not-with-the-chair",
        title="Social work reports not with the chair",
        columns=("Children", "Conference", "Date", "Chair", "Report due by"),
        rows=rows,
        empty="Every report due so far has reached the chair.",
        hint=f"The social work report reaches the chair "
        f"{timescales.REPORT_WORKING_DAYS_BEFORE} working days before the conference, so "
        "the family can read it first: chase the social worker, and record the day it came.",
    )


def invitations_to_post(user, day: date) -> Queue:
    """Letters to post for conferences from ``day`` on: invitees with no email address
    not yet posted a letter, those posted one before the conference changed (the
    calendar sequence rose since), and those posted one for a conference since cancelled
    and not yet its cancellation (``invitations.cancellation_to_post``). Three queries."""
    current = CalendarEntry.objects.filter(conference=OuterRef("conference")).values("sequence")
    visible = _visible_conferences(user).filter(scheduled_date__gte=day)
    invitations = list(
        Invitation.objects.filter(email="")
        .annotate(current=current[:1])
        .filter(
            Q(
                conference__in=visible.filter(status=ConferenceStatus.SCHEDULED),
                sent_sequence__isnull=True,
            )
            | Q(
                conference__in=visible.filter(status=ConferenceStatus.SCHEDULED),
                sent_sequence__lt=F("current"),
            )
            | Q(
                conference__in=visible.filter(status=ConferenceStatus.CANCELLED),
                sent_at__isnull=False,
                cancellation_posted_at__isnull=True,
            )
        )
        .select_related("conference")
        .order_by("conference__scheduled_date", "conference__scheduled_time", "conference", "pk")
    )
    children = _children_of(user, {i.conference_id for i in invitations})
    rows = []
    for i in invitations:
        c = i.conference
        kids = children[c.pk]
        cancelled = c.status == ConferenceStatus.CANCELLED
        again = i.sent_sequence is not None and not cancelled
        # No address (nor a professional's agency): nothing can be posted until one is added.
        postable = has_postal_address(i)
        if cancelled:
            state = "Cancelled since posted: post the cancellation letter"
        elif not postable:
            state = "No email or address: add one to invite them"
        elif again:
            state = "Changed since posted: post the new letter"
        else:
            state = "Not posted"
        rows.append(
            Row(
                href=(
                    reverse("conference_invitations", args=[c.public_id]) + "#invitations"
                    if postable or cancelled
                    else reverse("conference_invitation_contact", args=[c.public_id, i.pk])
                ),
                action=(
                    "Print and post the cancellation letter"
                    if cancelled
                    else "Print and post the letter"
                    if postable
                    else "Add their address"
                ),
                cells=(
                    _person(user, i),
                    i.get_role_display(),
                    _names(user, kids),
                    _when(c),
                    how_soon(c.scheduled_date, day),
                    state,
                ),
                child_public_ids=_ids(kids),
                flag=(
                    "Cancelled"
                    if cancelled
                    else "Post again"
                    if again
                    else ("No address" if not postable else "")
                ),
                tone=ORANGE if cancelled or again or not postable else "",
            )
        )
    return Queue(
        key="letters-to-post",
        title="Invitations to post",
        columns=("Invited", "Role", "Children", "Conference date", "How soon", "Letter"),
        rows=tuple(rows),
        empty="No letter is waiting to be posted.",
        hint=(
            "People with no email address, letters to send again after a change, and "
            "letters saying a conference is cancelled."
        ),
    )


def _person(user, invitation: Invitation) -> str:
    """An invitee as ``user`` may see them: family members' names are not shown to the
    roles that see no names (the same rule as the ``person`` template tag)."""
    if invitation.role in FAMILY_ROLES and not shows_names(user):
        return invitation.get_role_display()
    return invitation.name


def minutes_to_send(user, day: date) -> Queue:
    """Conferences held in the last 90 days with no record that the minutes and plan
    were sent, oldest first, but those loaded from a census return (held before iro).
    One query, and two more for the rows a page shows (``LazyRows``)."""
    closures = closure_days()
    waiting = list(
        _visible_conferences(user)
        .filter(
            status=ConferenceStatus.HELD,
            minutes_sent_on__isnull=True,
            from_return=False,  # held before iro: the previous system sent its minutes
            held_on__lte=day,
        )
        # Amended since its minutes were sent: to send again, however long ago it was held.
        .filter(
            Q(held_on__gte=day - timedelta(days=MINUTES_LOOKBACK_DAYS))
            | Q(minutes_replaced_sent_on__isnull=False)
        )
        .order_by("held_on", "pk")
        .values_list("pk", flat=True)
    )

    def make(run) -> list[Row]:
        conferences = Conference.objects.select_related("chair").in_bulk(run)
        children = _children_of(user, run)
        rows = []
        for pk in run:
            c, kids = conferences[pk], children[pk]
            since = timescales.working_days_between(c.held_on, day, closures=closures)
            rows.append(
                Row(
                    href=c.get_absolute_url() + "#minutes",
                    action=(
                        "Send the amended minutes"
                        if c.minutes_replaced_sent_on
                        else "Record the minutes sent"
                    ),
                    cells=(*_held_cells(user, c, kids), _working_days_ago(since)),
                    child_public_ids=_ids(kids),
                )
            )
        return rows

    return Queue(
        key="minutes-to-send",
        title="Minutes and plans to send",
        columns=("Children", "Conference", "Held on", "Chair", "Held"),
        rows=LazyRows(waiting, make),
        empty="Every conference held in the last 90 days has its minutes recorded as sent.",
    )


def conferences_to_record(user, day: date, *, chaired_by: User | None = None) -> Queue:
    """Conferences still scheduled for a day before ``day``: held and not recorded, or
    not held and neither moved nor cancelled; either way the child's record says nothing
    of it, and every later due date is worked out as if it never happened. Oldest first;
    ``chaired_by``: only those that chair chairs (My work). One query, and two more for
    the rows a page shows (``LazyRows``)."""
    closures = closure_days()
    waiting = _visible_conferences(user).filter(Conference.gone_by(day))
    if chaired_by is not None:
        waiting = waiting.filter(chair=chaired_by)
    waiting = list(
        waiting.order_by("scheduled_date", "scheduled_time", "pk").values_list("pk", flat=True)
    )

    def make(run) -> list[Row]:
        conferences = Conference.objects.select_related("chair").in_bulk(run)
        children = _children_of(user, run)
        rows = []
        for pk in run:
            c, kids = conferences[pk], children[pk]
            since = timescales.working_days_between(c.scheduled_date, day, closures=closures)
            if may_record(user, c):
                href, action = reverse("conference_record", args=[c.public_id]), "Record it"
            else:
                href, action = c.get_absolute_url(), "See it"
            rows.append(
                Row(
                    href=href,
                    action=action,
                    cells=(
                        _names(user, kids),
                        c.get_kind_display(),
                        _when(c),
                        _chair_name(c),
                        _working_days_ago(since),
                    ),
                    child_public_ids=_ids(kids),
                    flag="Not recorded",
                    tone=RED if since > 1 else ORANGE,  # a day's grace to write it up
                )
            )
        return rows

    return Queue(
        key="to-record",
        title="Conferences to record",
        columns=("Children", "Conference", "Booked for", "Chair", "Since"),
        rows=LazyRows(waiting, make),
        empty="Every conference booked before today is recorded, moved or cancelled.",
        hint=(
            "Booked for a day that has passed and still not recorded: "
            + {
                (True, True): "record what was decided, or, if it did not take place, move "
                "or cancel it. ",
                # An IRO records; the coordinators move and cancel bookings.
                (True, False): "record what was decided, or, if it did not take place, ask "
                "a conference coordinator to move or cancel it. ",
                (False, True): "if it took place, its chair records it; if not, move or "
                "cancel it. ",
                (False, False): "if it took place, its chair records it; if not, a "
                "conference coordinator moves or cancels it. ",
            }[
                (
                    has_capability(user, Capability.CHAIR_CONFERENCES),
                    has_capability(user, Capability.SCHEDULE_CONFERENCES),
                )
            ]
            + "Until then the child's next conference is worked out as if it had not "
            "happened."
        ),
    )


def reviews_to_book(user, day: date) -> Queue:
    """Reviews due in the next eight weeks (or overdue) with no review booked, by due
    date. Three queries, and one more for the rows a page shows (``LazyRows``)."""
    closures = closure_days()
    until = day + timedelta(days=REVIEWS_TO_BOOK_DAYS)
    visible = visible_to(user)
    due = [(p, d) for p, d in _reviews_due(visible, day) if d <= until]
    booked = _booked_dates(_open_plans(visible, day).values("child_id"))
    due = [(p, d) for p, d in due if (p.child_id, REVIEW) not in booked]
    items = sorted(due, key=lambda pd: (pd[1], pd[0].la_child_id))

    def make(run) -> list[Row]:
        children = Child.objects.select_related("team").in_bulk([p.child_id for p, _ in run])
        return [
            _to_book(
                user,
                day,
                closures,
                children[plan.child_id],
                "review",
                "Book the review",
                d,
                _d(plan.start_date),
            )
            for plan, d in run
        ]

    return Queue(
        key="reviews-to-book",
        title="Reviews to book in the next 8 weeks",
        columns=("Child", "Team", "Plan started", "Due by", "Time left"),
        rows=LazyRows(items, make),
        empty="No review due in the next 8 weeks is waiting to be booked.",
    )


# --- Social worker and team manager -------------------------------------------------------


@dataclass(frozen=True)
class DueConference:
    """A conference a child needs: an initial conference for a pending Section 47
    enquiry, or the next review of their current plan, with the date it is booked for."""

    child: Child
    kind: str  # ICPC or REVIEW
    due: date
    booked_for: date | None
    section47: Section47 | None = None


class DueByChild(NamedTuple):
    """A conference a child needs, by the child's key (``due_by``)."""

    child_id: int
    la_child_id: str
    kind: str  # ICPC or REVIEW
    due: date
    booked_for: date | None
    section47: Section47 | None


def due_by(user, day: date, until: date) -> list[DueByChild]:
    """The conferences of the children ``user`` may see that are overdue on ``day`` or
    due by ``until``, by due date then child ID, without the children's records (a
    region's thousands cost three queries, each with no list of ids)."""
    closures = closure_days()
    visible = visible_to(user)
    items: list[tuple[int, str, str, date, Section47 | None]] = [
        (p.child_id, p.la_child_id, REVIEW, d, None)
        for p, d in _reviews_due(visible, day)
        if d <= until
    ]
    pending = _pending_section47s(visible, day).select_related("episode__child")
    for s in pending.only("pk", "start_date", "icpc_requested_on", "episode__child__la_child_id"):
        due = timescales.icpc_due(s.start_date, closures=closures)
        if due <= until:
            items.append((s.episode.child_id, s.episode.child.la_child_id, ICPC, due, s))
    # Bookings are few (what is scheduled): those of every child in sight, no id list.
    booked = _booked_dates(visible.values("pk"))
    return [
        DueByChild(child_id, la_id, kind, due, booked.get((child_id, kind)), s47)
        for child_id, la_id, kind, due, s47 in sorted(items, key=lambda i: (i[3], i[1], i[2]))
    ]


def conferences_due_by(user, day: date, until: date) -> list[DueConference]:
    """``due_by`` with each child's record (and team). Four queries."""
    due = due_by(user, day, until)
    children = Child.objects.select_related("team").in_bulk({item.child_id for item in due})
    return [
        DueConference(children[i.child_id], i.kind, i.due, i.booked_for, i.section47) for i in due
    ]


def conferences_due(user, day: date) -> Queue:
    """The user's children's conferences overdue or due in the next four weeks: initial
    conferences of pending Section 47 enquiries and the next review of each open plan,
    with the booked date; one booked for after its due date is flagged "Booked late",
    whatever the time left, and one whose booked day has passed unrecorded says so.
    Six queries."""
    closures = closure_days()
    rows = []
    for item in conferences_due_by(user, day, day + timedelta(days=UPCOMING_DAYS)):
        child, kind, due, s47, booked_for = (
            item.child,
            item.kind,
            item.due,
            item.section47,
            item.booked_for,
        )
        left, flag, tone = _days_left(day, due, closures)
        if booked_for is not None and booked_for < day:
            # Its day has passed and it is still not recorded as held.
            flag, tone = DAY_PASSED, RED
        elif booked_for is not None and day <= due:
            if booked_for <= due:
                flag = tone = ""  # booked in time: nothing to worry about
            else:
                flag, tone = BOOKED_LATE, RED  # booked for after it is due: it will be late
        if s47 is not None and not booked_for and s47.icpc_requested_on is None:
            href = reverse("section47_icpc", args=[child.public_id, s47.pk])
            action = "Request the conference"
        else:
            href = reverse("child_protection", args=[child.public_id])
            action = "See the child's protection"
        rows.append(
            Row(
                href=href,
                action=action,
                cells=(
                    display_name(user, child),
                    "Initial conference" if kind == ICPC else "Review conference",
                    _d(due),
                    left,
                    _d(booked_for) if booked_for else "Not booked",
                ),
                child_public_ids=(child.public_id,),
                flag=flag,
                tone=tone,
            )
        )
    return Queue(
        key="conferences-due",
        title="Conferences due",
        columns=("Child", "Conference", "Due by", "Time left", "Booked for"),
        rows=tuple(rows),
        empty="No conference is overdue or due in the next 4 weeks.",
        hint="Overdue, or due in the next 4 weeks.",
    )


def plan_actions_overdue(
    user, day: date, *, children: QuerySet[Child] | None = None, back: str = ""
) -> Queue:
    """Actions of open plans past their "by when" date and neither done nor set aside,
    oldest first; of ``children`` (of those the user may see) where given. ``back``: the
    page to return to once an action is saved (My work). One query."""
    visible = visible_to(user)
    if children is not None:
        visible = visible.filter(pk__in=children.values("pk"))
    actions = list(
        PlanAction.objects.filter(
            by_when__lt=day,
            status__in=OPEN_ACTION_STATUSES,
            plan__in=Plan.objects.filter(_open_on(day), child__in=visible.values("pk")),
        )
        .select_related("plan__child")
        .order_by("by_when", "pk")
    )
    # Chairs change a plan's actions; those carrying out the plan record their progress.
    writes = has_capability(user, Capability.CHAIR_CONFERENCES)
    progress = has_capability(user, Capability.RECORD_ACTION_PROGRESS)
    rows = []
    for a in actions:
        child = a.plan.child
        if writes:
            href, verb = reverse("plan_action", args=[a.plan.public_id, a.pk]), "Update the action"
        elif progress:
            href = reverse("plan_action_progress", args=[a.plan.public_id, a.pk])
            verb = "Record progress"
        else:
            href, verb = reverse("plan_detail", args=[a.plan.public_id]), "See the plan"
        name, what = display_name(user, child), _short(a.what)
        if back and verb != "See the plan":
            href += "?" + urlencode({"next": back})
        rows.append(
            Row(
                href=href,
                action=verb,
                cells=(name, what, a.who, _d(a.by_when), a.get_status_display()),
                child_public_ids=(child.public_id,),
                flag=OVERDUE,
                tone=RED,
                about=f"{name}: {_short(a.what, 40)}",  # a child may have several
            )
        )
    return Queue(
        key="actions-overdue",
        title="Plan actions overdue",
        columns=("Child", "What", "Who", "By when", "Progress"),
        rows=tuple(rows),
        empty="No plan action is overdue.",
    )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plans_without_first_core_group(children: QuerySet[Child], day: date) -> QuerySet[Plan]:
    """Open plans started in the last six weeks whose first core group meeting has no date
    on the record of the conference that started them. The one place this is decided;
    the plan page (``plan_selectors.first_core_group``) reads the same six weeks to say
    an older plan's date is "not recorded" rather than overdue."""
    dated = ConferenceChild.objects.filter(
        plan=OuterRef("pk"), decision=Decision.PLAN, first_core_group_on__isnull=False
    )
    return Plan.objects.filter(
        _open_on(day),
        child__in=children.values("pk"),
        start_date__gte=day - timedelta(days=CORE_GROUP_LOOKBACK_DAYS),
    ).exclude(Exists(dated))


def core_groups_due(user, day: date) -> Queue:
    """Plans with no date yet for their first core group meeting, due 10 working days
    after the conference that started them, by due date. Two queries."""
    closures = closure_days()
    plans = list(plans_without_first_core_group(visible_to(user), day).select_related("child"))
    dated = sorted(
        ((timescales.first_core_group_due(p.start_date, closures=closures), p) for p in plans),
        key=lambda pair: (pair[0], pair[1].child.la_child_id),
    )
    rows = []
    for due, plan in dated:
        child = plan.child
        left, flag, tone = _days_left(day, due, closures)
        rows.append(
            Row(
                href=reverse("plan_detail", args=[plan.public_id]),
                action="See the plan",
                cells=(display_name(user, child), _d(plan.start_date), _d(due), left),
                child_public_ids=(child.public_id,),
                flag=flag,
                tone=tone,
            )
        )
    return Queue(
        key="core-groups-due",
        title="First core group meetings due",
        columns=("Child", "Plan started", "First meeting due by", "Time left"),
        rows=tuple(rows),
        empty="Every plan started in the last 6 weeks has its first core group date recorded.",
        hint=(
            "Plans started in the last 6 weeks with no first core group date on the "
            "conference record: the first core group meets within 10 working days."
        ),
    )
