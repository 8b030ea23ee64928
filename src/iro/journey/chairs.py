"""Who should chair a conference, and when: the proposals the coordinator chooses from.

The rules are domain.md's: continuity first (the children's previous chair, for every
later review), independence (never the line manager of a child's social worker nor the
manager of the child's team; the reason is shown and the service refuses it anyway),
and balanced caseloads (each IRO's current load beside their name). Slots are working
days from tomorrow to the due date at the service's usual start times, less the times
that would overlap a chair's bookings (each has a length) and the chair's days of leave.

Reads only; the choice is written by ``journey.services.allocate_chair`` or
``schedule_conference``, which apply the same independence, overlap and leave rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery

from iro import timescales
from iro.access.scope import hidden_restricted, visible_to
from iro.children.models import Child
from iro.journey.checks import Errors
from iro.journey.models import Conference, ConferenceChild, ConferenceStatus, Plan
from iro.journey.services import DEFAULT_DURATION_MINUTES, _check_chair, times_overlap
from iro.people.selectors import closure_days, iros, leave_between

# The service's usual conference start times (a morning and an afternoon meeting).
SLOT_TIMES = (time(9, 30), time(13, 30))
SLOTS_SHOWN = 4
# How far to look for free slots when the due date is far off or already passed.
SLOT_SEARCH_WORKING_DAYS = 20
# Slots are looked for from this long before a day chosen (those nearest it are shown),
# or before a due date further off than the search (a review is held near its due date,
# not as soon as it can be), rather than from tomorrow.
SLOTS_BEFORE_DAY_CHOSEN = timedelta(days=7)
SLOTS_BEFORE_DUE = timedelta(days=14)


@dataclass(frozen=True)
class Slot:
    day: date
    at: time
    in_time: bool  # on or before the due date

    def __str__(self) -> str:
        # "Mon 7 Dec 2026 09:30": the day without a leading zero, as dates are shown elsewhere.
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y} {self.at:%H:%M}"


@dataclass(frozen=True)
class When:
    """A conference's time: the day, the start (None holds the day) and its length."""

    day: date
    at: time | None = None
    minutes: int = DEFAULT_DURATION_MINUTES

    def __str__(self) -> str:
        # "Tuesday 15 December 2026 at 10:00 (2 hours)"
        when = f"{self.day:%A} {self.day.day} {self.day:%B %Y}"
        if self.at is not None:
            when += f" at {self.at:%H:%M}"
        hours, minutes = divmod(self.minutes, 60)
        length = " ".join(
            part
            for part in (
                f"{hours} hour{'s' if hours != 1 else ''}" if hours else "",
                f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes else "",
            )
            if part
        )
        return f"{when} ({length})"


@dataclass(frozen=True)
class ChairOption:
    """One IRO as a possible chair, with everything the coordinator weighs."""

    chair: object
    refusals: tuple[str, ...] = ()
    last_chaired_on: date | None = None
    children_on_plan: int = 0
    upcoming: int = 0
    # At the time asked about (``propose_chairs``' ``when``, or the conference's own):
    # why the chair cannot be there ("On leave", "Chairing another conference
    # 09:30–11:30"), empty when free or when no time was asked about.
    busy_then: str = ""
    slots: tuple[Slot, ...] = field(default=())

    @property
    def busy_at_time(self) -> bool:
        return bool(self.busy_then)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def previous(self) -> bool:
        """Chaired a conference of one of these children before (continuity)."""
        return self.last_chaired_on is not None

    # Their working time (full-time equivalent) recorded on the figures page; None when
    # none is recorded (taken as full time).
    fte: Decimal | None = None

    @property
    def load(self) -> int:
        return self.children_on_plan + self.upcoming

    @property
    def load_per_fte(self) -> Decimal:
        """The load as if full time, so a part-time IRO is not given a full-time share."""
        return per_fte(self.load, self.fte)


def per_fte(load: int, fte: Decimal | None) -> Decimal:
    """``load`` for one full-time IRO: the load itself when no working time is recorded,
    and endless for 0 (no longer working in the service)."""
    if fte is None:
        return Decimal(load)
    if fte <= 0:
        return Decimal("Infinity")
    return Decimal(load) / fte


