"""Reads of the child's journey for the pages: My work, the caseload and a child's journey.

Every function takes the user and starts from ``iro.access.scope.visible_to(user)``, so a
page can only ever show children the user may see. Due dates are computed here from the
recorded facts with ``iro.timescales`` (never stored); templates only display the
results. Lists cost a fixed number of queries however many children they cover.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.scope import display_name, hidden_restricted, shows_names, visible_to
from iro.children.models import Child, Disability, Family, FamilyMember
from iro.children.search import Search
from iro.children.selectors import find_children
from iro.journey.checks import warnings_now
from iro.journey.models import (
    Category,
    ChildAttendance,
    Conference,
    ConferenceAmendment,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMember,
    Episode,
    Invitation,
    InviteeRole,
    Plan,
    Section47,
)
from iro.names import name_parts
from iro.people.models import User
from iro.people.selectors import closure_days

# My work: conferences in the next four weeks; a deadline is "at risk" when it falls
# within the next ten working days.
UPCOMING_DAYS = 28
AT_RISK_WORKING_DAYS = 10
CASELOAD_PAGE_SIZE = 50

ICPC = "icpc"
REVIEW = "review"
DUE_LABELS = {
    ICPC: "Initial child protection conference",
    REVIEW: "Review child protection conference",
}


def today() -> date:
    return timezone.localdate()


# --- Shared building blocks ---------------------------------------------------------------


@dataclass(frozen=True)
class ChildRef:
    """A child as a page may show them: the name the user may see, and a link key."""

    public_id: UUID
    name: str
    la_child_id: str
    pk: int  # never shown: what the access log records for the page


def child_ref(user, child: Child) -> ChildRef:
    return ChildRef(child.public_id, display_name(user, child), child.la_child_id, child.pk)


def _open_on(day: date) -> Q:
    """Plans open on ``day``: started by then and not ended by then."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


