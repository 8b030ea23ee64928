"""Reads for correcting records: finding a record (live or voided) for a user, the
child's list of voids and restores, and the dates corrected on the child's records.

Every lookup goes through the user's access (``access.scope``); a voided record is found
only through ``all_objects`` here, for its restore page and the child's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.http import Http404
from django.urls import reverse

from iro.access.capabilities import Capability, has_capability
from iro.access.scope import can_view_child, child_for, refuse
from iro.challenge.models import Dispute, MultiAgencyChallenge
from iro.children.models import Child
from iro.journey.corrections import voided_plan_end
from iro.journey.models import (
    Conference,
    ConferenceChild,
    Correction,
    CorrectionAction,
    CorrectionKind,
    Episode,
    Plan,
    Section47,
    StrategyDiscussion,
)
from iro.journey.selectors import conference_for
from iro.people.models import User

NO_SUCH_RECORD = "No such record"


def _found(queryset, *, voided: bool, **lookup):
    queryset = queryset.filter(voided_at__isnull=not voided)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404(NO_SUCH_RECORD) from exc


def _seen(user, record):
    if not can_view_child(user, record.child):
        raise refuse(record.child)
    return record


def conference(user, public_id: UUID, *, voided: bool) -> Conference:
    return conference_for(user, public_id, every_child=True, voided=voided)


def conference_row(user, public_id: UUID, pk: int, *, voided: bool) -> ConferenceChild:
    """One child's row at a live conference the user may open with every child (the
    conference's guard), voided on its own or not as asked."""
    found_conference = conference_for(user, public_id, every_child=True)
    rows = ConferenceChild.all_objects.filter(conference=found_conference).select_related(
        "child", "plan", "conference"
    )
    return _found(rows, voided=voided, pk=pk)


def dispute(user, public_id: UUID, *, voided: bool) -> Dispute:
    found = Dispute.all_objects.select_related("child")
    return _seen(user, _found(found, voided=voided, public_id=public_id))


def challenge(user, public_id: UUID, *, voided: bool) -> MultiAgencyChallenge:
    found = MultiAgencyChallenge.all_objects.select_related("child", "agency")
    return _seen(user, _found(found, voided=voided, public_id=public_id))


def plan(user, public_id: UUID) -> Plan:
    found = Plan.objects.select_related("child")
    return _seen(user, _found(found, voided=False, public_id=public_id))


def referral(user, public_id: UUID, pk: int, *, voided: bool) -> Episode:
    child = child_for(user, public_id)
    found = Episode.all_objects.filter(child=child).select_related("child")
    return _found(found, voided=voided, pk=pk)


def strategy_discussion(user, public_id: UUID, pk: int, *, voided: bool) -> StrategyDiscussion:
    child = child_for(user, public_id)
    found = StrategyDiscussion.all_objects.filter(episode__child=child)
    return _found(found, voided=voided, pk=pk)


def section47(user, public_id: UUID, pk: int, *, voided: bool) -> Section47:
    child = child_for(user, public_id)
    found = Section47.all_objects.filter(episode__child=child)
    return _found(found, voided=voided, pk=pk)


def conference_children(conference: Conference) -> list[Child]:
    rows = ConferenceChild.all_objects.filter(conference=conference).select_related("child")
    return [r.child for r in rows.order_by("child__la_child_id")]


# ------------------------------------------------------------------ a child's history


@dataclass(frozen=True)
class CorrectionEntry:
    what: str
    kind: str
    action: str  # "Voided" or "Restored"
    by: str
    at: datetime
    reason: str
    restore_url: str  # set while the record is still voided and the user may restore it