def working_time(chair_ids: Iterable[int], day: date) -> dict[int, Decimal]:
    """Each IRO's full-time equivalent on ``day`` (their latest working hours record from
    then or before; absent when none is recorded). One query."""
    from iro.challenge.models import WorkingHours

    fte: dict[int, Decimal] = {}
    records = (
        WorkingHours.objects.filter(person_id__in=list(chair_ids), starts_on__lte=day)
        .order_by("person_id", "starts_on")
        .values_list("person_id", "fte")
    )
    for person_id, value in records:
        fte[person_id] = value  # the latest wins
    return fte


def caseloads(
    chair_ids: Iterable[int], *, today: date, until: date | None = None
) -> dict[int, tuple[int, int]]:
    """Each IRO's current load: (children on an open plan whose latest held conference
    they chaired, conferences booked for them to chair from today, up to ``until`` when
    given). Two queries."""
    chair_ids = list(chair_ids)
    latest_chair = (
        ConferenceChild.objects.filter(
            plan=OuterRef("pk"), conference__status=ConferenceStatus.HELD
        )
        .order_by("-conference__held_on", "-pk")
        .values("conference__chair")[:1]
    )
    # Every open plan's latest chair worked out once, grouped, then the chairs asked for
    # picked out: filtering on the subquery would work it out twice for every plan.
    on_plan = dict(
        Plan.objects.filter(end_date__isnull=True)
        .annotate(latest_chair=Subquery(latest_chair))
        .values("latest_chair")
        .annotate(n=Count("child_id", distinct=True))
        .values_list("latest_chair", "n")
    )
    booked = Conference.objects.filter(
        chair__in=chair_ids,
        status=ConferenceStatus.SCHEDULED,
        scheduled_date__gte=today,
    )
    if until is not None:
        booked = booked.filter(scheduled_date__lte=until)
    upcoming = dict(booked.values("chair").annotate(n=Count("pk")).values_list("chair", "n"))
    return {pk: (on_plan.get(pk, 0), upcoming.get(pk, 0)) for pk in chair_ids}


def previous_chairs(children: Iterable[Child]) -> dict[int, date]:
    """Who chaired these children's held conferences, with the latest date each did."""
    return dict(
        ConferenceChild.objects.filter(
            child__in=list(children),
            conference__status=ConferenceStatus.HELD,
            conference__chair__isnull=False,
        )
        .values("conference__chair")
        .annotate(last=Max("conference__held_on"))
        .values_list("conference__chair", "last")
    )


def candidate_slots(
    *, today: date, due: date | None, closures: Iterable[date], start: date | None = None
) -> list[Slot]:
    """Working-day slots from the next working day, or from ``start`` when that is later:
    up to the due date when it is ahead, else the next few (marked late)."""
    closures = frozenset(closures)
    slots: list[Slot] = []
    day = timescales.add_working_days(today, 1, closures=closures)
    if start is not None and start > day:
        day = timescales.add_working_days(start - timedelta(days=1), 1, closures=closures)
    for _ in range(SLOT_SEARCH_WORKING_DAYS):
        in_time = due is None or day <= due
        if not in_time and any(s.in_time for s in slots):
            break
        slots.extend(Slot(day, at, in_time) for at in SLOT_TIMES)
        day = timescales.add_working_days(day, 1, closures=closures)
    return slots


