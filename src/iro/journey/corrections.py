"""Voiding wrongly entered records, and restoring them: the one write path.

A manager (``Capability.VOID_RECORDS``) voids a referral, a strategy discussion, a
Section 47 enquiry, a conference, a plan's end, a dispute or a multi-agency challenge with a
reason. A voided record keeps its row (``voided_at``, ``voided_by``, ``void_reason``) and
its history, but the default managers leave it out (``journey.models.LiveManager``), so
it disappears from lists, due dates, measures and the census; a ``Correction`` row per
child says who voided it, when and why, and a restore puts it back the same way.

What hangs on a record decides what a void does (each rule says why):

- A referral (its Child in Need episode) is refused while anything recorded in the
  episode stands (a strategy discussion, an enquiry, a plan, an assessment, a Child in
  Need plan, a conference date from a census return): void those first, or move them.
  Restoring one is refused when another referral was entered in its place (it would
  overlap it: census rules 8815, 8820).
- A strategy discussion is voided with the Section 47 enquiry it started: the enquiry's
  start *is* the discussion, so it cannot stand without it.
- A Section 47 enquiry (or its discussion) whose initial conference is recorded is
  refused: the conference would lose what it was about. Void the conference first.
- A conference is voided with the plans it started and takes back the plan ends it
  decided: those facts exist only because it was recorded. It is refused while a plan
  it started has anything of its own (a review, an end, a dispute), or when reopening a
  plan it ended would overlap a later plan; the message names the plan and what depends.
- One child's part in a held conference (listed at it by mistake) is voided on its own,
  with what their row started or ended, as for the whole conference; refused for the last
  child on the record (void the conference) and before the conference is held (take the
  child off the booking). Minutes already sent are to be sent again.
- A plan's end is voided by reopening the plan; refused when a review conference decided
  the end (void that conference) or a later plan would overlap.

Every function runs in one transaction and raises ``ValidationError`` with exact
messages (the constants below), writing nothing on refusal.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iro import text_limits
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.challenge.models import Dispute, MultiAgencyChallenge
from iro.challenge.services import settle_notices
from iro.journey.checks import Errors, change_reason, saved_by
from iro.journey.invitations import plain_list
from iro.journey.models import (
    Assessment,
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Correction,
    CorrectionAction,
    CorrectionKind,
    Decision,
    Episode,
    Plan,
    PlanEndReason,
    Section47,
    StrategyDiscussion,
)

# Messages (tests import these).
VOID_REASON_REQUIRED = "Enter why this record is being voided."
RESTORE_REASON_REQUIRED = "Enter why this record is being restored."
ALREADY_VOIDED = "This record was already voided on {date:%-d %B %Y}."
NOT_VOIDED = "This record is not voided: there is nothing to restore."
S47_HAS_CONFERENCE = (
    "The Section 47 enquiry from {start:%-d %B %Y} led to the initial conference on "
    "{on:%-d %B %Y}: void that conference first."
)
S47_DISCUSSION_VOIDED = (
    "This enquiry was voided with its strategy discussion on {date:%-d %B %Y}: "
    "restore the strategy discussion instead."
)
CONFERENCE_S47_VOIDED = (
    "{child}'s Section 47 enquiry from {start:%-d %B %Y} is voided: restore it first."
)
PLAN_HAS_REVIEWS = (
    "This conference started {child}'s plan from {start:%-d %B %Y}, which has "
    "{reviews} of its own ({dates}): void {them} first."
)
PLAN_HAS_BOOKED_REVIEW = (
    "This conference started {child}'s plan from {start:%-d %B %Y}, whose review is booked "
    "for {on}: take {child} off that booking first (or cancel it, if they are its only "
    "child)."
)
PLAN_HAS_ENDED = (
    "This conference started {child}'s plan from {start:%-d %B %Y}, which ended on "
    "{end:%-d %B %Y}: void that end first."
)
PLAN_HAS_DISPUTES = (
    "This conference started {child}'s plan from {start:%-d %B %Y}, which has "
    "{disputes} about it: void {them} first."
)
PLAN_WOULD_OVERLAP = (
    "Reopening {child}'s plan from {start:%-d %B %Y} would overlap their later plan "
    "from {later:%-d %B %Y}: void that plan's conference first."
)
RESTORE_OVERLAP = (
    "Restoring would give {child} two plans at once: their plan from {other:%-d %B %Y} "
    "overlaps the plan from {start:%-d %B %Y} this conference started."
)
PLAN_NOT_ENDED = "This plan has not ended: there is no end to void."
PLAN_END_BY_CONFERENCE = (
    "The review conference on {on:%-d %B %Y} decided this end: void that conference instead."
)
CIN_PLAN_ENDED_SINCE = (
    "{child}'s Child in Need plan, which began when this plan stepped down on "
    "{start:%-d %B %Y}, has itself ended since: end it no earlier than that first."
)
CIN_PLAN_OPEN_SINCE = (
    "{child} has an open Child in Need plan from {start:%-d %B %Y}: the step down to a "
    "Child in Need plan cannot be put back beside it."
)
RESTORE_S47_REPLACED = (
    "{child}'s enquiry from {other:%-d %B %Y} stands in this one's place (under way, or "
    "followed by an initial conference since): restoring this one would count the "
    "enquiry twice. If this one is the right record, void that one first."
)
RESTORE_CONFERENCE_REPLACED = (
    "{child}'s {what} of {on:%-d %B %Y} stands in this one's place: restoring this one "
    "would count the conference twice. If this one is the right record, void that one "
    "first."
)
REFERRAL_HAS_RECORDS = (
    "The referral of {start:%-d %B %Y} has {what} recorded in its episode: void {them} "
    "first, so that nothing is left without the referral it belongs to."
)
REFERRAL_HAS_CENSUS_RECORDS = (
    "The referral of {start:%-d %B %Y} has {what} from a census return: correct it in the "
    "case management system and import the return again."
)
RESTORE_REFERRAL_OVERLAP = (
    "{child}'s referral of {other:%-d %B %Y} stands in this one's place (their episodes "
    "would overlap): if this one is the right record, void that one first."
)
CONFERENCE_CHILD_NOT_HELD = (
    "Only the record of a held conference is corrected here: before it is held, take the "
    "child off the booking."
)
CONFERENCE_CHILD_LAST = (
    "{child} is the only child left on this conference's record: void the conference instead."
)
CONFERENCE_CHILD_CONFERENCE_VOIDED = (
    "The whole conference is voided: restore it first, then this child's part in it."
)
PLAN_END_NOTHING_TO_RESTORE = "No voided end of this plan is waiting to be restored."
PLAN_ENDED_AGAIN = "This plan has been ended again since, on {date:%-d %B %Y}."

VOID = "void"
RESTORE = "restore"


def _counted(n: int, word: str) -> dict[str, str]:
    return {"them": "it" if n == 1 else "them", "count": f"{n} {word}" + ("" if n == 1 else "s")}


def _date(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else "no date"


def _check_reason(reason: str, *, action: str) -> None:
    errors = Errors()
    if not reason or not reason.strip():
        errors.add("reason", VOID_REASON_REQUIRED if action == VOID else RESTORE_REASON_REQUIRED)
    errors.add("reason", text_limits.too_long(reason, text_limits.REASON))
    errors.raise_if_any()


def _refuse(message: str) -> None:
    raise ValidationError({"reason": message})


def _log(
    *,
    children,
    kind: str,
    record_id: int,
    what: str,
    action: str,
    reason: str,
    acting_user,
    at,
    undone: dict | None = None,
) -> None:
    Correction.objects.bulk_create(
        Correction(
            child_id=getattr(child, "pk", child),
            kind=kind,
            record_id=record_id,
            what=what[:200],
            action=action,
            reason=reason.strip(),
            by=acting_user,
            at=at,
            undone=undone or {},
        )
        for child in dict.fromkeys(getattr(c, "pk", c) for c in children)
    )


def _mark(record, *, acting_user, reason: str, at) -> None:
    record.voided_at = at
    record.voided_by = acting_user
    record.void_reason = reason.strip()
    fields = ["voided_at", "voided_by", "void_reason"]
    if hasattr(record, "version"):
        record.version += 1
        fields.append("version")
    saved_by(record, acting_user).save(update_fields=fields)


def _unmark(record, *, acting_user) -> None:
    record.voided_at = None
    record.voided_by = None
    record.void_reason = ""
    fields = ["voided_at", "voided_by", "void_reason"]
    if hasattr(record, "version"):
        record.version += 1
        fields.append("version")
    saved_by(record, acting_user).save(update_fields=fields)


def _locked(model, pk: int):
    return model.all_objects.select_for_update().get(pk=pk)


def _not_voided(record) -> None:
    if record.voided_at is not None:
        _refuse(ALREADY_VOIDED.format(date=timezone.localdate(record.voided_at)))


def _voided(record) -> None:
    if record.voided_at is None:
        _refuse(NOT_VOIDED)


# ------------------------------------------------------- descriptions (as the log keeps them)


def describe(kind: str, record) -> str:
    """The record in a few words, as the child's page lists it once voided."""
    if kind == CorrectionKind.REFERRAL:
        return f"Referral of {_date(record.referral_date)}"
    if kind == CorrectionKind.STRATEGY_DISCUSSION:
        return f"Strategy discussion on {_date(record.held_on)}"
    if kind == CorrectionKind.SECTION47:
        return f"Section 47 enquiry from {_date(record.start_date)}"
    if kind == CorrectionKind.CONFERENCE:
        when = record.held_on or record.scheduled_date
        verb = "held" if record.held_on else "booked for"
        return f"{record.get_kind_display()} {verb} {_date(when)}"
    if kind == CorrectionKind.CONFERENCE_CHILD:
        conference = record.conference
        said = conference.get_kind_display()
        return f"Listed at the {said[0].lower()}{said[1:]} held {_date(conference.held_on)}"
    if kind == CorrectionKind.PLAN:
        return f"Child protection plan from {_date(record.start_date)}"
    if kind == CorrectionKind.PLAN_END:
        return f"End of the plan from {_date(record.start_date)}"
    if kind == CorrectionKind.DISPUTE:
        return f"Dispute raised {_date(record.raised_on)} ({record.get_reason_display()})"
    return f"Multi-agency challenge to {record.agency} raised {_date(record.raised_on)}"


