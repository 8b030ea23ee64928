"""The write path of the child's journey: one function per state change.

Each function is keyword-only, takes the ``acting_user``, runs in one
transaction and saves through django-simple-history so every change has its
history row. Rules that need dates use ``iro.timescales``; bad input raises a
``ValidationError`` with field-level messages (the constants below), and
nothing is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iro import text_limits, timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.guards import require, require_conference_children
from iro.access.scope import display_name, visible_to
from iro.children.models import Child
from iro.journey.checks import (
    BOOKING_AFTER_DUE,
    STALE_RECORD,
    VERSION_MISSING,
    Errors,
    before_birth,
    change_reason,
    check_version,
    choice_values,
    current_version,
    not_far_ahead,
    not_in_future,
    one_line,
    saved_by,
    today,
)
from iro.journey.models import (
    Assessment,
    AssessmentFactor,
    CalendarEntry,
    CancellationReason,
    Category,
    ChildAttendance,
    CinPlanPeriod,
    ClosureReason,
    Conference,
    ConferenceAmendment,
    ConferenceChild,
    ConferenceKind,
    ConferenceRecommendation,
    ConferenceStatus,
    Decision,
    Episode,
    Invitation,
    InviteeAttendance,
    InviteeRole,
    LateDecision,
    LatenessReason,
    Plan,
    PlanEndReason,
    PreMeeting,
    PrimaryNeed,
    ReferralSource,
    Section47,
    StrategyDiscussion,
)
from iro.people.models import Role, User
from iro.people.selectors import closure_days, leave_on

# Messages (tests import these).
EPISODE_CLOSED = "This Child in Need episode was closed on {date:%-d %B %Y}."
BEFORE_REFERRAL = "The date cannot be before the referral on {date:%-d %B %Y}."
CLOSURE_BEFORE_REFERRAL = "The closure date cannot be before the referral date."
CLOSURE_REASON_REQUIRED = "Select the reason the episode closed."
BEFORE_CIN_PLAN = (
    "The episode cannot close before its Child in Need plan started on {date:%-d %B %Y}."
)
CIN_PLAN_END_BEFORE_START = (
    "The Child in Need plan cannot end before it started on {date:%-d %B %Y}."
)
CIN_PLAN_OVERLAPS = (
    "The episode already has a Child in Need plan from {start:%-d %B %Y}{until}: "
    "Child in Need plans of one episode cannot overlap."
)
CIN_PLAN_ALREADY_ENDED = "This Child in Need plan already ended on {date:%-d %B %Y}."
ASSESSMENT_BEFORE_START = "The assessment cannot be {what} before it started on {date:%-d %B %Y}."
ASSESSMENT_ALREADY_AUTHORISED = "This assessment was already authorised on {date:%-d %B %Y}."
FACTOR_TWICE = "The factor {code!r} is given more than once."
EPISODE_ICPC_RECORDED = (
    "The episode already has an initial conference date, {date:%-d %B %Y}, given on it."
)
EPISODE_HAS_OPEN_PLAN = "The child is still on a child protection plan: end the plan first."
CLOSED_AFTER_ASSESSMENT = frozenset({ClosureReason.RC8, ClosureReason.RC9})
WENT_FURTHER_THAN_ASSESSMENT = (
    "'{reason}' is only for an episode that went no further than its assessment (the "
    "DfE's rule 2990), and this one had {activity}: choose another reason, such as "
    "'Case closed for any other reason'."
)
UNKNOWN_CODE = "{value!r} is not a valid {what}."
S47_ALREADY_HAS_ICPC = "An initial conference has already been held for this enquiry."
S47_ICPC_BOOKED = (
    "An initial conference is booked for this enquiry on {date:%-d %B %Y}: cancel it first, "
    "from the conference's page, if none is needed."
)
S47_ICPC_BOOKED_NO_DATE = (
    "An initial conference is booked for this enquiry: cancel it first, from the "
    "conference's page, if none is needed."
)
S47_ICPC_NOT_REQUIRED = "This enquiry is recorded as not needing an initial conference."
NO_SUBJECTS = "Choose at least one child for the conference."
ONE_FAMILY = "A conference for several children must be for children of one family."
SAME_CHILD_TWICE = "A child can only be listed once in a conference."
INITIAL_NEEDS_S47 = "An initial conference needs the child's Section 47 enquiry."
REVIEW_NEEDS_PLAN = "A review conference is only for a child with a child protection plan."
PLAN_NOT_OPEN = "This plan ended on {date:%-d %B %Y}; it cannot be reviewed."
BEFORE_S47 = "The conference cannot be before the strategy discussion on {date:%-d %B %Y}."
REQUEST_BEFORE_S47 = (
    "The request cannot be before the strategy discussion that started the enquiry, on "
    "{date:%-d %B %Y}."
)
BEFORE_PLAN_START = "The date cannot be before the plan started on {date:%-d %B %Y}."
BEFORE_LAST_REVIEW = (
    "The last review before this one was held on {date:%-d %B %Y}, and this one was booked "
    "for {booked:%-d %B %Y}: the date cannot be before {date:%-d %B %Y}. Check the date."
)
BEFORE_NOTIFICATION = "The conference cannot be before the transfer notification."
NOTIFICATION_REQUIRED = "Enter the date the authority was told of the transfer."
CHAIR_NOT_IRO = "The chair must be an Independent Reviewing Officer."
CHAIR_NOT_INDEPENDENT_LINE_MANAGER = (
    "{chair} cannot chair: they line-manage {child}'s social worker. "
    "The chair must be independent of the case."
)
CHAIR_NOT_INDEPENDENT_TEAM = (
    "{chair} cannot chair: they manage {team}, {child}'s team. "
    "The chair must be independent of the case."
)
CHAIR_CLASH = (
    "{chair} is already chairing the {kind} for {children} {place}, {times} on "
    "{day:%-d %B %Y}; this one would run {this}."
)
# A conference booked without a time holds its chair for the whole day: nobody can tell
# when in the day it will be, so any other booking that day could clash with it.
NO_TIME_SET = "at a time not yet set (which holds the chair for the whole day)"
# A child of the other conference whose record the person booking may not see.
UNSEEN_CHILD = "a child whose record you cannot open"
# Two conferences at the same time given the same new chair at once (moving many).
CHOSEN_TWICE = (
    "{chair} is also chosen here for the conference {when}, at the same time, and cannot "
    "chair both: choose another chair for one of them."
)
CHAIR_ON_LEAVE = (
    "{chair} is on leave on {day:%-d %B %Y} (recorded leave {start:%-d %B %Y} to "
    "{end:%-d %B %Y}{what})."
)
DURATION_RANGE = "The conference length must be from {min} to {max} minutes."
# Bookings that need an explicit confirmation with the reason.
BOOKING_NON_WORKING_DAY = "{day:%-d %B %Y} is {why}, not a working day."
BOOKING_IN_PAST = "{day:%-d %B %Y} is in the past."
BOOKING_TIME_PASSED = "{at:%H:%M} today has passed."
# Kept on the booking and shown to every reader of it: the place is free text (it may name
# a family's home), so the warning does not repeat it.
BOOKING_ROOM_TAKEN = (
    "The place given is already booked for another conference {times} on {day:%-d %B %Y} "
    "(chair: {chair})."
)
BOOKING_OUT_OF_HOURS = (
    "A start at {at:%H:%M} is outside the working day ({starts:%H:%M} to {ends:%H:%M})."
)
# The hours a conference usually starts in; a start outside them is asked about.
WORKING_DAY_STARTS, WORKING_DAY_ENDS = time(8, 0), time(18, 0)
BOOKING_CONFIRMATION_REQUIRED = (
    "Confirm the booking and give the reason, or choose another date, time or place: {warnings}"
)
ALREADY_HELD = "This conference has already been recorded as held."
ALREADY_CANCELLED = "This conference has already been cancelled."
NO_DATE_TO_ADD_TO = "Book a date for the conference before adding children to it."
ADDED_DUE_EARLIER = (
    "{who}, before the day booked ({day}): say why the conference stays on that day, or "
    "change its date first."
)
CANCELLATION_REASON_REQUIRED = "Select why the conference is cancelled."
CANCELLATION_DETAIL_REQUIRED = "Say what the other reason is."
CANCELLED = "This conference was cancelled."
OUTCOME_MISSING = "Record the decision for {child}."
DECISION_WRONG_KIND = "{decision!r} is not a decision of this kind of conference."
CATEGORY_REQUIRED = "Select the category of abuse for {child}'s plan."
ALREADY_ON_PLAN = "{child} is already on a child protection plan (from {date:%-d %B %Y})."
LATENESS_REASON_REQUIRED = (
    "The conference is outside timescale (due {due:%-d %B %Y}): select why it is late."
)
LATENESS_DETAIL_REQUIRED = "Describe the other reason the conference is late."
MINUTES_NOT_HELD = "Minutes can only be sent for a conference that has been held."
LATE_BEFORE_CLOCK = (
    "The decision cannot be before the conference's timescale began, on {date:%-d %B %Y} "
    "(a delay can be agreed ahead of the conference, not before it was due to be arranged)."
)
MINUTES_BEFORE_HELD = "The minutes cannot be sent before the conference on {date:%-d %B %Y}."
MINUTES_ALREADY_SENT = "The minutes were already recorded as sent on {date:%-d %B %Y}."
NOT_LATE = "The conference was held in timescale: there is nothing to agree."
CANNOT_AGREE_LATE = "Only a manager can agree a conference held outside timescale."
LATE_DECISION_REQUIRED = "Select whether you agree the late conference."
LATE_COMMENT_REQUIRED = "Say why the reason for the lateness is not accepted."
LATE_ALREADY_DECIDED = (
    "{who} already decided on this late conference on {date:%-d %B %Y}: {decision}."
)
LATE_DATE_REQUIRED = "Enter the date of the decision."
LATE_NOT_YET_DECIDED = "No manager has decided on this late conference yet: record a decision."
LATE_CHANGE_REASON_REQUIRED = "Enter why the decision is being changed."
LATE_DECISION_UNCHANGED = (
    "The decision and comment are as they were: change one of them, or go back."
)
LATE_OWN_CONFERENCE = (
    "You chaired this conference, so you cannot decide on its lateness: another manager "
    "must decide."
)
PLAN_END_BEFORE_START = "The plan cannot end before it started on {date:%-d %B %Y}."
PLAN_SAME_DAY = "A plan cannot start and end on the same day."
PLAN_ALREADY_ENDED = "This plan has already ended."
PLAN_END_BEFORE_REVIEW = (
    "The plan cannot end on {end:%-d %B %Y}: the review conference on {review:%-d %B %Y} "
    "decided to continue it."
)
END_REASON_REQUIRED = "Select why the plan ended."
SCALING_RANGE = "The scaling judgement must be a whole number from 0 to 10."
OVERLAPPING_PLAN = "{child} already has a plan covering {date:%-d %B %Y}."

DEFAULT_DURATION_MINUTES = 120
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60

INITIAL_DECISIONS = {Decision.PLAN, Decision.NO_PLAN}
REVIEW_DECISIONS = {Decision.CONTINUE, Decision.END}


def _closures() -> frozenset[date]:
    return closure_days()


# ---------------------------------------------------------------- episodes


EPISODE_ALREADY_OPEN = (
    "{name} already has an open referral, from {day}: record the work in it, or close it "
    "before recording a new one."
)


def check_referral(
    errors: Errors,
    *,
    child: Child,
    referral_date: date,
    referral_source: str,
    primary_need: str,
    acting_user,
) -> None:
    """A referral's date and codes (``open_episode``'s rules, on values in memory)."""
    errors.add("referral_date", not_in_future(referral_date))
    errors.add(
        "referral_date",
        before_birth(referral_date, child=child, name=display_name(acting_user, child)),
    )
    if referral_source and referral_source not in choice_values(ReferralSource):
        errors.add(
            "referral_source", UNKNOWN_CODE.format(value=referral_source, what="referral source")
        )
    if primary_need and primary_need not in choice_values(PrimaryNeed):
        errors.add("primary_need", UNKNOWN_CODE.format(value=primary_need, what="primary need"))


REFERRAL_WITHIN_CLOSED_EPISODE = (
    "The referral cannot be dated before {end:%-d %B %Y}: {name}'s episode from "
    "{start:%-d %B %Y} was open until then. Check the year."
)


@transaction.atomic
def open_episode(
    *,
    child: Child,
    referral_date: date,
    acting_user,
    referral_source: str = "",
    primary_need: str = "",
    referral_nfa: bool = False,
    imported: bool = False,
) -> Episode:
    """A referral to children's social care opens a Child in Need episode (``referral_nfa``:
    the referral led to no further action). A child has one open episode at a time (DfE
    census rule 8815): a new referral while one is open is refused, but from a census
    return (``imported``), whose own validation reports rule 8815 and whose episodes are
    written in the return's order, each earlier one closed as it says."""
    require(acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=child, importable=True)
    errors = Errors()
    check_referral(
        errors,
        child=child,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need=primary_need,
        acting_user=acting_user,
    )
    if not imported:
        open_one = (
            Episode.objects.filter(child=child, closure_date__isnull=True)
            .order_by("-referral_date")
            .first()
        )
        if open_one is not None:
            errors.add(
                "referral_date",
                EPISODE_ALREADY_OPEN.format(
                    name=display_name(acting_user, child),
                    day=f"{open_one.referral_date:%-d %B %Y}",
                ),
            )
        else:
            # A referral dated within or before an episode already closed would make the
            # two overlap (census rule 8820; starting on the day it closed is allowed):
            # most often a slip of the year.
            latest = (
                Episode.objects.filter(child=child, closure_date__gt=referral_date)
                .order_by("-closure_date")
                .first()
            )
            if latest is not None:
                errors.add(
                    "referral_date",
                    REFERRAL_WITHIN_CLOSED_EPISODE.format(
                        name=display_name(acting_user, child),
                        start=latest.referral_date,
                        end=latest.closure_date,
                    ),
                )
    errors.raise_if_any()
    episode = Episode(
        child=child,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need=primary_need,
        referral_nfa=bool(referral_nfa),
    )
    saved_by(episode, acting_user).save()
    return episode


def check_closure(
    errors: Errors,
    *,
    episode: Episode,
    closure_date: date,
    closure_reason: str,
    has_open_plan: bool,
    open_cin_plans: Iterable[CinPlanPeriod],
    activity: str = "",
) -> None:
    """An episode's closure (``close_episode``'s rules, given what the records hold: an
    open plan of the episode, its open Child in Need plans, and ``activity``, what took it
    further than its assessment, in words, if anything did: ``episode_activity``)."""
    errors.add("closure_date", not_in_future(closure_date))
    if closure_date < episode.referral_date:
        errors.add("closure_date", CLOSURE_BEFORE_REFERRAL)
    if not closure_reason:
        errors.add("closure_reason", CLOSURE_REASON_REQUIRED)
    elif closure_reason not in choice_values(ClosureReason):
        errors.add(
            "closure_reason", UNKNOWN_CODE.format(value=closure_reason, what="closure reason")
        )
    elif closure_reason in CLOSED_AFTER_ASSESSMENT and activity:
        errors.add(
            "closure_reason",
            WENT_FURTHER_THAN_ASSESSMENT.format(
                reason=ClosureReason(closure_reason).label, activity=activity
            ),
        )
    if has_open_plan:
        errors.add("closure_date", EPISODE_HAS_OPEN_PLAN)
    for cin_plan in open_cin_plans:
        if closure_date < cin_plan.start_date:
            errors.add("closure_date", BEFORE_CIN_PLAN.format(date=cin_plan.start_date))


def episode_activity(*, plans: bool, section47s: bool, icpc: bool, cin_plans: bool) -> str:
    """What took an episode further than its assessment, in words ("" for nothing): a
    plan, a Section 47 enquiry, an initial conference or a Child in Need plan, the
    activity the DfE's rule 2990 names."""
    for present, words in (
        (plans, "a child protection plan"),
        (section47s, "a Section 47 enquiry"),
        (icpc, "an initial conference"),
        (cin_plans, "a Child in Need plan"),
    ):
        if present:
            return words
    return ""