def propose_chairs(
    *,
    children: list[Child],
    today: date,
    due: date | None = None,
    conference: Conference | None = None,
    when: When | None = None,
) -> list[ChairOption]:
    """Every active IRO as a chair option, best first: those who may chair before those
    who may not; then those free at the time asked about (``when``, else the conference's
    own booking); among them the children's previous chair first (most recent first),
    then the lightest load. Each carries up to ``SLOTS_SHOWN`` free slots: those nearest
    the day asked about, else the first in the fortnight before a due date further off
    than the search, else the first from tomorrow."""
    chairs = list(iros().order_by("last_name", "first_name", "pk"))
    ids = [c.pk for c in chairs]
    loads = caseloads(ids, today=today)
    ftes = working_time(ids, today)
    previous = previous_chairs(children)
    booked = Conference.objects.filter(chair__in=ids, status=ConferenceStatus.SCHEDULED)
    if conference is not None:
        booked = booked.exclude(pk=conference.pk)
        if when is None and conference.scheduled_date:
            when = When(
                conference.scheduled_date, conference.scheduled_time, conference.duration_minutes
            )
    closures = closure_days()
    if when is not None:
        start = when.day - SLOTS_BEFORE_DAY_CHOSEN
    elif due is not None and due > timescales.add_working_days(
        today, SLOT_SEARCH_WORKING_DAYS, closures=closures
    ):
        start = due - SLOTS_BEFORE_DUE
    else:
        start = None
    slots = candidate_slots(today=today, due=due, closures=closures, start=start)
    days = {s.day for s in slots}
    if when is not None:
        days.add(when.day)
    # Each chair's bookings by day, and the days they are on leave: a slot or the
    # conference's own time is busy when it overlaps either (the services' rule).
    bookings = bookings_by_day(booked, days)
    away = days_away(ids, days)
    if when is not None:
        length = when.minutes
    elif conference is not None:
        length = conference.duration_minutes
    else:
        length = DEFAULT_DURATION_MINUTES

    def busy(chair_id: int, day: date, at: time | None) -> bool:
        return (chair_id, day) in away or any(
            times_overlap(other, minutes, at, length)
            for other, minutes in bookings.get((chair_id, day), ())
        )

    def busy_then(chair_id: int) -> str:
        """Why the chair cannot be there at ``when`` (empty when they can)."""
        if when is None:
            return ""
        if (chair_id, when.day) in away:
            return "On leave that day"
        clashes = sorted(
            (
                (other, minutes)
                for other, minutes in bookings.get((chair_id, when.day), ())
                if times_overlap(other, minutes, when.at, length)
            ),
            key=lambda booking: booking[0] or time.min,  # one held all day (no time) first
        )
        if not clashes:
            return ""
        return "Chairing another conference " + ", ".join(
            _span(other, minutes) for other, minutes in clashes
        )

    options = []
    for chair in chairs:
        errors = Errors()
        _check_chair(
            errors, chair=chair, children=children, scheduled_date=None, scheduled_time=None
        )
        on_plan, upcoming = loads[chair.pk]
        options.append(
            ChairOption(
                chair=chair,
                fte=ftes.get(chair.pk),
                refusals=tuple(errors.by_field.get("chair", ())),
                last_chaired_on=previous.get(chair.pk),
                children_on_plan=on_plan,
                upcoming=upcoming,
                busy_then=busy_then(chair.pk),
                slots=_shown(
                    [s for s in slots if not busy(chair.pk, s.day, s.at)],
                    near=when.day if when is not None else None,
                ),
            )
        )

    def rank(option: ChairOption):
        last = option.last_chaired_on
        return (
            not option.allowed,
            option.busy_at_time,
            last is None,
            -(last.toordinal() if last else 0),
            option.load_per_fte,
        )

    return sorted(options, key=rank)


# (chair, day) -> the (start, minutes) of each conference they are booked to chair then.
Bookings = dict[tuple[int, date], list[tuple[time | None, int]]]


def bookings_by_day(booked, days: Iterable[date]) -> Bookings:
    """The conferences of ``booked`` (a queryset) on ``days``, by chair and day. One query."""
    found: Bookings = {}
    for chair_id, day, at, minutes in booked.filter(scheduled_date__in=list(days)).values_list(
        "chair", "scheduled_date", "scheduled_time", "duration_minutes"
    ):
        found.setdefault((chair_id, day), []).append((at, minutes))
    return found


def days_away(chair_ids: list[int], days: set[date]) -> set[tuple[int, date]]:
    """Which of ``days`` each chair is on leave: (chair, day) pairs. One query, none for
    no days."""
    away: set[tuple[int, date]] = set()
    if days:
        for chair_id, periods in leave_between(chair_ids, min(days), max(days)).items():
            away.update(
                (chair_id, day)
                for day in days
                for leave in periods
                if leave.start_date <= day <= leave.end_date
            )
    return away


def _shown(free: list[Slot], *, near: date | None) -> tuple[Slot, ...]:
    """The free slots to offer, in time order: the first ``SLOTS_SHOWN``, or with a day
    asked about those nearest it (the earlier of two as near)."""
    if near is not None:
        free = sorted(free, key=lambda s: (abs((s.day - near).days), s.day, s.at))
        free = sorted(free[:SLOTS_SHOWN], key=lambda s: (s.day, s.at))
    return tuple(free[:SLOTS_SHOWN])


