"""The write path of disputes, multi-agency challenges, feedback and targets.

Each function is keyword-only, takes the ``acting_user``, runs in one transaction and
saves through django-simple-history so every change has its history row. Bad input
raises ``ValidationError`` with field-level messages (the constants below) and writes
nothing; a user without the capability gets ``PermissionDenied``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from iro import text_limits, timescales
from iro.access.capabilities import Capability, has_capability, users_with
from iro.access.guards import require, require_child, require_conference_children
from iro.access.known_names import known_among
from iro.access.scope import display_name
from iro.challenge.figure_services import decimal_places
from iro.challenge.models import (
    BETTER_DIRECTION,
    CHALLENGE_RESPONSE_MAX_WORKING_DAYS,
    CHALLENGE_RESPONSE_WORKING_DAYS,
    FINAL_STAGE,
    RATING_MAX,
    RATING_MIN,
    RATING_QUESTIONS,
    ChallengeOutcome,
    Dispute,
    DisputeOutcome,
    DisputeReason,
    DisputeStage,
    Feedback,
    FeedbackOrigin,
    MultiAgencyChallenge,
    QuoteStatus,
    Respondent,
    Stage,
    Target,
    TargetDirection,
    TargetMeasure,
    Theme,
    escalation_roles,
    escalation_words,
)
from iro.challenge.selectors import names_known_around, stage_response_due
from iro.children.models import Child, RestrictedAccess
from iro.journey.checks import (
    Errors,
    before_birth,
    check_version,
    not_in_future,
    saved_by,
    today,
)
from iro.journey.models import Conference, ConferenceStatus, Episode, Plan
from iro.names import names_in
from iro.narrative.selectors import known_in, names_refusal
from iro.notices.services import notify, settle
from iro.people.models import User

# Messages (tests import these).
CANNOT_RAISE = "Only an IRO or the IRO service manager can raise a dispute or a challenge."
CANNOT_FORWARD = "Only the safeguarding partnership can forward a multi-agency challenge."
CANNOT_RECORD_RESPONSE = (
    "Only the safeguarding partnership or an IRO can record the response to a challenge."
)
CANNOT_RECORD_FEEDBACK = "Only the IRO service can record feedback on a conference."
CANNOT_READ_FEEDBACK = "Only the IRO service can read the feedback on a conference."
CANNOT_SET_TARGETS = "Only the IRO service manager can set the action plan's targets."
UNKNOWN_CHOICE = "{value!r} is not a valid {what}."
PLAN_OF_ANOTHER_CHILD = "This plan belongs to another child."
BEFORE_PLAN = (
    "The dispute cannot be raised on {date:%-d %B %Y}: the plan it is about started on "
    "{start:%-d %B %Y}."
)
BEFORE_INVOLVEMENT = (
    "The {what} cannot be raised on {date:%-d %B %Y}: the service's involvement with "
    "{child} began with the referral on {referral:%-d %B %Y}."
)
TEXT_REQUIRED = "Enter the {what}."
ANSWER_REQUIRED = "Enter your answer."
ALREADY_RESOLVED = "This dispute was resolved on {date:%-d %B %Y}."
AT_FINAL_STAGE = "This dispute is at the final stage (stage 8): it cannot be escalated further."
BEFORE_STAGE_START = "The date cannot be before the current stage started on {date:%-d %B %Y}."
ALREADY_ANSWERED_AT_STAGE = "The response at this stage was recorded on {date:%-d %B %Y}."
BEFORE_RAISED = "The date cannot be before the challenge was raised on {date:%-d %B %Y}."
ALREADY_FORWARDED = "This challenge was already forwarded on {date:%-d %B %Y}."
NOT_FORWARDED = "Forward the challenge to the professional's manager before recording a response."
ALREADY_RESPONDED = "The response to this challenge was recorded on {date:%-d %B %Y}."
BEFORE_FORWARDED = "The date cannot be before the challenge was forwarded on {date:%-d %B %Y}."
CONFERENCE_NOT_HELD = "Feedback can only be recorded for a conference that has been held."
BEFORE_CONFERENCE = "The date cannot be before the conference on {date:%-d %B %Y}."
NOTHING_GIVEN = "Enter what they said, or at least one of their ratings."
BAD_RATING = "Choose a rating from 1 to 5."
NOT_QUOTABLE = "This feedback was not given with consent to quote it, or has no words to quote."
WORDING_REQUIRED = "Enter the wording to publish."
WORDING_HAS_NAMES = (
    "The wording contains a name, or a word that looks like one: {words}. "
    'Reword it without names (for example "my social worker" or "the chair").'
)
NOT_APPROVED = "Only an approved quote can be featured in a report."
ALREADY_FEATURED_WORDING = (
    "A quote with the same wording is already featured in the annual report {year}."
)
TOO_MANY_FEATURED = "The annual report {year} already features {limit} quotes: remove one first."
# A handful: the report's quotes are chosen, not every one received.
FEATURED_LIMIT = 8
NOT_A_YEAR = "{year!r} is not a reporting year; expected YYYY-YY such as 2019-20."
NOT_A_NUMBER = "Enter the target as a number, such as 75 or 82.5."
WRONG_DIRECTION = "For this measure {better} is better: choose “{label}”."
PERCENT_RANGE = "A target for a percentage must be from 0 to 100."
NEGATIVE_TARGET = "A target for a count cannot be negative."
TARGET_TOO_LARGE = "A target must be less than 1,000,000."
TARGET_PLACES = "Enter the target to one decimal place at most, such as 82.5."
COUNT_TARGET_WHOLE = "A target for a count of children is a whole number, such as 250."
DETAIL_REQUIRED = "Enter what you are worried about."
REASONING_REQUIRED = (
    "Enter the reasoning: why this target, and what the service will do to meet it."
)
ADDRESSEE_REQUIRED = "Select who you raised it with."
NEXT_ADDRESSEE_REQUIRED = "Select who the dispute is going to at the next stage."
NOT_UP_THE_LINE = (
    "{name} is a {role}: at stage {stage} the dispute goes to {who}. Choose someone up the line."
)
ESCALATION_NOTE_REQUIRED = "Enter why you are escalating the dispute."
RESPONSE_DAYS_RANGE = (
    "Enter the working days for the response as a whole number from 1 to "
    f"{CHALLENGE_RESPONSE_MAX_WORKING_DAYS}, such as 20."
)
ADDRESSEE_CANNOT_ANSWER = (
    "{name} cannot answer disputes in iro: choose a social worker, team manager or senior manager."
)
ADDRESSEE_NOT_ON_LIST = (
    "{name} is not on this child's access list: choose someone who is, or ask the IRO "
    "service manager to add them."
)
NOT_ADDRESSED_TO_YOU = "This stage of the dispute was sent to {name}: only they can answer it."

# What a notice says (never a child's name: the link's page checks the reader's access).
DISPUTE_WAITING = "A dispute is waiting for your answer"
ANSWER_WAITING = "An answer to a dispute you raised is waiting for you"
DISPUTE_RESOLVED = "A dispute you were asked to answer has been resolved"
CHALLENGE_WAITING = "A multi-agency challenge is waiting to be forwarded"

# Targets of these measures are numbers of children; all others are percentages.
COUNT_MEASURES = frozenset(
    {
        TargetMeasure.CHILDREN_ON_PLAN_AT_PERIOD_END,
        TargetMeasure.CHILDREN_WITH_DISPUTE_RAISED,
    }
)


def _require(user, capability: Capability, message: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(message)


def _check_addressee(errors: Errors, field: str, person, child: Child, missing: str) -> None:
    """The person a dispute stage goes to: someone who answers disputes in iro and, for a
    restricted child, is on its access list (the stage lets them read the dispute)."""
    if person is None:
        errors.add(field, missing)
        return
    name = person.get_full_name() or person.username
    if not has_capability(person, Capability.ANSWER_DISPUTES):
        errors.add(field, ADDRESSEE_CANNOT_ANSWER.format(name=name))
    elif child.restricted and not _on_access_list(person, child):
        errors.add(field, ADDRESSEE_NOT_ON_LIST.format(name=name))


def _on_access_list(person, child: Child) -> bool:
    return RestrictedAccess.objects.filter(child=child, user=person).exists()


def _addressee_words(person) -> str:
    """The name and job kept in ``sent_to``, as they were when the stage was sent."""
    job = person.job_title or person.get_role_display()
    return f"{person.get_full_name() or person.username}, {job}"[:160]


def dispute_words(dispute: Dispute) -> str:
    """Which dispute, by its reason, stage and who raised it when, never by a child:
    "Progress, Stage 2: team manager, raised by Ada Moss on 3 Dec 2026"."""
    return (
        f"{dispute.get_reason_display()}, {dispute.get_stage_display()}, "
        f"raised by {dispute.raised_by} on {dispute.raised_on:%-d %b %Y}"
    )


def challenge_words(challenge: MultiAgencyChallenge) -> str:
    """Which multi-agency challenge, by the agency and who raised it when, never by a
    child."""
    return (
        f"to {challenge.agency}, raised by {challenge.raised_by} on {challenge.raised_on:%-d %b %Y}"
    )


def dispute_notice(subject: str, dispute: Dispute, *, stage: DisputeStage | None = None) -> str:
    """A notice's subject saying which dispute it is about (people get several); with
    the ``stage`` sent to them, when its answer is due."""
    said = f"{subject}: {dispute_words(dispute)}"
    due = stage_response_due(stage) if stage is not None else None
    return f"{said}. The answer is due by {due:%-d %b %Y}" if due else said


def challenge_notice(subject: str, challenge: MultiAgencyChallenge) -> str:
    return f"{subject}: {challenge_words(challenge)}"


def _answer_link(dispute: Dispute) -> str:
    return reverse("dispute_answer", kwargs={"public_id": dispute.public_id})


def _detail_link(dispute: Dispute) -> str:
    return reverse("dispute_detail", kwargs={"public_id": dispute.public_id})


def _check_text(
    errors: Errors, field: str, value: str, what: str, limit: int = text_limits.NOTE
) -> None:
    if not value or not value.strip():
        errors.add(field, TEXT_REQUIRED.format(what=what))
    errors.add(field, text_limits.too_long(value, limit))


def _before_involvement(user, child: Child, raised_on: date, what: str) -> str | None:
    """A dispute or challenge is about the service's work with the child: it cannot be
    raised before the child's first referral (when the records hold one)."""
    first = (
        Episode.objects.filter(child=child)
        .order_by("referral_date")
        .values_list("referral_date", flat=True)
        .first()
    )
    if first is None or raised_on >= first:
        return None
    return BEFORE_INVOLVEMENT.format(
        what=what, date=raised_on, child=display_name(user, child), referral=first
    )