@transaction.atomic
def close_episode(
    *, episode: Episode, closure_date: date, closure_reason: str, acting_user
) -> Episode:
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    errors = Errors()
    open_plans = Plan.objects.filter(end_date__isnull=True).filter(
        Q(episode=episode) | Q(episode__isnull=True, child_id=episode.child_id)
    )
    open_cin_plans = list(episode.cin_plans.filter(end_date__isnull=True))
    activity = ""
    if closure_reason in CLOSED_AFTER_ASSESSMENT:
        activity = episode_activity(
            plans=Plan.objects.filter(episode=episode).exists(),
            section47s=Section47.objects.filter(episode=episode).exists(),
            icpc=episode.icpc_date is not None,
            cin_plans=episode.cin_plans.exists(),
        )
    check_closure(
        errors,
        episode=episode,
        closure_date=closure_date,
        closure_reason=closure_reason,
        has_open_plan=open_plans.exists(),
        open_cin_plans=open_cin_plans,
        activity=activity,
    )
    errors.raise_if_any()
    episode.closure_date = closure_date
    episode.closure_reason = closure_reason
    saved_by(episode, acting_user).save(update_fields=["closure_date", "closure_reason"])
    # Closing the episode ends its Child in Need plan the same day.
    for cin_plan in open_cin_plans:
        cin_plan.end_date = closure_date
        saved_by(cin_plan, acting_user).save(update_fields=["end_date"])
    return episode


def episode_open_on(child: Child, on: date) -> Episode | None:
    """The child's latest episode referred on or before ``on`` and not closed before it."""
    return (
        Episode.objects.filter(child=child, referral_date__lte=on)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=on))
        .order_by("-referral_date", "-pk")
        .first()
    )


def _check_in_episode(errors: Errors, field: str, episode: Episode, d: date, user) -> None:
    errors.add(field, not_in_future(d))
    child = episode.child
    errors.add(field, before_birth(d, child=child, name=display_name(user, child)))
    if d < episode.referral_date:
        errors.add(field, BEFORE_REFERRAL.format(date=episode.referral_date))
    if episode.closure_date and d > episode.closure_date:
        errors.add(field, EPISODE_CLOSED.format(date=episode.closure_date))


@transaction.atomic
def record_referral_nfa(*, episode: Episode, referral_nfa: bool, acting_user) -> Episode:
    """Record whether the referral led to no further action (the census ReferralNFA)."""
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.referral_nfa != bool(referral_nfa):
        episode.referral_nfa = bool(referral_nfa)
        saved_by(episode, acting_user).save(update_fields=["referral_nfa"])
    return episode


@transaction.atomic
def record_episode_icpc(*, episode: Episode, held_on: date, acting_user) -> Episode:
    """The date of an initial conference a census return gives on the episode, with no
    Section 47 enquiry for it (so no conference can be recorded): kept as the return
    says it, once."""
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    errors = Errors()
    if episode.icpc_date is not None and episode.icpc_date != held_on:
        errors.add("icpc_date", EPISODE_ICPC_RECORDED.format(date=episode.icpc_date))
    _check_in_episode(errors, "icpc_date", episode, held_on, acting_user)
    errors.raise_if_any()
    if episode.icpc_date != held_on:
        episode.icpc_date = held_on
        saved_by(episode, acting_user).save(update_fields=["icpc_date"])
    return episode


def _cin_plan_until(period: CinPlanPeriod) -> str:
    return f" to {period.end_date:%-d %B %Y}" if period.end_date else " (not ended)"


def _check_cin_plan_dates(
    errors: Errors,
    *,
    episode: Episode,
    start_date: date,
    end_date: date | None,
    acting_user,
    other_than: int | None = None,
    others: Iterable[CinPlanPeriod] | None = None,
) -> None:
    """A Child in Need plan's dates: within the episode, the end not before the start, and
    no overlap with the episode's other Child in Need plans (``others``: those plans, when
    the caller holds them in memory; else read)."""
    _check_in_episode(errors, "start_date", episode, start_date, acting_user)
    if end_date is not None:
        errors.add("end_date", not_in_future(end_date))
        if end_date < start_date:
            errors.add("end_date", CIN_PLAN_END_BEFORE_START.format(date=start_date))
        if episode.closure_date and end_date > episode.closure_date:
            errors.add("end_date", EPISODE_CLOSED.format(date=episode.closure_date))
    if errors.by_field:
        return
    until = end_date or date.max
    if others is None:
        others = episode.cin_plans.exclude(pk=other_than)
    for other in others:
        other_until = other.end_date or date.max
        if other.start_date <= until and start_date <= other_until:
            errors.add(
                "start_date",
                CIN_PLAN_OVERLAPS.format(start=other.start_date, until=_cin_plan_until(other)),
            )
            break


@transaction.atomic
def record_cin_plan(
    *, episode: Episode, start_date: date, acting_user, end_date: date | None = None
) -> CinPlanPeriod:
    """A Child in Need plan of the episode, known with its dates (e.g. from a census
    return): several per episode, none overlapping another."""
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    errors = Errors()
    _check_cin_plan_dates(
        errors, episode=episode, start_date=start_date, end_date=end_date, acting_user=acting_user
    )
    errors.raise_if_any()
    period = CinPlanPeriod(episode=episode, start_date=start_date, end_date=end_date)
    saved_by(period, acting_user).save()
    return period


@transaction.atomic
def end_cin_plan(*, cin_plan: CinPlanPeriod, end_date: date, acting_user) -> CinPlanPeriod:
    """The Child in Need plan ended (stepped up, closed, or the return says so)."""
    episode = Episode.objects.select_for_update().get(pk=cin_plan.episode_id)
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    cin_plan = CinPlanPeriod.objects.select_for_update().get(pk=cin_plan.pk)
    errors = Errors()
    if cin_plan.end_date is not None:
        errors.add("end_date", CIN_PLAN_ALREADY_ENDED.format(date=cin_plan.end_date))
        errors.raise_if_any()
    _check_cin_plan_dates(
        errors,
        episode=episode,
        start_date=cin_plan.start_date,
        end_date=end_date,
        acting_user=acting_user,
        other_than=cin_plan.pk,
    )
    errors.raise_if_any()
    cin_plan.end_date = end_date
    saved_by(cin_plan, acting_user).save(update_fields=["end_date"])
    return cin_plan


def _check_assessment(
    errors: Errors,
    *,
    episode: Episode,
    start_date: date,
    internal_review_date: date | None,
    authorisation_date: date | None,
    factors: list[str],
    acting_user,
) -> None:
    """An assessment's dates lie in the episode, after its start; its factors are census
    codes, each given once."""
    _check_in_episode(errors, "start_date", episode, start_date, acting_user)
    for field, when, what in (
        ("internal_review_date", internal_review_date, "reviewed"),
        ("authorisation_date", authorisation_date, "authorised"),
    ):
        if when is None:
            continue
        errors.add(field, not_in_future(when))
        if when < start_date:
            errors.add(field, ASSESSMENT_BEFORE_START.format(what=what, date=start_date))
        if episode.closure_date and when > episode.closure_date:
            errors.add(field, EPISODE_CLOSED.format(date=episode.closure_date))
    seen: set[str] = set()
    for code in factors:
        if code not in choice_values(AssessmentFactor):
            errors.add("factors", UNKNOWN_CODE.format(value=code, what="assessment factor"))
        elif code in seen:
            errors.add("factors", FACTOR_TWICE.format(code=code))
        seen.add(code)


@transaction.atomic
def record_assessment(
    *,
    episode: Episode,
    start_date: date,
    acting_user,
    internal_review_date: date | None = None,
    authorisation_date: date | None = None,
    factors: Iterable[str] = (),
) -> Assessment:
    """A Child in Need assessment of the episode: its start and, once complete, its
    authorisation and the factors it identified (census codes)."""
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    factors = list(factors)
    errors = Errors()
    _check_assessment(
        errors,
        episode=episode,
        start_date=start_date,
        internal_review_date=internal_review_date,
        authorisation_date=authorisation_date,
        factors=factors,
        acting_user=acting_user,
    )
    errors.raise_if_any()
    assessment = Assessment(
        episode=episode,
        start_date=start_date,
        internal_review_date=internal_review_date,
        authorisation_date=authorisation_date,
        factors=factors,
    )
    saved_by(assessment, acting_user).save()
    return assessment


@transaction.atomic
def authorise_assessment(
    *,
    assessment: Assessment,
    authorisation_date: date,
    acting_user,
    factors: Iterable[str] = (),
    internal_review_date: date | None = None,
) -> Assessment:
    """The assessment is complete: its authorisation date and the factors identified
    (a review date already recorded is kept unless one is given)."""
    episode = Episode.objects.select_for_update().get(pk=assessment.episode_id)
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    errors = Errors()
    if assessment.authorisation_date is not None:
        errors.add(
            "authorisation_date",
            ASSESSMENT_ALREADY_AUTHORISED.format(date=assessment.authorisation_date),
        )
        errors.raise_if_any()
    factors = list(factors)
    review = internal_review_date or assessment.internal_review_date
    _check_assessment(
        errors,
        episode=episode,
        start_date=assessment.start_date,
        internal_review_date=review,
        authorisation_date=authorisation_date,
        factors=factors,
        acting_user=acting_user,
    )
    errors.raise_if_any()
    assessment.authorisation_date = authorisation_date
    assessment.internal_review_date = review
    assessment.factors = factors
    saved_by(assessment, acting_user).save(
        update_fields=["authorisation_date", "internal_review_date", "factors"]
    )
    return assessment


def _start_cin_plan(*, episode: Episode, start_date: date, acting_user) -> CinPlanPeriod:
    """The step down to a Child in Need plan at a plan's end, under the chair's capability
    to end it (a plan known with its dates is ``record_cin_plan``)."""
    errors = Errors()
    _check_in_episode(errors, "start_date", episode, start_date, acting_user)
    errors.raise_if_any()
    period = CinPlanPeriod(episode=episode, start_date=start_date)
    saved_by(period, acting_user).save()
    return period


# ------------------------------------------------- strategy discussions, S47s


@transaction.atomic
def record_strategy_discussion(
    *,
    episode: Episode,
    held_on: date,
    acting_user,
    start_section47: bool = True,
    notes: str = "",
) -> StrategyDiscussion:
    """Record a strategy discussion and, when it decides so, the S47 it starts that day."""
    require(acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id)
    errors = Errors()
    _check_in_episode(errors, "held_on", episode, held_on, acting_user)
    errors.add("notes", text_limits.too_long(notes, text_limits.NOTE))
    under_way = _section47_under_way(episode, held_on) if start_section47 else None
    if under_way is not None:
        errors.add(
            "start_section47",
            S47_ALREADY_UNDER_WAY.format(child=episode.child, start=under_way.start_date),
        )
    errors.raise_if_any()
    discussion = StrategyDiscussion(
        episode=episode, held_on=held_on, notes=notes, recorded_by=acting_user
    )
    saved_by(discussion, acting_user).save()
    if start_section47:
        section47 = Section47(episode=episode, strategy_discussion=discussion, start_date=held_on)
        saved_by(section47, acting_user).save()
    return discussion


S47_ALREADY_UNDER_WAY = (
    "{child} already has a Section 47 enquiry under way from {start:%-d %B %Y}, with no "
    "initial conference held since: record this discussion without starting another "
    "enquiry, or ask the IRO service manager to void the first if it was entered by "
    "mistake."
)


def _section47_under_way(episode: Episode, on: date) -> Section47 | None:
    """An enquiry of ``episode`` started by ``on`` that no initial conference held by then
    has followed (and not marked as needing none): a second one that day or after would
    be the same enquiry twice (the census refuses two open at once)."""
    for section47 in Section47.objects.filter(
        episode=episode, icpc_not_required=False, start_date__lte=on
    ).order_by("-start_date", "-pk"):
        followed = held_icpc_rows().filter(
            Q(section47=section47)
            | Q(
                section47__isnull=True,
                child_id=episode.child_id,
                conference__held_on__gte=section47.start_date,
            ),
            conference__held_on__lte=on,
        )
        if not followed.exists():
            return section47
    return None


@transaction.atomic
def record_section47(
    *,
    episode: Episode,
    start_date: date,
    acting_user,
    icpc_not_required: bool = False,
) -> Section47:
    """An S47 known without its strategy discussion (e.g. from a census file)."""
    require(
        acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=episode.child_id, importable=True
    )
    errors = Errors()
    _check_in_episode(errors, "start_date", episode, start_date, acting_user)
    errors.raise_if_any()
    section47 = Section47(
        episode=episode, start_date=start_date, icpc_not_required=icpc_not_required
    )
    saved_by(section47, acting_user).save()
    return section47


@transaction.atomic
def request_icpc(*, section47: Section47, requested_on: date, acting_user) -> Section47:
    require(acting_user, Capability.RECORD_STRATEGY_DISCUSSION, child=section47.episode.child_id)
    section47 = Section47.objects.select_for_update().get(pk=section47.pk)
    errors = Errors()
    errors.add("requested_on", not_in_future(requested_on))
    if requested_on < section47.start_date:
        errors.add("requested_on", REQUEST_BEFORE_S47.format(date=section47.start_date))
    errors.raise_if_any()
    # Recorded as not needing one, by mistake or overtaken by events: asking for one
    # withdraws that (the history keeps both, and who changed it).
    section47.icpc_not_required = False
    section47.icpc_requested_on = requested_on
    saved_by(section47, acting_user).save(update_fields=["icpc_requested_on", "icpc_not_required"])
    return section47


ICPC_WITHDRAWN_NEEDS_REASON = (
    "Say why no conference is needed now: one was requested on {day:%-d %B %Y}, and the "
    "coordinators are told."
)
ICPC_WITHDRAWN = "An initial conference requested on {day:%-d %b %Y} is no longer needed"


@transaction.atomic
def record_icpc_not_required(*, section47: Section47, acting_user, reason: str = "") -> Section47:
    """No initial conference is needed for the enquiry. When one was requested (and is
    waiting for the coordinators to book it), a reason is asked, kept in the enquiry's
    history, and the coordinators are told: the request leaves their list."""
    require(
        acting_user,
        Capability.RECORD_STRATEGY_DISCUSSION,
        child=section47.episode.child_id,
        importable=True,
    )
    section47 = Section47.objects.select_for_update().get(pk=section47.pk)
    requested_on = None if section47.icpc_not_required else section47.icpc_requested_on
    reason = (reason or "").strip()
    if requested_on is not None and not reason:
        raise ValidationError({"reason": ICPC_WITHDRAWN_NEEDS_REASON.format(day=requested_on)})
    if message := text_limits.too_long(reason, text_limits.REASON):
        raise ValidationError({"reason": message})
    if held_icpc_rows().filter(section47=section47).exists():
        raise ValidationError({"icpc_not_required": S47_ALREADY_HAS_ICPC})
    booked = list(
        ConferenceChild.objects.filter(
            section47=section47,
            conference__kind=ConferenceKind.INITIAL,
            conference__status=ConferenceStatus.SCHEDULED,
        ).values_list("conference__scheduled_date", flat=True)
    )
    if booked:
        on = min((d for d in booked if d is not None), default=None)
        message = S47_ICPC_BOOKED.format(date=on) if on else S47_ICPC_BOOKED_NO_DATE
        raise ValidationError({"icpc_not_required": message})
    section47.icpc_not_required = True
    if reason:
        section47._change_reason = reason
    saved_by(section47, acting_user).save(update_fields=["icpc_not_required"])
    if requested_on is not None:
        _tell_coordinators_withdrawn(section47, requested_on, acting_user)
    return section47


def _tell_coordinators_withdrawn(section47: Section47, requested_on, acting_user) -> None:
    from iro.notices.services import notify

    link = reverse("child_protection", args=[section47.episode.child.public_id])
    subject = ICPC_WITHDRAWN.format(day=requested_on)
    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk")
    for coordinator in coordinators:
        notify(
            recipient=coordinator, subject=subject, link=link, acting_user=acting_user, settled=True
        )


def held_icpc_rows():
    return ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.INITIAL, conference__status=ConferenceStatus.HELD
    )


# ------------------------------------------------------------- conferences


@dataclass(frozen=True)
class Subject:
    """A child to be discussed at a conference, with the enquiry or plan it is about."""

    child: Child
    section47: Section47 | None = None
    plan: Plan | None = None