def _span(at: time | None, minutes: int) -> str:
    """A booking's hours, "09:30–11:30" ("all day" without a start time)."""
    if at is None:
        return "all day"
    end = at.hour * 60 + at.minute + minutes
    return f"{at:%H:%M}–{end // 60 % 24:02d}:{end % 60:02d}"


def children_with_relations(children: Iterable[Child]) -> list[Child]:
    """The children with what the independence rule reads, in one query."""
    return list(
        Child.objects.filter(pk__in=[c.pk for c in children]).select_related(
            "team", "social_worker"
        )
    )


def booked_during(leaves) -> dict[int, list[Conference]]:
    """For each leave, the scheduled conferences its person is booked to chair in it, by
    date (these need another chair). One query."""
    leaves = list(leaves)
    if not leaves:
        return {}
    booked = Conference.objects.filter(
        chair__in={leave.user_id for leave in leaves},
        status=ConferenceStatus.SCHEDULED,
        scheduled_date__gte=min(leave.start_date for leave in leaves),
        scheduled_date__lte=max(leave.end_date for leave in leaves),
    ).order_by("scheduled_date", "scheduled_time", "pk")
    return {
        leave.pk: [
            c
            for c in booked
            if c.chair_id == leave.user_id
            and leave.start_date <= c.scheduled_date <= leave.end_date
        ]
        for leave in leaves
    }


# --- Cover: one IRO's bookings given to others at once ------------------------------------


@dataclass(frozen=True)
class CoverChoice:
    """An IRO who may chair a conference being moved, free at its time, and why they are
    offered ("Chaired these children before ...", their load)."""

    chair: object
    hint: str


@dataclass(frozen=True)
class Cover:
    """One conference to move from its chair: its children (as read for independence),
    who may take it, best first, and the one suggested (None when nobody may)."""

    conference: Conference
    children: tuple[Child, ...]
    choices: tuple[CoverChoice, ...]
    suggested: object = None