# ------------------------------------------------------------------ disputes


@transaction.atomic
def raise_dispute(
    *,
    child: Child,
    raised_on: date,
    reason: str,
    acting_user,
    detail: str = "",
    plan: Plan | None = None,
    addressed_to: User | None = None,
) -> Dispute:
    """Raise a dispute about a child's plan; it starts at the informal stage (stage 1),
    addressed to the person it was raised with, who is told it is waiting for them."""
    _require(acting_user, Capability.RAISE_CHALLENGES, CANNOT_RAISE)
    require_child(acting_user, child)
    errors = Errors()
    errors.add("raised_on", not_in_future(raised_on))
    if reason not in DisputeReason.values:
        errors.add("reason", UNKNOWN_CHOICE.format(value=reason, what="reason for a dispute"))
    if plan is not None and plan.child_id != child.pk:
        errors.add("plan", PLAN_OF_ANOTHER_CHILD)
    elif plan is not None and raised_on < plan.start_date:
        errors.add("raised_on", BEFORE_PLAN.format(date=raised_on, start=plan.start_date))
    elif plan is None:
        errors.add("raised_on", _before_involvement(acting_user, child, raised_on, "dispute"))
    errors.add(
        "raised_on", before_birth(raised_on, child=child, name=display_name(acting_user, child))
    )
    _check_addressee(errors, "addressed_to", addressed_to, child, ADDRESSEE_REQUIRED)
    if not detail or not detail.strip():
        errors.add("detail", DETAIL_REQUIRED)
    errors.add("detail", text_limits.too_long(detail, text_limits.NOTE))
    errors.raise_if_any()
    dispute = Dispute(
        child=child,
        plan=plan,
        raised_by=acting_user,
        raised_on=raised_on,
        reason=reason,
        detail=detail.strip(),
        stage=Stage.INFORMAL,
    )
    saved_by(dispute, acting_user).save()
    first = DisputeStage(
        dispute=dispute,
        stage=Stage.INFORMAL,
        started_on=raised_on,
        sent_to=_addressee_words(addressed_to),
        addressed_to=addressed_to,
    )
    saved_by(first, acting_user).save()
    notify(
        recipient=addressed_to,
        subject=dispute_notice(DISPUTE_WAITING, dispute, stage=first),
        link=_answer_link(dispute),
        acting_user=acting_user,
    )
    return dispute