def review_dates(plan: Plan, *, before: date | None = None) -> list[date]:
    """The plan's distinct held review dates, sorted (optionally only those before a date)."""
    rows = ConferenceChild.objects.filter(
        plan=plan,
        conference__kind=ConferenceKind.REVIEW,
        conference__status=ConferenceStatus.HELD,
    )
    if before is not None:
        rows = rows.filter(conference__held_on__lt=before)
    return sorted(set(rows.values_list("conference__held_on", flat=True)))


def _fresh(subject: Subject) -> Subject:
    """The subject as the database has it now, not as the caller last saw it."""
    return Subject(
        child=Child.objects.select_related("team", "social_worker").get(pk=subject.child.pk),
        section47=(Section47.objects.get(pk=subject.section47.pk) if subject.section47 else None),
        plan=Plan.objects.get(pk=subject.plan.pk) if subject.plan else None,
    )


def due_date(
    *,
    kind: str,
    section47: Section47 | None = None,
    plan: Plan | None = None,
    notified_on: date | None = None,
    before: date | None = None,
    closures: Iterable[date] = (),
    reviews: Iterable[date] | None = None,
) -> date | None:
    """When a child's conference of ``kind`` is due, from the recorded facts.

    ICPC: 15 working days from the S47 start. Transfer-in: 15 working days from
    notification. Review: plan start + 3 months for the first, else the previous
    review (held before ``before``) + 6 months. ``reviews``: the plan's held review dates
    before ``before``, when the caller holds them in memory (else read).
    """
    if kind == ConferenceKind.INITIAL and section47 is not None:
        return timescales.icpc_due(section47.start_date, closures=closures)
    if kind == ConferenceKind.TRANSFER_IN and notified_on is not None:
        return timescales.transfer_in_due(notified_on, closures=closures)
    if kind == ConferenceKind.REVIEW and plan is not None:
        if reviews is None:
            reviews = review_dates(plan, before=before)
        return timescales.next_review_after(plan.start_date, list(reviews))
    return None


def span(at: time | None, minutes: int) -> str:
    """A conference's times as people write them ("09:30–11:30")."""
    if at is None:
        return NO_TIME_SET
    end = (datetime.combine(date(2000, 1, 1), at) + timedelta(minutes=minutes)).time()
    return f"{at:%H:%M}–{end:%H:%M}"


def times_overlap(a: time | None, a_minutes: int, b: time | None, b_minutes: int) -> bool:
    """Whether two conferences on one day overlap; one without a time holds the day."""
    if a is None or b is None:
        return True
    a0, b0 = a.hour * 60 + a.minute, b.hour * 60 + b.minute
    return a0 < b0 + b_minutes and b0 < a0 + a_minutes


def _kind_label(kind: str) -> str:
    label = str(ConferenceKind(kind).label)
    return label[0].lower() + label[1:]


def _place(conference: Conference) -> str:
    """Where a conference is, as words following "for the children": "at the Civic
    Centre", "online", "at a place not yet set"."""
    if conference.venue:
        return f"at {conference.venue}"
    return "online" if conference.virtual_link else "at a place not yet set"


def _venue_key(venue: str) -> str:
    """A place as typed, for telling whether two bookings name the same room: case,
    spaces and punctuation aside ("Civic Centre, room 2" is "civic centre room 2")."""
    return " ".join(re.sub(r"[^\w]+", " ", venue.casefold()).split())


def room_clashes(
    *,
    venue: str,
    scheduled_date: date,
    scheduled_time: time | None,
    duration_minutes: int,
    exclude: Conference | None = None,
) -> list[str]:
    """The warnings for a place already booked at an overlapping time on that day by
    another conference still to be held: the place is free text, so it is a warning to
    confirm past (two rooms may share a name), not a refusal. None for an online
    conference (no place)."""
    key = _venue_key(venue)
    if not key:
        return []
    booked = Conference.objects.filter(
        status=ConferenceStatus.SCHEDULED, scheduled_date=scheduled_date
    ).exclude(venue="")
    if exclude is not None:
        booked = booked.exclude(pk=exclude.pk)
    return [
        BOOKING_ROOM_TAKEN.format(
            times=span(other.scheduled_time, other.duration_minutes),
            day=scheduled_date,
            chair=other.chair.get_full_name() if other.chair else "not yet chosen",
        )
        for other in booked.select_related("chair").order_by("scheduled_time", "pk")
        if _venue_key(other.venue) == key
        and times_overlap(
            other.scheduled_time, other.duration_minutes, scheduled_time, duration_minutes
        )
    ]


def _chair_clashes(
    *,
    chair,
    scheduled_date: date,
    scheduled_time: time | None,
    duration_minutes: int,
    exclude: Conference | None,
    viewer,
) -> list[str]:
    """What stops ``chair`` from chairing at that time: leave, overlapping conferences."""
    from iro.journey.invitations import plain_list

    problems = []
    leave = leave_on([chair.pk], scheduled_date).get(chair.pk)
    if leave is not None:
        what = f": {leave.description}" if leave.description else ""
        problems.append(
            CHAIR_ON_LEAVE.format(
                chair=chair,
                day=scheduled_date,
                start=leave.start_date,
                end=leave.end_date,
                what=what,
            )
        )
    booked = Conference.objects.filter(
        chair=chair, status=ConferenceStatus.SCHEDULED, scheduled_date=scheduled_date
    ).prefetch_related("children__child")
    if exclude is not None:
        booked = booked.exclude(pk=exclude.pk)
    clashes = [
        other
        for other in booked.order_by("scheduled_time", "pk")
        if times_overlap(
            other.scheduled_time, other.duration_minutes, scheduled_time, duration_minutes
        )
    ]
    # Name only the children the person booking may see (a restricted record stays hidden).
    seen = set()
    if viewer is not None and clashes:
        ids = {row.child_id for other in clashes for row in other.children.all()}
        seen = set(visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))
    for other in clashes:
        children = sorted(
            display_name(viewer, row.child) if row.child_id in seen else UNSEEN_CHILD
            for row in other.children.all()
        )
        problems.append(
            CHAIR_CLASH.format(
                chair=chair,
                kind=_kind_label(other.kind),
                children=plain_list(children) or "no child yet",
                place=_place(other),
                times=span(other.scheduled_time, other.duration_minutes),
                day=scheduled_date,
                this=span(scheduled_time, duration_minutes),
            )
        )
    return problems


def _check_chair(
    errors: Errors,
    *,
    chair,
    children: list[Child],
    scheduled_date: date | None,
    scheduled_time: time | None,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    exclude: Conference | None = None,
    viewer=None,
) -> None:
    if chair is None:
        return
    if chair.role not in (Role.IRO, Role.IRO_MANAGER):
        errors.add("chair", CHAIR_NOT_IRO)
        return
    for child in children:
        worker = child.social_worker
        if worker is not None and worker.line_manager_id == chair.pk:
            errors.add(
                "chair",
                CHAIR_NOT_INDEPENDENT_LINE_MANAGER.format(chair=chair, child=child),
            )
        if child.team is not None and child.team.manager_id == chair.pk:
            errors.add(
                "chair",
                CHAIR_NOT_INDEPENDENT_TEAM.format(chair=chair, team=child.team, child=child),
            )
    if scheduled_date is not None:
        for problem in _chair_clashes(
            chair=chair,
            scheduled_date=scheduled_date,
            scheduled_time=scheduled_time,
            duration_minutes=duration_minutes,
            exclude=exclude,
            viewer=viewer,
        ):
            errors.add("chair", problem)


def booking_warnings(
    *,
    scheduled_date: date,
    due: date | None,
    closures: Iterable[date],
    on: date,
    scheduled_time: time | None = None,
    now: time | None = None,
) -> list[str]:
    """Why a booking on ``scheduled_date`` needs a confirmation with its reason (booked
    on ``on``, at ``now``): a non-working day, a start outside the working day (a "1:30"
    meant for the afternoon is 01:30), a date or a time today in the past, a date after
    the due date."""
    warnings = []
    why = timescales.non_working_day(scheduled_date, closures=closures)
    if why:
        warnings.append(BOOKING_NON_WORKING_DAY.format(day=scheduled_date, why=why))
    if scheduled_time is not None and not WORKING_DAY_STARTS <= scheduled_time < WORKING_DAY_ENDS:
        warnings.append(
            BOOKING_OUT_OF_HOURS.format(
                at=scheduled_time, starts=WORKING_DAY_STARTS, ends=WORKING_DAY_ENDS
            )
        )
    if scheduled_date < on:
        warnings.append(BOOKING_IN_PAST.format(day=scheduled_date))
    elif scheduled_date == on and None not in (scheduled_time, now) and scheduled_time < now:
        warnings.append(BOOKING_TIME_PASSED.format(at=scheduled_time))
    if due is not None and scheduled_date > due:
        warnings.append(BOOKING_AFTER_DUE.format(day=scheduled_date, due=due))
    return warnings


def _time_now() -> time | None:
    """The time now, for a booking today; None while today is another day (the demo's
    history is booked as at the day it was booked, ``checks.as_at``)."""
    now = timezone.localtime()
    return now.time() if now.date() == today() else None


def _check_confirmation(errors: Errors, warnings: list[str], confirm_reason: str) -> None:
    if warnings and not confirm_reason.strip():
        errors.add(
            "confirm_reason", BOOKING_CONFIRMATION_REQUIRED.format(warnings=" ".join(warnings))
        )
    errors.add("confirm_reason", text_limits.too_long(confirm_reason, text_limits.REASON))


def _check_duration(errors: Errors, minutes: int) -> None:
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        errors.add(
            "duration_minutes",
            DURATION_RANGE.format(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES),
        )


def check_booking(
    errors: Errors,
    *,
    kind: str,
    subjects: list[Subject],
    scheduled_date: date,
    acting_user,
    closures: Iterable[date],
    scheduled_time: time | None = None,
    chair=None,
    venue: str = "",
    virtual_link: str = "",
    notified_on: date | None = None,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    icpc_held=None,
    held_reviews=None,
    exclude: Conference | None = None,
) -> list[str]:
    """``schedule_conference``'s rules for a booking of ``subjects`` (as the records hold
    them); returns the warnings a booking must be confirmed past. ``icpc_held(s47)`` and
    ``held_reviews(plan)`` answer from memory when the caller holds the records (the bulk
    census import); else they are read. ``exclude``: the booking being changed, which
    does not clash with itself in the chair's diary."""
    if not subjects:
        errors.add("children", NO_SUBJECTS)
    children = [s.child for s in subjects]
    if len({c.pk for c in children}) != len(children):
        errors.add("children", SAME_CHILD_TWICE)
    families = {c.family_id for c in children}
    if len(children) > 1 and (None in families or len(families) > 1):
        errors.add("children", ONE_FAMILY)
    errors.add("scheduled_date", not_far_ahead(scheduled_date))
    errors.add("venue", one_line(venue))
    errors.add("venue", text_limits.too_long(venue.strip(), text_limits.VENUE))
    errors.add("virtual_link", one_line(virtual_link))
    if kind == ConferenceKind.TRANSFER_IN:
        errors.add("notified_on", not_in_future(notified_on))
    _check_duration(errors, duration_minutes)
    dues = []
    for subject in subjects:
        errors.add(
            "scheduled_date",
            before_birth(
                scheduled_date,
                child=subject.child,
                name=display_name(acting_user, subject.child),
            ),
        )
        if kind == ConferenceKind.INITIAL:
            s47 = subject.section47
            if s47 is None:
                errors.add("children", INITIAL_NEEDS_S47)
                continue
            if s47.icpc_not_required:
                errors.add("children", S47_ICPC_NOT_REQUIRED)
            if (
                held_icpc_rows().filter(section47=s47).exists()
                if icpc_held is None
                else icpc_held(s47)
            ):
                errors.add("children", S47_ALREADY_HAS_ICPC)
            if scheduled_date < s47.start_date:
                errors.add("scheduled_date", BEFORE_S47.format(date=s47.start_date))
        elif kind == ConferenceKind.REVIEW:
            plan = subject.plan
            if plan is None:
                errors.add("children", REVIEW_NEEDS_PLAN)
                continue
            if plan.end_date is not None:
                errors.add("children", PLAN_NOT_OPEN.format(date=plan.end_date))
            if scheduled_date < plan.start_date:
                errors.add("scheduled_date", BEFORE_PLAN_START.format(date=plan.start_date))
        elif kind == ConferenceKind.TRANSFER_IN:
            if notified_on is None:
                errors.add("notified_on", NOTIFICATION_REQUIRED)
            elif scheduled_date < notified_on:
                errors.add("scheduled_date", BEFORE_NOTIFICATION)
        else:
            errors.add("kind", UNKNOWN_CODE.format(value=kind, what="kind of conference"))
        due = due_date(
            kind=kind,
            section47=subject.section47,
            plan=subject.plan,
            notified_on=notified_on,
            closures=closures,
            reviews=(
                held_reviews(subject.plan)
                if held_reviews is not None and subject.plan is not None
                else None
            ),
        )
        if due is not None:
            dues.append(due)
    _check_chair(
        errors,
        chair=chair,
        children=children,
        scheduled_date=scheduled_date,
        scheduled_time=scheduled_time,
        duration_minutes=duration_minutes,
        exclude=exclude,
        viewer=acting_user,
    )
    return booking_warnings(
        scheduled_date=scheduled_date,
        due=min(dues) if dues else None,
        closures=closures,
        on=today(),
        scheduled_time=scheduled_time,
        now=_time_now(),
    )


@transaction.atomic
def schedule_conference(
    *,
    kind: str,
    subjects: Iterable[Subject],
    scheduled_date: date,
    acting_user,
    scheduled_time: time | None = None,
    chair=None,
    venue: str = "",
    virtual_link: str = "",
    notified_on: date | None = None,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    confirm_reason: str = "",
) -> Conference:
    """Book a conference for one child or a sibling group, optionally with its chair.

    A date that is not a working day, in the past or after the conference is due needs
    ``confirm_reason``: the booking keeps the warnings and the reason, and lists flag it.
    """
    subjects = list(subjects)
    require(
        acting_user,
        Capability.SCHEDULE_CONFERENCES,
        children=[s.child for s in subjects],
        importable=True,
    )
    subjects = [_fresh(s) for s in subjects]
    errors = Errors()
    warnings = check_booking(
        errors,
        kind=kind,
        subjects=subjects,
        scheduled_date=scheduled_date,
        acting_user=acting_user,
        closures=_closures(),
        scheduled_time=scheduled_time,
        chair=chair,
        venue=venue,
        virtual_link=virtual_link,
        notified_on=notified_on,
        duration_minutes=duration_minutes,
    )
    warnings += room_clashes(
        venue=venue,
        scheduled_date=scheduled_date,
        scheduled_time=scheduled_time,
        duration_minutes=duration_minutes,
    )
    _check_confirmation(errors, warnings, confirm_reason)
    errors.raise_if_any()
    conference = Conference(
        kind=kind,
        scheduled_date=scheduled_date,
        scheduled_time=scheduled_time,
        duration_minutes=duration_minutes,
        chair=chair,
        venue=venue,
        virtual_link=virtual_link,
        notified_on=notified_on,
        booking_warnings=" ".join(warnings),
        booking_reason=confirm_reason.strip() if warnings else "",
    )
    saved_by(conference, acting_user).save()
    for subject in subjects:
        row = ConferenceChild(
            conference=conference,
            child=subject.child,
            section47=subject.section47,
            plan=subject.plan if kind == ConferenceKind.REVIEW else None,
        )
        saved_by(row, acting_user).save()
    if conference.chair is not None and conference.status == ConferenceStatus.SCHEDULED:
        _tell_chairs(conference, was=None, acting_user=acting_user)
    return conference