def cover_for(conferences: Iterable[Conference], *, today: date, leaving) -> list[Cover]:
    """Who could chair each of ``conferences`` instead of ``leaving`` (on leave, leaving
    the service, or carrying too much), with a suggestion for each that shares them out.

    Offered for a conference: every active IRO but ``leaving`` who may chair its children
    (the independence rule) and is neither away nor chairing another conference at its
    time, best first: the children's most recent previous chair, else the lightest load
    for their working time. Suggested, taking the conferences in date order: the best
    offered who is not already suggested for a conference at the same time, a conference
    suggested earlier on the page counting in their load. The services check all of it
    again when the choices are saved. Nine queries, whatever the number of conferences."""
    conferences = sorted(
        conferences, key=lambda c: (c.scheduled_date or date.max, c.scheduled_time or time.min)
    )
    if not conferences:
        return []
    chairs = [c for c in iros().order_by("last_name", "first_name", "pk") if c.pk != leaving.pk]
    ids = [c.pk for c in chairs]
    loads = caseloads(ids, today=today)
    ftes = working_time(ids, today)
    rows = ConferenceChild.objects.filter(conference__in=conferences).order_by(
        "child__la_child_id", "pk"
    )
    children_at: dict[int, list[int]] = {}
    for conference_id, child_id in rows.values_list("conference_id", "child_id"):
        children_at.setdefault(conference_id, []).append(child_id)
    relations = {
        c.pk: c
        for c in Child.objects.filter(
            pk__in={pk for pks in children_at.values() for pk in pks}
        ).select_related("team", "social_worker")
    }
    chaired: dict[int, dict[int, date]] = {}  # child -> chair -> the latest day held
    for child_id, chair_id, last in (
        ConferenceChild.objects.filter(
            child__in=list(relations),
            conference__status=ConferenceStatus.HELD,
            conference__chair__isnull=False,
        )
        .values("child", "conference__chair")
        .annotate(last=Max("conference__held_on"))
        .values_list("child", "conference__chair", "last")
    ):
        chaired.setdefault(child_id, {})[chair_id] = last
    days = {c.scheduled_date for c in conferences if c.scheduled_date}
    booked = bookings_by_day(
        Conference.objects.filter(chair__in=ids, status=ConferenceStatus.SCHEDULED).exclude(
            pk__in=[c.pk for c in conferences]
        ),
        days,
    )
    away = days_away(ids, days)
    suggested_at: Bookings = {}
    given: dict[int, int] = {}  # conferences suggested on this page, by chair

    def clashes(times: Bookings, chair_id: int, conference: Conference) -> bool:
        return any(
            times_overlap(at, minutes, conference.scheduled_time, conference.duration_minutes)
            for at, minutes in times.get((chair_id, conference.scheduled_date), ())
        )

    def free(chair_id: int, conference: Conference) -> bool:
        day = conference.scheduled_date
        if day is None:
            return True
        return (chair_id, day) not in away and not clashes(booked, chair_id, conference)

    covers = []
    for conference in conferences:
        children = tuple(relations[pk] for pk in children_at.get(conference.pk, ()))
        previous: dict[int, date] = {}
        for child in children:
            for chair_id, last in chaired.get(child.pk, {}).items():
                previous[chair_id] = max(last, previous.get(chair_id, last))
        offered = []
        for chair in chairs:
            errors = Errors()
            _check_chair(
                errors, chair=chair, children=list(children), scheduled_date=None,
                scheduled_time=None,
            )  # fmt: skip
            if errors.by_field or not free(chair.pk, conference):
                continue
            on_plan, upcoming = loads[chair.pk]
            offered.append((chair, previous.get(chair.pk), on_plan, upcoming))

        def rank(option):
            chair, last, on_plan, upcoming = option
            load = on_plan + upcoming + given.get(chair.pk, 0)
            return (
                last is None,
                -(last.toordinal() if last else 0),
                per_fte(load, ftes.get(chair.pk)),
            )

        offered.sort(key=rank)
        chosen = next(
            (o[0] for o in offered if not clashes(suggested_at, o[0].pk, conference)), None
        )
        if chosen is not None:
            given[chosen.pk] = given.get(chosen.pk, 0) + 1
            if conference.scheduled_date:
                suggested_at.setdefault((chosen.pk, conference.scheduled_date), []).append(
                    (conference.scheduled_time, conference.duration_minutes)
                )
        choices = tuple(
            CoverChoice(chair, _cover_hint(last, on_plan, upcoming, ftes.get(chair.pk)))
            for chair, last, on_plan, upcoming in offered
        )
        covers.append(Cover(conference, children, choices, chosen))
    return covers


def _cover_hint(last: date | None, on_plan: int, upcoming: int, fte: Decimal | None) -> str:
    """ "chaired them 22 Sep 2026; 12 on a plan, 3 booked; 0.5 of full time"."""
    words = [f"chaired them {last:%-d %b %Y}"] if last else []
    words.append(f"{on_plan} on a plan, {upcoming} booked")
    if fte is not None:
        words.append(f"{fte.normalize():f} of full time")
    return "; ".join(words)


def bookings_to_move(
    user, chair, *, on: date, start: date | None = None, end: date | None = None
) -> tuple[list[Conference], int]:
    """The conferences booked for ``chair`` to chair from ``on`` (or with no date yet),
    within ``start``..``end`` when given, that ``user`` may move: those whose every child
    they may see, as the chair page asks; only those in the days given, when given. With
    how many others there are. Four queries."""
    booked = Conference.objects.filter(chair=chair, status=ConferenceStatus.SCHEDULED)
    if start is None and end is None:
        booked = booked.filter(Q(scheduled_date__gte=on) | Q(scheduled_date__isnull=True))
    else:  # a leave's days: only the bookings in them
        booked = booked.filter(scheduled_date__gte=max(on, start or on))
        if end is not None:
            booked = booked.filter(scheduled_date__lte=end)
    booked = list(booked.select_related("chair"))
    children_at: dict[int, set[int]] = {}
    for conference_id, child_id in ConferenceChild.objects.filter(
        conference__in=booked
    ).values_list("conference_id", "child_id"):
        children_at.setdefault(conference_id, set()).add(child_id)
    every = set().union(*children_at.values()) if children_at else set()
    hidden = hidden_restricted(user, every)
    seen = set(visible_to(user).filter(pk__in=every - hidden).values_list("pk", flat=True))
    movable = [c for c in booked if children_at.get(c.pk) and children_at[c.pk] <= seen]
    return movable, len(booked) - len(movable)
