"""Correcting the date a held conference was held, and its lateness: the one write path.

A conference recorded on the wrong day (a slip of the day or month box, or the record
made from the booking after the meeting moved) made its plan facts on that day too: the
plan an initial conference started starts then, the plan a review ended ends then, and
the next review's due date and each conference's timeliness follow from them. Voiding
the record and recording it again loses its history and is refused as soon as the plan
has a review. ``correct_held_date`` moves the date and what hangs on it together, in one
transaction, and keeps the change in the record's history like any amendment
(``ConferenceAmendment``): who, when, why, and each child's date, plan start or end and
reason for lateness from what to what.

What it refuses, and why (the messages below say which record is in the way):

- A date that takes the conference past another conference of one of its children, held
  or booked: the order of a child's conferences is the plan's timeline (which review is
  the first, what each was due by), so a correction keeps it. Move that one first.
- A date that puts a plan it started inside the child's earlier plan, or a plan it ended
  past the start of a later plan (two plans at once), or a Child in Need step down past
  that plan's own end; a date outside the child's episode, after the first core group
  meeting or the minutes were sent, or before the chair's meetings before the conference.

The conference's own due date does not move with its date (it follows from the enquiry,
the notification or the plan's earlier reviews, whose order is kept), so whether it was
late is decided again against the same due date: a date after it needs a reason for the
lateness (a record loaded from a census return may not know it, as when it was loaded),
one in time clears it. Any correction of a late conference changes what a manager agreed
(how late it was, or why), so it waits for a manager's decision again; the decision it
had is kept in the history. The next review of a plan whose dates moved may now be late, or
in time: one now in time loses the reason it no longer needs (kept in its history); one
now late without a reason is returned, for its chair to give one on the same page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from iro import text_limits
from iro.access.scope import display_name
from iro.journey.checks import (
    Errors,
    before_birth,
    change_reason,
    choice_values,
    not_in_future,
    saved_by,
    today,
)
from iro.journey.corrections import ended_plan, started_plan, step_down_cin_plan
from iro.journey.invitations import plain_list
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceAmendment,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    LateDecision,
    LatenessReason,
    Plan,
    PreMeeting,
)
from iro.journey.services import (
    BEFORE_NOTIFICATION,
    BEFORE_PLAN_START,
    BEFORE_REFERRAL,
    BEFORE_S47,
    EPISODE_CLOSED,
    LATENESS_DETAIL_REQUIRED,
    LATENESS_REASON_REQUIRED,
    due_date,
    held_for_amending,
    minutes_out_of_date,
    save_amendment,
)
from iro.people.selectors import closure_days

# Messages (tests import these).
NOTHING_CHANGED = (
    "The date held and the reason for lateness are as they were: change one of them, or go back."
)
UNKNOWN_LATENESS = "Select why the conference was late from the list."
PAST_CONFERENCE = (
    "{child}'s {what} on {on:%-d %B %Y} would then come before it: a correction keeps the "
    "order of a child's conferences. Correct that conference's date first, if it is wrong."
)
PAST_BOOKING = (
    "{child}'s {what} is booked for {on:%-d %B %Y}, which would then come before it: move "
    "that booking first."
)
PLAN_INSIDE_EARLIER = (
    "{child}'s plan would then start inside their earlier plan from {start:%-d %B %Y}"
    "{until}: two plans cannot run at once."
)
PLAN_ENDED_BY = (
    "{child}'s plan from this conference ended on {end:%-d %B %Y}: it cannot start on that "
    "day or after."
)
PLAN_END_NOT_AFTER_START = (
    "{child}'s plan started on {start:%-d %B %Y}: the conference that ended it must be "
    "after that day."
)
PLAN_END_PAST_LATER = (
    "{child}'s later plan started on {start:%-d %B %Y}: the plan this conference ended "
    "cannot end after it began."
)
STEP_DOWN_ENDED = (
    "{child}'s Child in Need plan from the step down ended on {end:%-d %B %Y}: it cannot "
    "start on that day or after. Correct that end first."
)
STEP_DOWN_OVERLAP = (
    "{child}'s earlier Child in Need plan from {start:%-d %B %Y} runs past that day: the "
    "step down cannot start inside it."
)
AFTER_CORE_GROUP = (
    "{child}'s first core group meeting was on {date:%-d %B %Y}: the conference was held "
    "before it. Amend the record's core group date first, if it is wrong."
)
AFTER_MINUTES = (
    "The minutes and plan were sent on {date:%-d %B %Y}: the conference was held on or "
    "before that day."
)
AFTER_PRE_MEETING = (
    "The chair met {who} before the conference, on {date:%-d %B %Y}: the conference was "
    "held on or after that day."
)
REASON_REQUIRED = "Enter why the date held is being corrected."

FIELD_DATE = "Date held"
FIELD_PLAN_START = "Plan started"
FIELD_PLAN_END = "Plan ended"
FIELD_LATENESS = "Reason for lateness"
FIELD_DECISION = "Manager's decision on the lateness"
FIELD_STEP_DOWN = "Child in Need plan started"
WAITING = "Waiting for a manager's decision"


@dataclass(frozen=True)
class NowLate:
    """A later conference the correction made late, with no reason for it recorded."""

    conference: Conference
    due: date


@dataclass
class HeldDateCorrection:
    conference: Conference
    amendment: ConferenceAmendment
    held_before: date  # the date the record gave before
    moved_plans: list[str] = field(default_factory=list)  # "the plans of ... now start on"
    cleared: list[Conference] = field(default_factory=list)  # now in time: reason cleared
    now_late: list[NowLate] = field(default_factory=list)
    # A reason for lateness was given (or kept from before) for a date in time: not kept.
    reason_not_needed: bool = False


def _what(conference: Conference) -> str:
    return conference.get_kind_display().lower()


def _shown_date(d: date | None) -> str:
    return f"{d:%-d %B %Y}" if d else ""


def lateness_shown(reason: str, detail: str) -> str:
    if not reason:
        return ""
    label = str(LatenessReason(reason).label)
    return f"{label}: {detail.strip()}" if detail.strip() else label


def decision_shown(conference: Conference) -> str:
    """The manager's decision on the lateness, as the history keeps it."""
    if not conference.lateness_reason:
        return ""
    if not conference.late_decision:
        return WAITING
    said = (
        f"{LateDecision(conference.late_decision).label} by {conference.late_decided_by} "
        f"on {_shown_date(conference.late_decided_on)}"
    )
    comment = conference.late_decision_comment.strip()
    return f"{said}: {comment}" if comment else said