def _current_stage(dispute: Dispute) -> DisputeStage:
    return dispute.stages.select_for_update().get(stage=dispute.stage)


def response_date_problems(*, dispute: Dispute, responded_on: date) -> list[str]:
    """What ``record_stage_response`` would say of ``responded_on``, saving nothing: for
    a form refused for something else (an answer too long), so that a wrong date is said
    in the same round, not the next."""
    current = dispute.stages.get(stage=dispute.stage)
    return _response_date_problems(dispute, current, responded_on)


def _response_date_problems(dispute: Dispute, current: DisputeStage, responded_on: date) -> list:
    problems = []
    if dispute.resolved_on is not None:
        problems.append(ALREADY_RESOLVED.format(date=dispute.resolved_on))
    elif current.responded_on is not None:
        problems.append(ALREADY_ANSWERED_AT_STAGE.format(date=current.responded_on))
    problems.append(not_in_future(responded_on))
    if responded_on < current.started_on:
        problems.append(BEFORE_STAGE_START.format(date=current.started_on))
    return [p for p in problems if p]


@transaction.atomic
def escalate_dispute(
    *,
    dispute: Dispute,
    escalated_on: date,
    acting_user,
    addressed_to: User | None = None,
    note: str = "",
    expected_version: int,
) -> Dispute:
    """Move an unresolved dispute to the next stage, addressed to a named person who is
    told it is waiting for them; the current stage ends that day."""
    _require(acting_user, Capability.RAISE_CHALLENGES, CANNOT_RAISE)
    require_child(acting_user, dispute.child_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    check_version(dispute, expected_version)
    current = _current_stage(dispute)
    errors = Errors()
    if dispute.resolved_on is not None:
        errors.add("escalated_on", ALREADY_RESOLVED.format(date=dispute.resolved_on))
    elif dispute.stage >= FINAL_STAGE:
        errors.add("escalated_on", AT_FINAL_STAGE)
    errors.add("escalated_on", not_in_future(escalated_on))
    if escalated_on < current.started_on:
        errors.add("escalated_on", BEFORE_STAGE_START.format(date=current.started_on))
    _check_addressee(errors, "addressed_to", addressed_to, dispute.child, NEXT_ADDRESSEE_REQUIRED)
    following_stage = min(dispute.stage + 1, FINAL_STAGE)
    if "addressed_to" not in errors.by_field and addressed_to.role not in escalation_roles(
        following_stage
    ):
        errors.add(
            "addressed_to",
            NOT_UP_THE_LINE.format(
                name=addressed_to.get_full_name() or addressed_to.username,
                role=addressed_to.get_role_display().lower(),
                stage=following_stage,
                who=escalation_words(following_stage),
            ),
        )
    if not note or not note.strip():
        errors.add("note", ESCALATION_NOTE_REQUIRED)
    errors.add("note", text_limits.too_long(note, text_limits.NOTE))
    errors.raise_if_any()
    current.ended_on = escalated_on
    saved_by(current, acting_user).save(update_fields=["ended_on"])
    dispute.stage += 1
    dispute.version += 1
    saved_by(dispute, acting_user).save(update_fields=["stage", "version"])
    following = DisputeStage(
        dispute=dispute,
        stage=dispute.stage,
        started_on=escalated_on,
        sent_to=_addressee_words(addressed_to),
        addressed_to=addressed_to,
        note=note.strip(),
    )
    saved_by(following, acting_user).save()
    # The last stage's addressee and the IRO's answer to read are no longer waiting.
    settle(_answer_link(dispute), _detail_link(dispute), acting_user=acting_user)
    notify(
        recipient=addressed_to,
        subject=dispute_notice(DISPUTE_WAITING, dispute, stage=following),
        link=_answer_link(dispute),
        acting_user=acting_user,
    )
    return dispute


@transaction.atomic
def resolve_dispute(
    *,
    dispute: Dispute,
    resolved_on: date,
    resolution: str,
    acting_user,
    expected_version: int,
    outcome: str = "",
) -> Dispute:
    """Record that a dispute was resolved, at the stage it is at, with the IRO's view of
    the outcome (``DisputeOutcome``; the page requires it, older records have none)."""
    _require(acting_user, Capability.RAISE_CHALLENGES, CANNOT_RAISE)
    require_child(acting_user, dispute.child_id)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    check_version(dispute, expected_version)
    current = _current_stage(dispute)
    errors = Errors()
    if dispute.resolved_on is not None:
        errors.add("resolved_on", ALREADY_RESOLVED.format(date=dispute.resolved_on))
    errors.add("resolved_on", not_in_future(resolved_on))
    if resolved_on < current.started_on:
        errors.add("resolved_on", BEFORE_STAGE_START.format(date=current.started_on))
    _check_text(errors, "resolution", resolution, "how the dispute was resolved")
    if outcome and outcome not in DisputeOutcome.values:
        errors.add("outcome", UNKNOWN_CHOICE.format(value=outcome, what="outcome"))
    errors.raise_if_any()
    current.ended_on = resolved_on
    saved_by(current, acting_user).save(update_fields=["ended_on"])
    dispute.resolved_on = resolved_on
    dispute.resolution = resolution.strip()
    dispute.outcome = outcome
    dispute.version += 1
    saved_by(dispute, acting_user).save(
        update_fields=["resolved_on", "resolution", "outcome", "version"]
    )
    settle(_answer_link(dispute), _detail_link(dispute), acting_user=acting_user)
    # The person it waited with is told it no longer does (it left their list unsaid).
    if current.addressed_to_id is not None and current.addressed_to_id != acting_user.pk:
        notify(
            recipient=current.addressed_to,
            subject=dispute_notice(DISPUTE_RESOLVED, dispute),
            link=reverse("disputes_waiting"),
            acting_user=acting_user,
            settled=True,
        )
    return dispute


@transaction.atomic
def record_stage_response(
    *,
    dispute: Dispute,
    responded_on: date,
    response: str,
    acting_user,
    expected_version: int,
) -> DisputeStage:
    """The answer at the stage the dispute is at (once per stage), written by the person
    the stage is addressed to; the IRO who raised it is told an answer is waiting.

    The IRO then resolves the dispute (accepting the answer) or escalates it; until an
    answer is recorded the stage's response timescale runs. A stage from before stages
    were addressed to a member of staff (no ``addressed_to``) is answered as before: the
    IRO records the reply they were given.
    """
    dispute = (
        Dispute.objects.select_for_update(of=("self",)).select_related("child").get(pk=dispute.pk)
    )
    current = _current_stage(dispute)
    if current.addressed_to_id is None:
        _require(acting_user, Capability.RAISE_CHALLENGES, CANNOT_RAISE)
        require_child(acting_user, dispute.child_id)
    else:
        _require_addressee(acting_user, dispute, current)
    check_version(dispute, expected_version)
    errors = Errors()
    for problem in _response_date_problems(dispute, current, responded_on):
        errors.add("responded_on", problem)
    if current.addressed_to_id is not None and not (response or "").strip():
        errors.add("response", ANSWER_REQUIRED)  # the addressee writes their own answer
    else:
        _check_text(errors, "response", response, "response")
    errors.raise_if_any()
    current.responded_on = responded_on
    current.response = response.strip()
    current.responded_by = acting_user
    saved_by(current, acting_user).save(update_fields=["responded_on", "response", "responded_by"])
    dispute.version += 1
    saved_by(dispute, acting_user).save(update_fields=["version"])
    settle(_answer_link(dispute), acting_user=acting_user)
    if current.addressed_to_id is not None:
        notify(
            recipient=dispute.raised_by,
            subject=dispute_notice(ANSWER_WAITING, dispute),
            link=_detail_link(dispute),
            acting_user=acting_user,
        )
    return current


def _require_addressee(user, dispute: Dispute, stage: DisputeStage) -> None:
    """Refuse anyone but the person the stage is addressed to (who may still answer
    disputes and, for a restricted child, is still on its access list)."""
    allowed = (
        user.pk == stage.addressed_to_id
        and has_capability(user, Capability.ANSWER_DISPUTES)
        and (not dispute.child.restricted or _on_access_list(user, dispute.child))
    )
    if not allowed:
        person = stage.addressed_to
        raise PermissionDenied(
            NOT_ADDRESSED_TO_YOU.format(name=person.get_full_name() or person.username)
        )


# ------------------------------------------------------ multi-agency challenges


@transaction.atomic
def raise_multi_agency_challenge(
    *,
    child: Child,
    agency,
    professional: str,
    concern: str,
    raised_on: date,
    acting_user,
) -> MultiAgencyChallenge:
    """An IRO's concern about another agency's professional, for the partnership to forward."""
    _require(acting_user, Capability.RAISE_CHALLENGES, CANNOT_RAISE)
    require_child(acting_user, child)
    errors = Errors()
    errors.add("raised_on", not_in_future(raised_on))
    errors.add("raised_on", _before_involvement(acting_user, child, raised_on, "challenge"))
    errors.add(
        "raised_on", before_birth(raised_on, child=child, name=display_name(acting_user, child))
    )
    _check_text(errors, "professional", professional, "professional's role", text_limits.NAME)
    _check_text(errors, "concern", concern, "concern")
    errors.raise_if_any()
    challenge = MultiAgencyChallenge(
        child=child,
        agency=agency,
        professional=professional.strip(),
        concern=concern.strip(),
        raised_by=acting_user,
        raised_on=raised_on,
    )
    saved_by(challenge, acting_user).save()
    link = _challenge_link(challenge)
    for officer in users_with(Capability.HANDLE_MULTI_AGENCY_CHALLENGES):
        notify(
            recipient=officer,
            subject=challenge_notice(CHALLENGE_WAITING, challenge),
            link=link,
            acting_user=acting_user,
        )
    return challenge


def _challenge_link(challenge: MultiAgencyChallenge) -> str:
    return reverse("challenge_detail", kwargs={"public_id": challenge.public_id})


DISPUTE_WITHDRAWN = "A dispute you were sent ({which}) was withdrawn: it was entered in error"
CHALLENGE_WITHDRAWN = (
    "A multi-agency challenge you were sent ({which}) was withdrawn: it was entered in "
    "error. If you forwarded it, tell whoever you sent it to"
)


def settle_notices(record: Dispute | MultiAgencyChallenge, *, acting_user) -> None:
    """Nothing about ``record`` waits for anyone any more (it was voided): each person
    told of it is told it was withdrawn (its page is gone), naming no child."""
    from iro.notices.models import Notice

    if isinstance(record, Dispute):
        links = (_answer_link(record), _detail_link(record))
        subject = DISPUTE_WITHDRAWN.format(which=dispute_words(record))
        link = reverse("disputes_waiting")
    else:
        links = (_challenge_link(record),)
        subject = CHALLENGE_WITHDRAWN.format(which=challenge_words(record))
        link = reverse("challenge_work")
    told = (
        User.objects.filter(pk__in=Notice.objects.filter(link__in=links).values("recipient"))
        .exclude(pk=acting_user.pk)
        .order_by("pk")
    )
    settle(*links, acting_user=acting_user)
    for user in told:
        notify(recipient=user, subject=subject, link=link, acting_user=acting_user, settled=True)


@transaction.atomic
def forward_multi_agency_challenge(
    *,
    challenge: MultiAgencyChallenge,
    forwarded_on: date,
    forwarded_to: str,
    acting_user,
    response_working_days: int | None = CHALLENGE_RESPONSE_WORKING_DAYS,
) -> MultiAgencyChallenge:
    """The partnership sends the challenge to the professional's manager, whose response
    is due ``response_working_days`` working days later (20 unless agreed otherwise)."""
    _require(acting_user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES, CANNOT_FORWARD)
    challenge = MultiAgencyChallenge.objects.select_for_update().get(pk=challenge.pk)
    errors = Errors()
    if challenge.forwarded_on is not None:
        errors.add("forwarded_on", ALREADY_FORWARDED.format(date=challenge.forwarded_on))
    errors.add("forwarded_on", not_in_future(forwarded_on))
    if forwarded_on < challenge.raised_on:
        errors.add("forwarded_on", BEFORE_RAISED.format(date=challenge.raised_on))
    _check_text(
        errors, "forwarded_to", forwarded_to, "manager the challenge went to", text_limits.NAME
    )
    if (
        not isinstance(response_working_days, int)
        or not 1 <= response_working_days <= CHALLENGE_RESPONSE_MAX_WORKING_DAYS
    ):
        errors.add("response_working_days", RESPONSE_DAYS_RANGE)
    errors.raise_if_any()
    challenge.forwarded_on = forwarded_on
    challenge.forwarded_to = forwarded_to.strip()
    challenge.forwarded_by = acting_user
    challenge.response_working_days = response_working_days
    challenge.version += 1
    saved_by(challenge, acting_user).save(
        update_fields=[
            "forwarded_on",
            "forwarded_to",
            "forwarded_by",
            "response_working_days",
            "version",
        ]
    )
    settle(_challenge_link(challenge), acting_user=acting_user)
    return challenge


@transaction.atomic
def record_challenge_response(
    *,
    challenge: MultiAgencyChallenge,
    responded_on: date,
    response: str,
    outcome: str,
    acting_user,
) -> MultiAgencyChallenge:
    """The manager's response and the outcome. Only a withdrawal needs no forwarding first."""
    if not (
        has_capability(acting_user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES)
        or has_capability(acting_user, Capability.RAISE_CHALLENGES)
    ):
        raise PermissionDenied(CANNOT_RECORD_RESPONSE)
    if not has_capability(acting_user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES):
        # The partnership handles challenges without seeing children; an IRO must see the child.
        require_child(acting_user, challenge.child_id)
    challenge = MultiAgencyChallenge.objects.select_for_update().get(pk=challenge.pk)
    errors = Errors()
    if challenge.responded_on is not None:
        errors.add("responded_on", ALREADY_RESPONDED.format(date=challenge.responded_on))
    if outcome not in ChallengeOutcome.values:
        errors.add("outcome", UNKNOWN_CHOICE.format(value=outcome, what="outcome"))
    elif outcome != ChallengeOutcome.WITHDRAWN and challenge.forwarded_on is None:
        errors.add("outcome", NOT_FORWARDED)
    errors.add("responded_on", not_in_future(responded_on))
    if challenge.forwarded_on is not None and responded_on < challenge.forwarded_on:
        errors.add("responded_on", BEFORE_FORWARDED.format(date=challenge.forwarded_on))
    elif responded_on < challenge.raised_on:
        errors.add("responded_on", BEFORE_RAISED.format(date=challenge.raised_on))
    _check_text(errors, "response", response, "response")
    errors.raise_if_any()
    challenge.responded_on = responded_on
    challenge.response = response.strip()
    challenge.outcome = outcome
    challenge.version += 1
    saved_by(challenge, acting_user).save(
        update_fields=["responded_on", "response", "outcome", "version"]
    )
    settle(_challenge_link(challenge), acting_user=acting_user)  # a withdrawal, unforwarded
    return challenge


# ------------------------------------------------------------------ feedback


def _may_record_feedback(user) -> bool:
    return has_capability(user, Capability.CHAIR_CONFERENCES) or has_capability(
        user, Capability.SCHEDULE_CONFERENCES
    )


def _check_ratings(errors: Errors, ratings: dict[str, int | None]) -> dict[str, int | None]:
    checked = {}
    for field in RATING_QUESTIONS:
        value = ratings.get(field)
        if value is not None and not (isinstance(value, int) and RATING_MIN <= value <= RATING_MAX):
            errors.add(field, BAD_RATING)
        checked[field] = value
    unknown = set(ratings) - set(RATING_QUESTIONS)
    for field in sorted(unknown):
        errors.add("ratings", UNKNOWN_CHOICE.format(value=field, what="rating question"))
    return checked


def _check_themes(errors: Errors, themes) -> list[str]:
    themes = list(dict.fromkeys(themes or ()))
    for theme in themes:
        if theme not in Theme.values:
            errors.add("themes", UNKNOWN_CHOICE.format(value=theme, what="theme"))
    # Kept in the fixed list's order, so the same ticks always read the same.
    return [t for t in Theme.values if t in themes]


@transaction.atomic
def record_feedback(
    *,
    conference: Conference,
    respondent: str,
    text: str,
    received_on: date,
    consent_to_quote: bool,
    acting_user,
    attribution: str = "",
    ratings: dict[str, int | None] | None = None,
    themes=(),
) -> Feedback:
    """Feedback on a held conference: who gave it, their ratings of the fixed questions
    (``RATING_QUESTIONS``, 1 to 5, each optional), their comment, the themes it touches.
    It may be quoted only with consent, and only once the IRO service manager approves
    a wording of it (``approve_quote``)."""
    if not _may_record_feedback(acting_user):
        raise PermissionDenied(CANNOT_RECORD_FEEDBACK)
    require_conference_children(acting_user, conference)
    return write_feedback(
        conference=conference,
        respondent=respondent,
        text=text,
        received_on=received_on,
        consent_to_quote=consent_to_quote,
        recorded_by=acting_user,
        attribution=attribution,
        ratings=ratings,
        themes=themes,
    )


def write_feedback(
    *,
    conference: Conference,
    respondent: str,
    text: str,
    received_on: date,
    consent_to_quote: bool,
    recorded_by,
    origin: str = FeedbackOrigin.RECORDED,
    attribution: str = "",
    ratings: dict[str, int | None] | None = None,
    themes=(),
) -> Feedback:
    """The checks and the save shared by ``record_feedback`` (staff, after its access
    checks) and ``feedback_links.give_feedback`` (the giver, through their link, with no
    one recording it: ``recorded_by`` None, ``origin`` LINK). Called by those two only."""
    errors = Errors()
    if conference.status != ConferenceStatus.HELD or conference.held_on is None:
        errors.add("conference", CONFERENCE_NOT_HELD)
    elif received_on < conference.held_on:
        errors.add("received_on", BEFORE_CONFERENCE.format(date=conference.held_on))
    errors.add("received_on", not_in_future(received_on))
    if respondent not in Respondent.values:
        errors.add("respondent", UNKNOWN_CHOICE.format(value=respondent, what="respondent"))
    text = (text or "").strip()
    errors.add("text", text_limits.too_long(text, text_limits.NOTE))
    checked = _check_ratings(errors, ratings or {})
    if not text and all(v is None for v in checked.values()):
        errors.add("text", NOTHING_GIVEN)
    chosen = _check_themes(errors, themes)
    errors.add("attribution", text_limits.too_long(attribution.strip(), text_limits.ATTRIBUTION))
    errors.raise_if_any()
    feedback = Feedback(
        conference=conference,
        respondent=respondent,
        attribution=attribution.strip(),
        text=text,
        received_on=received_on,
        consent_to_quote=consent_to_quote,
        themes=chosen,
        origin=origin,
        recorded_by=recorded_by,
        **checked,
    )
    saved_by(feedback, recorded_by).save()
    return feedback


@transaction.atomic
def withdraw_consent_to_quote(*, feedback: Feedback, acting_user) -> Feedback:
    """The giver no longer agrees to be quoted: no report quotes it from now on (an
    approval and a place in a report are withdrawn with it)."""
    if not _may_record_feedback(acting_user):
        raise PermissionDenied(CANNOT_RECORD_FEEDBACK)
    require_conference_children(acting_user, feedback.conference_id)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.consent_to_quote:
        feedback.consent_to_quote = False
        feedback.featured_in = ""
        saved_by(feedback, acting_user).save(update_fields=["consent_to_quote", "featured_in"])
    return feedback


def names_in_wording(feedback: Feedback, wording: str):
    """Where ``wording`` has a name the system knows (around the conference, or
    recorded anywhere: another family's, a member of staff's) or a word that looks like
    one (``iro.names.names_in``): what approval refuses, for the page to highlight."""
    return names_in(wording, names_known_around(feedback), known_among([wording], staff=True))


def _approvable(acting_user, feedback: Feedback) -> Feedback:
    require(acting_user, Capability.APPROVE_QUOTES, conference=feedback.conference_id)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not feedback.quotable:
        raise ValidationError({"wording": [NOT_QUOTABLE]})
    return feedback


@transaction.atomic
def approve_quote(
    *, feedback: Feedback, wording: str, acting_user, themes=None, on: date | None = None
) -> Feedback:
    """The IRO service manager approves ``wording`` (the comment as given, or their edit
    of it) to be published, attributed by role only. Refused while the wording holds a
    name the system knows or a word that looks like one; the comment as given is kept."""
    feedback = _approvable(acting_user, feedback)
    errors = Errors()
    wording = (wording or "").strip()
    if not wording:
        errors.add("wording", WORDING_REQUIRED)
    errors.add("wording", text_limits.too_long(wording, text_limits.NOTE))
    found = names_in_wording(feedback, wording)
    if found:
        words = ", ".join(dict.fromkeys(f"\u201c{f.word}\u201d" for f in found))
        errors.add("wording", WORDING_HAS_NAMES.format(words=words))
    chosen = _check_themes(errors, themes) if themes is not None else feedback.themes
    errors.raise_if_any()
    if feedback.featured_in and wording != feedback.published_wording:
        _refuse_repeated(feedback, feedback.featured_in, wording)
    feedback.published_wording = wording
    feedback.quote_status = QuoteStatus.APPROVED
    feedback.approved_by = acting_user
    feedback.approved_on = on or today()
    feedback.themes = chosen
    saved_by(feedback, acting_user).save()
    return feedback


@transaction.atomic
def decline_quote(*, feedback: Feedback, acting_user) -> Feedback:
    """The IRO service manager decides the feedback is not to be quoted (it still counts
    in the report's figures)."""
    require(acting_user, Capability.APPROVE_QUOTES, conference=feedback.conference_id)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    feedback.quote_status = QuoteStatus.DECLINED
    feedback.featured_in = ""
    feedback.approved_by = acting_user
    feedback.approved_on = today()
    saved_by(feedback, acting_user).save()
    return feedback


def _normalised(wording: str) -> str:
    return " ".join(wording.lower().split()).strip(" .!\"'\u201c\u201d")


def _refuse_repeated(feedback: Feedback, year: str, wording: str) -> None:
    others = Feedback.objects.filter(featured_in=year).exclude(pk=feedback.pk)
    if any(_normalised(o.published_wording) == _normalised(wording) for o in others):
        raise ValidationError({"wording": [ALREADY_FEATURED_WORDING.format(year=year)]})


@transaction.atomic
def feature_quote(*, feedback: Feedback, featured: bool, acting_user) -> Feedback:
    """Feature an approved quote in the annual report of the year it was received in (or
    take it out). A report features at most ``FEATURED_LIMIT`` quotes, and never the
    same wording twice."""
    require(acting_user, Capability.APPROVE_QUOTES, conference=feedback.conference_id)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if not featured:
        if feedback.featured_in:
            feedback.featured_in = ""
            saved_by(feedback, acting_user).save(update_fields=["featured_in"])
        return feedback
    if not feedback.quotable or feedback.quote_status != QuoteStatus.APPROVED:
        raise ValidationError({"featured": [NOT_APPROVED]})
    year = timescales.period_containing(timescales.ANNUAL, feedback.received_on).label
    if feedback.featured_in == year:
        return feedback
    # Serialise choices for one year: two managers cannot both take the last place.
    list(Feedback.objects.select_for_update().filter(featured_in=year).values_list("pk"))
    if Feedback.objects.filter(featured_in=year).count() >= FEATURED_LIMIT:
        raise ValidationError(
            {"featured": [TOO_MANY_FEATURED.format(year=year, limit=FEATURED_LIMIT)]}
        )
    _refuse_repeated(feedback, year, feedback.published_wording)
    feedback.featured_in = year
    saved_by(feedback, acting_user).save(update_fields=["featured_in"])
    return feedback


# ------------------------------------------------------------------- targets


def wrong_direction(better: str) -> str:
    """The message for a target set the other way from ``better``."""
    higher = better == TargetDirection.AT_LEAST
    return WRONG_DIRECTION.format(
        better="higher" if higher else "lower", label=TargetDirection(better).label
    )


@transaction.atomic
def set_target(
    *,
    year: str,
    measure: str,
    value,
    acting_user,
    direction: str = TargetDirection.AT_LEAST,
    action: str = "",
) -> Target:
    """Set (or change) the target for one measure in one reporting year.

    ``value`` is a percentage for ratio measures and a count for the two count measures.
    """
    _require(acting_user, Capability.SET_TARGETS, CANNOT_SET_TARGETS)
    errors = Errors()
    try:
        timescales.parse_period(timescales.ANNUAL, year)
    except ValueError:
        errors.add("year", NOT_A_YEAR.format(year=year))
    if measure not in TargetMeasure.values:
        errors.add("measure", UNKNOWN_CHOICE.format(value=measure, what="measure"))
    better = BETTER_DIRECTION.get(measure)
    if direction not in TargetDirection.values:
        errors.add("direction", UNKNOWN_CHOICE.format(value=direction, what="direction"))
    elif better is not None and direction != better:
        errors.add("direction", wrong_direction(better))
    if not action or not action.strip():
        errors.add("action", REASONING_REQUIRED)
    errors.add("action", text_limits.too_long(action, text_limits.PLAN_ITEM))
    if action and action.strip():  # published in the annual report's action plan
        errors.add("action", names_refusal(action, known_in([action])))
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add("value", NOT_A_NUMBER)
    else:
        # Refused, never rounded: 82.55 is not kept as 82.6 (nor 12.5 children as 12).
        places = decimal_places(number)
        if number >= Decimal(1_000_000):
            errors.add("value", TARGET_TOO_LARGE)
        elif measure in COUNT_MEASURES and number < 0:
            errors.add("value", NEGATIVE_TARGET)
        elif measure in COUNT_MEASURES and places:
            errors.add("value", COUNT_TARGET_WHOLE)
        elif places > 1:
            errors.add("value", TARGET_PLACES)
        elif measure not in COUNT_MEASURES and not Decimal(0) <= number <= Decimal(100):
            errors.add("value", PERCENT_RANGE)
    errors.raise_if_any()
    target = Target.objects.select_for_update().filter(year=year, measure=measure).first()
    if target is None:
        target = Target(year=year, measure=measure)
    target.direction = direction
    target.value = number
    target.action = action.strip()
    target.set_by = acting_user
    target.set_on = today()
    saved_by(target, acting_user).save()
    return target
