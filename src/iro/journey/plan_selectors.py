"""Reads of a child protection plan for its pages and the family document.

``plan_for`` is the one way to fetch a plan for a user: it asks ``access.scope``
about the plan's child. Due dates are computed from the records by ``timescales``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from iro import timescales
from iro.access.scope import can_view_child, display_name, refuse, shows_names, visible_to
from iro.journey import services
from iro.journey.checks import today
from iro.journey.invitations import Offer
from iro.journey.models import (
    ActionStatus,
    Category,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    CoreGroupMember,
    Decision,
    InviteeRole,
    Plan,
    PlanAction,
    PlanOutcome,
)
from iro.journey.queues import CORE_GROUP_LOOKBACK_DAYS
from iro.people.selectors import closure_days

# What each category means, in words a family can read (for the family document).
PLAIN_CATEGORY = {
    Category.NEG: _(
        "We are worried that {name} is not getting the care they need, like food, "
        "warmth, a safe home, or help when they are ill. This is called neglect."
    ),
    Category.PHY: _(
        "We are worried that {name} has been hurt, or could be hurt, on their body. "
        "This is called physical abuse."
    ),
    Category.EMO: _(
        "We are worried about how {name} is treated and how this makes them feel. "
        "This is called emotional abuse."
    ),
    Category.SAB: _(
        "We are worried that {name} has been, or could be, sexually abused. "
        "This is called sexual abuse."
    ),
    Category.MUL: _("We have more than one kind of worry about {name}."),
}


def plan_for(user, public_id) -> Plan:
    """The plan if ``user`` may see its child; 404 if none, 403 if refused."""
    try:
        plan = Plan.objects.select_related("child", "child__social_worker").get(public_id=public_id)
    except (Plan.DoesNotExist, ValueError) as exc:
        raise Http404("No such plan") from exc
    if not can_view_child(user, plan.child):
        raise refuse(plan.child)
    return plan


def sibling_plans(user, plan: Plan) -> list[tuple[Plan, str]]:
    """The open plans of the other children at the latest conference held on ``plan``
    (a sibling group's conference starts or reviews one plan per child), those of
    children ``user`` may see, eldest first, each with the name ``user`` is shown.
    One query."""
    latest = (
        ConferenceChild.objects.filter(plan=plan, conference__status=ConferenceStatus.HELD)
        .order_by("-conference__held_on", "-pk")
        .values("conference_id")[:1]
    )
    rows = (
        ConferenceChild.objects.filter(
            conference__in=latest,
            plan__isnull=False,
            plan__end_date__isnull=True,
            child__in=visible_to(user),
        )
        .exclude(plan=plan)
        .select_related("plan__child")
        .order_by("child__date_of_birth", "pk")
    )
    return [(row.plan, display_name(user, row.plan.child)) for row in rows]


# Invitees not offered for the core group: the interpreter comes for the meeting, and
# the child takes part through the chair and their advocate.
NOT_CORE_GROUP = (InviteeRole.CHILD, InviteeRole.INTERPRETER)


def core_group_offers(user, plan: Plan) -> list[Offer]:
    """For a new plan with no core group yet: the people invited to the conference that
    started it (the professionals and the parents or carers), then the current core
    group of brothers' and sisters' open plans, each once (same email, or same name
    without one). Three queries."""
    if plan.end_date is not None or plan.core_group.exists():
        return []
    offers: dict[str, Offer] = {}
    start = (
        ConferenceChild.objects.filter(
            plan=plan,
            conference__status=ConferenceStatus.HELD,
            conference__kind__in=(ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN),
        )
        .select_related("conference")
        .order_by("conference__held_on", "pk")
        .first()
    )
    if start is not None:
        conference = start.conference
        held = (
            f"{conference.get_kind_display().lower()} on "
            f"{conference.held_on.day} {conference.held_on:%B %Y}"
        )
        invitees = conference.invitations.exclude(role__in=NOT_CORE_GROUP)
        for i in invitees.select_related("agency"):
            came = f" ({i.get_attendance_display().lower()})" if i.attendance else ""
            offers.setdefault(
                (i.email.strip().lower() or i.name.strip().lower()),
                Offer(
                    key=f"invitation-{i.pk}", name=i.name, role=i.role,
                    role_label=i.get_role_display(), email=i.email,
                    why=f"Invited to the {held}{came}", agency=i.agency,
                ),
            )  # fmt: skip
    if plan.child.family_id is not None:
        members = (
            CoreGroupMember.objects.filter(
                plan__child__family=plan.child.family_id,
                plan__child__in=visible_to(user),
                plan__end_date__isnull=True,
                left_on__isnull=True,
            )
            .exclude(plan=plan)
            .select_related("agency")
            .order_by("name", "pk")
        )
        for m in members:
            offers.setdefault(
                (m.email.strip().lower() or m.name.strip().lower()),
                Offer(
                    key=f"member-{m.pk}", name=m.name, role=m.role,
                    role_label=m.get_role_display(), email=m.email,
                    why="In the core group of a brother's or sister's plan", agency=m.agency,
                ),
            )  # fmt: skip
    return list(offers.values())


@dataclass(frozen=True)
class FirstCoreGroup:
    """The core group's first meeting: the date the conference set and when it was due."""

    on: date | None
    due: date
    # "in_time", "late" (set after its due date), "overdue" (none set, due date passed),
    # "due" (none set yet, still in time) or "not_recorded" (none set, and the plan is
    # older than the six weeks the coordinator's queue looks back: a record from before
    # iro, not a meeting to chase).
    status: str


def first_core_group(start: ConferenceChild | None, *, day: date) -> FirstCoreGroup | None:
    """For a plan started at a conference (``start``), its first core group meeting."""
    if start is None or start.conference.held_on is None:
        return None
    due = timescales.first_core_group_due(start.conference.held_on, closures=closure_days())
    on = start.first_core_group_on
    if on is not None:
        status = "in_time" if on <= due else "late"
    elif day > start.conference.held_on + timedelta(days=CORE_GROUP_LOOKBACK_DAYS):
        status = "not_recorded"  # as the queue of first core groups due decides
    else:
        status = "overdue" if day > due else "due"
    return FirstCoreGroup(on=on, due=due, status=status)


@dataclass(frozen=True)
class ProgressEntry:
    """One recorded state of an action's status and progress: when, and by whom."""

    at: datetime
    status: str  # the status's label
    progress: str
    by: str


def progress_history(action: PlanAction) -> list[ProgressEntry]:
    """Each status and progress the action has had, newest first, from its history rows
    (a save that changed neither is left out): what a later entry replaced is kept and
    shown, not lost. One query."""
    rows = action.history.select_related("history_user").order_by("history_date", "history_id")
    entries: list[ProgressEntry] = []
    last = None
    for row in rows:
        state = (row.status, row.progress)
        if state == last:
            continue
        last = state
        user = row.history_user
        entries.append(
            ProgressEntry(
                at=row.history_date,
                status=ActionStatus(row.status).label if row.status else "",
                progress=row.progress,
                by=(user.get_full_name() or user.username) if user else "",
            )
        )
    return entries[::-1]


@dataclass(frozen=True)
class PlanView:
    """Everything the plan page and the family document show."""

    plan: Plan
    name: str
    first_name: str
    reviews: list[date]
    next_review_due: date | None
    next_review: Conference | None
    latest_record: ConferenceChild | None
    outcomes: list[PlanOutcome]
    actions: list[PlanAction]
    unlinked_actions: list[PlanAction]
    core_group: list[CoreGroupMember]
    past_core_group: list[CoreGroupMember]
    conferences: list[ConferenceChild]
    first_core_group: FirstCoreGroup | None = None

    @property
    def open(self) -> bool:
        return self.plan.end_date is None

    @property
    def why(self) -> str:
        return PLAIN_CATEGORY[self.plan.latest_category].format(name=self.first_name)

    @property
    def actions_done(self) -> int:
        return sum(1 for a in self.actions if a.status == ActionStatus.DONE)


def plan_view(user, plan: Plan) -> PlanView:
    """The plan with its outcomes, actions, core group, reviews and latest record."""
    reviews = services.review_dates(plan)
    rows = list(
        ConferenceChild.objects.filter(plan=plan)
        .select_related("conference", "conference__chair")
        # In date order, a conference to come by its booked day (ordered by the day held
        # first, SQLite put those to come first and PostgreSQL last).
        .order_by(Coalesce("conference__held_on", "conference__scheduled_date"), "pk")
    )
    held = [r for r in rows if r.conference.status == ConferenceStatus.HELD]
    scheduled_reviews = [
        r.conference
        for r in rows
        if r.conference.status == ConferenceStatus.SCHEDULED
        and r.conference.kind == ConferenceKind.REVIEW
    ]
    outcomes = list(plan.outcomes.prefetch_related("actions"))
    actions = list(plan.actions.select_related("agency", "outcome"))
    members = list(plan.core_group.select_related("agency"))
    return PlanView(
        plan=plan,
        name=display_name(user, plan.child),
        first_name=(
            plan.child.first_name
            if shows_names(user) and plan.child.first_name
            else display_name(user, plan.child)
        ),
        reviews=reviews,
        next_review_due=(
            None if plan.end_date else timescales.next_review_after(plan.start_date, reviews)
        ),
        next_review=scheduled_reviews[0] if scheduled_reviews else None,
        latest_record=held[-1] if held else None,
        outcomes=outcomes,
        actions=actions,
        unlinked_actions=[a for a in actions if a.outcome_id is None],
        core_group=[m for m in members if m.left_on is None],
        past_core_group=[m for m in members if m.left_on is not None],
        conferences=rows,
        first_core_group=first_core_group(
            next((r for r in held if r.decision == Decision.PLAN), None), day=today()
        ),
    )
