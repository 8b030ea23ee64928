"""Reads for the pages of disputes, multi-agency challenges and feedback.

Every function that reaches a child's data takes the user and asks ``access.scope``:
``dispute_for``, ``challenge_for`` and ``conference_for`` return the record or raise
(404 when there is none, 403 when the user may not see it). The safeguarding
partnership sees multi-agency challenges without seeing any child's record: its pages
carry the LA child ID only, never a name.

Response due dates are computed from each stage's start and the authority's
``StageTimescale`` in working days (``iro.timescales``), never stored. Lists cost a
fixed number of queries however many disputes or challenges they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from iro import timescales
from iro.access.capabilities import ROLE_CAPABILITIES, Capability, has_capability
from iro.access.known_names import Lookup
from iro.access.scope import (
    can_view_child,
    display_name,
    hidden_restricted,
    refuse,
    shows_names,
)
from iro.challenge.models import (
    Dispute,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    Stage,
    StageTimescale,
    escalation_roles,
)
from iro.challenge.selectors import challenges_for, disputes_for
from iro.children.models import Child
from iro.journey.models import Conference
from iro.journey.selectors import known_names_by_child
from iro.names import screen_for_reader, screen_known
from iro.people.models import Role, User
from iro.people.selectors import closure_days

REFUSED_CHALLENGES = "Your role does not include multi-agency challenges."

# The state of a stage's response, for the tag the pages show.
ANSWERED = "answered"
OVERDUE = "overdue"
WAITING = "waiting"
NO_TIMESCALE = "no_timescale"
CLOSED_UNANSWERED = "closed_unanswered"


# ------------------------------------------------------------------- access


def dispute_for(user, public_id) -> Dispute:
    """The dispute if ``user`` may see its child, or if it waits at a stage addressed to
    them (``is_addressed_to``); 404 if none, 403 if refused."""
    try:
        dispute = Dispute.objects.select_related("child", "plan", "raised_by").get(
            public_id=public_id
        )
    except (Dispute.DoesNotExist, ValueError) as exc:
        raise Http404("No such dispute") from exc
    if not can_view_child(user, dispute.child) and not is_addressed_to(user, dispute):
        raise refuse(dispute.child)
    return dispute


def is_addressed_to(user, dispute: Dispute) -> bool:
    """The narrow grant of an addressee: while an open dispute's current stage is
    addressed to ``user`` (who answers disputes), they may read that dispute and answer
    it, even if their role does not see the child (a team manager of another team). The
    grant is the dispute only, never the child's record; it ends when the dispute moves
    on. A restricted child's dispute only to someone on its access list."""
    if dispute.is_resolved or not has_capability(user, Capability.ANSWER_DISPUTES):
        return False
    stage = current_stages_addressed_to(user).filter(dispute=dispute)
    return stage.exists()


def current_stages_addressed_to(user) -> QuerySet[DisputeStage]:
    """The stages of open disputes, at the stage they are at, addressed to ``user``
    (restricted children's only if ``user`` is on the child's access list)."""
    if not has_capability(user, Capability.ANSWER_DISPUTES):
        return DisputeStage.objects.none()
    return DisputeStage.objects.filter(
        Q(dispute__child__restricted=False) | Q(dispute__child__restricted_access__user=user),
        addressed_to=user,
        stage=F("dispute__stage"),
        dispute__resolved_on__isnull=True,
        ended_on__isnull=True,
    ).distinct()


def may_handle_challenges(user) -> bool:
    """The safeguarding partnership: forwards challenges, sees no child's record."""
    return has_capability(user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES)


def may_open_challenges(user) -> bool:
    """Who ``challenge_for`` lets open a challenge's page (of a child they may see)."""
    return may_handle_challenges(user) or has_capability(user, Capability.RAISE_CHALLENGES)


def challenge_for(user, public_id) -> MultiAgencyChallenge:
    """The challenge for the partnership (any) or for an IRO who may see its child."""
    try:
        challenge = MultiAgencyChallenge.objects.select_related(
            "child", "agency", "raised_by", "forwarded_by"
        ).get(public_id=public_id)
    except (MultiAgencyChallenge.DoesNotExist, ValueError) as exc:
        raise Http404("No such challenge") from exc
    if may_handle_challenges(user):
        return challenge
    if not may_open_challenges(user):
        raise PermissionDenied(REFUSED_CHALLENGES)
    if not can_view_child(user, challenge.child):
        raise refuse(challenge.child)
    return challenge