@transaction.atomic
def add_children_to_conference(
    *,
    conference: Conference,
    subjects: Iterable[Subject],
    acting_user,
    expected_version: int,
    confirm_reason: str = "",
) -> Conference:
    """Add brothers or sisters to a booked conference, each with the enquiry or plan it is
    about, by the booking's own rules (``check_booking``: one family, an enquiry or plan
    waiting, the chair free and independent of every child). A child due before the day
    booked makes a new warning, to confirm with a reason as a booking is. Everyone sent
    the invitation is sent the update: it names the children."""
    subjects = list(subjects)
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    require(acting_user, Capability.SCHEDULE_CONFERENCES, children=[s.child for s in subjects])
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError({"children": NOT_SCHEDULED})
    if conference.scheduled_date is None:
        raise ValidationError({"children": NO_DATE_TO_ADD_TO})
    if not subjects:
        raise ValidationError({"children": NO_SUBJECTS})
    fresh = [_fresh(s) for s in subjects]
    booked = [
        Subject(child=row.child, section47=row.section47, plan=row.plan)
        for row in conference.children.select_related(
            "child__team", "child__social_worker", "section47", "plan"
        )
    ]
    errors = Errors()
    warnings = check_booking(
        errors,
        kind=conference.kind,
        subjects=booked + fresh,
        scheduled_date=conference.scheduled_date,
        acting_user=acting_user,
        closures=_closures(),
        scheduled_time=conference.scheduled_time,
        chair=conference.chair,
        venue=conference.venue,
        virtual_link=conference.virtual_link,
        notified_on=conference.notified_on,
        duration_minutes=conference.duration_minutes,
        exclude=conference,
    )
    confirmed = conference.booking_warnings
    new = [w for w in warnings if w not in confirmed]
    if new and not confirm_reason.strip():
        # Said of the children added: the date is not changed here.
        late = [
            (display_name(acting_user, s.child), due)
            for s in fresh
            if (due := due_date(kind=conference.kind, section47=s.section47, plan=s.plan,
                                notified_on=conference.notified_on, closures=_closures()))
            and due < conference.scheduled_date
        ]  # fmt: skip
        errors.add(
            "confirm_reason",
            ADDED_DUE_EARLIER.format(
                who="; ".join(f"{name} is due by {due:%-d %B %Y}" for name, due in late),
                day=f"{conference.scheduled_date:%-d %B %Y}",
            )
            if late
            else BOOKING_CONFIRMATION_REQUIRED.format(warnings=" ".join(new)),
        )
    errors.add("confirm_reason", text_limits.too_long(confirm_reason, text_limits.REASON))
    errors.raise_if_any()
    for subject in fresh:
        row = ConferenceChild(
            conference=conference,
            child=subject.child,
            section47=subject.section47,
            plan=subject.plan if conference.kind == ConferenceKind.REVIEW else None,
        )
        saved_by(row, acting_user).save()
    if new:
        conference.booking_warnings = " ".join(warnings)
        conference.booking_reason = " ".join(
            r for r in (conference.booking_reason, confirm_reason.strip()) if r
        )
    conference.version += 1
    saved_by(conference, acting_user).save(
        update_fields=["booking_warnings", "booking_reason", "version"]
    )
    _invitations_changed(conference, acting_user)
    return conference


TAKE_OFF_REASON_REQUIRED = (
    "Enter why the child is being taken off the conference, for example: added by mistake. "
    "The reason is kept in the conference's history."
)
ONLY_CHILD_TO_TAKE_OFF = (
    "{child} is the only child at this conference: cancel the conference instead, saying why."
)
NOT_AT_THIS_CONFERENCE = "That child is not at this conference."


@transaction.atomic
def remove_child_from_conference(
    *, conference: Conference, row: ConferenceChild, acting_user, expected_version: int,
    reason: str,
) -> Conference:  # fmt: skip
    """Take a child added by mistake off a booked conference (``add_children_to_conference``
    undone): their enquiry or plan waits to be booked again, the history keeps the row and
    the reason, and everyone sent the invitation is sent the update, which names the
    children still at it."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError({"reason": NOT_SCHEDULED})
    row = conference.children.select_related("child").filter(pk=row.pk).first()
    if row is None:
        raise ValidationError({"reason": NOT_AT_THIS_CONFERENCE})
    if not conference.children.exclude(pk=row.pk).exists():
        raise ValidationError(
            {"reason": ONLY_CHILD_TO_TAKE_OFF.format(child=display_name(acting_user, row.child))}
        )
    if not reason.strip():
        raise ValidationError({"reason": TAKE_OFF_REASON_REQUIRED})
    if message := text_limits.too_long(reason, text_limits.REASON):
        raise ValidationError({"reason": message})
    row._change_reason = change_reason(reason)
    saved_by(row, acting_user).delete()
    conference.version += 1
    conference._change_reason = change_reason(reason)
    saved_by(conference, acting_user).save(update_fields=["version"])
    _invitations_changed(conference, acting_user)
    return conference


@transaction.atomic
def allocate_chair(
    *, conference: Conference, chair, acting_user, expected_version: int
) -> Conference:
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    children = [
        row.child
        for row in conference.children.select_related("child__team", "child__social_worker")
    ]
    errors = Errors()
    _check_chair(
        errors,
        chair=chair,
        children=children,
        scheduled_date=conference.scheduled_date,
        scheduled_time=conference.scheduled_time,
        duration_minutes=conference.duration_minutes,
        exclude=conference,
        viewer=acting_user,
    )
    errors.raise_if_any()
    changed = conference.chair_id != getattr(chair, "pk", None)
    was = conference.chair
    conference.chair = chair
    conference.version += 1
    saved_by(conference, acting_user).save(update_fields=["chair", "version"])
    _tell_chairs(conference, was=was, acting_user=acting_user)
    # The invitations and letters name the chair (or say one will lead the meeting):
    # those sent are out of date, a chair allocated after them included.
    if changed:
        _invitations_changed(conference, acting_user)
    return conference


@transaction.atomic
def allocate_chairs(*, moves: Iterable[tuple[Conference, object, int]], acting_user) -> None:
    """Several conferences given new chairs at once (one IRO's bookings covered while
    they are away, or handed over when they leave): each ``(conference, chair,
    expected_version)`` through ``allocate_chair``, with every rule it applies, a chair
    given two of them at once included. All or none: when any is refused nothing is
    saved, and the ValidationError holds each refused conference's problems under its
    public id."""
    problems: dict[str, list[str]] = {}
    given: list[tuple[Conference, object]] = []
    for conference, chair, expected_version in moves:
        twice = [
            CHOSEN_TWICE.format(chair=chair, when=other.when_words())
            for other, other_chair in given
            if other_chair.pk == chair.pk
            and conference.scheduled_date is not None
            and other.scheduled_date == conference.scheduled_date
            and times_overlap(
                other.scheduled_time,
                other.duration_minutes,
                conference.scheduled_time,
                conference.duration_minutes,
            )
        ]
        given.append((conference, chair))
        if twice:  # said so, not as though the first of them were already booked
            problems[str(conference.public_id)] = twice
            continue
        try:
            with transaction.atomic():
                allocate_chair(
                    conference=conference,
                    chair=chair,
                    acting_user=acting_user,
                    expected_version=expected_version,
                )
        except ValidationError as error:
            problems[str(conference.public_id)] = error.messages
    if problems:
        raise ValidationError(problems)


def _invitations_changed(conference: Conference, acting_user) -> None:
    """A change the invitations give (date, time, place, chair): a new calendar version,
    emailed to everyone sent the earlier one once the change is committed; a letter
    already posted is listed to post again (``queues.invitations_to_post``)."""
    if raise_calendar_sequence(conference, acting_user):
        from iro.journey import invitations

        pk = conference.pk
        transaction.on_commit(
            lambda: invitations.send_updates(
                conference=Conference.objects.get(pk=pk), acting_user=acting_user
            ),
            robust=True,
        )


# What a chair is told of the conferences they chair (a notice, emailed when they have an
# address; fixed sentences, no child's name: the page linked checks the reader's access).
CHAIR_GIVEN = "A conference is waiting for you to chair"
CHAIR_MOVED = "A conference you chair has a new day, time or place"
CHAIR_TAKEN_OFF = "A conference you were to chair has another chair now"
CHAIR_CANCELLED = "A conference you were to chair is cancelled"


def _tell_chairs(conference: Conference, *, was, acting_user, moved: bool = False) -> None:
    """Tell the chairs of ``conference`` what a change means to them: its chair before
    (``was``) and now, but not whoever made the change. The notices about the conference
    still waiting are settled first (the work moved on), so each chair's Messages page
    holds one waiting notice per conference they are to chair."""
    from iro.notices.mail import emailing
    from iro.notices.services import notify, settle

    if conference.is_gone_by(today()):
        return  # a booking recorded after the event
    if not emailing() and (
        conference.scheduled_date is None or conference.scheduled_date < timezone.localdate()
    ):
        return  # the demo's generated past (its coming conferences are told, not emailed)
    link = conference.get_absolute_url()
    chair = conference.chair if conference.status == ConferenceStatus.SCHEDULED else None
    was_id = getattr(was, "pk", None)
    if chair is not None and chair.pk == was_id and not moved:
        return
    settle(link, acting_user=acting_user)
    if was is not None and was_id != getattr(chair, "pk", None) and was_id != acting_user.pk:
        subject = (
            CHAIR_CANCELLED if conference.status == ConferenceStatus.CANCELLED else CHAIR_TAKEN_OFF
        )
        notify(
            recipient=was,
            subject=chair_notice(subject, conference),
            link=link,
            acting_user=acting_user,
            settled=True,
        )
    if chair is not None and chair.pk != acting_user.pk:
        subject = CHAIR_MOVED if chair.pk == was_id else CHAIR_GIVEN
        notify(
            recipient=chair,
            subject=chair_notice(subject, conference),
            link=link,
            acting_user=acting_user,
        )


def chair_notice(subject: str, conference: Conference) -> str:
    """A chair's notice says which conference, by its kind and when it is (as it now
    stands), never by a child: "A conference is waiting for you to chair: review child
    protection conference on Mon 21 Dec 2026 at 10:00"."""
    return f"{subject}: {_kind_label(conference.kind)} {conference.when_words()}"


@dataclass(frozen=True)
class Recommendation:
    """One agency's recommendation for one child: a decision of the conference's kind."""

    agency: str
    recommendation: str
    comment: str = ""


@dataclass(frozen=True)
class ChildOutcome:
    """What a conference decided for one child, and how the child took part."""

    decision: str
    category: str = ""
    # No default: a plan's end is always given its reason by the person recording it.
    end_reason: str = ""
    attendance: str = ""
    advocate_attended: bool = False
    written_views: bool = False
    direct_work: bool = False
    advocacy_offered: bool = False
    advocate_involved: bool = False
    interpreter_needed: bool = False
    pre_meeting_child: bool = False
    pre_meeting_child_not_applicable: bool = False
    pre_meeting_parents: bool = False
    worries: str = ""
    working_well: str = ""
    needs_to_happen: str = ""
    scaling_score: int | None = None
    wishes_feelings: str = ""
    outline_plan: str = ""
    dissent: str = ""
    kept_from_family: str = ""
    first_core_group_on: date | None = None
    recommendations: tuple[Recommendation, ...] = ()
    previous_plans: int | None = None
    # An import may link a plan it already knows rather than start a new one.
    existing_plan: Plan | None = None


PARTICIPATION_FIELDS = (
    "attendance",
    "advocate_attended",
    "written_views",
    "direct_work",
    "advocacy_offered",
    "advocate_involved",
    "interpreter_needed",
    "pre_meeting_child",
    "pre_meeting_child_not_applicable",
    "pre_meeting_parents",
    "worries",
    "working_well",
    "needs_to_happen",
    "scaling_score",
    "wishes_feelings",
    "outline_plan",
    "dissent",
    "kept_from_family",
    "first_core_group_on",
)
RECORD_TEXT_FIELDS = ("worries", "working_well", "needs_to_happen", "wishes_feelings")

# ------------------------------------------- what a held conference's record must hold
#
# Decided once, here: the record and amend forms, the demo and the census import all go
# through ``record_errors``, and the forms show its messages in their error summary.
#
# A record must hold, for each child: the decision; the category when a plan starts or
# continues; the reason when a plan ends (never a default); whether the child attended;
# their wishes and feelings (their words, how they were gathered, or why they could not
# be); what we are worried about, what is working well and what needs to happen; and,
# when a plan starts, its outline and the date of the first core group meeting.
#
# It may be saved without: the scaling judgement (not every conference makes one), a
# dissent (blank: nobody disagreed), agencies' recommendations (an agency may give none,
# and an agency not present gives none), and the advocate and written-views ticks.
#
# An ``imported`` record holds only the plan facts: the decision, a new plan's category
# and an ending plan's reason. The census import is one (the CIN census carries no
# wishes and feelings, worries or core group dates, and refusing its records would lose
# the plan facts the statutory returns are made of); the demo's history from before
# the service used iro is the other. Those records show "Not recorded" honestly.

ATTENDANCE_REQUIRED = "Select whether {child} attended the conference."
WISHES_REQUIRED = (
    "Enter {child}'s wishes and feelings: in their words, how they were gathered, "
    "or why they could not be."
)
WORRIES_REQUIRED = "Enter what we are worried about for {child}."
WORKING_WELL_REQUIRED = "Enter what is working well for {child}."
NEEDS_TO_HAPPEN_REQUIRED = "Enter what needs to happen for {child}."
OUTLINE_PLAN_REQUIRED = "Enter the outline child protection plan for {child}."
CORE_GROUP_DATE_REQUIRED = "Enter the date of the first core group meeting for {child}'s plan."
CORE_GROUP_BEFORE_CONFERENCE = "The first core group meeting cannot be before the conference."
CORE_GROUP_WITHOUT_PLAN = "A first core group meeting is only for a child who has a new plan."
PLAN_END_REASON_REQUIRED = "Select what happens next for {child} now the plan ends."
END_REASON_WITHOUT_END = "A reason the plan ended is only for a plan that ends."
RECOMMENDATION_AGENCY_REQUIRED = "Enter which agency made each recommendation."
RECOMMENDATION_UNKNOWN = (
    "{agency}'s recommendation must be one of the decisions of this conference."
)

REQUIRED_TEXT = {
    "wishes_feelings": WISHES_REQUIRED,
    "worries": WORRIES_REQUIRED,
    "working_well": WORKING_WELL_REQUIRED,
    "needs_to_happen": NEEDS_TO_HAPPEN_REQUIRED,
}


def record_errors(
    errors: Errors,
    *,
    kind: str,
    child: Child,
    outcome: ChildOutcome,
    held_on: date,
    imported: bool,
) -> None:
    """Add to ``errors`` what one child's record lacks or gets wrong (keys ``<field>_<pk>``)."""
    key = f"_{child.pk}"
    decisions = REVIEW_DECISIONS if kind == ConferenceKind.REVIEW else INITIAL_DECISIONS
    if outcome.decision not in decisions:
        errors.add(f"decision{key}", DECISION_WRONG_KIND.format(decision=outcome.decision))
    if outcome.category and outcome.category not in choice_values(Category):
        errors.add(
            f"category{key}", UNKNOWN_CODE.format(value=outcome.category, what="category of abuse")
        )
    needs_category = outcome.decision == Decision.PLAN or (
        outcome.decision == Decision.CONTINUE and not imported
    )
    if needs_category and not outcome.category:
        errors.add(f"category{key}", CATEGORY_REQUIRED.format(child=child))
    if outcome.decision == Decision.END:
        if not outcome.end_reason:
            errors.add(f"end_reason{key}", PLAN_END_REASON_REQUIRED.format(child=child))
        elif outcome.end_reason not in choice_values(PlanEndReason):
            errors.add(
                f"end_reason{key}", UNKNOWN_CODE.format(value=outcome.end_reason, what="reason")
            )
    elif outcome.end_reason:
        errors.add(f"end_reason{key}", END_REASON_WITHOUT_END)
    if outcome.scaling_score is not None and not 0 <= outcome.scaling_score <= 10:
        errors.add(f"scaling_score{key}", SCALING_RANGE)
    for field in (*RECORD_TEXT_FIELDS, "outline_plan", "dissent", "kept_from_family"):
        errors.add(
            f"{field}{key}",
            text_limits.too_long(getattr(outcome, field), text_limits.CONFERENCE_RECORD),
        )
    core_group = outcome.first_core_group_on
    if core_group is not None:
        if outcome.decision != Decision.PLAN:
            errors.add(f"first_core_group_on{key}", CORE_GROUP_WITHOUT_PLAN)
        elif core_group < held_on:
            errors.add(f"first_core_group_on{key}", CORE_GROUP_BEFORE_CONFERENCE)
        else:
            errors.add(f"first_core_group_on{key}", not_far_ahead(core_group))
    allowed = {d.value: d.label for d in Decision if d in decisions}
    for rec in outcome.recommendations:
        if not rec.agency.strip():
            errors.add(f"recommendations{key}", RECOMMENDATION_AGENCY_REQUIRED)
        errors.add(f"recommendations{key}", one_line(rec.agency))
        errors.add(f"recommendations{key}", text_limits.too_long(rec.agency, 160))
        if rec.recommendation not in allowed:
            errors.add(
                f"recommendations{key}", RECOMMENDATION_UNKNOWN.format(agency=rec.agency.strip())
            )
        errors.add(f"recommendations{key}", text_limits.too_long(rec.comment, text_limits.REASON))
    if imported:
        return
    participation_errors(
        errors,
        child=child,
        attendance=outcome.attendance,
        texts={field: getattr(outcome, field) for field in REQUIRED_TEXT},
    )
    if outcome.decision == Decision.PLAN:
        if not outcome.outline_plan.strip():
            errors.add(f"outline_plan{key}", OUTLINE_PLAN_REQUIRED.format(child=child))
        if core_group is None:
            errors.add(f"first_core_group_on{key}", CORE_GROUP_DATE_REQUIRED.format(child=child))


