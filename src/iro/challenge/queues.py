"""The work queues of disputes, multi-agency challenges and targets, one per role's need.

Each function takes the user and the day and returns a ``work.queues.Queue`` (empty for
a user whose role does not do that work), in a fixed number of queries however many
records there are. Which role's landing page shows which:

- social worker, team manager, senior manager: ``disputes_waiting_for_answer``;
- IRO (and the IRO service manager, who raises disputes too): ``answers_to_decide``;
- IRO service manager: ``dispute_responses_overdue`` and ``targets_this_year``;
- safeguarding partnership officer: ``challenges_to_forward`` and
  ``challenges_without_response``.

Due dates are computed from recorded dates with ``iro.timescales`` (a dispute stage's
``StageTimescale`` in working days; a forwarded challenge's agreed response time), never
stored.
"""

from __future__ import annotations

from datetime import date

from django.db.models import F
from django.urls import reverse

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.scope import display_name, hidden_restricted, visible_to
from iro.challenge import selectors
from iro.challenge.models import (
    CHALLENGE_RESPONSE_WORKING_DAYS,
    DisputeStage,
    MultiAgencyChallenge,
    TargetDirection,
)
from iro.challenge.page_selectors import (
    OVERDUE,
    as_read_by,
    challenge_child_name,
    challenge_response_due,
    current_stages_addressed_to,
    open_dispute_rows,
    stage_timescales,
    stage_view,
)
from iro.challenge.services import COUNT_MEASURES
from iro.people.selectors import closure_days
from iro.reports.builders import targets_with_position
from iro.work.queues import Queue, Row


def _d(day: date | None) -> str:
    return "" if day is None else f"{day:%-d %b %Y}"


def _late(days: int) -> str:
    return f"{days} working day{'s' if days != 1 else ''} late"


# ------------------------------------------------------------------- disputes


def disputes_waiting_for_answer(user, *, day: date) -> Queue:
    """The disputes at a stage addressed to ``user`` and not yet answered, overdue first
    then by due date (four queries)."""
    stages = list(
        current_stages_addressed_to(user)
        .filter(responded_on__isnull=True)
        .select_related("dispute__child")
        .order_by("started_on", "pk")
    )
    timescale_days = stage_timescales() if stages else {}
    closures = closure_days() if stages else frozenset()
    views = [
        stage_view(s, resolved=False, day=day, timescale_days=timescale_days, closures=closures)
        for s in stages
    ]
    views.sort(key=lambda v: (v.state != OVERDUE, v.due or date.max, v.stage.pk))
    rows = tuple(
        Row(
            href=reverse("dispute_answer", kwargs={"public_id": v.stage.dispute.public_id}),
            action="Answer",
            cells=(
                display_name(user, v.stage.dispute.child),
                v.stage.get_stage_display(),
                _d(v.stage.started_on),
                _late(v.working_days_overdue) if v.state == OVERDUE else _d(v.due),
            ),
            child_public_ids=(v.stage.dispute.child.public_id,),
            flag="overdue" if v.state == OVERDUE else "",
        )
        for v in views
    )
    return Queue(
        key="disputes_waiting_for_answer",
        title="Disputes waiting for your answer",
        columns=("Child", "Stage", "Sent to you", "Answer due"),
        rows=rows,
        empty="No dispute is waiting for your answer.",
        hint="An IRO sent these to you. The IRO accepts your answer or escalates the dispute.",
    )


def dispute_responses_overdue(user, *, day: date) -> Queue:
    """Open disputes whose answer at the current stage is past its timescale, longest
    overdue first (for the IRO service manager; any IRO sees those of their children)."""
    if not has_capability(user, Capability.RAISE_CHALLENGES):
        return _dispute_overdue_queue(())
    late = [r for r in open_dispute_rows(user, day=day) if r.current and r.current.state == OVERDUE]
    late.sort(key=lambda r: (-r.current.working_days_overdue, r.dispute.pk))
    return _dispute_overdue_queue(
        tuple(
            Row(
                href=reverse("dispute_detail", kwargs={"public_id": r.dispute.public_id}),
                action="See the dispute",
                cells=(
                    r.name,
                    r.current.stage.get_stage_display(),
                    r.current.stage.sent_to or "Not recorded",
                    _late(r.current.working_days_overdue),
                ),
                child_public_ids=(r.dispute.child.public_id,),
                flag="overdue",
            )
            for r in late
        )
    )


def answers_to_decide(user, *, day: date) -> Queue:
    """For an IRO: their open disputes whose current stage has been answered, waiting for
    them to accept the answer (resolve) or escalate, oldest answer first (two queries)."""
    stages = []
    if has_capability(user, Capability.RAISE_CHALLENGES):
        stages = list(
            DisputeStage.objects.filter(
                dispute__child__in=visible_to(user),
                dispute__raised_by=user,
                dispute__resolved_on__isnull=True,
                stage=F("dispute__stage"),
                responded_on__isnull=False,
            )
            .select_related("dispute__child")
            .order_by("responded_on", "pk")
        )
    return Queue(
        key="answers_to_decide",
        title="Answers to your disputes",
        columns=("Child", "Stage", "Answered by", "Answered on"),
        rows=tuple(
            Row(
                href=reverse("dispute_detail", kwargs={"public_id": s.dispute.public_id}),
                action="Accept or escalate",
                cells=(
                    display_name(user, s.dispute.child),
                    s.get_stage_display(),
                    s.sent_to or "Not recorded",
                    _d(s.responded_on),
                ),
                child_public_ids=(s.dispute.child.public_id,),
            )
            for s in stages
        ),
        empty="No answer is waiting for you.",
        hint="Resolve the dispute if the answer settles your worry; otherwise escalate it.",
    )