def _held(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": ConferenceStatus.HELD, f"{prefix}held_on__isnull": False})


def _latest_held_row(child_ref_expr: str = "pk") -> QuerySet[ConferenceChild]:
    return ConferenceChild.objects.filter(
        _held("conference__"), child=OuterRef(child_ref_expr)
    ).order_by("-conference__held_on", "-conference__pk")


def _next_scheduled_row(child_ref_expr: str = "pk") -> QuerySet[ConferenceChild]:
    return ConferenceChild.objects.filter(
        child=OuterRef(child_ref_expr), conference__status=ConferenceStatus.SCHEDULED
    ).order_by("conference__scheduled_date", "conference__pk")


def current_chair_id() -> Coalesce:
    """The child's current chair, as an annotation: the chair of their latest held
    conference, or, before any is held, the chair allocated to the next scheduled one."""
    return Coalesce(
        Subquery(_latest_held_row().values("conference__chair")[:1]),
        Subquery(_next_scheduled_row().values("conference__chair")[:1]),
    )


def chaired_by(chair_id: int) -> Q:
    """The children ``chair_id`` chairs, of a queryset annotated with ``current_chair_id``
    as ``chair_id``: their current chair, or the chair of a conference booked for them
    (the IRO preparing a child's next review, taken over from another chair). My work
    and the caseload's chair filter read the same."""
    return Q(chair_id=chair_id) | Exists(
        ConferenceChild.objects.filter(
            child=OuterRef("pk"),
            conference__status=ConferenceStatus.SCHEDULED,
            conference__chair_id=chair_id,
        )
    )


def _may_be_chaired_by(chair_id: int) -> QuerySet:
    """The ids of the children whose current chair (``current_chair_id``) can be
    ``chair_id``: a child's current chair chaired, or is to chair, one of their
    conferences. A subquery that narrows the children before the correlated
    ``current_chair_id`` is worked out for each."""
    return ConferenceChild.objects.filter(conference__chair_id=chair_id).values("child_id")


def _pending_section47s(children: QuerySet[Child], day: date) -> QuerySet[Section47]:
    """Section 47 enquiries still waiting for their initial conference on ``day``.

    Not marked "ICPC not required", in an episode still open, and no initial conference
    held for the child since the enquiry started (linked to it, or held unlinked on or
    after its start).
    """
    icpcs_held = ConferenceChild.objects.filter(
        _held("conference__"), conference__kind=ConferenceKind.INITIAL
    )
    # Two anti-joins, not one with an OR: each is then an index lookup per enquiry, where
    # the OR made PostgreSQL hash every initial conference ever held.
    linked = icpcs_held.filter(section47=OuterRef("pk"))
    unlinked = icpcs_held.filter(
        section47__isnull=True,
        child=OuterRef("episode__child"),
        conference__held_on__gte=OuterRef("start_date"),
    )
    return (
        Section47.objects.filter(episode__child__in=children.values("pk"), icpc_not_required=False)
        .filter(Q(episode__closure_date__isnull=True) | Q(episode__closure_date__gt=day))
        .filter(start_date__lte=day)
        .exclude(Exists(linked))
        .exclude(Exists(unlinked))
    )


def review_dates_by_plan(plan_ids: Iterable[int]) -> dict[int, list[date]]:
    """The held review dates of each plan, in two queries."""
    dates: dict[int, list[date]] = defaultdict(list)
    # The plans' rows first, then their conferences (two indexed lookups): one join
    # filtered on the conference's kind lets SQLite's planner read every held review of
    # the records, however few plans are asked about.
    rows = list(
        ConferenceChild.all_objects.filter(
            plan_id__in=list(plan_ids), voided_at__isnull=True
        ).values_list("plan_id", "conference_id")
    )
    held_on_of = dict(
        Conference.objects.filter(  # live conferences only, as ConferenceChild.objects
            _held(), pk__in={conference_id for _, conference_id in rows}, kind=ConferenceKind.REVIEW
        ).values_list("pk", "held_on")
    )
    for plan_id, conference_id in rows:
        if conference_id in held_on_of:
            dates[plan_id].append(held_on_of[conference_id])
    return dates


def latest_review_held() -> Subquery:
    """A plan's latest review held on or after its start, as an annotation: the only
    review ``timescales.next_review_after`` needs, so the next review of thousands of
    plans is read with the plans, not from their every review."""
    return Subquery(
        ConferenceChild.objects.filter(
            _held("conference__"),
            plan=OuterRef("pk"),
            conference__kind=ConferenceKind.REVIEW,
            conference__held_on__gte=OuterRef("start_date"),
        )
        .order_by("-conference__held_on")
        .values("conference__held_on")[:1]
    )


@dataclass(frozen=True)
class DueItem:
    """One conference a child is waiting for, and when it is due by."""

    child_id: int
    kind: str  # ICPC or REVIEW
    due: date
    plan_id: int | None = None
    section47_id: int | None = None


def due_items(children: QuerySet[Child], *, day: date, closures: frozenset[date]) -> list[DueItem]:
    """Every conference the given children are waiting for on ``day``: the next review
    of each open plan and the initial conference of each pending Section 47 enquiry.

    Two queries whatever the number of children.
    """
    plans = (
        Plan.objects.filter(_open_on(day), child__in=children.values("pk"))
        .annotate(last_review=latest_review_held())
        .values_list("pk", "child_id", "start_date", "last_review")
    )
    items = [
        DueItem(
            child_id=child_id,
            kind=REVIEW,
            due=timescales.next_review_after(start, [last] if last else []),
            plan_id=pk,
        )
        for pk, child_id, start, last in plans
    ]
    for pk, child_id, start in _pending_section47s(children, day).values_list(
        "pk", "episode__child_id", "start_date"
    ):
        items.append(
            DueItem(
                child_id=child_id,
                kind=ICPC,
                due=timescales.icpc_due(start, closures=closures),
                section47_id=pk,
            )
        )
    return items


def may_record(user, conference: Conference) -> bool:
    """The chair records their conference; an IRO manager may for any."""
    return has_capability(user, Capability.CHAIR_CONFERENCES) and (
        conference.chair_id == user.pk or has_capability(user, Capability.SCHEDULE_CONFERENCES)
    )


# --- My work ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingConference:
    public_id: UUID
    kind: str
    kind_label: str
    scheduled_date: date
    scheduled_time: time | None
    venue: str
    children: list[ChildRef]
    due: date | None  # the earliest due date of its children
    meets_due: bool | None  # None when no due date can be computed
    # Set when the booking was confirmed despite a warning (see schedule_conference).
    booking_warnings: str = ""
    booking_reason: str = ""
    online: bool = False  # it has a link to join online


@dataclass(frozen=True)
class Deadline:
    child: ChildRef
    kind: str
    label: str
    due: date
    overdue: bool
    working_days: int  # until the due date, or since it when overdue
    booked_for: date | None
    # The booked conference's chair when it is not the reader ("" for no chair yet),
    # else None: the deadline is then another IRO's to meet.
    booked_chair: str | None = None


def _other_chair(booking, user) -> str | None:
    if booking is None:
        return None
    chair = booking[1]
    if chair is None:
        return ""
    return None if chair.pk == user.pk else chair.get_full_name()


@dataclass(frozen=True)
class MyWork:
    today: date
    upcoming: list[UpcomingConference]
    deadlines: list[Deadline]
    # The children the user chairs with a plan open or an enquiry under way (the
    # deadlines' children), for the page's other queues.
    children: QuerySet[Child] = field(default_factory=Child.objects.none)

    @property
    def overdue_count(self) -> int:
        return sum(1 for d in self.deadlines if d.overdue)

    @property
    def at_risk_count(self) -> int:
        return sum(1 for d in self.deadlines if not d.overdue)


def _row_due(
    row: ConferenceChild,
    *,
    reviews: dict[int, list[date]],
    waiting: dict[tuple[int, str], date],
    closures: frozenset[date],
) -> date | None:
    """When the conference is due for this child, from the S47, plan or notification."""
    conference = row.conference
    if conference.kind == ConferenceKind.INITIAL:
        if row.section47 is not None:
            return timescales.icpc_due(row.section47.start_date, closures=closures)
        return waiting.get((row.child_id, ICPC))
    if conference.kind == ConferenceKind.REVIEW:
        if row.plan is not None:
            return timescales.next_review_after(row.plan.start_date, reviews.get(row.plan_id, ()))
        return waiting.get((row.child_id, REVIEW))
    if conference.notified_on:
        return timescales.transfer_in_due(conference.notified_on, closures=closures)
    return None


def my_work(user, *, day: date | None = None) -> MyWork:
    """The chair's next four weeks and their children's deadlines at risk or overdue.

    Conferences: those ``user`` chairs, still scheduled, dated ``day`` to ``day`` + 28.
    Deadlines: for children whose current chair is ``user`` (see ``current_chair_id``) or
    who have a scheduled conference ``user`` chairs, each due conference that is overdue
    (due before ``day``) or due within the next 10 working days.
    """
    day = day or today()
    closures = closure_days()
    visible = visible_to(user)

    conferences = list(
        Conference.objects.filter(
            chair=user,
            status=ConferenceStatus.SCHEDULED,
            scheduled_date__gte=day,
            scheduled_date__lte=day + timedelta(days=UPCOMING_DAYS),
        )
        # Only conferences with a child the user may see (a restricted child's
        # conference is not shown to a chair who is not on its list).
        .filter(
            Exists(
                ConferenceChild.objects.filter(
                    conference=OuterRef("pk"), child__in=visible.values("pk")
                )
            )
        )
        .order_by("scheduled_date", "scheduled_time", "pk")
    )
    rows = list(
        ConferenceChild.objects.filter(
            conference__in=conferences, child__in=visible.values("pk")
        ).select_related("conference", "child", "section47", "plan")
    )

    # Only the children who may have the user as their current chair are asked who it
    # is (``_may_be_chaired_by``), not every child the user may see: thousands in a
    # region, each a correlated subquery. Of those, only children who can be waiting
    # for a conference (a plan open or an enquiry in an open episode: what
    # ``due_items`` reads): an IRO's years of closed cases are not asked who their chair
    # is.
    chaired = visible.filter(pk__in=_may_be_chaired_by(user.pk)).filter(
        _on_plan(day)
        | Exists(
            Section47.objects.filter(
                Q(episode__closure_date__isnull=True) | Q(episode__closure_date__gt=day),
                episode__child=OuterRef("pk"),
                start_date__lte=day,
            )
        )
    )
    mine = chaired.annotate(chair_id=current_chair_id()).filter(chaired_by(user.pk))
    # A chair of a scheduled conference is that child's chair, so ``mine`` covers every
    # child in ``rows`` too. Read once: a few hundred ids, where the queries below would
    # each work out again who the chair of every child of the user's conferences is.
    mine = Child.objects.filter(pk__in=list(mine.values_list("pk", flat=True)))
    waiting_items = due_items(mine, day=day, closures=closures)
    waiting: dict[tuple[int, str], date] = {}
    for item in waiting_items:
        key = (item.child_id, item.kind)
        waiting[key] = min(item.due, waiting.get(key, item.due))
    reviews = review_dates_by_plan({r.plan_id for r in rows if r.plan_id})

    by_conference: dict[int, list[ConferenceChild]] = defaultdict(list)
    for row in rows:
        by_conference[row.conference_id].append(row)
    upcoming = []
    for conference in conferences:
        its_rows = sorted(by_conference[conference.pk], key=lambda r: r.child.la_child_id)
        dues = [
            d
            for d in (
                _row_due(r, reviews=reviews, waiting=waiting, closures=closures) for r in its_rows
            )
            if d is not None
        ]
        due = min(dues) if dues else None
        upcoming.append(
            UpcomingConference(
                public_id=conference.public_id,
                kind=conference.kind,
                kind_label=conference.get_kind_display(),
                scheduled_date=conference.scheduled_date,
                scheduled_time=conference.scheduled_time,
                venue=conference.venue,
                online=bool(conference.virtual_link),
                children=[child_ref(user, r.child) for r in its_rows],
                due=due,
                meets_due=None if due is None else conference.scheduled_date <= due,
                booking_warnings=warnings_now(
                    conference.booking_warnings, scheduled_date=conference.scheduled_date, due=due
                ),
                booking_reason=conference.booking_reason,
            )
        )

    at_risk_until = timescales.add_working_days(day, AT_RISK_WORKING_DAYS, closures=closures)
    flagged = [i for i in waiting_items if i.due <= at_risk_until]
    children = Child.objects.in_bulk({i.child_id for i in flagged})
    booked = _booked_with_chairs({i.child_id for i in flagged})
    deadlines = []
    for item in sorted(flagged, key=lambda i: (i.due, children[i.child_id].la_child_id)):
        overdue = item.due < day
        deadlines.append(
            Deadline(
                child=child_ref(user, children[item.child_id]),
                kind=item.kind,
                label=DUE_LABELS[item.kind],
                due=item.due,
                overdue=overdue,
                working_days=(
                    timescales.working_days_between(item.due, day, closures=closures)
                    if overdue
                    else timescales.working_days_between(day, item.due, closures=closures)
                ),
                booked_for=booked.get((item.child_id, item.kind), (None, None))[0],
                booked_chair=_other_chair(booked.get((item.child_id, item.kind)), user),
            )
        )
    return MyWork(today=day, upcoming=upcoming, deadlines=deadlines, children=mine)


def _booked_dates(child_ids: Iterable[int] | QuerySet) -> dict[tuple[int, str], date]:
    """The earliest scheduled initial or review conference of each child, by kind
    (``child_ids`` a few ids, or a subquery of them where there may be thousands)."""
    booked: dict[tuple[int, str], date] = {}
    for child_id, kind, scheduled in _bookings(child_ids).values_list(
        "child_id", "conference__kind", "conference__scheduled_date"
    ):
        booked.setdefault((child_id, _BOOKED_KINDS[kind]), scheduled)
    return booked


_BOOKED_KINDS = {ConferenceKind.INITIAL: ICPC, ConferenceKind.REVIEW: REVIEW}


def _bookings(child_ids: Iterable[int] | QuerySet) -> QuerySet:
    """The children's scheduled initial and review conferences (a row a child), soonest
    first."""
    return ConferenceChild.objects.filter(
        child_id__in=child_ids,
        conference__status=ConferenceStatus.SCHEDULED,
        conference__kind__in=list(_BOOKED_KINDS),
        conference__scheduled_date__isnull=False,
    ).order_by("conference__scheduled_date")


def _booked_with_chairs(child_ids: Iterable[int]) -> dict[tuple[int, str], tuple[date, object]]:
    """``_booked_dates`` for a few children, each with the conference's chair (or None)."""
    booked: dict[tuple[int, str], tuple[date, object]] = {}
    for row in _bookings(child_ids).select_related("conference__chair"):
        key = (row.child_id, _BOOKED_KINDS[row.conference.kind])
        booked.setdefault(key, (row.conference.scheduled_date, row.conference.chair))
    return booked


# --- Caseload -----------------------------------------------------------------------------

ANY = ""
YES = "yes"
NO = "no"
OPEN = "open"  # on a plan, or an enquiry waiting for its initial conference


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload is narrowed to; empty values mean "any"."""

    team_id: int | None = None
    chair_id: int | None = None
    social_worker_id: int | None = None
    category: str = ANY
    on_plan: str = ANY  # YES, NO, OPEN or ANY
    overdue: str = ANY  # YES, NO or ANY


@dataclass(frozen=True)
class CaseloadRow:
    child: ChildRef
    team: str
    category: str
    plan_start: date | None
    next_review_due: date | None
    review_overdue: bool
    icpc_due: date | None
    icpc_overdue: bool
    chair: str
    next_chair: str = ""  # of the next booked conference, when another


@dataclass(frozen=True)
class Caseload:
    today: date
    page: Page
    rows: list[CaseloadRow]

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _earliest_due(items: Iterable[DueItem]) -> dict[tuple[int, str], date]:
    earliest: dict[tuple[int, str], date] = {}
    for item in items:
        key = (item.child_id, item.kind)
        earliest[key] = min(item.due, earliest.get(key, item.due))
    return earliest


def _with_plan_and_chair(children: QuerySet[Child], day: date) -> QuerySet[Child]:
    open_plan = Plan.objects.filter(_open_on(day), child=OuterRef("pk")).order_by(
        "-start_date", "-pk"
    )
    return children.annotate(
        plan_category=Subquery(open_plan.values("latest_category")[:1]),
        plan_start=Subquery(open_plan.values("start_date")[:1]),
        chair_id=current_chair_id(),
    )


def open_with_the_service(children: QuerySet[Child], day: date) -> QuerySet[Child]:
    """Of ``children``, those whose case is open with the IRO service on ``day``: on a
    plan, or an initial conference to come (the IRO's list opens on these, not on years
    of closed cases)."""
    waiting = Q(pk__in=_pending_section47s(children, day).values("episode__child"))
    return children.filter(_on_plan(day) | waiting)


def _on_plan(day: date) -> Exists:
    """The child is on a plan on ``day``, as a semi-join."""
    return Exists(Plan.objects.filter(_open_on(day), child=OuterRef("pk")))


def caseload(
    user,
    filters: CaseloadFilters | None = None,
    *,
    page_number: int | str | None = 1,
    day: date | None = None,
    per_page: int = CASELOAD_PAGE_SIZE,
) -> Caseload:
    """One page of the children ``user`` may see, narrowed by ``filters``.

    Category and plan start are those of the child's open plan (the latest started if a
    data error left two open); the chair is their current chair. "Overdue" means the
    next review of an open plan or a pending initial conference was due before ``day``.
    The number of queries does not depend on the number of children.
    """
    filters = filters or CaseloadFilters()
    day = day or today()
    closures = closure_days()
    children = _with_plan_and_chair(visible_to(user), day)
    if filters.team_id is not None:
        children = children.filter(team_id=filters.team_id)
    if filters.chair_id is not None:
        # Only the children who may have this chair are asked who their chair is (in a
        # region, a chair's thousand of 96,000; asking every child took 0.8 s).
        children = children.filter(pk__in=_may_be_chaired_by(filters.chair_id)).filter(
            chaired_by(filters.chair_id)
        )
    if filters.social_worker_id is not None:
        children = children.filter(social_worker_id=filters.social_worker_id)
    if filters.category:
        children = children.filter(plan_category=filters.category)
    # "On a plan" as a semi-join, not a test of the plan annotation: PostgreSQL then
    # matches the team's children with the open plans at once instead of looking up
    # every child's plan (a regional team of 2,440 children: the count 7 ms to 2 ms).
    on_plan = _on_plan(day)
    if filters.on_plan in (YES, NO):
        children = children.filter(on_plan if filters.on_plan == YES else ~on_plan)
    elif filters.on_plan == OPEN:
        children = open_with_the_service(children, day)
    if filters.overdue in (YES, NO):
        overdue_ids = {
            i.child_id for i in due_items(children, day=day, closures=closures) if i.due < day
        }
        children = (
            children.filter(pk__in=overdue_ids)
            if filters.overdue == YES
            else children.exclude(pk__in=overdue_ids)
        )
    return _caseload_page(
        user, children, page_number=page_number, day=day, per_page=per_page, closures=closures
    )


def _caseload_page(
    user, children, *, page_number, day: date, per_page: int, closures=None
) -> Caseload:
    """One page of ``children`` (a queryset annotated as ``caseload`` does) as rows."""
    closures = closure_days() if closures is None else closures
    order = ("last_name", "first_name", "la_child_id") if shows_names(user) else ("la_child_id",)
    children = children.select_related("team").order_by(*order)

    page = Paginator(children, per_page).get_page(page_number)
    on_page = list(page.object_list)
    due = _earliest_due(
        due_items(Child.objects.filter(pk__in=[c.pk for c in on_page]), day=day, closures=closures)
    )
    # The chair of each child's next booked conference, where it is another: the list
    # of a chair's children holds those they are to chair next (``chaired_by``).
    next_chair: dict[int, int] = {}
    for child_id, chair_id in (
        ConferenceChild.objects.filter(
            child__in=[c.pk for c in on_page],
            conference__status=ConferenceStatus.SCHEDULED,
            conference__chair__isnull=False,
        )
        .order_by("conference__scheduled_date", "conference__pk")
        .values_list("child_id", "conference__chair_id")
    ):
        next_chair.setdefault(child_id, chair_id)  # the soonest
    chairs = User.objects.in_bulk(
        {c.chair_id for c in on_page if c.chair_id} | set(next_chair.values())
    )
    rows = []
    for c in on_page:
        review_due = due.get((c.pk, REVIEW))
        icpc_due = due.get((c.pk, ICPC))
        chair = chairs.get(c.chair_id)
        booked = chairs.get(next_chair.get(c.pk))
        rows.append(
            CaseloadRow(
                child=child_ref(user, c),
                team=c.team.name if c.team else "",
                category=Category(c.plan_category).label if c.plan_category else "",
                plan_start=c.plan_start,
                next_review_due=review_due,
                review_overdue=review_due is not None and review_due < day,
                icpc_due=icpc_due,
                icpc_overdue=icpc_due is not None and icpc_due < day,
                chair=str(chair) if chair else "",
                next_chair=str(booked) if booked and booked != chair else "",
            )
        )
    return Caseload(today=day, page=page, rows=rows)


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the text as read (with its error, if any) and a page of
    rows like the caseload's."""

    search: Search
    result: Caseload | None
    # With ``only_one``: the one child found, whose journey opens instead of a list.
    the_one: UUID | None = None

    @property
    def error(self) -> str:
        return self.search.error