def participation_errors(
    errors: Errors, *, child: Child, attendance: str, texts: Mapping[str, str]
) -> None:
    """What a chair's record of any child needs whatever was decided: how the child took
    part, and their wishes and feelings, the worries, what is working well and what needs
    to happen (``REQUIRED_TEXT``). Part of ``record_errors``; the record page asks it on
    its own when the decision itself is missing, so everything shows at once."""
    key = f"_{child.pk}"
    if not attendance:
        errors.add(f"attendance{key}", ATTENDANCE_REQUIRED.format(child=child))
    for field, message in REQUIRED_TEXT.items():
        if not (texts.get(field) or "").strip():
            errors.add(f"{field}{key}", message.format(child=child))


def _write_record(row: ConferenceChild, outcome: ChildOutcome, acting_user) -> None:
    """Copy the outcome's record onto ``row`` and replace its recommendations."""
    row.decision = outcome.decision
    row.category = outcome.category
    for name in PARTICIPATION_FIELDS:
        setattr(row, name, getattr(outcome, name))
    wanted = [(r.agency.strip(), r.recommendation, r.comment) for r in outcome.recommendations]
    existing = list(row.recommendations.all()) if row.pk else []
    if [(r.agency, r.recommendation, r.comment) for r in existing] == wanted:
        return
    for old in existing:
        saved_by(old, acting_user).delete()
    for rec in outcome.recommendations:
        saved_by(
            ConferenceRecommendation(
                conference_child=row,
                agency=rec.agency.strip(),
                recommendation=rec.recommendation,
                comment=rec.comment,
            ),
            acting_user,
        ).save()


# How a child's attendance, as the record gives it, reads on their invitation.
CHILD_ATTENDANCE_AS_INVITED = {
    ChildAttendance.IN_PERSON: InviteeAttendance.ATTENDED,
    ChildAttendance.VIRTUAL: InviteeAttendance.VIRTUAL,
    ChildAttendance.PART: InviteeAttendance.PART,
    ChildAttendance.DID_NOT_ATTEND: InviteeAttendance.DID_NOT_ATTEND,
}


# And back: a child's invitation says whether they came, for the record's first answer.
INVITED_ATTENDANCE_AS_CHILD = {
    **{invited: child for child, invited in CHILD_ATTENDANCE_AS_INVITED.items()},
    InviteeAttendance.APOLOGIES: ChildAttendance.DID_NOT_ATTEND,
}


def attendance_invited(conference: Conference) -> dict[int, str]:
    """Each child's attendance as their own invitation says it, by child id (children
    not invited, or whose attendance is not recorded there, left out): the record form
    starts from it, so who came is not asked twice."""
    from iro.journey.invitations import invited_child

    said = {}
    for invitation in conference.invitations.filter(role=InviteeRole.CHILD).exclude(attendance=""):
        child = invited_child(invitation)
        if child is not None and invitation.attendance in INVITED_ATTENDANCE_AS_CHILD:
            said[child.pk] = INVITED_ATTENDANCE_AS_CHILD[invitation.attendance]
    return said


def _children_invited_attended(conference: Conference, acting_user) -> None:
    """A child invited to their conference: their invitation says whether they came as
    the record does, where nobody has said it on the invitation yet (the list of who
    attended would otherwise say "Not recorded" beside a record that says they came)."""
    from iro.journey.invitations import invited_child

    attended = {
        row.child_id: row.attendance
        for row in conference.children.all()
        if row.attendance in CHILD_ATTENDANCE_AS_INVITED
    }
    for invitation in conference.invitations.filter(role=InviteeRole.CHILD, attendance=""):
        child = invited_child(invitation)
        if child is not None and child.pk in attended:
            invitation.attendance = CHILD_ATTENDANCE_AS_INVITED[attended[child.pk]]
            saved_by(invitation, acting_user).save(update_fields=["attendance"])


def _open_plan(child: Child, *, on: date) -> Plan | None:
    return (
        Plan.objects.filter(child=child, start_date__lte=on, end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )


def check_held(
    errors: Errors,
    *,
    conference: Conference,
    rows: list[ConferenceChild],
    held_on: date,
    outcomes: Mapping[int, ChildOutcome],
    acting_user,
    closures: Iterable[date],
    lateness_reason: str = "",
    lateness_detail: str = "",
    imported: bool = False,
    plan_open_on=None,
    held_reviews=None,
) -> date | None:
    """``record_conference_held``'s rules for the conference and its ``rows`` (as the
    records hold them); returns the earliest due date passed, if any. ``plan_open_on(child,
    on=)`` and ``held_reviews(plan)`` answer from memory when the caller holds the records
    (the bulk census import); else they are read."""
    if conference.status == ConferenceStatus.HELD:
        errors.add("held_on", ALREADY_HELD)
    if conference.status == ConferenceStatus.CANCELLED:
        errors.add("held_on", CANCELLED)
    errors.add("held_on", not_in_future(held_on))
    latest_due: date | None = None
    passed_review: date | None = None  # the latest review it would be held before
    for row in rows:
        child = row.child
        errors.add(
            "held_on", before_birth(held_on, child=child, name=display_name(acting_user, child))
        )
        outcome = outcomes.get(child.pk)
        if outcome is None:
            errors.add(f"outcome_{child.pk}", OUTCOME_MISSING.format(child=child))
            continue
        record_errors(
            errors,
            kind=conference.kind,
            child=child,
            outcome=outcome,
            held_on=held_on,
            imported=imported,
        )
        if (
            conference.kind == ConferenceKind.INITIAL
            and row.section47
            and held_on < row.section47.start_date
        ):
            errors.add("held_on", BEFORE_S47.format(date=row.section47.start_date))
        if conference.kind == ConferenceKind.REVIEW and row.plan:
            if held_on < row.plan.start_date:
                errors.add("held_on", BEFORE_PLAN_START.format(date=row.plan.start_date))
            if row.plan.end_date is not None:
                errors.add("held_on", PLAN_NOT_OPEN.format(date=row.plan.end_date))
            booked = conference.scheduled_date
            if not imported and booked is not None and held_on < booked:
                # A review booked after the plan's last one cannot be held before it (a
                # mistyped month would make it the earlier review and reorder the plan's
                # timeline); one booked for an earlier date, recorded late, may be.
                reviews = (held_reviews or review_dates)(row.plan)
                passed = [d for d in reviews if held_on < d < booked]
                if passed and (passed_review is None or max(passed) > passed_review):
                    passed_review = max(passed)
        if (
            outcome.decision == Decision.PLAN
            and outcome.existing_plan is None
            and (
                open_plan := (_open_plan if plan_open_on is None else plan_open_on)(
                    child, on=held_on
                )
            )
            is not None
        ):
            errors.add(
                f"decision_{child.pk}",
                ALREADY_ON_PLAN.format(child=child, date=open_plan.start_date),
            )
        due = due_date(
            kind=conference.kind,
            section47=row.section47,
            plan=row.plan,
            notified_on=conference.notified_on,
            before=held_on,
            closures=closures,
            reviews=(
                [d for d in held_reviews(row.plan) if d < held_on]
                if held_reviews is not None and row.plan is not None
                else None
            ),
        )
        if due is not None and held_on > due:
            latest_due = due if latest_due is None else min(latest_due, due)
    if passed_review is not None:
        errors.add(
            "held_on",
            BEFORE_LAST_REVIEW.format(date=passed_review, booked=conference.scheduled_date),
        )
    if lateness_reason and lateness_reason not in choice_values(LatenessReason):
        errors.add(
            "lateness_reason", UNKNOWN_CODE.format(value=lateness_reason, what="lateness reason")
        )
    if latest_due is not None and not imported:
        if not lateness_reason:
            errors.add("lateness_reason", LATENESS_REASON_REQUIRED.format(due=latest_due))
        elif lateness_reason == LatenessReason.OTHER and not lateness_detail.strip():
            errors.add("lateness_detail", LATENESS_DETAIL_REQUIRED)
    errors.add("lateness_detail", text_limits.too_long(lateness_detail, text_limits.REASON))
    return latest_due


@transaction.atomic
def record_conference_held(
    *,
    conference: Conference,
    held_on: date,
    outcomes: Mapping[int, ChildOutcome],
    acting_user,
    lateness_reason: str = "",
    lateness_detail: str = "",
    expected_version: int,
    imported: bool = False,
) -> Conference:
    """Record that the conference took place, and each child's decision.

    ``outcomes`` maps child primary key to that child's outcome. An initial or
    transfer-in "plan" decision starts a plan on ``held_on``; a review
    "continue" may change the latest category, "end" ends the plan that day.
    Held outside timescale, a reason is required (a census ``imported``
    conference may not know it). What each child's record must hold is
    ``record_errors``'s; an ``imported`` record holds only the plan facts.
    """
    require(acting_user, Capability.CHAIR_CONFERENCES, conference=conference, importable=True)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    errors = Errors()
    rows = list(conference.children.select_related("child", "section47", "plan").order_by("pk"))
    latest_due = check_held(
        errors,
        conference=conference,
        rows=rows,
        held_on=held_on,
        outcomes=outcomes,
        acting_user=acting_user,
        closures=_closures(),
        lateness_reason=lateness_reason,
        lateness_detail=lateness_detail,
        imported=imported,
    )
    errors.raise_if_any()

    conference.status = ConferenceStatus.HELD
    conference.held_on = held_on
    conference.lateness_reason = lateness_reason if latest_due is not None else ""
    conference.lateness_detail = lateness_detail if latest_due is not None else ""
    conference.from_return = imported
    conference.version += 1
    saved_by(conference, acting_user).save(
        update_fields=[
            "status",
            "held_on",
            "lateness_reason",
            "lateness_detail",
            "from_return",
            "version",
        ]
    )
    for row in rows:
        outcome = outcomes[row.child.pk]
        _write_record(row, outcome, acting_user)
        if outcome.decision == Decision.PLAN:
            if outcome.existing_plan is not None:
                row.plan = outcome.existing_plan
            else:
                row.plan = start_plan(
                    child=row.child,
                    start_date=held_on,
                    category=outcome.category,
                    previous_plans=outcome.previous_plans,
                    # A transfer-in has no S47 here: the plan joins the open episode.
                    episode=(
                        row.section47.episode
                        if row.section47
                        else episode_open_on(row.child, held_on)
                    ),
                    acting_user=acting_user,
                )
        elif conference.kind == ConferenceKind.REVIEW and row.plan is not None:
            if outcome.category and outcome.category != row.plan.latest_category:
                change_latest_category(
                    plan=row.plan,
                    category=outcome.category,
                    acting_user=acting_user,
                    expected_version=row.plan.version,
                )
            if outcome.decision == Decision.END:
                end_plan(
                    plan=row.plan,
                    ended_on=held_on,
                    reason=outcome.end_reason,
                    acting_user=acting_user,
                    expected_version=row.plan.version,
                )
        saved_by(row, acting_user).save()
    if not imported:  # (a census return's conference has no invitations here)
        _children_invited_attended(conference, acting_user)
        # Everyone invited is asked what they thought: a single-use link each, emailed
        # or printed in a letter (challenge.feedback_links), in this same transaction.
        from iro.challenge.feedback_links import issue_feedback_links

        issue_feedback_links(conference=conference, acting_user=acting_user)
    _settle_chair_notice(conference, acting_user)
    return conference


def _settle_chair_notice(conference: Conference, acting_user) -> None:
    """A conference recorded as held is no longer waiting for its chair."""
    from iro.notices.services import settle

    settle(conference.get_absolute_url(), acting_user=acting_user)


@transaction.atomic
def cancel_conference(
    *,
    conference: Conference,
    reason: str,
    detail: str = "",
    acting_user,
    expected_version: int,
) -> Conference:
    """Cancel a booked conference, saying why (``CancellationReason``; ``detail`` required
    for another reason): the conference page keeps who cancelled it, when and why."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    if conference.status == ConferenceStatus.HELD:
        raise ValidationError({"status": ALREADY_HELD})
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError({"status": ALREADY_CANCELLED})
    detail = (detail or "").strip()
    errors = Errors()
    if reason not in CancellationReason.values:
        errors.add("reason", CANCELLATION_REASON_REQUIRED)
    elif reason == CancellationReason.OTHER and not detail:
        errors.add("detail", CANCELLATION_DETAIL_REQUIRED)
    errors.add("detail", text_limits.too_long(detail, text_limits.REASON))
    errors.raise_if_any()
    return _cancel(conference, reason=reason, detail=detail, acting_user=acting_user)


def _cancel(conference: Conference, *, reason: str, detail: str, acting_user) -> Conference:
    """Write a cancellation (the caller has checked it may be made)."""
    conference.status = ConferenceStatus.CANCELLED
    conference.cancelled_on = today()
    conference.cancelled_by = acting_user
    conference.cancellation_reason = reason
    conference.cancellation_detail = detail
    conference.version += 1
    saved_by(conference, acting_user).save(
        update_fields=[
            "status",
            "cancelled_on",
            "cancelled_by",
            "cancellation_reason",
            "cancellation_detail",
            "version",
        ]
    )
    _tell_chairs(conference, was=conference.chair, acting_user=acting_user)
    return conference


def _clock_started(conference: Conference) -> date | None:
    """The day the conference's timescale began, the earliest a delay to it can be agreed:
    a Section 47 enquiry's start for an initial conference, the day the authority was
    told for a transfer-in, the plan's last conference before it for a review (the
    earliest over its children)."""
    if conference.kind == ConferenceKind.TRANSFER_IN:
        return conference.notified_on
    starts = []
    for row in conference.children.select_related("section47", "plan"):
        if conference.kind == ConferenceKind.INITIAL and row.section47 is not None:
            starts.append(row.section47.start_date)
        elif row.plan is not None:
            before = review_dates(row.plan, before=conference.held_on) if conference.held_on else []
            starts.append(before[-1] if before else row.plan.start_date)
    return min(starts, default=None)


@transaction.atomic
def decide_late_conference(
    *,
    conference: Conference,
    decision: str,
    decided_on: date,
    comment: str = "",
    acting_user,
    change_reason_text: str | None = None,
) -> Conference:
    """A manager's decision on a conference held outside timescale: agreed, or the reason
    not accepted (with a comment saying why), by a manager who did not chair it. Made
    once; changed (``change_reason_text``: why, required) as a correction kept in the
    record's history, the earlier decision in it."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if not has_capability(acting_user, Capability.AGREE_LATE_CONFERENCES):
        raise ValidationError({"late_decision": CANNOT_AGREE_LATE})
    require_conference_children(acting_user, conference)
    if not conference.lateness_reason:
        raise ValidationError({"late_decision": NOT_LATE})
    changing = change_reason_text is not None
    if changing and not conference.late_decision:
        raise ValidationError({"late_decision": LATE_NOT_YET_DECIDED})
    if conference.late_decision and not changing:
        raise ValidationError(
            {
                "late_decision": LATE_ALREADY_DECIDED.format(
                    who=conference.late_decided_by or "A manager",
                    date=conference.late_decided_on,
                    decision=conference.get_late_decision_display().lower(),
                )
            }
        )
    if conference.chair_id is not None and conference.chair_id == acting_user.pk:
        raise ValidationError({"late_decision": LATE_OWN_CONFERENCE})
    comment = (comment or "").strip()
    errors = Errors()
    if decision not in LateDecision.values:
        errors.add("late_decision", LATE_DECISION_REQUIRED)
    elif decision == LateDecision.NOT_AGREED and not comment:
        errors.add("late_decision_comment", LATE_COMMENT_REQUIRED)
    errors.add("late_decision_comment", text_limits.too_long(comment, text_limits.REASON))
    if decided_on is None:
        errors.add("late_decided_on", LATE_DATE_REQUIRED)
    errors.add("late_decided_on", not_in_future(decided_on))
    started = _clock_started(conference)
    if decided_on is not None and started is not None and decided_on < started:
        errors.add("late_decided_on", LATE_BEFORE_CLOCK.format(date=started))
    if changing:
        if not change_reason_text.strip():
            errors.add("late_change_reason", LATE_CHANGE_REASON_REQUIRED)
        errors.add(
            "late_change_reason", text_limits.too_long(change_reason_text, text_limits.REASON)
        )
        if (decision, comment) == (conference.late_decision, conference.late_decision_comment):
            errors.add("late_decision", LATE_DECISION_UNCHANGED)
    errors.raise_if_any()
    from iro.journey.held_date import FIELD_DECISION, decision_shown

    before = decision_shown(conference)
    conference.late_decision = decision
    conference.late_decided_by = acting_user
    conference.late_decided_on = decided_on
    conference.late_decision_comment = comment
    fields = ["late_decision", "late_decided_by", "late_decided_on", "late_decision_comment"]
    if changing:
        after = decision_shown(conference)
        save_amendment(
            conference,
            acting_user=acting_user,
            reason=change_reason_text.strip(),
            changes=[
                {"child": child_id, "field": FIELD_DECISION, "before": before, "after": after}
                for child_id in conference.children.order_by("pk").values_list(
                    "child_id", flat=True
                )
            ],
            update_fields=fields,
        )
    else:
        conference.version += 1
        saved_by(conference, acting_user).save(update_fields=[*fields, "version"])
    return conference