def change_line(row: ConferenceChild, label: str, before, after) -> dict:
    """One child's line of the history: dates as people write them, text as it is."""
    return {
        "child": row.child_id,
        "field": label,
        "before": _shown_date(before) if isinstance(before, date) else before,
        "after": _shown_date(after) if isinstance(after, date) else after,
    }


def _moved_words(started: list[str], ended: list[str], stepped_down: int, on: date) -> list[str]:
    """What moved with the date, a sentence each for the plans started and ended."""
    said = []
    if started:
        said.append(
            f"{started[0]}'s plan now starts on {on:%-d %B %Y}"
            if len(started) == 1
            else f"the plans of {plain_list(started)} now start on {on:%-d %B %Y}"
        )
    if ended:
        said.append(
            f"{ended[0]}'s plan now ends on {on:%-d %B %Y}"
            if len(ended) == 1
            else f"the plans of {plain_list(ended)} now end on {on:%-d %B %Y}"
        )
        if stepped_down:
            said[-1] += (
                ", and the Child in Need plan after it starts that day"
                if stepped_down == 1
                else ", and the Child in Need plans after them start that day"
            )
    return said


def _earlier_reviews(plan: Plan, *, before: date, without: Conference) -> list[date]:
    """The plan's held review dates before ``before``, leaving out ``without``."""
    return sorted(
        set(
            ConferenceChild.objects.filter(
                plan=plan,
                conference__kind=ConferenceKind.REVIEW,
                conference__status=ConferenceStatus.HELD,
                conference__held_on__lt=before,
            )
            .exclude(conference=without)
            .values_list("conference__held_on", flat=True)
        )
    )


