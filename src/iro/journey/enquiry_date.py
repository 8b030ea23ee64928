"""Correcting the date a Section 47 enquiry started (its strategy discussion's date): the
one write path.

The enquiry starts on the day of the strategy discussion that decided it, and its initial
conference is due 15 working days later: a discussion typed with the wrong day or month
puts the due date, the booking warnings and the timeliness figures wrong. Voiding the
enquiry and entering it again is refused once its initial conference is recorded (and
would lose the conference); ``correct_enquiry_date`` moves the discussion and the
enquiry together, for the child and any brothers and sisters whose enquiries began at
the same discussion, in one transaction, keeping the reason in each record's history.

What it refuses, and why:

- A date outside the child's episode, before their birth or in the future (as when it was
  recorded), after the initial conference was asked for, or after the initial conference
  itself (held or booked): the enquiry comes before them.
- A date that passes another enquiry of the same episode: the order of a child's
  enquiries is the census's (two open at once are refused).
- An enquiry read from a census return with no discussion of its own is corrected the
  same way (the return's start date is the enquiry's).

When the initial conference is held, whether it was in time is decided again against
the new due date, as when its own date is corrected (``journey.held_date``): now late, it
needs a reason for the lateness and waits for a manager's decision; now in time, the
reason it no longer needs is cleared. That change is kept as an amendment of the
conference's record, and minutes already sent are to be sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from iro import text_limits
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.journey.checks import Errors, change_reason, choice_values, saved_by
from iro.journey.held_date import (
    FIELD_DECISION,
    FIELD_LATENESS,
    UNKNOWN_LATENESS,
    change_line,
    clear_decision,
    decision_shown,
    lateness_shown,
    passed_due,
)
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    LatenessReason,
    Section47,
)
from iro.journey.services import (
    LATENESS_DETAIL_REQUIRED,
    LATENESS_REASON_REQUIRED,
    _check_in_episode,
    minutes_out_of_date,
    save_amendment,
)

REASON_REQUIRED = "Enter why the date the enquiry started is being corrected."
SAME_DATE = "That is the date already recorded: enter the date the strategy discussion was held."
AFTER_REQUEST = (
    "The initial conference was requested on {on:%-d %B %Y}: the enquiry must start on or "
    "before that day."
)
AFTER_CONFERENCE = (
    "{child}'s initial conference {verb} {on:%-d %B %Y}: the enquiry must start on or before "
    "that day. If that date is wrong, correct the conference's date first."
)
PASSES_ENQUIRY = (
    "{child}'s enquiry from {on:%-d %B %Y} would then come before this one: correct or void "
    "that enquiry first."
)
NOT_THE_SAME_DAY = "{child}'s enquiry did not start on the same day: correct it on its own."

FIELD_ENQUIRY_START = "Enquiry started"


@dataclass(frozen=True)
class EnquiryDateCorrection:
    enquiries: list[Section47]
    before: date
    conference: Conference | None  # the held initial conference whose timeliness was settled
    now_late: bool
    now_in_time: bool


def _initial_rows(section47s: list[Section47]) -> list[ConferenceChild]:
    return list(
        ConferenceChild.objects.filter(
            section47__in=section47s,
            conference__kind=ConferenceKind.INITIAL,
            conference__status__in=[ConferenceStatus.HELD, ConferenceStatus.SCHEDULED],
        ).select_related("conference", "child")
    )


@transaction.atomic
def correct_enquiry_date(
    *,
    section47: Section47,
    start_date: date,
    reason: str,
    acting_user,
    also: list[Section47] = (),
    lateness_reason: str = "",
    lateness_detail: str = "",
) -> EnquiryDateCorrection:
    """Move the start of ``section47`` (and of ``also``, brothers' and sisters' enquiries
    begun the same day) and their strategy discussions to ``start_date``; see the module."""
    enquiries = list(
        Section47.objects.select_for_update(of=("self",))
        .select_related("episode__child", "strategy_discussion")
        .filter(pk__in=[section47.pk, *(s.pk for s in also)])
        .order_by("pk")
    )
    require(
        acting_user,
        (Capability.RECORD_STRATEGY_DISCUSSION, Capability.VOID_RECORDS),
        children=[s.episode.child_id for s in enquiries],
    )
    first = next(s for s in enquiries if s.pk == section47.pk)
    old = first.start_date
    errors = Errors()
    reason = reason.strip()
    if not reason:
        errors.add("reason", REASON_REQUIRED)
    errors.add("reason", text_limits.too_long(reason, text_limits.REASON))
    if start_date == old:
        errors.add("start_date", SAME_DATE)
    impossible = False
    for s in enquiries:
        child = s.episode.child
        if s.start_date != old:
            errors.add("start_date", NOT_THE_SAME_DAY.format(child=child))
            continue
        _check_in_episode(errors, "start_date", s.episode, start_date, acting_user)
        if errors.by_field.get("start_date"):
            impossible = True  # a date that cannot be (in the future, say): said once
            continue
        if s.icpc_requested_on is not None and s.icpc_requested_on < start_date:
            errors.add("start_date", AFTER_REQUEST.format(on=s.icpc_requested_on))
        low, high = min(old, start_date), max(old, start_date)
        passed = (
            Section47.objects.filter(episode=s.episode, start_date__range=(low, high))
            .exclude(pk__in=[e.pk for e in enquiries])
            .order_by("start_date")
            .first()
        )
        if passed is not None:
            errors.add("start_date", PASSES_ENQUIRY.format(child=child, on=passed.start_date))
    rows = _initial_rows(enquiries)
    for row in [] if impossible else rows:
        conference = row.conference
        on = conference.held_on or conference.scheduled_date
        if on is not None and on < start_date:
            verb = "was held on" if conference.held_on else "is booked for"
            errors.add("start_date", AFTER_CONFERENCE.format(child=row.child, verb=verb, on=on))
    if lateness_reason and lateness_reason not in choice_values(LatenessReason):
        errors.add("lateness_reason", UNKNOWN_LATENESS)
    errors.add("lateness_detail", text_limits.too_long(lateness_detail, text_limits.REASON))
    errors.raise_if_any()

    # The held initial conference (one, the enquiries being a family's same-day ones):
    # was it in time against the due dates the new start gives?
    held = next((r.conference for r in rows if r.conference.status == ConferenceStatus.HELD), None)
    settled = None
    now_late = now_in_time = False
    if held is not None:
        held = Conference.objects.select_for_update().get(pk=held.pk)
        conference_rows = list(
            held.children.select_related("child", "section47", "plan").order_by("pk")
        )
        moved = {s.pk for s in enquiries}
        before = passed_due(held, conference_rows, held.held_on)
        for row in conference_rows:
            if row.section47_id in moved:
                row.section47.start_date = start_date
        due = passed_due(held, conference_rows, held.held_on)
        if due is None:
            lateness_reason = lateness_detail = ""
        elif not lateness_reason:
            lateness_reason, lateness_detail = held.lateness_reason, held.lateness_detail
        if due is not None and not lateness_reason and not held.from_return:
            errors.add("lateness_reason", LATENESS_REASON_REQUIRED.format(due=due))
        elif lateness_reason == LatenessReason.OTHER and not lateness_detail.strip():
            errors.add("lateness_detail", LATENESS_DETAIL_REQUIRED)
        errors.raise_if_any()
        if lateness_reason != LatenessReason.OTHER:
            lateness_detail = ""
        shown_before = lateness_shown(held.lateness_reason, held.lateness_detail)
        shown_after = lateness_shown(lateness_reason, lateness_detail)
        if shown_before != shown_after or before != due:
            now_late = before is None and due is not None
            now_in_time = before is not None and due is None
            changes = [
                change_line(row, FIELD_ENQUIRY_START, old, start_date)
                for row in conference_rows
                if row.section47_id in moved
            ]
            if shown_before != shown_after:
                changes += [
                    change_line(row, FIELD_LATENESS, shown_before, shown_after)
                    for row in conference_rows
                ]
            decision_before = decision_shown(held)
            held.lateness_reason = lateness_reason
            held.lateness_detail = lateness_detail
            # How late it was, or why, has changed: a manager decides again.
            clear_decision(held)
            decision_after = decision_shown(held)
            if decision_before != decision_after:
                changes += [
                    change_line(row, FIELD_DECISION, decision_before, decision_after)
                    for row in conference_rows
                ]
            minutes_out_of_date(held)
            save_amendment(held, acting_user=acting_user, reason=reason, changes=changes)
            settled = held

    for s in enquiries:
        s.start_date = start_date
        s._change_reason = change_reason(reason)
        saved_by(s, acting_user).save(update_fields=["start_date"])
        discussion = s.strategy_discussion
        if discussion is not None:
            discussion.held_on = start_date
            discussion._change_reason = change_reason(reason)
            saved_by(discussion, acting_user).save(update_fields=["held_on"])
    return EnquiryDateCorrection(
        enquiries=enquiries,
        before=old,
        conference=settled,
        now_late=now_late,
        now_in_time=now_in_time,
    )


def same_day_enquiries(user, section47: Section47) -> list[Section47]:
    """The live enquiries of ``section47``'s child's brothers and sisters (those ``user``
    may see) that began the same day: begun at the same strategy discussion as a rule,
    offered to be corrected with it."""
    from iro.access.scope import visible_to

    child = section47.episode.child
    if child.family_id is None:
        return []
    return list(
        Section47.objects.filter(
            start_date=section47.start_date,
            episode__child__family_id=child.family_id,
            episode__child__in=visible_to(user),
        )
        .exclude(episode__child=child)
        .select_related("episode__child")
        .order_by("episode__child__date_of_birth", "pk")
    )