def save_amendment(
    conference: Conference,
    *,
    acting_user,
    reason: str,
    changes: list[dict],
    update_fields: list[str] | None = None,
) -> ConferenceAmendment:
    """Save a correction of held ``conference``, the one way every correction is kept:
    its version moves on, its history row carries ``reason``, and an amendment keeps
    who, when, why and ``changes`` (each child's field from what to what). With
    ``update_fields`` only those (and the version) are saved."""
    conference.version += 1
    conference._change_reason = change_reason(reason)
    saved = saved_by(conference, acting_user)
    if update_fields is None:
        saved.save()
    else:
        saved.save(update_fields=[*update_fields, "version"])
    return ConferenceAmendment.objects.create(
        conference=conference,
        amended_by=acting_user,
        amended_at=timezone.now(),
        reason=reason,
        version=conference.version,
        changes=changes,
    )


def minutes_out_of_date(conference: Conference) -> None:
    """An amended record makes minutes already sent out of date: they are to be sent
    again (back among the minutes to send), and the new ones say they replace them.
    The caller saves ``conference``."""
    if conference.minutes_sent_on is not None:
        conference.minutes_replaced_sent_on = conference.minutes_sent_on
        conference.minutes_sent_on = None


@transaction.atomic
def record_minutes_sent(
    *, conference: Conference, sent_on: date, acting_user, expected_version: int
) -> Conference:
    """Record the day the minutes and plan of a held conference were sent out."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    errors = Errors()
    if conference.status != ConferenceStatus.HELD or conference.held_on is None:
        errors.add("minutes_sent_on", MINUTES_NOT_HELD)
    elif conference.minutes_sent_on is not None:
        errors.add("minutes_sent_on", MINUTES_ALREADY_SENT.format(date=conference.minutes_sent_on))
    elif sent_on < conference.held_on:
        errors.add("minutes_sent_on", MINUTES_BEFORE_HELD.format(date=conference.held_on))
    errors.add("minutes_sent_on", not_in_future(sent_on))
    errors.raise_if_any()
    conference.minutes_sent_on = sent_on
    conference.version += 1
    saved_by(conference, acting_user).save(update_fields=["minutes_sent_on", "version"])
    return conference


# ------------------------------------------------ the social work report for a conference

REPORT_AFTER_CONFERENCE = (
    "The date cannot be after the conference on {date:%-d %B %Y}: a report read afterwards "
    "did not reach the conference."
)
REPORT_NOTHING_CHANGED = "Nothing has changed: give a date, or go back."
# A report is written for its conference: one dated earlier than this before it is a typo
# (a review's report is not written before the previous review, six months earlier).
REPORT_EARLIEST_DAYS = 92
REPORT_TOO_EARLY = (
    "The date is more than 3 months before the conference on {date:%-d %B %Y}: a report is "
    "written for its conference. Check the year."
)


def _for_the_conference(given: date | None, day: date | None, *, after: str, too_early: str):
    """Why a date of work for the conference on ``day`` (the report reaching the chair,
    the chair meeting the family) is refused, one message for a date, or None: in the
    future, after the conference (``after``), or more than 3 months before it
    (``too_early``: a year typed wrong)."""
    wrong = not_in_future(given)
    if wrong or given is None or day is None:
        return wrong
    if given > day:
        return after
    if (day - given).days > REPORT_EARLIEST_DAYS:
        return too_early
    return None


@transaction.atomic
def record_conference_report(
    *,
    conference: Conference,
    received_on: date | None,
    shared_on: date | None,
    acting_user,
    expected_version: int | None,
) -> Conference:
    """Record the days the social work report for ``conference`` reached the chair
    (``received_on``) and the family (``shared_on``); None where it has not yet (a date
    given before may be taken back, as a mistake). Both on or before the conference."""
    require(acting_user, Capability.RECORD_CONFERENCE_REPORT, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    errors = Errors()
    if conference.status == ConferenceStatus.CANCELLED:
        errors.add(NON_FIELD_ERRORS, CANCELLED)
    day = conference.held_on or conference.scheduled_date
    for field, given in (("report_received_on", received_on), ("report_shared_on", shared_on)):
        errors.add(
            field,
            _for_the_conference(
                given,
                day,
                after=REPORT_AFTER_CONFERENCE.format(date=day),
                too_early=REPORT_TOO_EARLY.format(date=day),
            ),
        )
    if (received_on, shared_on) == (
        conference.report_received_on,
        conference.report_shared_on,
    ) and not errors.by_field:
        errors.add(NON_FIELD_ERRORS, REPORT_NOTHING_CHANGED)
    errors.raise_if_any()
    conference.report_received_on = received_on
    conference.report_shared_on = shared_on
    conference.version += 1
    saved_by(conference, acting_user).save(
        update_fields=["report_received_on", "report_shared_on", "version"]
    )
    return conference


# ------------------------------------------------- amending a held conference's record

AMEND_NOT_CHAIR = "Only the conference's chair or an IRO manager can amend its record."
AMEND_NOT_HELD = "Only a conference recorded as held can be amended."
AMEND_REASON_REQUIRED = "Enter why the record is being amended."
AMEND_NOTHING_CHANGED = "Nothing has changed: change the record, or go back."
DECISION_CHANGE_REFUSED = (
    "{child}'s decision cannot be changed from “{before}” to “{after}” by "
    "amending the record: the plan facts that decision made are relied on elsewhere. "
    "Only a decision to continue a plan can be corrected to ending it. To correct it, "
    "the IRO service manager voids this conference (the record is kept in its history) "
    "and it is recorded again with the right decision."
)
LATER_CONFERENCE = (
    "{child}'s plan has been reviewed since this conference: correct the {what} at its "
    "latest review instead."
)
PLAN_ALREADY_ENDED_AMEND = (
    "{child}'s plan has already ended, on {date:%-d %B %Y}: the decision to continue it "
    "cannot be corrected to ending it here."
)
CIN_PLAN_MOVED_ON = (
    "The Child in Need plan that followed {child}'s plan has ended since: the reason the "
    "child protection plan ended cannot be changed by amending."
)

# The fields an amendment compares, with the words the history shows.
AMENDED_FIELDS = {
    "decision": "Decision",
    "category": "Category of abuse",
    "end_reason": "What happens next",
    "attendance": "Did the child attend?",
    "advocate_attended": "An advocate attended",
    "written_views": "Written views shared",
    "direct_work": "Direct work shared",
    "wishes_feelings": "The child's wishes and feelings",
    "worries": "What we are worried about",
    "working_well": "What is working well",
    "needs_to_happen": "What needs to happen",
    "scaling_score": "Scaling judgement",
    "outline_plan": "Outline plan",
    "first_core_group_on": "First core group meeting",
    "recommendations": "Agencies' recommendations",
    "dissent": "Who disagreed with the decision",
    "kept_from_family": "Kept from the family",
}


def may_amend(user, conference: Conference) -> bool:
    """The chair amends their conference's record; an IRO manager may amend any."""
    return has_capability(user, Capability.CHAIR_CONFERENCES) and (
        conference.chair_id == user.pk or has_capability(user, Capability.SCHEDULE_CONFERENCES)
    )


def held_for_amending(conference: Conference, acting_user, expected_version) -> Conference:
    """The held conference locked for a correction by its chair or an IRO manager, from
    the version the corrector saw: what amending its record and correcting its date held
    (``journey.held_date``) both start from."""
    require(acting_user, Capability.CHAIR_CONFERENCES, conference=conference)
    if not may_amend(acting_user, conference):
        raise PermissionDenied(AMEND_NOT_CHAIR)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError({"reason": AMEND_NOT_HELD})
    return conference


def _shown(field: str, value) -> str:
    """A value as the history shows it."""
    if field == "recommendations":
        return "\n".join(
            f"{agency}: {Decision(rec).label}" + (f" ({comment})" if comment else "")
            for agency, rec, comment in value
        )
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, int):
        return f"{value} out of 10"
    choices = {
        "decision": Decision,
        "category": Category,
        "end_reason": PlanEndReason,
        "attendance": ChildAttendance,
    }.get(field)
    return str(choices(value).label) if choices else str(value)


def _snapshot(row: ConferenceChild, end_reason: str, recommendations) -> dict[str, str]:
    values = {name: getattr(row, name, None) for name in AMENDED_FIELDS}
    values["end_reason"] = end_reason
    values["recommendations"] = recommendations
    return {name: _shown(name, value) for name, value in values.items()}


def _reviewed_since(plan: Plan, conference: Conference) -> bool:
    """True when a later held conference has reviewed ``plan``."""
    return (
        ConferenceChild.objects.filter(
            plan=plan,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__gt=conference.held_on,
        )
        .exclude(conference=conference)
        .exists()
    )


def _amend_plan_errors(
    errors: Errors, conference: Conference, row: ConferenceChild, outcome: ChildOutcome
) -> None:
    """Refuse the decision and plan changes an amendment cannot apply safely."""
    child, key, plan = row.child, f"_{row.child_id}", row.plan
    if outcome.decision != row.decision:
        continue_to_end = row.decision == Decision.CONTINUE and outcome.decision == Decision.END
        if not continue_to_end:
            errors.add(
                f"decision{key}",
                DECISION_CHANGE_REFUSED.format(
                    child=child,
                    before=_shown("decision", row.decision),
                    after=_shown("decision", outcome.decision),
                ),
            )
            return
        if plan is not None and plan.end_date is not None:
            errors.add(
                f"decision{key}", PLAN_ALREADY_ENDED_AMEND.format(child=child, date=plan.end_date)
            )
            return
    if plan is None:
        return
    later = _reviewed_since(plan, conference)
    if _plan_category_changes(row, outcome) and later:
        errors.add(f"category{key}", LATER_CONFERENCE.format(child=child, what="category"))
    ending_changed = outcome.decision == Decision.END and (
        outcome.decision != row.decision or outcome.end_reason != plan.end_reason
    )
    if ending_changed and later:
        errors.add(f"decision{key}", LATER_CONFERENCE.format(child=child, what="plan's ending"))


def _plan_category_changes(row: ConferenceChild, outcome: ChildOutcome) -> bool:
    """True when the amended category changes the plan's own (initial when the conference
    started it, else latest)."""
    if row.plan is None or not outcome.category:
        return False
    own = row.plan.initial_category if row.decision == Decision.PLAN else row.plan.latest_category
    return outcome.category != own


def _correct_initial_category(*, plan: Plan, category: str, acting_user, reason: str) -> None:
    """A plan started at the amended conference, not reviewed since: its category as a
    whole is corrected (the latest is the initial one until a review changes it)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.initial_category = plan.latest_category = category
    plan.version += 1
    plan._change_reason = change_reason(reason)
    saved_by(plan, acting_user).save(
        update_fields=["initial_category", "latest_category", "version"]
    )


def _correct_end_reason(*, plan: Plan, reason: str, acting_user, why: str, child) -> None:
    """Correct why a plan ended; the Child in Need plan a step down starts follows it."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.end_reason == PlanEndReason.STEP_DOWN_CIN and plan.episode is not None:
        stepped_down = CinPlanPeriod.objects.filter(
            episode=plan.episode, start_date=plan.end_date
        ).first()
        if stepped_down is not None and stepped_down.end_date is not None:
            raise ValidationError(
                {f"end_reason_{plan.child_id}": CIN_PLAN_MOVED_ON.format(child=child)}
            )
        if stepped_down is not None:
            stepped_down._change_reason = change_reason(why)
            saved_by(stepped_down, acting_user).delete()
    if reason == PlanEndReason.STEP_DOWN_CIN and plan.episode is not None:
        _start_cin_plan(episode=plan.episode, start_date=plan.end_date, acting_user=acting_user)
    plan.end_reason = reason
    plan.version += 1
    plan._change_reason = change_reason(why)
    saved_by(plan, acting_user).save(update_fields=["end_reason", "version"])


@transaction.atomic
def amend_conference_record(
    *,
    conference: Conference,
    outcomes: Mapping[int, ChildOutcome],
    reason: str,
    acting_user,
    expected_version: int,
) -> ConferenceAmendment:
    """Correct a held conference's record, with a reason: never a silent change.

    The record must be as complete as a new one (``record_errors``). The date held and
    the lateness are corrected by ``journey.held_date``, not here. A decision to continue
    a plan may be corrected to ending it (the plan ends through ``end_plan``, with its
    reason); other decision changes are refused, as are plan changes once a later
    conference has reviewed the plan. The amendment row keeps who, when, why, and each
    field from what to what.
    """
    conference = held_for_amending(conference, acting_user, expected_version)
    errors = Errors()
    reason = reason.strip()
    if not reason:
        errors.add("reason", AMEND_REASON_REQUIRED)
    errors.add("reason", text_limits.too_long(reason, text_limits.REASON))
    rows = list(
        conference.children.select_related("child", "plan")
        .prefetch_related("recommendations")
        .order_by("pk")
    )
    for row in rows:
        outcome = outcomes.get(row.child_id)
        if outcome is None:
            errors.add(f"outcome_{row.child_id}", OUTCOME_MISSING.format(child=row.child))
            continue
        record_errors(
            errors,
            kind=conference.kind,
            child=row.child,
            outcome=outcome,
            held_on=conference.held_on,
            imported=False,
        )
        _amend_plan_errors(errors, conference, row, outcome)
    errors.raise_if_any()

    changes = []
    for row in rows:
        outcome = outcomes[row.child_id]
        plan = row.plan
        old_end = plan.end_reason if plan is not None and row.decision == Decision.END else ""
        old_recs = [(r.agency, r.recommendation, r.comment) for r in row.recommendations.all()]
        before = _snapshot(row, old_end, old_recs)
        new_recs = [
            (r.agency.strip(), r.recommendation, r.comment) for r in outcome.recommendations
        ]
        if plan is not None:
            if _plan_category_changes(row, outcome):
                if row.decision == Decision.PLAN:
                    _correct_initial_category(
                        plan=plan, category=outcome.category, acting_user=acting_user, reason=reason
                    )
                else:
                    change_latest_category(
                        plan=plan,
                        category=outcome.category,
                        acting_user=acting_user,
                        expected_version=current_version(plan),
                    )
            if outcome.decision == Decision.END and row.decision == Decision.CONTINUE:
                end_plan(
                    plan=plan,
                    ended_on=conference.held_on,
                    reason=outcome.end_reason,
                    acting_user=acting_user,
                    expected_version=current_version(plan),
                )
            elif outcome.decision == Decision.END and outcome.end_reason != old_end:
                _correct_end_reason(
                    plan=plan,
                    reason=outcome.end_reason,
                    acting_user=acting_user,
                    why=reason,
                    child=row.child,
                )
        _write_record(row, outcome, acting_user)
        after = _snapshot(row, outcome.end_reason, new_recs)
        changed = [name for name in AMENDED_FIELDS if before[name] != after[name]]
        if changed:
            row._change_reason = change_reason(reason)
            saved_by(row, acting_user).save()
        changes += [
            {
                "child": row.child_id,
                "field": AMENDED_FIELDS[name],
                "before": before[name],
                "after": after[name],
            }
            for name in changed
        ]
    if not changes:
        raise ValidationError({NON_FIELD_ERRORS: AMEND_NOTHING_CHANGED})
    _children_invited_attended(conference, acting_user)
    minutes_out_of_date(conference)
    return save_amendment(
        conference,
        acting_user=acting_user,
        reason=reason,
        changes=changes,
        update_fields=["minutes_sent_on", "minutes_replaced_sent_on"],
    )