def _dispute_overdue_queue(rows) -> Queue:
    return Queue(
        key="dispute_responses_overdue",
        title="Dispute answers overdue",
        columns=("Child", "Stage", "Sent to", "Overdue by"),
        rows=rows,
        empty="No dispute's answer is overdue.",
        hint="Past the authority's timescale for the stage, in working days.",
    )


# ------------------------------------------------------ multi-agency challenges


def _challenge_rows(user, challenges, cells) -> tuple[Row, ...]:
    hidden = hidden_restricted(user, [c.child_id for c in challenges]) if challenges else set()
    return tuple(
        Row(
            href=reverse("challenge_detail", kwargs={"public_id": c.public_id}),
            action=action,
            cells=(challenge_child_name(user, c.child, hidden), *rest),
            child_public_ids=() if c.child_id in hidden else (c.child.public_id,),
            flag=flag,
        )
        for c, action, rest, flag in (cells(c) for c in challenges)
    )


def challenges_to_forward(user, *, day: date) -> Queue:
    """For the partnership officer: challenges not yet sent to the professional's
    manager, oldest first (two queries, and one for the names the free text is
    screened of)."""
    # The selector answers nothing to a user who does not handle challenges.
    challenges = list(selectors.challenges_to_forward(user).select_related("child", "agency"))
    text = as_read_by(user, challenges)
    return Queue(
        key="challenges_to_forward",
        title="Challenges to forward",
        columns=("Child", "Agency", "Professional", "Raised"),
        rows=_challenge_rows(
            user,
            challenges,
            lambda c: (
                c,
                "Forward",
                (c.agency.name, text(c, c.professional, known_only=True), _d(c.raised_on)),
                "",
            ),
        ),
        empty="No challenge is waiting to be forwarded.",
        hint="Send each to the professional's manager.",
    )


def challenges_without_response(user, *, day: date) -> Queue:
    """For the partnership officer: challenges forwarded with no response after the
    working days agreed when it was forwarded (20 unless agreed otherwise: the
    challenge's ``response_working_days``), longest waiting first (three
    queries)."""
    late = []
    if has_capability(user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES):
        closures = closure_days()
        waiting = (
            MultiAgencyChallenge.objects.filter(
                forwarded_on__isnull=False, responded_on__isnull=True
            )
            .select_related("child", "agency")
            .order_by("forwarded_on", "pk")
        )
        for challenge in waiting:
            due = challenge_response_due(challenge, closures)
            if day > due:
                days = timescales.working_days_between(due, day, closures=closures)
                late.append((challenge, due, days))
    overdue = {c.pk: (due, days) for c, due, days in late}
    text = as_read_by(user, [c for c, _, _ in late])
    return Queue(
        key="challenges_without_response",
        title="Challenges with no response",
        columns=("Child", "Agency", "Sent to", "Forwarded", "Response due", "Overdue by"),
        rows=_challenge_rows(
            user,
            [c for c, _, _ in late],
            lambda c: (
                c,
                "Record the response",
                (
                    c.agency.name,
                    text(c, c.forwarded_to, known_only=True),
                    _d(c.forwarded_on),
                    _d(overdue[c.pk][0]),
                    _late(overdue[c.pk][1]),
                ),
                "overdue",
            ),
        ),
        empty="Every forwarded challenge has had its response in time.",
        hint=(
            "Past the response time agreed when each was forwarded "
            f"({CHALLENGE_RESPONSE_WORKING_DAYS} working days unless agreed otherwise): "
            "chase the manager."
        ),
    )


# ------------------------------------------------------------------- targets


def targets_this_year(user, *, day: date) -> Queue:
    """For the IRO service manager: this reporting year's targets with the position so
    far (the reports' measures, from 1 April to ``day``), those not met first."""
    year = timescales.period_containing(timescales.ANNUAL, day).label
    lines = (
        targets_with_position(year, day=day) if has_capability(user, Capability.SET_TARGETS) else []
    )
    lines = sorted(lines, key=lambda line: line.met is not False)
    rows = tuple(
        Row(
            href=reverse("target_edit", kwargs={"year": year, "measure": line.measure}),
            action="Change the target",
            cells=(
                line.label,
                target_words(line.measure, line.direction, line.value),
                "No figure yet" if line.actual is None else figure_words(line.measure, line.actual),
            ),
            # The position once, as the Status column's tag: red when not on track.
            flag=line.verdict or "Not measured yet",
            tone="red" if line.met is False else "",
        )
        for line in lines
    )
    return Queue(
        key="targets_this_year",
        title=f"Targets for {year}",
        columns=("Measure", "Target", "Year to date"),
        rows=rows,
        empty=f"No target is set for {year}.",
        hint="The figures are the reports' own, from 1 April to today.",
        extra={"year": year},
        counted=False,  # the year's targets, not work waiting: no count among the queues'
    )


def _is_count(measure: str) -> bool:
    return measure in COUNT_MEASURES


def target_words(measure: str, direction: str, value) -> str:
    """'At least 90%' or 'At most 60 children'."""
    number = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return f"{TargetDirection(direction).label} {_with_unit(measure, number)}"


def figure_words(measure: str, actual) -> str:
    """A year-to-date figure as the target reads: '82.5%' or '2 children'."""
    return _with_unit(measure, str(actual))


def _with_unit(measure: str, number: str) -> str:
    if not _is_count(measure):
        return f"{number}%"
    return f"{number} {'child' if number == '1' else 'children'}"