def child_search(
    user,
    text: str,
    *,
    page_number: int | str | None = 1,
    day: date | None = None,
    per_page: int = CASELOAD_PAGE_SIZE,
    only_one: bool = False,
) -> SearchResult:
    """The children ``user`` may see that ``text`` finds (``children.selectors.
    find_children``), as caseload rows. The number of queries does not depend on the
    number found. With ``only_one``, a search that finds exactly one child gives that
    child (``the_one``) and no rows: the search box opens their journey, and a search by
    LA child ID or UPN, the usual one, costs one query instead of a caseload page."""
    search, found = find_children(user, text)
    if search.error:
        return SearchResult(search, None)
    if only_one:
        first_two = list(found.order_by().values_list("public_id", flat=True)[:2])
        if len(first_two) == 1:
            return SearchResult(search, None, the_one=first_two[0])
    day = day or today()
    children = _with_plan_and_chair(found, day)
    return SearchResult(
        search, _caseload_page(user, children, page_number=page_number, day=day, per_page=per_page)
    )


# --- A child's journey --------------------------------------------------------------------


@dataclass(frozen=True)
class InTime:
    """Whether a conference was held in time, in words (never colour alone)."""

    in_time: bool
    detail: str

    @property
    def label(self) -> str:
        return "Yes" if self.in_time else "No"