# ------------------------------------------------------------------ referrals


def _counted_words(counted: list[tuple[int, str, str]]) -> tuple[str, int]:
    """("a strategy discussion and 2 plans", 3) from ``(n, one, many)`` triples, those
    with n of 0 left out."""
    words = [one if n == 1 else f"{n} {many}" for n, one, many in counted if n]
    return plain_list(words), sum(n for n, _, _ in counted)


def _referral_records(episode: Episode) -> tuple[tuple[str, int], tuple[str, int]]:
    """What stands in ``episode`` that a void would leave without its referral, in words
    and how many: the records iro keeps (voided through their own pages) and those a
    census return brought (assessments, Child in Need plans, a conference date on the
    episode)."""
    ours = _counted_words([
        (StrategyDiscussion.objects.filter(episode=episode).count(),
         "a strategy discussion", "strategy discussions"),
        (Section47.objects.filter(episode=episode, strategy_discussion__isnull=True).count(),
         "a Section 47 enquiry", "Section 47 enquiries"),
        (Plan.objects.filter(episode=episode).count(),
         "a child protection plan", "child protection plans"),
    ])  # fmt: skip
    census = _counted_words([
        (Assessment.objects.filter(episode=episode).count(), "an assessment", "assessments"),
        (CinPlanPeriod.objects.filter(episode=episode).count(),
         "a Child in Need plan", "Child in Need plans"),
        (1 if episode.icpc_date else 0, "an initial conference date", ""),
    ])  # fmt: skip
    return ours, census


