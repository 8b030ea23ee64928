"""Correcting the date of a referral (the start of its Child in Need episode): the one
write path.

A referral typed with the wrong day or year left the worker with no way on: a strategy
discussion or enquiry date before it is refused ("cannot be before the referral"), and
voiding the referral is refused while anything is recorded in its episode.
``correct_referral_date`` moves the episode's start alone, with a reason kept in its
history. The census return reads the episode from it (the ReferralDate), so the rules of
a referral still hold:

- not in the future, nor before the child's birth (as when it was recorded);
- on or before everything recorded in the episode (its first strategy discussion,
  enquiry, assessment, Child in Need plan or child protection plan) and its closure: the
  referral opens the episode;
- not inside another of the child's episodes (census rule 8820; starting on the day the
  one before it closed is allowed), nor past the next one's referral.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Min

from iro import text_limits
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.access.scope import display_name
from iro.journey.checks import Errors, before_birth, change_reason, not_in_future, saved_by
from iro.journey.models import (
    Assessment,
    CinPlanPeriod,
    Episode,
    Plan,
    Section47,
    StrategyDiscussion,
)
from iro.journey.services import REFERRAL_WITHIN_CLOSED_EPISODE

REASON_REQUIRED = "Enter why the date of the referral is being corrected."
SAME_DATE = "That is the date already recorded: enter the date of the referral."
AFTER_RECORD = (
    "The {what} on {on:%-d %B %Y} is recorded in this episode: the referral must be on or "
    "before that day."
)
AFTER_CLOSURE = "The episode closed on {on:%-d %B %Y}: the referral must be on or before that day."
INSIDE_OPEN = (
    "{name}'s episode from {on:%-d %B %Y} is open: the referral cannot be dated inside it."
)
AFTER_NEXT = (
    "{name}'s next referral is on {on:%-d %B %Y}: this one must be before it. Check the year."
)

# What an episode records, with the date each starts on, in the words the refusal uses.
_RECORDS = (
    (StrategyDiscussion, "held_on", "strategy discussion"),
    (Section47, "start_date", "Section 47 enquiry"),
    (Assessment, "start_date", "assessment"),
    (CinPlanPeriod, "start_date", "Child in Need plan"),
    (Plan, "start_date", "child protection plan"),
)


def _first_record(episode: Episode) -> tuple[date, str] | None:
    """The earliest record of ``episode`` (live ones: a voided record holds nothing)."""
    found = []
    for model, field, what in _RECORDS:
        first = model.objects.filter(episode=episode).aggregate(first=Min(field))["first"]
        if first is not None:
            found.append((first, what))
    return min(found, key=lambda f: f[0], default=None)  # on a tie, the first named


@transaction.atomic
def correct_referral_date(
    *, episode: Episode, referral_date: date, reason: str, acting_user
) -> Episode:
    """Move the start of ``episode`` to ``referral_date``; see the module."""
    episode = (
        Episode.objects.select_for_update(of=("self",)).select_related("child").get(pk=episode.pk)
    )
    child = episode.child
    require(
        acting_user,
        (Capability.RECORD_STRATEGY_DISCUSSION, Capability.VOID_RECORDS),
        child=child.pk,
    )
    name = display_name(acting_user, child)
    errors = Errors()
    reason = reason.strip()
    if not reason:
        errors.add("reason", REASON_REQUIRED)
    errors.add("reason", text_limits.too_long(reason, text_limits.REASON))
    if referral_date == episode.referral_date:
        errors.add("referral_date", SAME_DATE)
    errors.add("referral_date", not_in_future(referral_date))
    errors.add("referral_date", before_birth(referral_date, child=child, name=name))
    if not errors.by_field.get("referral_date"):
        first = _first_record(episode)
        if first is not None and referral_date > first[0]:
            errors.add("referral_date", AFTER_RECORD.format(what=first[1], on=first[0]))
        elif episode.closure_date is not None and referral_date > episode.closure_date:
            errors.add("referral_date", AFTER_CLOSURE.format(on=episode.closure_date))
        others = Episode.objects.filter(child=child).exclude(pk=episode.pk)
        inside = (
            others.filter(referral_date__lte=referral_date)
            .exclude(closure_date__lte=referral_date)
            .order_by("-referral_date")
            .first()
        )
        if inside is not None and inside.closure_date is not None:
            errors.add(
                "referral_date",
                REFERRAL_WITHIN_CLOSED_EPISODE.format(
                    name=name, start=inside.referral_date, end=inside.closure_date
                ),
            )
        elif inside is not None:
            errors.add("referral_date", INSIDE_OPEN.format(name=name, on=inside.referral_date))
        following = (
            others.filter(referral_date__gt=episode.referral_date).order_by("referral_date").first()
        )
        if following is not None and referral_date >= following.referral_date:
            errors.add("referral_date", AFTER_NEXT.format(name=name, on=following.referral_date))
    errors.raise_if_any()
    episode.referral_date = referral_date
    episode._change_reason = change_reason(reason)
    saved_by(episode, acting_user).save(update_fields=["referral_date"])
    return episode