@dataclass
class Step:
    """One line of the journey: what happened or is due, when, who chaired, in time?"""

    stage: str
    when: date | None = None  # the actual date
    due: date | None = None
    status: str = ""  # e.g. "Booked for 3 March 2025", "Not held", "Not required"
    chair: str = ""
    in_time: InTime | None = None
    overdue: bool = False
    booked_late: bool = False  # still to come, booked for a day after it is due
    day_passed: bool = False  # booked for a day gone by, and not recorded as held
    notes: list[str] = field(default_factory=list)
    written: str = ""  # what staff wrote of it (a strategy discussion's notes): screened
    sort_date: date | None = None
    last_on_its_day: bool = False  # an episode's closure comes after all else that day
    conference_id: UUID | None = None  # the conference's public id, for a link
    plan_id: UUID | None = None  # the plan's public id, for a link
    referral_pk: int | None = None  # for the manager's "void" link
    discussion_pk: int | None = None  # for the manager's "void" link
    section47_pk: int | None = None  # for the manager's "void" link


@dataclass
class EpisodeJourney:
    title: str
    referral_date: date | None
    closure_date: date | None
    steps: list[Step]

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str


@dataclass(frozen=True)
class ChildJourney:
    child: Child
    name: str
    today: date
    summary: list[SummaryRow]
    siblings: list[ChildRef]
    episodes: list[EpisodeJourney]
    adults: list[FamilyMember] = field(default_factory=list)