def _overlapping_referral(episode: Episode) -> Episode | None:
    """A live referral of the same child whose episode overlaps ``episode``'s (one open
    episode at a time, none inside another: census rules 8815 and 8820)."""
    others = Episode.objects.filter(child_id=episode.child_id).exclude(pk=episode.pk)
    if episode.closure_date is not None:
        others = others.filter(referral_date__lt=episode.closure_date)
    return (
        others.filter(Q(closure_date__isnull=True) | Q(closure_date__gt=episode.referral_date))
        .order_by("referral_date")
        .first()
    )


@transaction.atomic
def void_referral(*, episode: Episode, reason: str, acting_user) -> Episode:
    """Void a referral entered wrongly (on the wrong child, or never made), with its Child
    in Need episode; refused while anything recorded in the episode still stands."""
    episode = _locked(Episode, episode.pk)
    require(acting_user, Capability.VOID_RECORDS, child=episode.child_id)
    _check_reason(reason, action=VOID)
    _not_voided(episode)
    (ours, how_many), (census, _) = _referral_records(episode)
    if ours:
        them = "it" if how_many == 1 else "them"
        _refuse(REFERRAL_HAS_RECORDS.format(start=episode.referral_date, what=ours, them=them))
    if census:
        _refuse(REFERRAL_HAS_CENSUS_RECORDS.format(start=episode.referral_date, what=census))
    at = timezone.now()
    _mark(episode, acting_user=acting_user, reason=reason, at=at)
    kind = CorrectionKind.REFERRAL
    _log(
        children=[episode.child_id],
        kind=kind,
        record_id=episode.pk,
        what=describe(kind, episode),
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    return episode


@transaction.atomic
def restore_referral(*, episode: Episode, reason: str, acting_user) -> Episode:
    """Restore a voided referral, unless another was entered in its place."""
    episode = _locked(Episode, episode.pk)
    require(acting_user, Capability.VOID_RECORDS, child=episode.child_id)
    _check_reason(reason, action=RESTORE)
    _voided(episode)
    other = _overlapping_referral(episode)
    if other is not None:
        _refuse(
            RESTORE_REFERRAL_OVERLAP.format(child=episode.child, other=other.referral_date)
        )  # fmt: skip
    _unmark(episode, acting_user=acting_user)
    kind = CorrectionKind.REFERRAL
    _log(
        children=[episode.child_id],
        kind=kind,
        record_id=episode.pk,
        what=describe(kind, episode),
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    return episode


# ------------------------------------------------------- strategy discussions and S47s


def _live_icpc(section47: Section47) -> ConferenceChild | None:
    return (
        ConferenceChild.objects.filter(section47=section47)
        .select_related("conference")
        .order_by("conference__held_on", "conference__scheduled_date")
        .first()
    )


@transaction.atomic
def void_strategy_discussion(
    *, discussion: StrategyDiscussion, reason: str, acting_user
) -> StrategyDiscussion:
    """Void a strategy discussion, and the Section 47 enquiry it started with it."""
    discussion = _locked(StrategyDiscussion, discussion.pk)
    child_id = discussion.episode.child_id
    require(acting_user, Capability.VOID_RECORDS, child=child_id)
    _check_reason(reason, action=VOID)
    _not_voided(discussion)
    s47 = Section47.all_objects.filter(strategy_discussion=discussion).first()
    if s47 is not None and (row := _live_icpc(s47)) is not None:
        on = row.conference.held_on or row.conference.scheduled_date
        _refuse(S47_HAS_CONFERENCE.format(start=s47.start_date, on=on))
    at = timezone.now()
    _mark(discussion, acting_user=acting_user, reason=reason, at=at)
    kind = CorrectionKind.STRATEGY_DISCUSSION
    _log(
        children=[child_id],
        kind=kind,
        record_id=discussion.pk,
        what=describe(kind, discussion),
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    if s47 is not None and s47.voided_at is None:
        _mark(s47, acting_user=acting_user, reason=reason, at=at)
    return discussion


@transaction.atomic
def restore_strategy_discussion(
    *, discussion: StrategyDiscussion, reason: str, acting_user
) -> StrategyDiscussion:
    """Restore a voided strategy discussion and the enquiry voided with it."""
    discussion = _locked(StrategyDiscussion, discussion.pk)
    child_id = discussion.episode.child_id
    require(acting_user, Capability.VOID_RECORDS, child=child_id)
    _check_reason(reason, action=RESTORE)
    _voided(discussion)
    voided_at = discussion.voided_at
    s47 = Section47.all_objects.filter(strategy_discussion=discussion).first()
    if s47 is not None and s47.voided_at == voided_at:
        _refuse_replaced_section47(s47)
    _unmark(discussion, acting_user=acting_user)
    kind = CorrectionKind.STRATEGY_DISCUSSION
    _log(
        children=[child_id],
        kind=kind,
        record_id=discussion.pk,
        what=describe(kind, discussion),
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    if s47 is not None and s47.voided_at == voided_at:
        _unmark(s47, acting_user=acting_user)
    return discussion


def _replacing_section47(section47: Section47) -> Section47 | None:
    """Another live enquiry of the same episode entered in this one's place: one still
    under way, or followed by an initial conference held on or after this one's start."""
    held_icpcs = ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.INITIAL, conference__status=ConferenceStatus.HELD
    )
    child_id = section47.episode.child_id
    others = Section47.objects.filter(episode_id=section47.episode_id).exclude(pk=section47.pk)
    for other in others.order_by("start_date", "pk"):
        followed = held_icpcs.filter(
            Q(section47=other)
            | Q(
                section47__isnull=True,
                child_id=child_id,
                conference__held_on__gte=other.start_date,
            )
        )
        if not followed.exists() and not other.icpc_not_required:
            return other
        if followed.filter(conference__held_on__gte=section47.start_date).exists():
            return other
    return None


def _refuse_replaced_section47(section47: Section47) -> None:
    other = _replacing_section47(section47)
    if other is not None:
        _refuse(RESTORE_S47_REPLACED.format(child=section47.episode.child, other=other.start_date))


@transaction.atomic
def void_section47(*, section47: Section47, reason: str, acting_user) -> Section47:
    """Void a Section 47 enquiry (its strategy discussion stays, with no enquiry)."""
    section47 = _locked(Section47, section47.pk)
    child_id = section47.episode.child_id
    require(acting_user, Capability.VOID_RECORDS, child=child_id)
    _check_reason(reason, action=VOID)
    _not_voided(section47)
    if (row := _live_icpc(section47)) is not None:
        on = row.conference.held_on or row.conference.scheduled_date
        _refuse(S47_HAS_CONFERENCE.format(start=section47.start_date, on=on))
    at = timezone.now()
    _mark(section47, acting_user=acting_user, reason=reason, at=at)
    kind = CorrectionKind.SECTION47
    _log(
        children=[child_id],
        kind=kind,
        record_id=section47.pk,
        what=describe(kind, section47),
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    return section47


@transaction.atomic
def restore_section47(*, section47: Section47, reason: str, acting_user) -> Section47:
    section47 = _locked(Section47, section47.pk)
    child_id = section47.episode.child_id
    require(acting_user, Capability.VOID_RECORDS, child=child_id)
    _check_reason(reason, action=RESTORE)
    _voided(section47)
    discussion = section47.strategy_discussion_id and StrategyDiscussion.all_objects.get(
        pk=section47.strategy_discussion_id
    )
    if discussion and discussion.voided_at is not None:
        _refuse(S47_DISCUSSION_VOIDED.format(date=timezone.localdate(discussion.voided_at)))
    _refuse_replaced_section47(section47)
    _unmark(section47, acting_user=acting_user)
    kind = CorrectionKind.SECTION47
    _log(
        children=[child_id],
        kind=kind,
        record_id=section47.pk,
        what=describe(kind, section47),
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    return section47


# ------------------------------------------------------------------ conferences


def started_plan(conference: Conference, row: ConferenceChild) -> bool:
    """Whether ``row``'s plan was started by this conference (not one it only reviewed)."""
    return (
        row.plan_id is not None
        and conference.kind in (ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN)
        and row.decision == Decision.PLAN
        and row.plan.start_date == conference.held_on
    )


def ended_plan(conference: Conference, row: ConferenceChild) -> bool:
    """Whether this review conference ended ``row``'s plan (on the day it was held)."""
    return (
        row.plan_id is not None
        and conference.kind == ConferenceKind.REVIEW
        and row.decision == Decision.END
        and row.plan.end_date is not None
        and row.plan.end_date == conference.held_on
    )


def _later_plan(plan: Plan) -> Plan | None:
    return (
        Plan.objects.filter(child_id=plan.child_id, start_date__gt=plan.start_date)
        .exclude(pk=plan.pk)
        .order_by("start_date")
        .first()
    )


def void_consequences(conference: Conference, user, rows=None) -> list[str]:
    """What voiding ``conference`` would do, said before it is done (the void page): the
    plans it started go with it, the plans it ended reopen, and a review's plan is next
    due from the review before it. Read only; ``void_conference`` does it."""
    from iro import timescales
    from iro.access.scope import display_name
    from iro.journey.checks import today
    from iro.journey.services import review_dates

    said = []
    if rows is None:
        rows = conference.children.select_related("child", "plan").order_by("pk")
    for row in rows:
        name = display_name(user, row.child)
        if started_plan(conference, row):
            said.append(f"{name}'s plan from {row.plan.start_date:%-d %B %Y} is voided with it.")
        elif ended_plan(conference, row):
            said.append(f"{name}'s plan, which it ended on {row.plan.end_date:%-d %B %Y}, reopens.")
            if step_down_cin_plan(row.plan) is not None:
                said.append(f"The Child in Need plan {name} stepped down to is removed.")
        reopens = ended_plan(conference, row)
        if (
            conference.kind == ConferenceKind.REVIEW
            and row.plan_id is not None
            and (row.plan.end_date is None or reopens)  # an ended plan is due nothing
        ):
            others = [d for d in review_dates(row.plan) if d != conference.held_on]
            due = timescales.next_review_after(row.plan.start_date, others)
            late = " (overdue)" if due < today() else ""
            said.append(f"{name}'s next review is then due by {due:%-d %B %Y}{late}.")
    return said


STARTED, ENDED = "started", "ended"


def _check_row_void(conference: Conference, row: ConferenceChild) -> str | None:
    """What voiding ``row`` (with its conference, or on its own) undoes: ``STARTED``,
    the plan it started goes with it; ``ENDED``, the plan end it decided is taken back;
    else nothing. Refuses what depends on it."""
    child = row.child
    if started_plan(conference, row):
        plan = row.plan
        later = list(
            ConferenceChild.objects.filter(plan=plan)
            .exclude(conference=conference)
            .exclude(conference__status=ConferenceStatus.CANCELLED)
            .select_related("conference")
            .order_by("conference__held_on", "conference__scheduled_date", "pk")
        )
        held = [r.conference for r in later if r.conference.status == ConferenceStatus.HELD]
        if held:
            said = _counted(len(held), "later conference")
            _refuse(
                PLAN_HAS_REVIEWS.format(
                    child=child,
                    start=plan.start_date,
                    reviews=said["count"],
                    them=said["them"],
                    dates=plain_list(f"held {_date(c.held_on)}" for c in held),
                )
            )
        if later:
            booked = later[0].conference
            _refuse(
                PLAN_HAS_BOOKED_REVIEW.format(
                    child=child,
                    start=plan.start_date,
                    on=_date(booked.scheduled_date) if booked.scheduled_date else "no date yet",
                )
            )
        if plan.end_date is not None:
            _refuse(PLAN_HAS_ENDED.format(child=child, start=plan.start_date, end=plan.end_date))
        if count := Dispute.objects.filter(plan=plan).count():
            said = _counted(count, "dispute")
            _refuse(
                PLAN_HAS_DISPUTES.format(
                    child=child, start=plan.start_date, disputes=said["count"], them=said["them"]
                )
            )
        return STARTED
    if ended_plan(conference, row):
        later = _later_plan(row.plan)
        if later is not None:
            _refuse(
                PLAN_WOULD_OVERLAP.format(
                    child=child, start=row.plan.start_date, later=later.start_date
                )
            )
        return ENDED
    return None


def void_blocked(conference: Conference, rows) -> list[str]:
    """What stops voiding ``rows`` of ``conference`` (with it, or on their own), said on
    the page before a reason is typed; the void itself checks again. Read only."""
    said: list[str] = []
    for row in rows:
        try:
            _check_row_void(conference, row)
        except ValidationError as error:
            said += [m for m in error.messages if m not in said]
    return said


def void_conference_child_blocked(row: ConferenceChild) -> list[str]:
    """What stops taking ``row``'s child off its conference's record (read only)."""
    conference = row.conference
    if conference.status != ConferenceStatus.HELD:
        return [CONFERENCE_CHILD_NOT_HELD]
    if not ConferenceChild.objects.filter(conference=conference).exclude(pk=row.pk).exists():
        return [CONFERENCE_CHILD_LAST.format(child=row.child)]
    return void_blocked(conference, [row])


def _undo_row(
    conference: Conference, row: ConferenceChild, effect: str | None, *, acting_user, reason, at
) -> None:
    if effect == STARTED:
        _mark(row.plan, acting_user=acting_user, reason=reason, at=at)
    elif effect == ENDED:
        _reopen(
            row.plan, acting_user=acting_user, reason=reason, at=at, conference_id=conference.pk
        )


@transaction.atomic
def void_conference(*, conference: Conference, reason: str, acting_user) -> Conference:
    """Void a conference, with the plans it started and the plan ends it decided. A
    child's row voided on its own before stays as it is (its plan was dealt with then)."""
    conference = _locked(Conference, conference.pk)
    rows = list(
        ConferenceChild.all_objects.filter(conference=conference, voided_at__isnull=True)
        .select_related("child", "plan")
        .order_by("pk")
    )
    require(acting_user, Capability.VOID_RECORDS, children=[r.child_id for r in rows])
    _check_reason(reason, action=VOID)
    _not_voided(conference)
    effects = [(row, _check_row_void(conference, row)) for row in rows]
    at = timezone.now()
    _mark(conference, acting_user=acting_user, reason=reason, at=at)
    what = describe(CorrectionKind.CONFERENCE, conference)
    started = [row for row, effect in effects if effect == STARTED]
    if started:
        what += ", and the plan it started" if len(started) == 1 else ", and the plans it started"
    _log(
        children=[r.child_id for r in rows],
        kind=CorrectionKind.CONFERENCE,
        record_id=conference.pk,
        what=what,
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    for row, effect in effects:
        _undo_row(conference, row, effect, acting_user=acting_user, reason=reason, at=at)
    # A booked conference voided before it was held: the people invited are told.
    from iro.journey.invitations import cancel_voided

    cancel_voided(conference=conference, acting_user=acting_user)
    return conference


def _replacing_conference(conference: Conference, row: ConferenceChild):
    """A live conference entered in ``conference``'s place for ``row``'s child: another
    initial conference (held or booked) about the same enquiry, or another review of the
    same plan held on the same day."""
    others = (
        ConferenceChild.objects.filter(
            child_id=row.child_id,
            conference__kind=conference.kind,
            conference__status__in=[ConferenceStatus.HELD, ConferenceStatus.SCHEDULED],
        )
        .exclude(conference=conference)
        .select_related("conference")
    )
    if conference.kind == ConferenceKind.INITIAL and row.section47_id is not None:
        return others.filter(section47_id=row.section47_id).first()
    if conference.held_on is not None:
        same = others.filter(conference__held_on=conference.held_on)
        return same.filter(plan_id=row.plan_id).first() if row.plan_id else same.first()
    return None


def _check_row_restore(conference: Conference, row: ConferenceChild, voided_at) -> Plan | None:
    """Refuse restoring ``row`` (with its conference, or on its own) when something has
    taken its place; the plan voided with it (at ``voided_at``) comes back, if any."""
    if row.section47 is not None and row.section47.voided_at is not None:
        _refuse(CONFERENCE_S47_VOIDED.format(child=row.child, start=row.section47.start_date))
    twin = _replacing_conference(conference, row)
    if twin is not None:
        _refuse(
            RESTORE_CONFERENCE_REPLACED.format(
                child=row.child,
                what=twin.conference.get_kind_display().lower(),
                on=twin.conference.held_on or twin.conference.scheduled_date,
            )
        )
    plan = row.plan
    if plan is None or plan.voided_at != voided_at:
        return None
    # The plan comes back open: any live plan not ended by its start overlaps it.
    other = (
        Plan.objects.filter(child_id=plan.child_id)
        .exclude(end_date__lte=plan.start_date)
        .order_by("start_date")
        .first()
    )
    if other is not None:
        _refuse(
            RESTORE_OVERLAP.format(child=row.child, other=other.start_date, start=plan.start_date)
        )
    return plan


def _check_ends_restore(ends: list[Correction]) -> None:
    for correction in ends:
        plan = Plan.objects.get(pk=correction.record_id)
        if plan.end_date is not None:
            _refuse(PLAN_ENDED_AGAIN.format(date=plan.end_date))


@transaction.atomic
def restore_conference(*, conference: Conference, reason: str, acting_user) -> Conference:
    """Restore a voided conference, with the plans and plan ends voided with it. A
    child's row voided on its own stays voided (restore it on its own)."""
    conference = _locked(Conference, conference.pk)
    rows = list(
        ConferenceChild.all_objects.filter(conference=conference, voided_at__isnull=True)
        .select_related("child", "plan", "section47")
        .order_by("pk")
    )
    require(acting_user, Capability.VOID_RECORDS, children=[r.child_id for r in rows])
    _check_reason(reason, action=RESTORE)
    _voided(conference)
    plans = [_check_row_restore(conference, row, conference.voided_at) for row in rows]
    ends = _open_voided_ends(conference_id=conference.pk)
    live_plans = {r.plan_id for r in rows}
    ends = [c for c in ends if c.record_id in live_plans]
    _check_ends_restore(ends)
    _unmark(conference, acting_user=acting_user)
    _log(
        children=[r.child_id for r in rows],
        kind=CorrectionKind.CONFERENCE,
        record_id=conference.pk,
        what=describe(CorrectionKind.CONFERENCE, conference),
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    for plan in plans:
        if plan is not None:
            _unmark(plan, acting_user=acting_user)
    for correction in ends:
        _put_back_end(correction, acting_user=acting_user, reason=reason)
    return conference


# ------------------------------------------------- one child's part in a held conference


def _locked_row(row: ConferenceChild) -> tuple[Conference, ConferenceChild]:
    conference = _locked(Conference, row.conference_id)
    row = (
        ConferenceChild.all_objects.select_for_update(of=("self",))
        .select_related("child", "plan", "section47")
        .get(pk=row.pk)
    )
    return conference, row


def _amended(conference: Conference, *, acting_user, reason: str) -> None:
    """The conference's record changed: its version moves on (a form open on it is
    told), and minutes already sent are to be sent again."""
    from iro.journey.services import minutes_out_of_date

    minutes_out_of_date(conference)
    conference.version += 1
    conference._change_reason = change_reason(reason)
    saved_by(conference, acting_user).save(
        update_fields=["version", "minutes_sent_on", "minutes_replaced_sent_on"]
    )


def void_conference_child_consequences(row: ConferenceChild, user) -> list[str]:
    """What voiding one child's row would do, said first (read only)."""
    from iro.access.scope import display_name

    conference = row.conference
    name = display_name(user, row.child)
    said = [
        f"{name} leaves this conference's record: it no longer counts for them in the "
        "lists, the timescales, the reports or the census. The other children's records "
        "stay as they are."
    ]
    said += void_consequences(conference, user, rows=[row])
    if conference.minutes_sent_on is not None:
        said.append("The minutes were sent: they are to be sent again without them.")
    return said


@transaction.atomic
def void_conference_child(*, row: ConferenceChild, reason: str, acting_user) -> ConferenceChild:
    """Take one child off a held conference's record (listed by mistake): their row is
    voided with the plan it started, or the plan end it decided is taken back, as when
    the whole conference is voided."""
    conference, row = _locked_row(row)
    require(acting_user, Capability.VOID_RECORDS, children=[row.child_id])
    _check_reason(reason, action=VOID)
    _not_voided(conference)
    _not_voided(row)
    if conference.status != ConferenceStatus.HELD:
        _refuse(CONFERENCE_CHILD_NOT_HELD)
    if not ConferenceChild.objects.filter(conference=conference).exclude(pk=row.pk).exists():
        _refuse(CONFERENCE_CHILD_LAST.format(child=row.child))
    effect = _check_row_void(conference, row)
    at = timezone.now()
    _mark(row, acting_user=acting_user, reason=reason, at=at)
    _amended(conference, acting_user=acting_user, reason=reason)
    what = describe(CorrectionKind.CONFERENCE_CHILD, row)
    if effect == STARTED:
        what += ", and the plan it started"
    _log(
        children=[row.child_id],
        kind=CorrectionKind.CONFERENCE_CHILD,
        record_id=row.pk,
        what=what,
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    _undo_row(conference, row, effect, acting_user=acting_user, reason=reason, at=at)
    return row


@transaction.atomic
def restore_conference_child(*, row: ConferenceChild, reason: str, acting_user) -> ConferenceChild:
    """Put a child voided on their own back on the conference's record, with the plan
    voided with them or the plan end their row decided."""
    conference, row = _locked_row(row)
    require(acting_user, Capability.VOID_RECORDS, children=[row.child_id])
    _check_reason(reason, action=RESTORE)
    _voided(row)
    if conference.voided_at is not None:
        _refuse(CONFERENCE_CHILD_CONFERENCE_VOIDED)
    plan = _check_row_restore(conference, row, row.voided_at)
    ends = (
        _open_voided_ends(plan_id=row.plan_id, conference_id=conference.pk)
        if row.plan_id is not None  # (no plan: every plan's ends would be read)
        else []
    )
    _check_ends_restore(ends)
    _unmark(row, acting_user=acting_user)
    _amended(conference, acting_user=acting_user, reason=reason)
    _log(
        children=[row.child_id],
        kind=CorrectionKind.CONFERENCE_CHILD,
        record_id=row.pk,
        what=describe(CorrectionKind.CONFERENCE_CHILD, row),
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    if plan is not None:
        _unmark(plan, acting_user=acting_user)
    for correction in ends:
        _put_back_end(correction, acting_user=acting_user, reason=reason)
    return row


# ------------------------------------------------------------------ plan ends


def step_down_cin_plan(plan: Plan, on: date | None = None) -> CinPlanPeriod | None:
    """The Child in Need plan the plan's step down started, on the day it ended (or on
    ``on``, the day it ended before a correction)."""
    on = on or plan.end_date
    if plan.end_reason != PlanEndReason.STEP_DOWN_CIN or plan.episode_id is None or on is None:
        return None
    return CinPlanPeriod.objects.filter(episode_id=plan.episode_id, start_date=on).first()


def _reopen(plan: Plan, *, acting_user, reason: str, at, conference_id: int | None) -> Plan:
    """Open ``plan`` again. A step down to a Child in Need plan goes with the end: the
    Child in Need plan it started is removed (its history keeps it, and the correction
    keeps its start, so restoring the end starts it again)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    undone = {
        "end_date": plan.end_date.isoformat(),
        "end_reason": plan.end_reason,
        "conference": conference_id,
    }
    stepped_down = step_down_cin_plan(plan)
    if stepped_down is not None:
        if stepped_down.end_date is not None:
            _refuse(CIN_PLAN_ENDED_SINCE.format(child=plan.child, start=stepped_down.start_date))
        undone["cin_plan"] = stepped_down.start_date.isoformat()
        stepped_down._change_reason = change_reason(reason)
        saved_by(stepped_down, acting_user).delete()
    what = describe(CorrectionKind.PLAN_END, plan) + f" on {_date(plan.end_date)}"
    plan.end_date = None
    plan.end_reason = ""
    plan.version += 1
    saved_by(plan, acting_user).save(update_fields=["end_date", "end_reason", "version"])
    _log(
        children=[plan.child_id],
        kind=CorrectionKind.PLAN_END,
        record_id=plan.pk,
        what=what,
        action=CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
        undone=undone,
    )
    return plan


def _open_voided_ends(*, plan_id: int | None = None, conference_id: int | None = None):
    """The plan-end voids not restored since (for one plan, or made by one conference)."""
    voids = Correction.objects.filter(kind=CorrectionKind.PLAN_END, action=CorrectionAction.VOID)
    if plan_id is not None:
        voids = voids.filter(record_id=plan_id)
    found = []
    for correction in voids.order_by("-at", "-pk"):
        if conference_id is not None and correction.undone.get("conference") != conference_id:
            continue
        restored = Correction.objects.filter(
            kind=CorrectionKind.PLAN_END,
            action=CorrectionAction.RESTORE,
            record_id=correction.record_id,
            at__gte=correction.at,
        ).exists()
        if not restored and correction.record_id not in {c.record_id for c in found}:
            found.append(correction)
    return found


def _put_back_end(correction: Correction, *, acting_user, reason: str) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=correction.record_id)
    plan.end_date = date.fromisoformat(correction.undone["end_date"])
    plan.end_reason = correction.undone.get("end_reason") or PlanEndReason.OTHER
    plan.version += 1
    saved_by(plan, acting_user).save(update_fields=["end_date", "end_reason", "version"])
    cin_start = correction.undone.get("cin_plan")
    if cin_start and plan.episode_id is not None:
        start = date.fromisoformat(cin_start)
        open_since = CinPlanPeriod.objects.filter(
            episode_id=plan.episode_id, end_date__isnull=True
        ).first()
        if open_since is not None:
            _refuse(CIN_PLAN_OPEN_SINCE.format(child=plan.child, start=open_since.start_date))
        cin_plan = CinPlanPeriod(episode_id=plan.episode_id, start_date=start)
        cin_plan._change_reason = change_reason(reason)
        saved_by(cin_plan, acting_user).save()
    _log(
        children=[plan.child_id],
        kind=CorrectionKind.PLAN_END,
        record_id=plan.pk,
        what=correction.what,
        action=CorrectionAction.RESTORE,
        reason=reason,
        acting_user=acting_user,
        at=timezone.now(),
    )
    return plan


def end_decided_by(plan: Plan) -> ConferenceChild | None:
    """The review that decided ``plan``'s end, if a review did (its end is voided with
    that conference, not on its own)."""
    if plan.end_date is None:
        return None
    return (
        ConferenceChild.objects.filter(
            plan=plan,
            decision=Decision.END,
            conference__kind=ConferenceKind.REVIEW,
            conference__held_on=plan.end_date,
        )
        .select_related("conference")
        .first()
    )


@transaction.atomic
def void_plan_end(*, plan: Plan, reason: str, acting_user) -> Plan:
    """Void a wrongly entered end: the plan is open again; the log keeps the end."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(acting_user, Capability.VOID_RECORDS, child=plan.child_id)
    _check_reason(reason, action=VOID)
    if plan.end_date is None:
        _refuse(PLAN_NOT_ENDED)
    decided = end_decided_by(plan)
    if decided is not None:
        _refuse(PLAN_END_BY_CONFERENCE.format(on=decided.conference.held_on))
    later = _later_plan(plan)
    if later is not None:
        _refuse(
            PLAN_WOULD_OVERLAP.format(
                child=plan.child, start=plan.start_date, later=later.start_date
            )
        )
    return _reopen(
        plan, acting_user=acting_user, reason=reason, at=timezone.now(), conference_id=None
    )


@transaction.atomic
def restore_plan_end(*, plan: Plan, reason: str, acting_user) -> Plan:
    """Put back the end last voided (unless the plan has ended again since)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(acting_user, Capability.VOID_RECORDS, child=plan.child_id)
    _check_reason(reason, action=RESTORE)
    waiting = [c for c in _open_voided_ends(plan_id=plan.pk) if not c.undone.get("conference")]
    if not waiting:
        _refuse(PLAN_END_NOTHING_TO_RESTORE)
    if plan.end_date is not None:
        _refuse(PLAN_ENDED_AGAIN.format(date=plan.end_date))
    return _put_back_end(waiting[0], acting_user=acting_user, reason=reason)


def voided_plan_end(plan: Plan) -> Correction | None:
    """The void of this plan's end that a restore would undo, if any."""
    waiting = [c for c in _open_voided_ends(plan_id=plan.pk) if not c.undone.get("conference")]
    return waiting[0] if waiting else None


# ------------------------------------------------------- disputes and challenges


def _void_simple(model, kind: str, record, *, reason: str, acting_user, restore: bool):
    record = _locked(model, record.pk)
    require(acting_user, Capability.VOID_RECORDS, child=record.child_id)
    _check_reason(reason, action=RESTORE if restore else VOID)
    at = timezone.now()
    if restore:
        _voided(record)
        _unmark(record, acting_user=acting_user)
    else:
        _not_voided(record)
        _mark(record, acting_user=acting_user, reason=reason, at=at)
    _log(
        children=[record.child_id],
        kind=kind,
        record_id=record.pk,
        what=describe(kind, record),
        action=CorrectionAction.RESTORE if restore else CorrectionAction.VOID,
        reason=reason,
        acting_user=acting_user,
        at=at,
    )
    return record


@transaction.atomic
def void_dispute(*, dispute: Dispute, reason: str, acting_user) -> Dispute:
    voided = _void_simple(
        Dispute,
        CorrectionKind.DISPUTE,
        dispute,
        reason=reason,
        acting_user=acting_user,
        restore=False,
    )
    settle_notices(voided, acting_user=acting_user)  # no longer waiting for an answer
    return voided


@transaction.atomic
def restore_dispute(*, dispute: Dispute, reason: str, acting_user) -> Dispute:
    return _void_simple(
        Dispute,
        CorrectionKind.DISPUTE,
        dispute,
        reason=reason,
        acting_user=acting_user,
        restore=True,
    )


@transaction.atomic
def void_challenge(
    *, challenge: MultiAgencyChallenge, reason: str, acting_user
) -> MultiAgencyChallenge:
    voided = _void_simple(
        MultiAgencyChallenge,
        CorrectionKind.CHALLENGE,
        challenge,
        reason=reason,
        acting_user=acting_user,
        restore=False,
    )
    settle_notices(voided, acting_user=acting_user)  # no longer waiting to be forwarded
    return voided


@transaction.atomic
def restore_challenge(
    *, challenge: MultiAgencyChallenge, reason: str, acting_user
) -> MultiAgencyChallenge:
    return _void_simple(
        MultiAgencyChallenge,
        CorrectionKind.CHALLENGE,
        challenge,
        reason=reason,
        acting_user=acting_user,
        restore=True,
    )