def _restore_urls(child: Child, voids: list[Correction]) -> dict[tuple[str, int], str]:
    """The restore page of each record that is voided now, in one query per kind."""
    ids: dict[str, set[int]] = {}
    for c in voids:
        ids.setdefault(c.kind, set()).add(c.record_id)
    urls: dict[tuple[str, int], str] = {}
    simple = {
        CorrectionKind.CONFERENCE: (Conference, "conference_restore"),
        CorrectionKind.DISPUTE: (Dispute, "dispute_restore"),
        CorrectionKind.CHALLENGE: (MultiAgencyChallenge, "challenge_restore"),
    }
    for kind, (model, name) in simple.items():
        if kind in ids:
            for pk, public_id in model.all_objects.filter(
                pk__in=ids[kind], voided_at__isnull=False
            ).values_list("pk", "public_id"):
                urls[(kind, pk)] = reverse(name, args=[public_id])
    for kind, model, name in (
        (CorrectionKind.REFERRAL, Episode, "referral_restore"),
        (CorrectionKind.STRATEGY_DISCUSSION, StrategyDiscussion, "strategy_discussion_restore"),
        (CorrectionKind.SECTION47, Section47, "section47_restore"),
    ):
        if kind in ids:
            for pk in model.all_objects.filter(
                pk__in=ids[kind], voided_at__isnull=False
            ).values_list("pk", flat=True):
                urls[(kind, pk)] = reverse(name, args=[child.public_id, pk])
    if CorrectionKind.CONFERENCE_CHILD in ids:
        for pk, public_id in ConferenceChild.all_objects.filter(
            pk__in=ids[CorrectionKind.CONFERENCE_CHILD],
            voided_at__isnull=False,
            conference__voided_at__isnull=True,
        ).values_list("pk", "conference__public_id"):
            urls[(CorrectionKind.CONFERENCE_CHILD, pk)] = reverse(
                "conference_child_restore", args=[public_id, pk]
            )
    if CorrectionKind.PLAN_END in ids:
        for plan_record in Plan.objects.filter(pk__in=ids[CorrectionKind.PLAN_END]):
            if voided_plan_end(plan_record) is not None and plan_record.end_date is None:
                urls[(CorrectionKind.PLAN_END, plan_record.pk)] = reverse(
                    "plan_end_restore", args=[plan_record.public_id]
                )
    return urls


def corrections_for(user, child: Child) -> list[CorrectionEntry]:
    """Every void and restore of ``child``'s records, newest first; the latest void of a
    record still voided carries its restore page for a user who may restore it.
    ``child`` must come from ``access.scope.child_for``."""
    rows = list(Correction.objects.filter(child=child).select_related("by").order_by("-at", "-pk"))
    if not rows:
        return []
    may_restore = has_capability(user, Capability.VOID_RECORDS)
    urls = _restore_urls(child, [c for c in rows if c.action == CorrectionAction.VOID])
    entries, offered = [], set()
    for c in rows:
        key = (c.kind, c.record_id)
        url = ""
        if may_restore and c.action == CorrectionAction.VOID and key not in offered:
            url = urls.get(key, "")
        offered.add(key)
        entries.append(
            CorrectionEntry(
                what=c.what,
                kind=c.get_kind_display(),
                action=c.get_action_display(),
                by=str(c.by),
                at=c.at,
                reason=c.reason,
                restore_url=url,
            )
        )
    return entries


@dataclass(frozen=True)
class DateCorrection:
    """A date corrected on one of a child's records: what, from and to, who, when, why."""

    what: str
    before: date
    after: date
    by: str
    at: datetime
    reason: str


# The dates corrected through their own pages (``journey.referral_date`` and
# ``journey.enquiry_date``): the record's history keeps each change with its reason.
_CORRECTED_DATES = (
    (Episode, "child", "referral_date", "Referral date"),
    (Section47, "episode__child", "start_date", "Date the Section 47 enquiry started"),
)


def date_corrections(child: Child) -> list[DateCorrection]:
    """Every correction of ``child``'s referral and enquiry dates, newest first, read
    from the records' history: a change of the date saved with a reason. Two queries of a
    few columns (a journey opens with them), and a third for who made any correction.
    ``child`` must come from ``access.scope.child_for``."""
    found: list[tuple[str, date, date, int | None, datetime, str]] = []
    for model, to_child, field, label in _CORRECTED_DATES:
        rows = (
            model.history.filter(**{to_child: child})
            .order_by("id", "history_date", "history_id")
            .values_list("id", field, "history_date", "history_change_reason", "history_user_id")
        )
        previous = None
        for row in rows:
            record_id, after, at, reason, by = row
            if (
                previous is not None
                and previous[0] == record_id
                and previous[1] != after
                and reason
            ):
                found.append((label, previous[1], after, by, at, reason))
            previous = row
    if not found:
        return []
    users = User.objects.in_bulk({item[3] for item in found if item[3] is not None})
    corrections = [
        DateCorrection(
            what=label,
            before=before,
            after=after,
            by=str(users[by]) if by in users else "",
            at=at,
            reason=reason,
        )
        for label, before, after, by, at, reason in found
    ]
    return sorted(corrections, key=lambda c: c.at, reverse=True)