def _date(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def _chair(conference: Conference) -> str:
    return str(conference.chair) if conference.chair_id else "Not allocated"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def how_soon(on: date, today: date) -> str:
    """How far ``on`` is from ``today``, in calendar days and plain words: "Today",
    "Tomorrow", "In 3 days", "Yesterday", "2 days ago"."""
    days = (on - today).days
    if days == 0:
        return "Today"
    if days == 1:
        return "Tomorrow"
    if days == -1:
        return "Yesterday"
    return f"In {days} days" if days > 0 else f"{-days} days ago"


def _with_siblings(conference_id: int, siblings: dict[int, list[str]]) -> list[str]:
    names = siblings.get(conference_id)
    if not names:
        return []
    if len(names) == 1:
        return [f"With {names[0]}"]
    return [f"With {', '.join(names[:-1])} and {names[-1]}"]


def _row_notes(row: ConferenceChild) -> list[str]:
    notes = []
    if row.decision:
        notes.append(row.get_decision_display())
    if row.category:
        notes.append(f"Category: {row.get_category_display()}")
    if row.attendance and row.attendance != ChildAttendance.DID_NOT_ATTEND:
        notes.append(row.get_attendance_display())
    return notes


def _summary(user, child: Child) -> list[SummaryRow]:
    rows = [SummaryRow("LA child ID", child.la_child_id)]
    if child.date_of_birth:
        rows.append(SummaryRow("Date of birth", _date(child.date_of_birth)))
    elif child.expected_date_of_birth:
        rows.append(SummaryRow("Expected date of birth", _date(child.expected_date_of_birth)))
    else:
        rows.append(SummaryRow("Date of birth", "Not recorded"))
    if child.date_of_death:
        rows.append(SummaryRow("Date of death", _date(child.date_of_death)))
    rows.append(SummaryRow("Sex", child.get_sex_display()))
    rows.append(SummaryRow("Ethnicity", child.get_ethnicity_display()))
    rows.append(SummaryRow("Disability", disability_words(child)))
    if child.upn and shows_names(user):
        rows.append(SummaryRow("UPN", child.upn))
    rows.append(SummaryRow("Team", child.team.name if child.team else "Not allocated"))
    rows.append(
        SummaryRow(
            "Social worker", str(child.social_worker) if child.social_worker else "Not allocated"
        )
    )
    return rows


def disability_words(child: Child) -> str:
    """The child's disabilities as the census codes them, in words ("Not recorded" when
    none is: the census asks for 'No disability' or the disabilities)."""
    labels = dict(Disability.choices)
    return ", ".join(labels.get(code, code) for code in child.disabilities) or "Not recorded"


def _plan_for_review(row: ConferenceChild, plans: list[Plan]) -> Plan | None:
    """A review row's plan: the linked one, else the plan open on the conference date."""
    if row.plan_id:
        return next((p for p in plans if p.pk == row.plan_id), None)
    on = row.conference.held_on or row.conference.scheduled_date
    if on is None:
        return None
    covering = [p for p in plans if p.start_date <= on and (p.end_date is None or on <= p.end_date)]
    return covering[-1] if covering else None


def _episode_for(on: date, episodes: list[Episode]) -> Episode | None:
    """The episode open on ``on``, else the latest that began before it."""
    started = [e for e in episodes if e.referral_date <= on]
    for episode in reversed(started):
        if episode.closure_date is None or on <= episode.closure_date:
            return episode
    return started[-1] if started else None


# What the journey shows of the child's own record: ``child_for(..., related=...)``
# reads them with the child, else ``journey_for`` reads the child again with them.
JOURNEY_RELATED = ("team", "social_worker", "family")


def journey_for(user, child: Child, *, day: date | None = None) -> ChildJourney:
    """The child's whole journey as ``user`` may see it, each stage with its due date.

    ``child`` must already have been fetched through ``access.scope.child_for`` (with
    ``related=JOURNEY_RELATED``, or it is read again with them). For each
    episode: the referral, strategy discussions and Section 47 enquiries, the initial
    conference (due 15 working days after the S47 start), each plan with its reviews (the
    first due 3 months after the plan start, each later one 6 months after the one
    before), the next review of an open plan, the plan's end and the episode's closure.
    Conferences shared with siblings name the siblings ``user`` may see.
    """
    day = day or today()
    closures = closure_days()
    if not all(Child._meta.get_field(name).is_cached(child) for name in JOURNEY_RELATED):
        child = Child.objects.select_related(*JOURNEY_RELATED).get(pk=child.pk)
    name = display_name(user, child)

    siblings: list[ChildRef] = []
    if child.family_id:
        siblings = [
            child_ref(user, s)
            for s in visible_to(user).filter(family_id=child.family_id).exclude(pk=child.pk)
        ]

    episodes = list(
        Episode.objects.filter(child=child)
        .prefetch_related("strategy_discussions", "section47s", "cin_plans", "assessments")
        .order_by("referral_date", "pk")
    )
    plans = list(Plan.objects.filter(child=child).order_by("start_date", "pk"))
    rows = list(
        ConferenceChild.objects.filter(child=child)
        .exclude(conference__status=ConferenceStatus.CANCELLED)
        .select_related("conference__chair")
        .order_by("conference__held_on", "conference__scheduled_date", "conference__pk")
    )
    # Other children at the same conferences, named only where the user may see them.
    conference_ids = {r.conference_id for r in rows}
    others = list(
        ConferenceChild.objects.filter(conference_id__in=conference_ids)
        .exclude(child=child)
        .filter(child__in=visible_to(user).values("pk"))
        .select_related("child")
        .order_by("child__la_child_id")
    )
    sibling_names: dict[int, list[str]] = defaultdict(list)
    for other in others:
        sibling_names[other.conference_id].append(display_name(user, other.child))

    # Which episode each stage belongs to.
    steps_by_episode: dict[int | None, list[Step]] = defaultdict(list)
    plan_episode = {
        p.pk: (p.episode_id or getattr(_episode_for(p.start_date, episodes), "pk", None))
        for p in plans
    }

    initial_rows = [r for r in rows if r.conference.kind == ConferenceKind.INITIAL]
    used_initial: set[int] = set()
    for episode in episodes:
        steps = steps_by_episode[episode.pk]
        notes = [
            x
            for x in (episode.get_referral_source_display(), episode.get_primary_need_display())
            if x
        ]
        if episode.referral_nfa:
            notes.append("No further action")
        steps.append(
            Step("Referral", when=episode.referral_date, notes=notes, referral_pk=episode.pk)
        )
        if episode.icpc_date:
            steps.append(
                Step(
                    "Initial child protection conference",
                    when=episode.icpc_date,
                    notes=["Date from a census return, with no Section 47 enquiry recorded"],
                )
            )
        for assessment in episode.assessments.all():
            steps.append(Step("Assessment started", when=assessment.start_date))
            if assessment.internal_review_date:
                steps.append(
                    Step(
                        "Assessment reviewed",
                        when=assessment.internal_review_date,
                        notes=[f"Started {_date(assessment.start_date)}"],
                    )
                )
            if assessment.authorisation_date:
                factors = assessment.factor_labels()
                steps.append(
                    Step(
                        "Assessment authorised",
                        when=assessment.authorisation_date,
                        notes=[f"Started {_date(assessment.start_date)}"]
                        + ([f"Factors: {'; '.join(factors)}"] if factors else []),
                    )
                )
        for cin_plan in episode.cin_plans.all():
            steps.append(Step("Child in Need plan started", when=cin_plan.start_date))
            if cin_plan.end_date:
                steps.append(
                    Step(
                        "Child in Need plan ended",
                        when=cin_plan.end_date,
                        notes=[f"Started {_date(cin_plan.start_date)}"],
                    )
                )
        s47_by_discussion = {s.strategy_discussion_id: s for s in episode.section47s.all()}
        for discussion in episode.strategy_discussions.all():
            started = discussion.pk in s47_by_discussion
            steps.append(
                Step(
                    "Strategy discussion",
                    when=discussion.held_on,
                    notes=["Section 47 enquiry started"] if started else ["No Section 47 enquiry"],
                    written=discussion.notes,
                    discussion_pk=discussion.pk,
                    section47_pk=s47_by_discussion[discussion.pk].pk if started else None,
                )
            )
        for s47 in episode.section47s.all():
            if s47.strategy_discussion_id is None:
                steps.append(
                    Step("Section 47 enquiry started", when=s47.start_date, section47_pk=s47.pk)
                )
            steps.append(
                _icpc_step(
                    s47,
                    initial_rows,
                    used_initial,
                    day=day,
                    closures=closures,
                    siblings=sibling_names,
                )
            )
        if episode.closure_date:
            steps.append(
                Step(
                    "Episode closed",
                    when=episode.closure_date,
                    notes=[episode.get_closure_reason_display()] if episode.closure_reason else [],
                    last_on_its_day=True,
                )
            )

    # Initial conferences not tied to an S47 (recorded without one).
    for row in initial_rows:
        if row.pk in used_initial:
            continue
        conference = row.conference
        on = conference.held_on or conference.scheduled_date
        episode = _episode_for(on, episodes) if on else None
        steps_by_episode[episode.pk if episode else None].append(
            _conference_step("Initial child protection conference", row, None, day, sibling_names)
        )

    review_rows: dict[int, list[ConferenceChild]] = defaultdict(list)
    loose_reviews: list[ConferenceChild] = []
    for row in rows:
        if row.conference.kind != ConferenceKind.REVIEW:
            continue
        plan = _plan_for_review(row, plans)
        if plan is None:
            loose_reviews.append(row)
        else:
            review_rows[plan.pk].append(row)
    transfer_rows = {
        r.plan_id: r for r in rows if r.conference.kind == ConferenceKind.TRANSFER_IN and r.plan_id
    }
    for plan in plans:
        steps_by_episode[plan_episode[plan.pk]].extend(
            _plan_steps(
                plan,
                review_rows[plan.pk],
                transfer_rows.get(plan.pk),
                day=day,
                closures=closures,
                siblings=sibling_names,
            )
        )
    for row in loose_reviews:
        conference = row.conference
        on = conference.held_on or conference.scheduled_date
        episode = _episode_for(on, episodes) if on else None
        steps_by_episode[episode.pk if episode else None].append(
            _conference_step(
                "Review child protection conference (no plan recorded)",
                row,
                None,
                day,
                sibling_names,
            )
        )

    journeys = []
    for episode in reversed(episodes):
        title = f"Referral on {_date(episode.referral_date)}"
        title += f", closed {_date(episode.closure_date)}" if episode.closure_date else " (open)"
        journeys.append(
            EpisodeJourney(
                title,
                episode.referral_date,
                episode.closure_date,
                _ordered(steps_by_episode[episode.pk]),
            )
        )
    if steps_by_episode.get(None):
        journeys.append(
            EpisodeJourney(
                "Conferences and plans outside any episode",
                None,
                None,
                _ordered(steps_by_episode[None]),
            )
        )
    return ChildJourney(
        child=child,
        name=name,
        today=day,
        summary=_summary(user, child),
        siblings=siblings,
        episodes=journeys,
        adults=list(FamilyMember.objects.filter(family_id=child.family_id))
        if child.family_id
        else [],
    )


def _ordered(steps: list[Step]) -> list[Step]:
    """Steps in date order (actual, else booked, else due date); ties keep their order."""
    far = date.max
    return sorted(steps, key=lambda s: (s.sort_date or s.when or s.due or far, s.last_on_its_day))


def _conference_step(
    stage: str,
    row: ConferenceChild,
    due: date | None,
    day: date,
    siblings: dict[int, list[str]],
) -> Step:
    conference = row.conference
    step = Step(stage, due=due, chair=_chair(conference), conference_id=conference.public_id)
    if conference.status == ConferenceStatus.HELD and conference.held_on:
        step.when = conference.held_on
        step.notes = _row_notes(row)
        if due is not None:
            late_by = (conference.held_on - due).days
            step.in_time = InTime(
                late_by <= 0, "" if late_by <= 0 else f"{_plural(late_by, 'day')} late"
            )
    else:
        booked = conference.scheduled_date
        step.status = f"Booked for {booked.day} {booked:%b %Y}" if booked else "Not booked"
        step.sort_date = booked
        step.overdue = due is not None and due < day
        step.booked_late = not step.overdue and None not in (due, booked) and booked > due
        step.day_passed = booked is not None and booked < day
    if conference.lateness_reason:
        step.notes.append(f"Reason for delay: {conference.get_lateness_reason_display()}")
    step.notes.extend(_with_siblings(conference.pk, siblings))
    return step


def _icpc_step(
    s47: Section47,
    initial_rows: list[ConferenceChild],
    used: set[int],
    *,
    day: date,
    closures: frozenset[date],
    siblings: dict[int, list[str]],
) -> Step:
    """The initial conference for one S47: due date, what happened, in time or not."""
    stage = "Initial child protection conference"
    due = timescales.icpc_due(s47.start_date, closures=closures)
    linked = [r for r in initial_rows if r.section47_id == s47.pk and r.pk not in used]
    if not linked:
        # Recorded without a link to the enquiry: the first one on or after its start.
        linked = [
            r
            for r in initial_rows
            if r.section47_id is None
            and r.pk not in used
            and (r.conference.held_on or r.conference.scheduled_date or date.min) >= s47.start_date
        ][:1]
    held = [r for r in linked if r.conference.status == ConferenceStatus.HELD]
    row = held[0] if held else (linked[0] if linked else None)
    if row is not None:
        used.add(row.pk)
        step = _conference_step(stage, row, due, day, siblings)
        if held:
            held_on = row.conference.held_on
            working = timescales.working_days_between(s47.start_date, held_on, closures=closures)
            step.in_time = InTime(
                held_on <= due, f"{_plural(working, 'working day')} after the S47 started"
            )
        if s47.icpc_not_required:
            step.notes.append("Recorded as not required")
        return step
    if s47.icpc_not_required:
        return Step(stage, due=due, status="Not required", sort_date=s47.start_date)
    return Step(stage, due=due, status="Not held", overdue=due < day)


def _plan_steps(
    plan: Plan,
    reviews: list[ConferenceChild],
    transfer: ConferenceChild | None,
    *,
    day: date,
    closures: frozenset[date],
    siblings: dict[int, list[str]],
) -> list[Step]:
    steps = []
    if transfer is not None:
        due = (
            timescales.transfer_in_due(transfer.conference.notified_on, closures=closures)
            if transfer.conference.notified_on
            else None
        )
        steps.append(_conference_step("Transfer-in conference", transfer, due, day, siblings))
    notes = [f"Category: {plan.get_initial_category_display()}"]
    if plan.latest_category != plan.initial_category:
        notes.append(f"Latest category: {plan.get_latest_category_display()}")
    if plan.previous_plans:
        notes.append(f"{_plural(plan.previous_plans, 'previous plan')}")
    steps.append(
        Step(
            "Child protection plan started",
            when=plan.start_date,
            notes=notes,
            plan_id=plan.public_id,
        )
    )

    held = [r for r in reviews if r.conference.status == ConferenceStatus.HELD]
    held_dates = [r.conference.held_on for r in held]
    rows_by_date: dict[date, list[ConferenceChild]] = defaultdict(list)
    for r in held:
        rows_by_date[r.conference.held_on].append(r)
    for number, (review_date, due) in enumerate(
        timescales.review_due_dates(plan.start_date, held_dates), start=1
    ):
        first = rows_by_date[review_date][0]
        step = _conference_step(
            f"Review child protection conference {number}", first, due, day, siblings
        )
        steps.append(step)

    is_open = plan.end_date is None or plan.end_date > day
    if is_open:
        due = timescales.next_review_after(plan.start_date, held_dates)
        scheduled = [r for r in reviews if r.conference.status == ConferenceStatus.SCHEDULED]
        if scheduled:
            steps.append(
                _conference_step("Next review conference", scheduled[0], due, day, siblings)
            )
        else:
            steps.append(
                Step("Next review conference", due=due, status="Not booked", overdue=due < day)
            )
    if plan.end_date:
        steps.append(
            Step(
                "Child protection plan ended",
                when=plan.end_date,
                notes=[plan.get_end_reason_display()] if plan.end_reason else [],
                sort_date=plan.end_date,
            )
        )
    return steps


# --- A conference for a user ---------------------------------------------------------------

REFUSED_CONFERENCE = "You do not have access to every child at this conference."


def conference_for(
    user, public_id, *, every_child: bool = False, voided: bool = False
) -> Conference:
    """The conference if ``user`` may see every child at it; 404 if none, 403 if not.

    A restricted child ``user`` is not allowed is left out as if it were not there
    (``conference.hidden_child_ids``; ``row_views`` skips it). Pages that act on or
    print every child (booking, the chair, invitations and letters, recording) pass
    ``every_child``: with a hidden child they answer 404, as for no conference.
    A voided conference is found only with ``voided`` (its restore page), and then only
    a voided one.
    """
    found = Conference.all_objects.filter(voided_at__isnull=False) if voided else Conference.objects
    try:
        conference = found.select_related("chair").get(public_id=public_id)
    except (Conference.DoesNotExist, ValueError) as exc:
        raise Http404("No such conference") from exc
    rows = ConferenceChild.all_objects.filter(conference=conference)
    child_ids = set(rows.values_list("child_id", flat=True))
    hidden = hidden_restricted(user, child_ids)
    if hidden and (every_child or hidden == child_ids):
        raise Http404("No such conference")
    child_ids -= hidden
    seen = set(visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    if not child_ids or child_ids != seen:
        raise PermissionDenied(REFUSED_CONFERENCE)
    conference.hidden_child_ids = hidden
    return conference


# --- The record of a conference: what a review starts from, and its amendments ------------

# The professionals whose agencies give a recommendation (not the family, the advocate
# who speaks for the child, or the interpreter).
RECOMMENDING_ROLES = (
    InviteeRole.SOCIAL_WORKER,
    InviteeRole.TEAM_MANAGER,
    InviteeRole.POLICE,
    InviteeRole.HEALTH,
    InviteeRole.SCHOOL,
    InviteeRole.OTHER,
)


def carried_record(row: ConferenceChild) -> ConferenceChild | None:
    """At a review not yet recorded: the plan's last held conference record for the child,
    whose worries and strengths the review's form starts from."""
    if row.plan_id is None or row.conference.kind != ConferenceKind.REVIEW:
        return None
    return (
        ConferenceChild.objects.filter(
            plan_id=row.plan_id, child_id=row.child_id, conference__status=ConferenceStatus.HELD
        )
        .exclude(conference_id=row.conference_id)
        .select_related("conference")
        .order_by("-conference__held_on", "-pk")
        .first()
    )


def recommending_agencies(conference: Conference) -> list[str]:
    """The agencies invited to ``conference`` that give a recommendation, as labels
    ("Health (Northside NHS Trust)"), in the order invited, each once. Children's social
    care gives one: its team manager is asked only when no social worker is invited."""
    labels: list[str] = []
    invitations = list(
        conference.invitations.filter(role__in=RECOMMENDING_ROLES).select_related("agency")
    )
    social_worker = any(i.role == InviteeRole.SOCIAL_WORKER for i in invitations)
    for invitation in invitations:
        if social_worker and invitation.role == InviteeRole.TEAM_MANAGER:
            continue
        label = invitation.get_role_display()
        if invitation.agency is not None:
            label = f"{label} ({invitation.agency.name})"
        if label not in labels:
            labels.append(label)
    return labels


def amendments(conference: Conference) -> list[ConferenceAmendment]:
    """The corrections of ``conference``'s record, newest first."""
    return list(conference.amendments.select_related("amended_by").order_by("-amended_at", "-pk"))


# --- Names known around a child, for screening free text ---------------------------------

FAMILY_ROLES = (InviteeRole.PARENT, InviteeRole.RELATIVE, InviteeRole.CHILD)


def known_names(child: Child) -> frozenset[str]:
    """The name parts recorded around ``child`` (``iro.names.name_parts``): theirs, their
    family's and its children's, and the family members invited to their conferences or
    in their plans' core groups."""
    return known_names_by_child([child])[child.pk]


def known_names_by_child(children: Iterable[Child]) -> dict[int, frozenset[str]]:
    """``known_names`` for many children in five queries, however many there are."""
    children = list(children)
    names: dict[int, list[str]] = {c.pk: [c.first_name, c.last_name] for c in children}
    by_family: dict[int, list[int]] = defaultdict(list)
    for c in children:
        if c.family_id:
            by_family[c.family_id].append(c.pk)
    # Subqueries rather than lists of ids, so the count of queries never changes.
    families = Child.objects.filter(pk__in=[c.pk for c in children]).values("family_id")
    for family_id, first, last in Child.objects.filter(family_id__in=families).values_list(
        "family_id", "first_name", "last_name"
    ):
        for pk in by_family[family_id]:
            names[pk] += [first, last]
    for family_id, name in Family.objects.filter(pk__in=families).values_list("pk", "name"):
        for pk in by_family[family_id]:
            names[pk].append(name)
    for family_id, name in FamilyMember.objects.filter(family_id__in=families).values_list(
        "family_id", "name"
    ):
        for pk in by_family[family_id]:
            names[pk].append(name)
    for pk, name in Invitation.objects.filter(
        conference__children__child__in=names, role__in=FAMILY_ROLES
    ).values_list("conference__children__child", "name"):
        names[pk].append(name)
    for pk, name in CoreGroupMember.objects.filter(
        plan__child__in=names, role__in=FAMILY_ROLES
    ).values_list("plan__child", "name"):
        names[pk].append(name)
    return {pk: name_parts(found) for pk, found in names.items()}