# ------------------------------------------------------------------- plans


def plan_overlaps(plan: Plan, start_date: date) -> bool:
    """Whether ``plan`` covers ``start_date`` (a plan cannot start inside another)."""
    return plan.start_date <= start_date and (plan.end_date is None or plan.end_date > start_date)


def check_plan_start(
    errors: Errors,
    *,
    child: Child,
    start_date: date,
    category: str,
    latest_category: str | None,
    previous_plans: int | None,
    acting_user,
    overlaps: bool,
) -> None:
    """``start_plan``'s rules (``overlaps``: another plan of the child covers the start)."""
    errors.add("start_date", not_in_future(start_date))
    errors.add(
        "start_date",
        before_birth(start_date, child=child, name=display_name(acting_user, child)),
    )
    for field, value in (("initial_category", category), ("latest_category", latest_category)):
        if value is not None and value not in choice_values(Category):
            errors.add(field, UNKNOWN_CODE.format(value=value, what="category of abuse"))
    if overlaps:
        errors.add("start_date", OVERLAPPING_PLAN.format(child=child, date=start_date))
    if previous_plans is not None and previous_plans < 0:
        errors.add("previous_plans", "The number of previous plans cannot be negative.")


@transaction.atomic
def start_plan(
    *,
    child: Child,
    start_date: date,
    category: str,
    acting_user,
    latest_category: str | None = None,
    previous_plans: int | None = None,
    episode: Episode | None = None,
) -> Plan:
    """Start a child protection plan. ``previous_plans`` defaults to the child's earlier plans."""
    require(acting_user, Capability.CHAIR_CONFERENCES, child=child, importable=True)
    errors = Errors()
    overlapping = Plan.objects.filter(child=child, start_date__lte=start_date).filter(
        end_date__isnull=True
    ) | Plan.objects.filter(child=child, start_date__lte=start_date, end_date__gt=start_date)
    check_plan_start(
        errors,
        child=child,
        start_date=start_date,
        category=category,
        latest_category=latest_category,
        previous_plans=previous_plans,
        acting_user=acting_user,
        overlaps=overlapping.exists(),
    )
    errors.raise_if_any()
    if previous_plans is None:
        previous_plans = Plan.objects.filter(child=child, start_date__lt=start_date).count()
    plan = Plan(
        child=child,
        episode=episode,
        start_date=start_date,
        initial_category=category,
        latest_category=latest_category or category,
        previous_plans=previous_plans,
    )
    saved_by(plan, acting_user).save()
    return plan


@transaction.atomic
def change_latest_category(
    *, plan: Plan, category: str, acting_user, expected_version: int
) -> Plan:
    require(acting_user, Capability.CHAIR_CONFERENCES, child=plan.child_id, importable=True)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_version(plan, expected_version)
    if category not in choice_values(Category):
        raise ValidationError(
            {"latest_category": UNKNOWN_CODE.format(value=category, what="category of abuse")}
        )
    plan.latest_category = category
    plan.version += 1
    saved_by(plan, acting_user).save(update_fields=["latest_category", "version"])
    return plan


def check_plan_end(
    errors: Errors, *, plan: Plan, ended_on: date, reason: str, continued: date | None
) -> None:
    """``end_plan``'s rules (``continued``: the latest held review after ``ended_on`` that
    continued the plan, if any)."""
    if plan.end_date is not None:
        errors.add("end_date", PLAN_ALREADY_ENDED)
    errors.add("end_date", not_in_future(ended_on))
    if ended_on < plan.start_date:
        errors.add("end_date", PLAN_END_BEFORE_START.format(date=plan.start_date))
    elif ended_on == plan.start_date:
        errors.add("end_date", PLAN_SAME_DAY)
    if continued is not None:
        errors.add("end_date", PLAN_END_BEFORE_REVIEW.format(end=ended_on, review=continued))
    if not reason:
        errors.add("end_reason", END_REASON_REQUIRED)
    elif reason not in choice_values(PlanEndReason):
        errors.add("end_reason", UNKNOWN_CODE.format(value=reason, what="reason"))


@transaction.atomic
def end_plan(
    *,
    plan: Plan,
    ended_on: date,
    reason: str,
    acting_user,
    expected_version: int,
) -> Plan:
    """End a plan; the child steps down (to a Child in Need plan) or the case closes."""
    require(acting_user, Capability.CHAIR_CONFERENCES, child=plan.child_id, importable=True)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_version(plan, expected_version)
    errors = Errors()
    continued = (
        ConferenceChild.objects.filter(
            plan=plan,
            decision=Decision.CONTINUE,
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__gt=ended_on,
        )
        .order_by("-conference__held_on")
        .values_list("conference__held_on", flat=True)
        .first()
    )
    check_plan_end(errors, plan=plan, ended_on=ended_on, reason=reason, continued=continued)
    errors.raise_if_any()
    plan.end_date = ended_on
    plan.end_reason = reason
    plan.version += 1
    saved_by(plan, acting_user).save(update_fields=["end_date", "end_reason", "version"])
    if reason == PlanEndReason.STEP_DOWN_CIN and plan.episode is not None:
        _start_cin_plan(episode=plan.episode, start_date=ended_on, acting_user=acting_user)
    _off_booked_reviews(plan, acting_user)
    return plan


PLAN_ENDED_CANCELLATION = "The child protection plan of {child} ended on {date:%-d %B %Y}."


def _off_booked_reviews(plan: Plan, acting_user) -> None:
    """A plan that ends has no more reviews: its child comes off a review booked for it,
    and a review booked for that child alone is cancelled (reason: not needed), the
    invitations told as for any change or cancellation. A consequence of the plan's end,
    recorded by whoever ended it (a chair), not a booking decision of its own."""
    rows = ConferenceChild.objects.filter(
        plan=plan, conference__status=ConferenceStatus.SCHEDULED
    ).select_related("child")
    for row in rows:
        conference = Conference.objects.select_for_update().get(pk=row.conference_id)
        if conference.children.exclude(pk=row.pk).exists():
            saved_by(row, acting_user).delete()
            conference.version += 1
            saved_by(conference, acting_user).save(update_fields=["version"])
        else:
            detail = PLAN_ENDED_CANCELLATION.format(
                child=row.child.first_name or row.child.la_child_id, date=plan.end_date
            )
            _cancel(
                conference,
                reason=CancellationReason.NOT_NEEDED,
                detail=detail,
                acting_user=acting_user,
            )
        if raise_calendar_sequence(conference, acting_user):
            _tell_after_plan_end(conference.pk, acting_user)


def _tell_after_plan_end(pk: int, acting_user) -> None:
    from iro.journey import invitations

    transaction.on_commit(
        lambda: invitations.send_updates_after_plan_end(
            conference=Conference.objects.get(pk=pk), acting_user=acting_user
        ),
        robust=True,
    )


def booked_reviews_of(plan: Plan) -> list[tuple[Conference, bool]]:
    """The reviews booked for ``plan``, each with whether ending the plan would cancel it
    (booked for its child alone; else the child comes off it): said before it ends."""
    rows = ConferenceChild.objects.filter(
        plan=plan, conference__status=ConferenceStatus.SCHEDULED
    ).select_related("conference")
    return [
        (row.conference, not row.conference.children.exclude(pk=row.pk).exists())
        for row in rows.order_by("conference__scheduled_date", "pk")
    ]


def booked_reviews_left(plans) -> list[tuple[Conference, bool]]:
    """The booked reviews the end of ``plans`` changed (``_off_booked_reviews``), each
    with whether it is cancelled (else their children were taken off it): for saying so
    to whoever ended them."""
    ended = [p for p in plans if p.end_date is not None]
    if not ended:
        return []
    taken_off = set(
        ConferenceChild.history.filter(
            plan_id__in=[p.pk for p in ended], history_type="-"
        ).values_list("conference_id", flat=True)
    )
    cancelled = set()
    for plan in ended:
        # Only the cancellations the plan's end made (its own words), not a review the
        # coordinator had cancelled for another reason.
        rows = ConferenceChild.objects.filter(
            plan=plan,
            conference__status=ConferenceStatus.CANCELLED,
            conference__cancelled_on__gte=plan.end_date,
            conference__cancellation_reason=CancellationReason.NOT_NEEDED,
        ).select_related("child", "conference")
        cancelled |= {
            row.conference_id
            for row in rows
            if row.conference.cancellation_detail
            == PLAN_ENDED_CANCELLATION.format(
                child=row.child.first_name or row.child.la_child_id, date=plan.end_date
            )
        }
    conferences = Conference.objects.filter(
        pk__in=taken_off | cancelled, kind=ConferenceKind.REVIEW
    ).order_by("scheduled_date", "pk")
    return [(c, c.pk in cancelled) for c in conferences]


def booked_reviews_said(plans) -> str:
    """What the end of ``plans`` did to reviews booked for them, in a sentence or two
    for whoever ended them ("" when none was booked)."""
    said = []
    for conference, cancelled in booked_reviews_left(plans):
        day = f"{conference.scheduled_date:%-d %B %Y}" if conference.scheduled_date else "no date"
        if cancelled:
            said.append(
                f"The review booked for {day} is cancelled: it was for this plan alone, and "
                "those invited are told."
            )
        else:
            said.append(
                f"The review booked for {day} goes ahead without the child whose plan ended; "
                "those invited are told."
            )
    return " ".join(said)


# ------------------------------------------ conference arrangements (invitations, pre-meetings)

NOT_SCHEDULED = "Only a conference that is still scheduled can be changed."
# ``reschedule_conference``'s chair when none is given: the conference keeps its own.
KEEP_CHAIR = object()
DATE_IN_PAST = "The new date cannot be in the past."
NOTHING_CHANGED = "Nothing has changed: change the date, time or place, or go back."
INVITEE_NAME_REQUIRED = "Enter the name of the person invited."
INVITEE_ROLE_REQUIRED = "Select who the person is."
INVITATION_NOT_HERE = "That invitation is not for this conference."
ATTENDANCE_TOO_EARLY = "Attendance can only be recorded on or after the day of the conference."
PRE_MEETING_AFTER_CONFERENCE = (
    "The chair's meeting with the {who} cannot be after the conference on {date:%-d %B %Y}."
)
PRE_MEETING_TOO_EARLY = (
    "The chair's meeting with the {who} is more than 3 months before the conference on "
    "{date:%-d %B %Y}: it is held to prepare for that conference. Check the year."
)
CHILD_MET_AND_TOO_YOUNG = "Either the chair met the child, or the child is too young: not both."
INTERPRETER_LANGUAGE_REQUIRED = "Enter the language the interpreter is needed for."
ADVOCATE_ORGANISATION_REQUIRED = "Enter who the advocate is from, for example NYAS."

CALENDAR_UID = "conference-{public_id}@{domain}"
CALENDAR_DOMAIN = "iro.invalid"  # RFC 2606: never a real host; the UID only needs to be unique


def _subject_date_errors(errors: Errors, conference: Conference, on: date) -> None:
    """A conference cannot be before what it is about (the S47, the plan start)."""
    for row in conference.children.select_related("section47", "plan"):
        s47, plan = row.section47, row.plan
        if conference.kind == ConferenceKind.INITIAL and s47 and on < s47.start_date:
            errors.add("scheduled_date", BEFORE_S47.format(date=s47.start_date))
        if conference.kind == ConferenceKind.REVIEW and plan and on < plan.start_date:
            errors.add("scheduled_date", BEFORE_PLAN_START.format(date=plan.start_date))
    if (
        conference.kind == ConferenceKind.TRANSFER_IN
        and conference.notified_on
        and on < conference.notified_on
    ):
        errors.add("scheduled_date", BEFORE_NOTIFICATION)


def conference_due(conference: Conference) -> date | None:
    """The earliest due date of the conference's children, from the recorded facts."""
    closures = _closures()
    dues = [
        due
        for row in conference.children.select_related("section47", "plan")
        if (
            due := due_date(
                kind=conference.kind,
                section47=row.section47,
                plan=row.plan,
                notified_on=conference.notified_on,
                closures=closures,
            )
        )
        is not None
    ]
    return min(dues) if dues else None


def calendar_entry(conference: Conference, acting_user):
    """The conference's calendar entry, made the first time it is needed."""
    entry = CalendarEntry.objects.filter(conference=conference).first()
    if entry is None:
        entry = CalendarEntry(
            conference=conference,
            uid=CALENDAR_UID.format(public_id=conference.public_id, domain=CALENDAR_DOMAIN),
        )
        saved_by(entry, acting_user).save()
    return entry


def raise_calendar_sequence(conference: Conference, acting_user) -> bool:
    """A significant change (RFC 5545 3.8.7.4): raise SEQUENCE. True if anyone was sent
    the earlier version, so updates are due."""
    entry = CalendarEntry.objects.select_for_update().filter(conference=conference).first()
    if entry is None:
        return False
    entry.sequence += 1
    saved_by(entry, acting_user).save(update_fields=["sequence"])
    return conference.invitations.filter(sent_at__isnull=False).exists()


@transaction.atomic
def reschedule_conference(
    *,
    conference: Conference,
    scheduled_date: date,
    acting_user,
    scheduled_time: time | None = None,
    venue: str = "",
    virtual_link: str = "",
    expected_version: int,
    send_updates: bool = True,
    duration_minutes: int | None = None,
    confirm_reason: str = "",
    chair=KEEP_CHAIR,
) -> Conference:
    """Move a scheduled conference (date, time, length or place), and with it the chair
    when ``chair`` is given (one who can be there at the new time).

    The chair is checked again for a clash and for leave at the new time. A new date
    that is not a working day or is after the due date needs ``confirm_reason`` (see
    ``schedule_conference``); the length stays as it was unless given. Everyone already sent
    an invitation is sent the update (a calendar request with a higher SEQUENCE)
    once the change is committed.
    """
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    errors = Errors()
    if conference.status != ConferenceStatus.SCHEDULED:
        errors.add("scheduled_date", NOT_SCHEDULED)
        errors.raise_if_any()
    errors.add("scheduled_date", not_far_ahead(scheduled_date))
    if scheduled_date < today():
        errors.add("scheduled_date", DATE_IN_PAST)
    errors.add("venue", one_line(venue))
    errors.add("venue", text_limits.too_long(venue.strip(), text_limits.VENUE))
    errors.add("virtual_link", one_line(virtual_link))
    if duration_minutes is None:
        duration_minutes = conference.duration_minutes
    _check_duration(errors, duration_minutes)
    _subject_date_errors(errors, conference, scheduled_date)
    children = [
        row.child
        for row in conference.children.select_related("child__team", "child__social_worker")
    ]
    if chair is KEEP_CHAIR:
        chair = conference.chair
    _check_chair(
        errors,
        chair=chair,
        children=children,
        scheduled_date=scheduled_date,
        scheduled_time=scheduled_time,
        duration_minutes=duration_minutes,
        exclude=conference,
        viewer=acting_user,
    )
    new = {
        "scheduled_date": scheduled_date,
        "scheduled_time": scheduled_time,
        "duration_minutes": duration_minutes,
        "venue": venue.strip(),
        "virtual_link": virtual_link.strip(),
        "chair": chair,
    }
    if not errors.by_field and all(getattr(conference, k) == v for k, v in new.items()):
        errors.add("scheduled_date", NOTHING_CHANGED)
    warnings = booking_warnings(
        scheduled_date=scheduled_date,
        due=conference_due(conference),
        closures=_closures(),
        on=today(),
        scheduled_time=scheduled_time,
        now=_time_now(),
    ) + room_clashes(
        venue=venue,
        scheduled_date=scheduled_date,
        scheduled_time=scheduled_time,
        duration_minutes=duration_minutes,
        exclude=conference,
    )
    if (
        not confirm_reason.strip()
        and scheduled_date == conference.scheduled_date
        and conference.booking_reason
        and all(warning in conference.booking_warnings for warning in warnings)
    ):
        # The date stays and nothing new is warned of: the confirmation given still stands.
        confirm_reason = conference.booking_reason
    if scheduled_date >= today():  # a move into the past is refused outright above
        _check_confirmation(errors, warnings, confirm_reason)
    errors.raise_if_any()
    was = conference.chair
    moved = any(getattr(conference, k) != new[k] for k in new if k != "chair")
    for name, value in new.items():
        setattr(conference, name, value)
    conference.booking_warnings = " ".join(warnings)
    conference.booking_reason = confirm_reason.strip() if warnings else ""
    conference.version += 1
    saved_by(conference, acting_user).save(
        update_fields=[*new, "booking_warnings", "booking_reason", "version"]
    )
    if send_updates and not time_passed(scheduled_date, scheduled_time):
        _invitations_changed(conference, acting_user)
    else:
        # Moved to a time already gone (a meeting held at short notice, recorded as it
        # happened): nobody is asked to come to it.
        raise_calendar_sequence(conference, acting_user)
    _tell_chairs(conference, was=was, acting_user=acting_user, moved=moved)
    return conference