def passed_due(conference: Conference, rows: list[ConferenceChild], on: date) -> date | None:
    """The earliest due date of the conference's children that a conference held ``on``
    would pass, if any (the due dates themselves do not depend on ``on``: see above)."""
    closures = closure_days()
    passed = None
    for row in rows:
        due = due_date(
            kind=conference.kind,
            section47=row.section47,
            plan=row.plan,
            notified_on=conference.notified_on,
            closures=closures,
            reviews=(
                _earlier_reviews(row.plan, before=on, without=conference)
                if conference.kind == ConferenceKind.REVIEW and row.plan is not None
                else None
            ),
        )
        if due is not None and on > due:
            passed = due if passed is None else min(passed, due)
    return passed


@dataclass(frozen=True)
class Limit:
    """A bound on the date held: not before ``on`` (``earliest``) or not after it, with
    ``why`` as the page says it ("the day the minutes and plan were sent") and the
    refusal of a date past it (None where another check says it: today)."""

    on: date
    earliest: bool
    why: str
    message: str | None = None

    def passed_by(self, d: date) -> bool:
        return d < self.on if self.earliest else d > self.on


DAY = timedelta(days=1)


def _neighbours(conference: Conference, row: ConferenceChild, name: str) -> list[Limit]:
    """The child's conferences either side: held, and booked after it."""
    old = conference.held_on
    others = (
        ConferenceChild.objects.filter(child_id=row.child_id)
        .exclude(conference=conference)
        .select_related("conference")
    )
    held = others.filter(conference__status=ConferenceStatus.HELD)
    found = []
    before = held.filter(conference__held_on__lt=old).order_by("-conference__held_on").first()
    if before is not None:
        other = before.conference
        found.append(
            Limit(
                other.held_on + DAY,
                True,
                f"the day after {name}'s {_what(other)} on {other.held_on:%-d %B %Y}",
                PAST_CONFERENCE.format(child=name, what=_what(other), on=other.held_on),
            )
        )
    after = held.filter(conference__held_on__gt=old).order_by("conference__held_on").first()
    if after is not None:
        other = after.conference
        found.append(
            Limit(
                other.held_on - DAY,
                False,
                f"the day before {name}'s {_what(other)} on {other.held_on:%-d %B %Y}",
                PAST_CONFERENCE.format(child=name, what=_what(other), on=other.held_on),
            )
        )
    booked = (
        others.filter(
            conference__status=ConferenceStatus.SCHEDULED, conference__scheduled_date__gt=old
        )
        .order_by("conference__scheduled_date")
        .first()
    )
    if booked is not None:
        other = booked.conference
        on = other.scheduled_date
        found.append(
            Limit(
                on - DAY,
                False,
                f"the day before {name}'s {_what(other)} booked for {on:%-d %B %Y}",
                PAST_BOOKING.format(child=name, what=_what(other), on=on),
            )
        )
    return found


def _started_plan_limits(plan: Plan, name: str) -> list[Limit]:
    found = []
    if plan.end_date is not None:
        found.append(
            Limit(
                plan.end_date - DAY,
                False,
                f"the day before {name}'s plan ended",
                PLAN_ENDED_BY.format(child=name, end=plan.end_date),
            )
        )
    earlier = (
        Plan.objects.filter(child_id=plan.child_id, start_date__lt=plan.start_date)
        .exclude(pk=plan.pk)
        .order_by("-start_date")
        .first()
    )
    if earlier is not None and earlier.end_date is not None:
        found.append(
            Limit(
                earlier.end_date,
                True,
                f"the day {name}'s earlier plan ended",
                PLAN_INSIDE_EARLIER.format(
                    child=name, start=earlier.start_date, until=f" to {earlier.end_date:%-d %B %Y}"
                ),
            )
        )
    return found


