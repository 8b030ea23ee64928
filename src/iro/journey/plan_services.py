"""The write path of a child protection plan's content: outcomes, actions, core group.

Like ``journey.services``: keyword-only, a required ``acting_user``, one transaction
each, history rows through django-simple-history, field-level ``ValidationError``s
with the messages below. The plan's dates and category are ``journey.services``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from iro import text_limits
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.journey.checks import Errors, check_version, not_far_ahead, not_in_future, saved_by
from iro.journey.models import (
    ActionStatus,
    CoreGroupMember,
    InviteeRole,
    Plan,
    PlanAction,
    PlanOutcome,
)

PLAN_ENDED = "This plan ended on {date:%-d %B %Y}: it can no longer be changed."
OUTCOME_REQUIRED = "Enter what needs to be different for the child."
WHAT_REQUIRED = "Enter what needs to happen."
WHO_REQUIRED = "Enter who will do it."
BY_WHEN_REQUIRED = "Enter the date it needs to happen by."
BY_WHEN_BEFORE_PLAN = "The date cannot be before the plan started on {date:%-d %B %Y}."
STATUS_UNKNOWN = "{value!r} is not a status of an action."
OUTCOME_OF_ANOTHER_PLAN = "Choose one of this plan's outcomes."
ACTION_OF_ANOTHER_PLAN = "That action is not part of this plan."
MEMBER_NAME_REQUIRED = "Enter the core group member's name."
MEMBER_ROLE_REQUIRED = "Select the member's role."
ALREADY_IN_CORE_GROUP = "{name} is already in the core group, since {since:%-d %B %Y}."
JOINED_BEFORE_PLAN = "The date cannot be before the plan started on {date:%-d %B %Y}."
LEFT_BEFORE_JOINED = "The date cannot be before they joined on {date:%-d %B %Y}."
ALREADY_LEFT = "This member has already left the core group."


def _open(plan: Plan, errors: Errors, field: str) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.end_date is not None:
        errors.add(field, PLAN_ENDED.format(date=plan.end_date))
    return plan


def _check_progress(errors: Errors, status: str, progress: str, *, suffix: str = "") -> None:
    """An action's status and progress, as the chair or the social worker records them
    (``suffix`` names the fields of one action among several, as at a review)."""
    if status not in ActionStatus.values:
        errors.add(f"status{suffix}", STATUS_UNKNOWN.format(value=status))
    errors.add(f"progress{suffix}", text_limits.too_long(progress.strip(), text_limits.PLAN_ITEM))


def _check_outcome(errors: Errors, plan: Plan, outcome: PlanOutcome | None) -> None:
    if outcome is not None and outcome.plan_id != plan.pk:
        errors.add("outcome", OUTCOME_OF_ANOTHER_PLAN)


def _check_action_fields(
    errors: Errors, plan: Plan, *, what: str, who: str, by_when: date | None
) -> None:
    if not what.strip():
        errors.add("what", WHAT_REQUIRED)
    errors.add("what", text_limits.too_long(what.strip(), text_limits.ACTION))
    if not who.strip():
        errors.add("who", WHO_REQUIRED)
    errors.add("who", text_limits.too_long(who.strip(), text_limits.NAME))
    if by_when is None:
        errors.add("by_when", BY_WHEN_REQUIRED)
    else:
        errors.add("by_when", not_far_ahead(by_when))
        if by_when < plan.start_date:
            errors.add("by_when", BY_WHEN_BEFORE_PLAN.format(date=plan.start_date))


# ---------------------------------------------------------------- outcomes


@transaction.atomic
def add_outcome(*, plan: Plan, text: str, acting_user) -> PlanOutcome:
    """Add what the plan wants to be different for the child."""
    require(acting_user, Capability.CHAIR_CONFERENCES, child=plan.child_id)
    errors = Errors()
    plan = _open(plan, errors, "text")
    if not text.strip():
        errors.add("text", OUTCOME_REQUIRED)
    errors.add("text", text_limits.too_long(text.strip(), text_limits.OUTCOME))
    errors.raise_if_any()
    outcome = PlanOutcome(plan=plan, text=text.strip())
    saved_by(outcome, acting_user).save()
    return outcome


@transaction.atomic
def add_outcome_to_each(*, plans: Sequence[Plan], text: str, acting_user) -> list[PlanOutcome]:
    """The same outcome on each of ``plans`` (a sibling group's), written once and then
    changed per child as needed: all of them, or none if any is refused."""
    return [add_outcome(plan=plan, text=text, acting_user=acting_user) for plan in plans]


@transaction.atomic
def update_outcome(
    *, outcome: PlanOutcome, text: str, acting_user, expected_version: int
) -> PlanOutcome:
    require(acting_user, Capability.CHAIR_CONFERENCES, child=outcome.plan.child_id)
    outcome = PlanOutcome.objects.select_for_update().get(pk=outcome.pk)
    check_version(outcome, expected_version)
    errors = Errors()
    _open(outcome.plan, errors, "text")
    if not text.strip():
        errors.add("text", OUTCOME_REQUIRED)
    errors.add("text", text_limits.too_long(text.strip(), text_limits.OUTCOME))
    errors.raise_if_any()
    outcome.text = text.strip()
    outcome.version += 1
    saved_by(outcome, acting_user).save(update_fields=["text", "version"])
    return outcome


# ----------------------------------------------------------------- actions


@transaction.atomic
def add_action(
    *,
    plan: Plan,
    what: str,
    who: str,
    by_when: date | None,
    acting_user,
    outcome: PlanOutcome | None = None,
    agency=None,
) -> PlanAction:
    """Add what needs to happen, by whom and by when."""
    require(acting_user, Capability.CHAIR_CONFERENCES, child=plan.child_id)
    errors = Errors()
    plan = _open(plan, errors, "what")
    _check_action_fields(errors, plan, what=what, who=who, by_when=by_when)
    _check_outcome(errors, plan, outcome)
    errors.raise_if_any()
    action = PlanAction(
        plan=plan,
        outcome=outcome,
        what=what.strip(),
        who=who.strip(),
        agency=agency,
        by_when=by_when,
    )
    saved_by(action, acting_user).save()
    return action


@transaction.atomic
def add_action_to_each(
    *,
    plans: Sequence[Plan],
    what: str,
    who: str,
    by_when: date | None,
    acting_user,
    outcome: PlanOutcome | None = None,
    agency=None,
) -> list[PlanAction]:
    """The same action on each of ``plans`` (a sibling group's): all of them, or none if
    any is refused. ``outcome`` belongs to one of the plans; on each other plan the
    action helps that plan's outcome of the same words (as written for all the children
    at once), else the one that says the same of that child ("... speak kindly to Rosie"
    on Rosie's plan, "... to Oliver" on Oliver's), or none."""
    same_words = {}
    if outcome is not None:
        same_words = _same_outcomes(outcome, plans)
    return [
        add_action(
            plan=plan,
            what=what,
            who=who,
            by_when=by_when,
            outcome=same_words.get(plan.pk),
            agency=agency,
            acting_user=acting_user,
        )
        for plan in plans
    ]


def _same_outcomes(outcome: PlanOutcome, plans: Sequence[Plan]) -> dict[int, PlanOutcome]:
    """Each plan's outcome that is ``outcome`` for its child, by plan: the same words,
    else the same words with the first child's first name in place of this child's."""
    children = {
        plan_id: first_name
        for plan_id, first_name in Plan.objects.filter(
            pk__in=[p.pk for p in plans] + [outcome.plan_id]
        ).values_list("pk", "child__first_name")
    }
    named = children.get(outcome.plan_id) or ""
    found: dict[int, PlanOutcome] = {}
    for other in PlanOutcome.objects.filter(plan__in=plans).order_by("pk"):
        if other.text == outcome.text:
            found[other.plan_id] = other  # the same words come before a name changed
            continue
        name = children.get(other.plan_id) or ""
        if named and name and other.plan_id not in found:
            about_them = re.sub(rf"\b{re.escape(named)}\b", name, outcome.text)
            if about_them != outcome.text and other.text == about_them:
                found[other.plan_id] = other
    found[outcome.plan_id] = outcome
    return found


@transaction.atomic
def update_action(
    *,
    action: PlanAction,
    what: str,
    who: str,
    by_when: date | None,
    status: str,
    acting_user,
    progress: str = "",
    outcome: PlanOutcome | None = None,
    agency=None,
    expected_version: int,
) -> PlanAction:
    """Change an action; a stale ``expected_version`` is refused."""
    require(acting_user, Capability.CHAIR_CONFERENCES, child=action.plan.child_id)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    check_version(action, expected_version)
    errors = Errors()
    plan = _open(action.plan, errors, "what")
    _check_action_fields(errors, plan, what=what, who=who, by_when=by_when)
    _check_outcome(errors, plan, outcome)
    _check_progress(errors, status, progress)
    errors.raise_if_any()
    action.what = what.strip()
    action.who = who.strip()
    action.by_when = by_when
    action.status = status
    action.progress = progress.strip()
    action.outcome = outcome
    action.agency = agency
    action.version += 1
    saved_by(action, acting_user).save()
    return action


@transaction.atomic
def record_action_progress(
    *, action: PlanAction, status: str, progress: str, acting_user, expected_version: int
) -> PlanAction:
    """Between conferences, whoever carries out the plan (the social worker and their
    team manager, or the chair) records how an action is going: its status and progress.
    What the action is, who does it and by when stay as the conference decided
    (``update_action``, for chairs)."""
    require(acting_user, Capability.RECORD_ACTION_PROGRESS, child=action.plan.child_id)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    check_version(action, expected_version)
    errors = Errors()
    _open(action.plan, errors, "status")
    _check_progress(errors, status, progress)
    errors.raise_if_any()
    action.status = status
    action.progress = progress.strip()
    action.version += 1
    saved_by(action, acting_user).save()
    return action


@dataclass(frozen=True)
class ActionReview:
    """One action's status and progress as revisited at a review, with the version of the
    action the editor saw (a review without it is refused, as a stale one is)."""

    status: str
    progress: str = ""
    expected_version: int | None = None


@transaction.atomic
def revisit_actions(
    *, plan: Plan, reviews: Mapping[int, ActionReview], acting_user
) -> list[PlanAction]:
    """Record each action's status at a review, all or nothing.

    ``reviews`` maps action primary key to its review. Any action changed by
    someone else since it was read refuses the whole save.
    """
    require(acting_user, Capability.CHAIR_CONFERENCES, child=plan.child_id)
    errors = Errors()
    plan = _open(plan, errors, "actions")
    actions = {a.pk: a for a in PlanAction.objects.select_for_update().filter(plan=plan)}
    for pk, review in reviews.items():
        action = actions.get(pk)
        if action is None:
            errors.add("actions", ACTION_OF_ANOTHER_PLAN)
            continue
        check_version(action, review.expected_version)
        _check_progress(errors, review.status, review.progress, suffix=f"_{pk}")
    errors.raise_if_any()
    changed = []
    for pk, review in reviews.items():
        action = actions[pk]
        if action.status == review.status and action.progress == review.progress.strip():
            continue
        action.status = review.status
        action.progress = review.progress.strip()
        action.version += 1
        saved_by(action, acting_user).save(update_fields=["status", "progress", "version"])
        changed.append(action)
    return changed


# -------------------------------------------------------------- core group


@transaction.atomic
def add_core_group_member(
    *,
    plan: Plan,
    name: str,
    role: str,
    joined_on: date,
    acting_user,
    agency=None,
    email: str = "",
) -> CoreGroupMember:
    """Add someone to the core group that works the plan between conferences."""
    require(acting_user, Capability.MANAGE_CORE_GROUP, child=plan.child_id)
    errors = Errors()
    plan = _open(plan, errors, "name")
    if not name.strip():
        errors.add("name", MEMBER_NAME_REQUIRED)
    errors.add("name", text_limits.too_long(name.strip(), text_limits.NAME))
    if not role:
        errors.add("role", MEMBER_ROLE_REQUIRED)
    elif role not in InviteeRole.values:
        errors.add("role", f"{role!r} is not a valid role.")
    errors.add("joined_on", not_in_future(joined_on))
    if joined_on < plan.start_date:
        errors.add("joined_on", JOINED_BEFORE_PLAN.format(date=plan.start_date))
    already = current_member(plan, name)
    if already is not None:
        errors.add("name", ALREADY_IN_CORE_GROUP.format(name=already.name, since=already.joined_on))
    errors.raise_if_any()
    member = CoreGroupMember(
        plan=plan,
        name=name.strip(),
        role=role,
        agency=agency,
        email=email.strip(),
        joined_on=joined_on,
    )
    saved_by(member, acting_user).save()
    return member


def current_member(plan: Plan, name: str) -> CoreGroupMember | None:
    """The member of ``plan``'s core group now (not left) of that name, if any."""
    wanted = name.strip().lower()
    return next(
        (
            m
            for m in plan.core_group.filter(left_on__isnull=True)
            if m.name.strip().lower() == wanted
        ),
        None,
    )


@transaction.atomic
def add_core_group_members(*, plan: Plan, people: Sequence, acting_user) -> list[CoreGroupMember]:
    """Add each of ``people`` (with ``name``, ``role``, ``agency``, ``email``: the
    invitees or a sibling's core group offered for a new plan) from the plan's start,
    through ``add_core_group_member``: all of them, or none if one is refused. Someone
    already in the core group (or offered twice) is added once."""
    added = []
    for p in people:
        if current_member(plan, p.name) is None:
            added.append(
                add_core_group_member(
                    plan=plan,
                    name=p.name,
                    role=p.role,
                    agency=p.agency,
                    email=p.email,
                    joined_on=plan.start_date,
                    acting_user=acting_user,
                )
            )
    return added


@transaction.atomic
def end_core_group_membership(
    *, member: CoreGroupMember, left_on: date, acting_user
) -> CoreGroupMember:
    require(acting_user, Capability.MANAGE_CORE_GROUP, child=member.plan.child_id)
    member = CoreGroupMember.objects.select_for_update().get(pk=member.pk)
    errors = Errors()
    if member.left_on is not None:
        errors.add("left_on", ALREADY_LEFT)
    errors.add("left_on", not_in_future(left_on))
    if left_on < member.joined_on:
        errors.add("left_on", LEFT_BEFORE_JOINED.format(date=member.joined_on))
    errors.raise_if_any()
    member.left_on = left_on
    saved_by(member, acting_user).save(update_fields=["left_on"])
    return member