def time_passed(scheduled_date: date, scheduled_time: time | None) -> bool:
    """Whether a booking for ``scheduled_date`` at ``scheduled_time`` is already over
    (today, at a time gone by)."""
    now = _time_now()
    return (
        scheduled_date == today()
        and scheduled_time is not None
        and now is not None
        and scheduled_time <= now
    )


@transaction.atomic
def add_invitee(
    *,
    conference: Conference,
    name: str,
    role: str,
    acting_user,
    agency=None,
    email: str = "",
    address: str = "",
):
    """Invite someone to a conference (the email is sent separately)."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=conference)
    errors = Errors()
    if conference.status != ConferenceStatus.SCHEDULED:
        errors.add("name", NOT_SCHEDULED)
    if not name.strip():
        errors.add("name", INVITEE_NAME_REQUIRED)
    errors.add("name", one_line(name))
    errors.add("name", text_limits.too_long(name.strip(), text_limits.NAME))
    errors.add("email", one_line(email))
    if not role:
        errors.add("role", INVITEE_ROLE_REQUIRED)
    elif role not in choice_values(InviteeRole):
        errors.add("role", UNKNOWN_CODE.format(value=role, what="role"))
    errors.add("address", text_limits.too_long(address, text_limits.ADDRESS))
    errors.raise_if_any()
    invitation = Invitation(
        conference=conference,
        name=name.strip(),
        role=role,
        agency=agency,
        email=email.strip(),
        address=address.strip(),
    )
    saved_by(invitation, acting_user).save()
    return invitation


def contact_seen(invitation) -> str:
    """What a page showed of how ``invitation``'s person is reached (their email and
    postal address), as a short fingerprint the page sends back with a change: a change
    made meanwhile (in another tab, by someone else) is then refused, not overwritten."""
    text = f"{invitation.email}\n{invitation.address}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def change_invitee_contact(*, invitation, email: str, address: str, acting_user, seen: str | None):
    """Change how someone invited is reached: their email address and postal address.
    A new email address is sent the invitation afresh with the next "Email the
    invitations" (what went to the old one is kept in the history and the mail list).
    ``seen`` is ``contact_seen`` of the details the page showed: a change made since is
    refused (``STALE_RECORD``), as is a change that does not say what it saw."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=invitation.conference_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not seen:
        raise ValidationError(VERSION_MISSING, code="stale")
    if seen != contact_seen(invitation):
        raise ValidationError(STALE_RECORD, code="stale")
    errors = Errors()
    if invitation.conference.status != ConferenceStatus.SCHEDULED:
        errors.add("email", NOT_SCHEDULED)
    email, address = email.strip(), address.strip()
    errors.add("email", one_line(email))
    errors.add("address", text_limits.too_long(address, text_limits.ADDRESS))
    errors.raise_if_any()
    fields = ["email", "address"]
    if email != invitation.email:
        invitation.sent_at = invitation.sent_sequence = None
        fields += ["sent_at", "sent_sequence"]
    invitation.email, invitation.address = email, address
    saved_by(invitation, acting_user).save(update_fields=fields)
    return invitation


@transaction.atomic
def remove_invitee(*, invitation, acting_user, tell: bool = False) -> bool:
    """Take someone off the list before the conference (the history keeps the row).
    With ``tell``, someone already emailed the invitation is emailed a cancellation, so
    it leaves their calendar (not always wanted: the chair may speak to a parent first);
    returns whether one was sent."""
    require(acting_user, Capability.SCHEDULE_CONFERENCES, conference=invitation.conference_id)
    if invitation.conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError({"name": NOT_SCHEDULED})
    told = False
    if tell:
        from iro.journey import invitations

        told = invitations.tell_removed(invitation=invitation, acting_user=acting_user)
    saved_by(invitation, acting_user).delete()
    return told


ATTENDANCE_REASON_REQUIRED = (
    "Enter why who attended is being corrected: the record of a held conference keeps "
    "each correction and its reason."
)
FIELD_ATTENDED = "Who attended"


@transaction.atomic
def record_attendance(
    *,
    conference: Conference,
    attendance: Mapping[int, str],
    acting_user,
    expected_version: int,
    reason: str = "",
) -> Conference:
    """Who came: ``attendance`` maps invitation primary key to an attendance status
    (blank for not yet known). Once the conference is held, changing what was recorded
    (or anything, once the minutes were sent) is a correction of its record: it needs a
    ``reason`` and is kept as an amendment (the record's history), and minutes already
    sent are to be sent again."""
    require(
        acting_user,
        (Capability.SCHEDULE_CONFERENCES, Capability.CHAIR_CONFERENCES),
        conference=conference,
    )
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    check_version(conference, expected_version)
    errors = Errors()
    errors.add("attendance", _attendance_closed(conference))
    invitations = {i.pk: i for i in conference.invitations.select_for_update()}
    for pk, status in attendance.items():
        if pk not in invitations:
            errors.add("attendance", INVITATION_NOT_HERE)
        elif status == TAKE_OFF_THE_LIST:
            errors.add(f"attendance_{pk}", _why_not_taken_off(conference, invitations[pk]))
        elif status and status not in choice_values(InviteeAttendance):
            errors.add(f"attendance_{pk}", UNKNOWN_CODE.format(value=status, what="attendance"))
    errors.raise_if_any()
    labels = dict(InviteeAttendance.choices) | {TAKE_OFF_THE_LIST: TAKEN_OFF_WORDS}
    corrected = [
        (invitations[pk], invitations[pk].attendance, status)
        for pk, status in attendance.items()
        if invitations[pk].attendance != status
        and conference.status == ConferenceStatus.HELD
        and (
            invitations[pk].attendance
            or conference.minutes_sent_on is not None
            or status == TAKE_OFF_THE_LIST  # the record loses a name: always said why
        )
    ]
    if corrected and not reason.strip():
        errors.add("attendance_reason", ATTENDANCE_REASON_REQUIRED)
    errors.add("attendance_reason", text_limits.too_long(reason, text_limits.REASON))
    errors.raise_if_any()
    for pk, status in attendance.items():
        invitation = invitations[pk]
        if status == TAKE_OFF_THE_LIST:
            invitation._change_reason = change_reason(reason)
            saved_by(invitation, acting_user).delete()
        elif invitation.attendance != status:
            invitation.attendance = status
            if corrected:
                invitation._change_reason = change_reason(reason)
            saved_by(invitation, acting_user).save(update_fields=["attendance"])
    if corrected:
        minutes_out_of_date(conference)
        # Shown on the record's history with the first child's (the whole conference's).
        first = conference.children.order_by("pk").values_list("child_id", flat=True).first()
        save_amendment(
            conference,
            acting_user=acting_user,
            reason=reason.strip(),
            update_fields=["minutes_sent_on", "minutes_replaced_sent_on"],
            changes=[
                {
                    "child": first,
                    "field": FIELD_ATTENDED,
                    "before": f"{i.name}: {labels.get(before, 'not recorded')}",
                    "after": f"{i.name}: {labels.get(after, 'not recorded')}",
                }
                for i, before, after in corrected
            ],
        )
    else:
        conference.version += 1
        saved_by(conference, acting_user).save(update_fields=["version"])
    return conference


TAKE_OFF_THE_LIST = "take_off"
TAKEN_OFF_WORDS = "taken off the record (listed by mistake)"
ONLY_HELD_TAKEN_OFF = (
    "Only someone on the record of a held conference can be taken off here: before it, "
    "take them off the invitations."
)
SENT_NOT_TAKEN_OFF = (
    "{name} was sent an invitation, so stays on the record: choose how they attended, or "
    "that they did not attend."
)


def _why_not_taken_off(conference: Conference, invitation) -> str | None:
    """Why ``invitation`` cannot come off the record as listed by mistake, else None."""
    if conference.status != ConferenceStatus.HELD:
        return ONLY_HELD_TAKEN_OFF
    if invitation.sent_at is not None:
        return SENT_NOT_TAKEN_OFF.format(name=invitation.name)
    return None


def _attendance_closed(conference: Conference) -> str | None:
    """Why who attended cannot be recorded now: cancelled, or before its day."""
    if conference.status == ConferenceStatus.CANCELLED:
        return CANCELLED
    day = conference.held_on or conference.scheduled_date
    if conference.status == ConferenceStatus.SCHEDULED and (day is None or day > today()):
        return ATTENDANCE_TOO_EARLY
    return None


ATTENDEE_NAME_REQUIRED = "Enter the name of the person who came."
MINUTES_SENT_NO_ATTENDEE = (
    "The minutes were sent on {date:%-d %B %Y}: someone added now would not be in what was "
    "sent, so no one can be added to who came."
)
ATTENDEE_DID_NOT_COME = "Choose how they attended: someone added here came."


def add_attendee(
    *, conference: Conference, name: str, role: str, attendance: str, acting_user
) -> Invitation:
    """Someone who came to the conference without being on its list (a relative the
    family brought, another officer): added as the chair or the coordinator records who
    attended, from the day of the conference, never sent anything."""
    require(
        acting_user,
        (Capability.SCHEDULE_CONFERENCES, Capability.CHAIR_CONFERENCES),
        conference=conference,
    )
    errors = Errors()
    errors.add("attendee_name", _attendance_closed(conference))
    if conference.minutes_sent_on is not None:
        errors.add(
            "attendee_name", MINUTES_SENT_NO_ATTENDEE.format(date=conference.minutes_sent_on)
        )
    if not name.strip():
        errors.add("attendee_name", ATTENDEE_NAME_REQUIRED)
    errors.add("attendee_name", one_line(name))
    errors.add("attendee_name", text_limits.too_long(name.strip(), text_limits.NAME))
    if not role:
        errors.add("attendee_role", INVITEE_ROLE_REQUIRED)
    elif role not in choice_values(InviteeRole):
        errors.add("attendee_role", UNKNOWN_CODE.format(value=role, what="role"))
    if attendance not in (
        InviteeAttendance.ATTENDED,
        InviteeAttendance.PART,
        InviteeAttendance.VIRTUAL,
    ):
        errors.add("attendee_attendance", ATTENDEE_DID_NOT_COME)
    errors.raise_if_any()
    invitation = Invitation(
        conference=conference, name=name.strip(), role=role, attendance=attendance
    )
    saved_by(invitation, acting_user).save()
    return invitation


def pre_meeting_errors(
    errors: Errors,
    *,
    conference: Conference,
    child_met_on: date | None,
    child_too_young: bool,
    parents_met_on: date | None,
    advocate_involved: bool,
    advocate_organisation: str,
    interpreter_needed: bool,
    interpreter_language: str,
    notes: str,
) -> None:
    """``record_pre_meeting``'s rules; the page asks them too when its form is refused
    for something of its own (a date that is no date), so everything is said at once."""
    if conference.status == ConferenceStatus.CANCELLED:
        errors.add("child_met_on", CANCELLED)
    day = conference.held_on or conference.scheduled_date
    for field, value, who in (
        ("child_met_on", child_met_on, "child"),
        ("parents_met_on", parents_met_on, "parents"),
    ):
        errors.add(
            field,
            _for_the_conference(
                value,
                day,
                after=PRE_MEETING_AFTER_CONFERENCE.format(who=who, date=day),
                too_early=PRE_MEETING_TOO_EARLY.format(who=who, date=day),
            ),
        )
    if child_met_on and child_too_young:
        errors.add("child_met_on", CHILD_MET_AND_TOO_YOUNG)
    if interpreter_needed and not interpreter_language.strip():
        errors.add("interpreter_language", INTERPRETER_LANGUAGE_REQUIRED)
    if advocate_involved and not advocate_organisation.strip():
        errors.add("advocate_organisation", ADVOCATE_ORGANISATION_REQUIRED)
    errors.add("notes", text_limits.too_long(notes, text_limits.NOTE))
    errors.add(
        "advocate_organisation",
        text_limits.too_long(advocate_organisation.strip(), text_limits.NAME),
    )
    errors.add(
        "interpreter_language",
        text_limits.too_long(interpreter_language.strip(), text_limits.LANGUAGE),
    )


@transaction.atomic
def record_pre_meeting(
    *,
    conference_child: ConferenceChild,
    acting_user,
    child_met_on: date | None = None,
    child_too_young: bool = False,
    parents_met_on: date | None = None,
    advocacy_offered: bool = False,
    advocate_involved: bool = False,
    advocate_organisation: str = "",
    interpreter_needed: bool = False,
    interpreter_language: str = "",
    notes: str = "",
    expected_version: int,
):
    """The chair met the child and the parents before the conference; advocacy and
    interpreters. Sets the yes/no facts the reports count on the child's row.

    ``expected_version`` is the version the editor saw (0 when there was no record
    yet); a different one is refused.
    """
    require(acting_user, Capability.CHAIR_CONFERENCES, child=conference_child.child_id)
    row = (
        ConferenceChild.objects.select_for_update()
        .select_related("conference")
        .get(pk=conference_child.pk)
    )
    meeting = PreMeeting.objects.select_for_update().filter(conference_child=row).first()
    current = meeting.version if meeting else 0
    if expected_version is None:
        raise ValidationError(VERSION_MISSING, code="stale")
    if expected_version != current:
        raise ValidationError(STALE_RECORD, code="stale")
    conference = row.conference
    errors = Errors()
    pre_meeting_errors(
        errors,
        conference=conference,
        child_met_on=child_met_on,
        child_too_young=child_too_young,
        parents_met_on=parents_met_on,
        advocate_involved=advocate_involved,
        advocate_organisation=advocate_organisation,
        interpreter_needed=interpreter_needed,
        interpreter_language=interpreter_language,
        notes=notes,
    )
    errors.raise_if_any()

    meeting = meeting or PreMeeting(conference_child=row, version=0)
    meeting.child_met_on = child_met_on
    meeting.parents_met_on = parents_met_on
    meeting.advocate_organisation = advocate_organisation.strip() if advocate_involved else ""
    meeting.interpreter_language = interpreter_language.strip() if interpreter_needed else ""
    meeting.notes = notes
    meeting.version += 1
    saved_by(meeting, acting_user).save()

    row.pre_meeting_child = child_met_on is not None
    row.pre_meeting_child_not_applicable = child_too_young
    row.pre_meeting_parents = parents_met_on is not None
    # An advocate who is involved was, by definition, offered.
    row.advocacy_offered = advocacy_offered or advocate_involved
    row.advocate_involved = advocate_involved
    row.interpreter_needed = interpreter_needed
    saved_by(row, acting_user).save(
        update_fields=[
            "pre_meeting_child",
            "pre_meeting_child_not_applicable",
            "pre_meeting_parents",
            "advocacy_offered",
            "advocate_involved",
            "interpreter_needed",
        ]
    )
    return meeting