def _ended_plan_limits(plan: Plan, old: date, name: str) -> list[Limit]:
    found = [
        Limit(
            plan.start_date + DAY,
            True,
            f"the day after {name}'s plan began",
            PLAN_END_NOT_AFTER_START.format(child=name, start=plan.start_date),
        )
    ]
    later = (
        Plan.objects.filter(child_id=plan.child_id, start_date__gt=plan.start_date)
        .exclude(pk=plan.pk)
        .order_by("start_date")
        .first()
    )
    if later is not None:
        found.append(
            Limit(
                later.start_date,
                False,
                f"the day {name}'s later plan began",
                PLAN_END_PAST_LATER.format(child=name, start=later.start_date),
            )
        )
    step_down = step_down_cin_plan(plan, old)
    if step_down is None:
        return found
    if step_down.end_date is not None:
        found.append(
            Limit(
                step_down.end_date - DAY,
                False,
                f"the day before {name}'s Child in Need plan ended",
                STEP_DOWN_ENDED.format(child=name, end=step_down.end_date),
            )
        )
    overlapping = (
        CinPlanPeriod.objects.filter(episode_id=plan.episode_id, start_date__lt=old)
        .exclude(pk=step_down.pk)
        .exclude(end_date__isnull=True)
        .order_by("-end_date")
        .first()
    )
    if overlapping is not None:
        found.append(
            Limit(
                overlapping.end_date,
                True,
                f"the day {name}'s earlier Child in Need plan ended",
                STEP_DOWN_OVERLAP.format(child=name, start=overlapping.start_date),
            )
        )
    return found


def _subject_limits(conference: Conference, row: ConferenceChild) -> list[Limit]:
    """What a conference must come after, and be inside: as when it was recorded."""
    s47, plan, found = row.section47, row.plan, []
    if conference.kind == ConferenceKind.INITIAL and s47 is not None:
        found.append(
            Limit(
                s47.start_date,
                True,
                "the day the Section 47 enquiry began",
                BEFORE_S47.format(date=s47.start_date),
            )
        )
    if conference.kind == ConferenceKind.REVIEW and plan is not None:
        found.append(
            Limit(
                plan.start_date,
                True,
                "the day the plan began",
                BEFORE_PLAN_START.format(date=plan.start_date),
            )
        )
    if conference.kind == ConferenceKind.TRANSFER_IN and conference.notified_on:
        found.append(
            Limit(
                conference.notified_on,
                True,
                "the day the transfer was notified",
                BEFORE_NOTIFICATION,
            )
        )
    episode = s47.episode if s47 is not None else (plan.episode if plan is not None else None)
    if episode is not None:
        found.append(
            Limit(
                episode.referral_date,
                True,
                "the day of the referral",
                BEFORE_REFERRAL.format(date=episode.referral_date),
            )
        )
        if episode.closure_date:
            found.append(
                Limit(
                    episode.closure_date,
                    False,
                    "the day the Child in Need episode closed",
                    EPISODE_CLOSED.format(date=episode.closure_date),
                )
            )
    return found


def _meeting_limits(rows: list[ConferenceChild], user) -> list[Limit]:
    """The chair's meetings before the conference: it was held on or after them."""
    found = []
    for meeting in PreMeeting.objects.filter(conference_child__in=rows).select_related(
        "conference_child__child"
    ):
        name = display_name(user, meeting.conference_child.child)
        for met_on, who in (
            (meeting.child_met_on, name),
            (meeting.parents_met_on, f"{name}'s parents"),
        ):
            if met_on is not None:
                found.append(
                    Limit(
                        met_on,
                        True,
                        f"the day the chair met {who}",
                        AFTER_PRE_MEETING.format(who=who, date=met_on),
                    )
                )
    return found