# ------------------------------------------------------------ stage timescales


def stage_timescales() -> dict[int, int]:
    """The authority's response timescale of each stage, in working days."""
    return dict(StageTimescale.objects.values_list("stage", "working_days"))


@dataclass(frozen=True)
class StageView:
    """One stage a dispute reached, with its response due date and state."""

    stage: DisputeStage
    due: date | None
    state: str
    working_days_overdue: int = 0

    @property
    def is_current(self) -> bool:
        return self.stage.ended_on is None and self.state != CLOSED_UNANSWERED


def stage_view(
    stage: DisputeStage,
    *,
    resolved: bool,
    day: date,
    timescale_days: dict[int, int],
    closures: Iterable[date],
) -> StageView:
    """The stage's response due date (its start plus the stage's working days) and
    whether the response came, is awaited, or is overdue on ``day``."""
    days = timescale_days.get(stage.stage)
    due = (
        None
        if days is None
        else timescales.add_working_days(stage.started_on, days, closures=closures)
    )
    if stage.responded_on is not None:
        return StageView(stage, due, ANSWERED)
    if stage.ended_on is not None or resolved:
        return StageView(stage, due, CLOSED_UNANSWERED)
    if due is None:
        return StageView(stage, due, NO_TIMESCALE)
    if day > due:
        late = timescales.working_days_between(due, day, closures=closures)
        return StageView(stage, due, OVERDUE, late)
    return StageView(stage, due, WAITING)


def dispute_stages(dispute: Dispute, *, day: date) -> list[StageView]:
    """Every stage the dispute reached, first to last (three queries)."""
    timescale_days = stage_timescales()
    closures = closure_days()
    return [
        stage_view(
            s,
            resolved=dispute.is_resolved,
            day=day,
            timescale_days=timescale_days,
            closures=closures,
        )
        for s in dispute.stages.order_by("stage")
    ]


# ----------------------------------------------------------------- lists


@dataclass(frozen=True)
class DisputeRow:
    dispute: Dispute
    name: str
    current: StageView | None