def limits(conference: Conference, rows: list[ConferenceChild], user) -> list[Limit]:
    """Every bound on the date ``conference`` was held, from the records as they are."""
    found = [Limit(today(), False, "today")]
    for row in rows:
        name = display_name(user, row.child)
        found += _subject_limits(conference, row)
        found += _neighbours(conference, row, name)
        if started_plan(conference, row):
            found += _started_plan_limits(row.plan, name)
        elif ended_plan(conference, row):
            found += _ended_plan_limits(row.plan, conference.held_on, name)
        if row.first_core_group_on is not None:
            found.append(
                Limit(
                    row.first_core_group_on,
                    False,
                    f"the day of {name}'s first core group meeting",
                    AFTER_CORE_GROUP.format(child=name, date=row.first_core_group_on),
                )
            )
    found += _meeting_limits(rows, user)
    sent = conference.minutes_sent_on or conference.minutes_replaced_sent_on
    if sent:
        found.append(
            Limit(
                sent,
                False,
                "the day the minutes and plan were sent",
                AFTER_MINUTES.format(date=sent),
            )
        )
    return found


def bounds(found: list[Limit]) -> tuple[Limit | None, Limit]:
    """The tightest of ``found`` each way: (the earliest day, the latest day)."""
    earliest = max((lim for lim in found if lim.earliest), key=lambda lim: lim.on, default=None)
    latest = min((lim for lim in found if not lim.earliest), key=lambda lim: lim.on)
    return earliest, latest


def _follow_on(plan: Plan, after: date) -> Conference | None:
    """The plan's next held review after ``after``."""
    row = (
        ConferenceChild.objects.filter(
            plan=plan,
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
            conference__held_on__gt=after,
        )
        .select_related("conference")
        .order_by("conference__held_on")
        .first()
    )
    return row.conference if row is not None else None


def _settle_follow_on(
    result: HeldDateCorrection, later: Conference, *, why: str, acting_user
) -> None:
    """Decide again whether ``later`` was late, now its due date has moved."""
    later = Conference.objects.select_for_update().get(pk=later.pk)
    rows = list(later.children.select_related("section47", "plan").order_by("pk"))
    due = passed_due(later, rows, later.held_on)
    if due is not None:
        if not later.lateness_reason and not later.from_return:
            result.now_late.append(NowLate(conference=later, due=due))
        return
    if not later.lateness_reason:
        return
    before = lateness_shown(later.lateness_reason, later.lateness_detail)
    decided = decision_shown(later)
    _clear_lateness(later)
    save_amendment(
        later,
        acting_user=acting_user,
        reason=why,
        changes=[
            change
            for row in rows
            for change in (
                change_line(row, FIELD_LATENESS, before, ""),
                change_line(row, FIELD_DECISION, decided, ""),
            )
        ],
    )
    result.cleared.append(later)


def _clear_lateness(conference: Conference) -> None:
    conference.lateness_reason = conference.lateness_detail = ""
    clear_decision(conference)


def clear_decision(conference: Conference) -> None:
    conference.late_decision = conference.late_decision_comment = ""
    conference.late_decided_by = None
    conference.late_decided_on = None