def _with_current_stage(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    return disputes.prefetch_related(
        Prefetch("stages", queryset=DisputeStage.objects.order_by("stage"), to_attr="stage_rows")
    )


def _rows(user, disputes: Iterable[Dispute], *, day: date) -> list[DisputeRow]:
    timescale_days = stage_timescales()
    closures = closure_days()
    rows = []
    for dispute in disputes:
        current = next((s for s in dispute.stage_rows if s.stage == dispute.stage), None)
        rows.append(
            DisputeRow(
                dispute=dispute,
                name=display_name(user, dispute.child),
                current=(
                    None
                    if current is None
                    else stage_view(
                        current,
                        resolved=dispute.is_resolved,
                        day=day,
                        timescale_days=timescale_days,
                        closures=closures,
                    )
                ),
            )
        )
    return rows


def _urgency(row: DisputeRow):
    current = row.current
    state = current.state if current else NO_TIMESCALE
    order = {OVERDUE: 0, WAITING: 1, NO_TIMESCALE: 2, ANSWERED: 3}.get(state, 4)
    due = current.due if current and current.due else date.max
    return (order, due, row.dispute.raised_on, row.dispute.pk)


def open_dispute_rows(user, *, day: date) -> list[DisputeRow]:
    """The open disputes about children ``user`` may see, overdue responses first, then
    by response due date. A fixed number of queries, however many disputes."""
    disputes = _with_current_stage(open_disputes(user))
    return sorted(_rows(user, disputes, day=day), key=_urgency)


# The disputes page lists those resolved this long ago or less under the open ones.
RESOLVED_LISTED_DAYS = 365


def resolved_dispute_rows(user, *, day: date) -> list[DisputeRow]:
    """The disputes about children ``user`` may see resolved in the last year, newest
    first. A fixed number of queries."""
    since = day - timedelta(days=RESOLVED_LISTED_DAYS)
    disputes = _with_current_stage(
        disputes_for(user).filter(resolved_on__gte=since).order_by("-resolved_on", "-pk")
    )
    return _rows(user, disputes.select_related("child", "raised_by"), day=day)


def open_disputes(user) -> QuerySet[Dispute]:
    return disputes_for(user).filter(resolved_on__isnull=True)


def child_disputes(user, child: Child, *, day: date) -> list[DisputeRow]:
    """A child's disputes, newest first (the caller has checked access to the child)."""
    disputes = _with_current_stage(disputes_for(user).filter(child=child))
    return _rows(user, disputes, day=day)


def child_challenges(user, child: Child) -> QuerySet[MultiAgencyChallenge]:
    return challenges_for(user).filter(child=child)


@dataclass(frozen=True)
class ChallengeDue:
    """When a forwarded challenge's response is due, and how late it is on the day."""

    due: date | None  # None: not forwarded yet
    working_days: int
    working_days_overdue: int = 0  # past the due date with no response
    answered_late: bool = False

    @property
    def overdue(self) -> bool:
        return self.working_days_overdue > 0


def challenge_response_due(challenge: MultiAgencyChallenge, closures) -> date | None:
    """The forwarded challenge's response due date: its agreed working days from the day
    it was forwarded (never stored)."""
    if challenge.forwarded_on is None:
        return None
    return timescales.add_working_days(
        challenge.forwarded_on, challenge.response_working_days, closures=closures
    )


def challenge_due(challenge: MultiAgencyChallenge, *, day: date, closures) -> ChallengeDue:
    due = challenge_response_due(challenge, closures)
    days = challenge.response_working_days
    if due is None:
        return ChallengeDue(None, days)
    if challenge.responded_on is not None:
        return ChallengeDue(due, days, answered_late=challenge.responded_on > due)
    if day > due:
        return ChallengeDue(due, days, timescales.working_days_between(due, day, closures=closures))
    return ChallengeDue(due, days)


def with_response_due(challenges: Iterable[MultiAgencyChallenge], *, day: date) -> list:
    """The challenges, each with ``due_state`` (a ``ChallengeDue``) for the pages. One
    query (the closure days), however many challenges."""
    challenges = list(challenges)
    closures = closure_days() if challenges else frozenset()
    for c in challenges:
        c.due_state = challenge_due(c, day=day, closures=closures)
    return challenges


@dataclass(frozen=True)
class ChallengeRow:
    challenge: MultiAgencyChallenge
    name: str  # the child's name, or LA child ID for those who may not see names
    concern: str  # with the names around the child screened out for those readers
    professional: str  # with the family's names screened out for those readers
    forwarded_to: str  # likewise


@dataclass(frozen=True)
class ChallengeQueue:
    """The multi-agency challenges a user works on, by what they wait for."""

    to_forward: list[ChallengeRow]
    awaiting_response: list[ChallengeRow]
    answered: list[ChallengeRow]


# The answered list is history: the most recent are enough for a working page.
ANSWERED_SHOWN = 50


CHILD_NOT_NAMED = "Child not named"


def challenge_child_name(user, child: Child, hidden: set[int] | None = None) -> str:
    """How a challenge names its child: as ``display_name``, except a restricted child
    the user is not allowed (the partnership sees every challenge) is not identified."""
    if hidden is None:
        hidden = hidden_restricted(user, [child.pk]) if child.restricted else set()
    return CHILD_NOT_NAMED if child.pk in hidden else display_name(user, child)


def as_read_by(user, challenges) -> Callable[..., str]:
    """How ``user`` reads the free text of ``challenges``: as written for those who see
    names, else with the names around each child and every word that looks like a name
    screened out (the concern), or with ``known_only`` the names recorded as a family's
    only, this child's or another's (the professional and the manager it went to, other
    agencies' staff named on purpose). The same queries for the names however many
    challenges, none for those who see them."""
    if shows_names(user):
        return lambda challenge, text, known_only=False: text
    names = known_names_by_child({c.child for c in challenges})
    # The names recorded anywhere that the concerns and responses hold (another
    # family's child or parent): one query for the page.
    elsewhere = Lookup().prime(
        t for c in challenges for t in (c.concern, c.response, c.professional, c.forwarded_to) if t
    )

    def text(challenge, value: str, known_only: bool = False) -> str:
        if known_only:
            # Other agencies' staff are named on purpose; a family's name is not.
            return screen_known(value, names[challenge.child_id], elsewhere(value))
        # The agency it is about is shown to the reader: its name is kept, whole.
        return screen_for_reader(
            value,
            names[challenge.child_id],
            elsewhere(value),
            organisations=[challenge.agency.name],
        )

    return text


def challenge_queue(user, *, day: date | None = None) -> ChallengeQueue:
    """For the partnership every challenge (the child named by LA child ID only); for an
    IRO those about children they may see. Three queries, however many challenges."""
    if may_handle_challenges(user):
        base = MultiAgencyChallenge.objects.all()
    elif has_capability(user, Capability.RAISE_CHALLENGES):
        base = challenges_for(user)
    else:
        raise PermissionDenied(REFUSED_CHALLENGES)
    base = base.select_related("child", "agency", "raised_by")
    # A restricted child is not identified, even by LA child ID, to anyone off its list.
    hidden = hidden_restricted(user, base.values_list("child_id", flat=True))

    lists = (
        list(
            base.filter(forwarded_on__isnull=True, responded_on__isnull=True).order_by(
                "raised_on", "pk"
            )
        ),
        list(
            base.filter(forwarded_on__isnull=False, responded_on__isnull=True).order_by(
                "forwarded_on", "pk"
            )
        ),
        list(
            base.filter(responded_on__isnull=False).order_by("-responded_on", "-pk")[
                :ANSWERED_SHOWN
            ]
        ),
    )
    text = as_read_by(user, [c for challenges in lists for c in challenges])

    if day is not None:
        with_response_due([c for challenges in lists for c in challenges], day=day)

    def rows(challenges) -> list[ChallengeRow]:
        return [
            ChallengeRow(
                c,
                challenge_child_name(user, c.child, hidden),
                text(c, c.concern),
                text(c, c.professional, known_only=True),
                text(c, c.forwarded_to, known_only=True),
            )
            for c in challenges
        ]

    return ChallengeQueue(
        to_forward=rows(lists[0]), awaiting_response=rows(lists[1]), answered=rows(lists[2])
    )


def conference_feedback(conference: Conference) -> QuerySet[Feedback]:
    return conference.feedback.select_related("recorded_by").order_by("received_on", "pk")


# ------------------------------------------------------------- who answers


def addressee_choices(child: Child, *, escalating_to: int | None = None) -> list[tuple[int, str]]:
    """Who a dispute about ``child`` can be sent to, as (user pk, label): the child's
    team (its social workers and manager) first, then senior managers, then other teams'
    managers; for a restricted child only those on its access list. Escalating to a
    stage, only those up the line (``escalation_roles``). One query."""
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Capability.ANSWER_DISPUTES in caps]
    if escalating_to is not None:
        roles = [r for r in roles if r in escalation_roles(escalating_to)]
    people = (
        User.objects.filter(role__in=roles, is_active=True)
        .select_related("team")
        .order_by("last_name", "first_name", "pk")
    )
    if child.restricted:
        people = people.filter(restricted_children__child=child)
    team_manager_id = child.team.manager_id if child.team_id else None
    order = {Role.SENIOR_MANAGER: 1, Role.TEAM_MANAGER: 2}
    chosen = []
    for person in people:
        in_team = (child.team_id and person.team_id == child.team_id) or (
            person.pk == team_manager_id
        )
        if not in_team and person.role == Role.SOCIAL_WORKER:
            continue  # another team's social worker does not answer for this child
        job = person.job_title or person.get_role_display()
        team = f" ({person.team.name})" if person.team_id else ""
        label = f"{person.get_full_name() or person.username}, {job}{team}"
        chosen.append((0 if in_team else order.get(person.role, 3), label, person.pk))
    return [(pk, label) for _, label, pk in sorted(chosen, key=lambda c: c[0])]


def usual_addressee(
    child: Child,
    people: Iterable[tuple[int, str]],
    *,
    stage: int,
    previous: User | None = None,
) -> int | None:
    """Who a dispute's ``stage`` usually goes to, among the ``people`` offered (user pks),
    so the form starts with them chosen: the informal stage the child's social worker;
    stage 2 the child's team manager, else the line manager of the social worker it was
    sent to; stages 3 and on the line manager of the person the last stage went to, up
    the line as the DfE process runs. Never the person the last stage went to (a
    dispute raised with the team manager goes on to their line manager). None when that
    person cannot be offered (left, not on a restricted child's list, not senior
    enough): the IRO chooses."""
    if stage == Stage.INFORMAL:
        usual = [child.social_worker_id]
    else:
        usual = [child.team.manager_id if child.team_id else None] if stage == Stage.STAGE_2 else []
        if previous is not None:
            usual.append(previous.line_manager_id)
    offered = {pk for pk, _ in people}
    if previous is not None:
        offered.discard(previous.pk)
    return next((pk for pk in usual if pk is not None and pk in offered), None)