@transaction.atomic
def correct_held_date(
    *,
    conference: Conference,
    held_on: date,
    reason: str,
    acting_user,
    expected_version: int | None,
    lateness_reason: str = "",
    lateness_detail: str = "",
) -> HeldDateCorrection:
    """Correct the date ``conference`` was held (and its reason for lateness), with the
    plan starts and ends it made and the next reviews' lateness; see the module."""
    conference = held_for_amending(conference, acting_user, expected_version)
    rows = list(
        conference.children.select_related("child", "section47__episode", "plan__episode").order_by(
            "pk"
        )
    )
    old = conference.held_on
    moving = held_on != old
    errors = Errors()
    reason = reason.strip()
    if not reason:
        errors.add("reason", REASON_REQUIRED)
    errors.add("reason", text_limits.too_long(reason, text_limits.REASON))
    errors.add("held_on", not_in_future(held_on))
    for row in rows:
        name = display_name(acting_user, row.child)
        errors.add("held_on", before_birth(held_on, child=row.child, name=name))
    if moving:
        for limit in limits(conference, rows, acting_user):
            if limit.passed_by(held_on):
                errors.add("held_on", limit.message)
    starts = [row for row in rows if moving and started_plan(conference, row)]
    ends = [row for row in rows if moving and ended_plan(conference, row)]
    if lateness_reason and lateness_reason not in choice_values(LatenessReason):
        errors.add("lateness_reason", UNKNOWN_LATENESS)
    errors.add("lateness_detail", text_limits.too_long(lateness_detail, text_limits.REASON))
    due = passed_due(conference, rows, held_on)
    not_needed = due is None and bool(lateness_reason)
    if due is None:
        lateness_reason = lateness_detail = ""
    elif not lateness_reason and not conference.from_return:
        errors.add("lateness_reason", LATENESS_REASON_REQUIRED.format(due=due))
    elif lateness_reason == LatenessReason.OTHER and not lateness_detail.strip():
        errors.add("lateness_detail", LATENESS_DETAIL_REQUIRED)
    if lateness_reason != LatenessReason.OTHER:
        lateness_detail = ""
    lateness_before = lateness_shown(conference.lateness_reason, conference.lateness_detail)
    lateness_after = lateness_shown(lateness_reason, lateness_detail)
    if not moving and lateness_before == lateness_after and not errors.by_field:
        # (A reason for a conference in time is not kept: nothing to change either.)
        raise ValidationError({NON_FIELD_ERRORS: NOTHING_CHANGED})
    errors.raise_if_any()

    decision_before = decision_shown(conference)
    conference.held_on = held_on
    conference.lateness_reason = lateness_reason
    conference.lateness_detail = lateness_detail
    # Any correction of a late conference changes what was agreed (how late, or why): a
    # manager decides again, the earlier decision kept in the history below.
    clear_decision(conference)
    decision_after = decision_shown(conference)
    result_changes: list[dict] = []
    for row in rows:
        if moving:
            result_changes.append(change_line(row, FIELD_DATE, old, held_on))
        if lateness_before != lateness_after:
            result_changes.append(change_line(row, FIELD_LATENESS, lateness_before, lateness_after))
        if decision_before != decision_after:
            result_changes.append(change_line(row, FIELD_DECISION, decision_before, decision_after))
    started_names, ended_names, stepped_down = [], [], 0
    for row in starts:
        plan = Plan.objects.select_for_update().get(pk=row.plan_id)
        plan.start_date = held_on
        plan.version += 1
        plan._change_reason = change_reason(reason)
        saved_by(plan, acting_user).save(update_fields=["start_date", "version"])
        started_names.append(display_name(acting_user, row.child))
        result_changes.append(change_line(row, FIELD_PLAN_START, old, held_on))
    for row in ends:
        plan = Plan.objects.select_for_update().get(pk=row.plan_id)
        step_down = step_down_cin_plan(plan, old)
        plan.end_date = held_on
        plan.version += 1
        plan._change_reason = change_reason(reason)
        saved_by(plan, acting_user).save(update_fields=["end_date", "version"])
        ended_names.append(display_name(acting_user, row.child))
        result_changes.append(change_line(row, FIELD_PLAN_END, old, held_on))
        if step_down is not None:
            step_down.start_date = held_on
            step_down._change_reason = change_reason(reason)
            saved_by(step_down, acting_user).save(update_fields=["start_date"])
            stepped_down += 1
            result_changes.append(change_line(row, FIELD_STEP_DOWN, old, held_on))
    moved = _moved_words(started_names, ended_names, stepped_down, held_on)

    minutes_out_of_date(conference)
    amendment = save_amendment(
        conference, acting_user=acting_user, reason=reason, changes=result_changes
    )
    result = HeldDateCorrection(
        conference=conference,
        amendment=amendment,
        held_before=old,
        moved_plans=moved,
        reason_not_needed=not_needed,
    )
    if moving:
        why = (
            f"The date the {_what(conference)} before it was held was corrected from "
            f"{old:%-d %B %Y} to {held_on:%-d %B %Y}, so its due date moved."
        )
        plans = {row.plan_id: row.plan for row in rows if row.plan_id is not None}
        seen: set[int] = set()
        for plan in plans.values():
            later = _follow_on(plan, held_on)
            if later is not None and later.pk not in seen:
                seen.add(later.pk)
                _settle_follow_on(result, later, why=why, acting_user=acting_user)
    return result
