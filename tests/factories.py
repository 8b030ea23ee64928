"""factory_boy factories for every model of people, children and journey.

All names are invented. Defaults make a valid record with the fewest other
records; pass what a test cares about. The helpers at the end build the common
shapes of a child's journey (an S47 and its ICPC, a plan and its reviews) so a
test reads as the story it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import factory
from factory.django import DjangoModelFactory

from iro.children.models import Child, Family, Sex
from iro.journey.models import (
    Category,
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Episode,
    Plan,
    Section47,
    StrategyDiscussion,
)
from iro.people.models import Agency, AgencyKind, ClosureDay, Leave, Role, Team, User

PASSWORD = "correct-horse-battery-staple"

# Invented for the tests: pairs that belong to nobody.
FIRST_NAMES = [
    "Ayla", "Brin", "Cato", "Dela", "Emrys", "Fenna", "Galen", "Hollis", "Ione", "Jory",
    "Kestrel", "Linnet", "Marlo", "Nyra", "Orrin", "Perrin", "Quilla", "Rowan", "Sable", "Tamsin",
]  # fmt: skip
LAST_NAMES = [
    "Ashcombe", "Brackwater", "Coldharbour", "Dunmere", "Elmstead", "Fallowfield", "Greyfriar",
    "Hartwell", "Inchbrook", "Juniperhill", "Kettlewick", "Larkmoor", "Millbeck", "Northolme",
]  # fmt: skip


def _cycle(names: list[str]):
    return factory.Sequence(lambda n: names[n % len(names)])


# --- People -------------------------------------------------------------------------------


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Safeguarding Team {n + 1}")


class UserFactory(DjangoModelFactory):
    """A member of staff; ``role`` defaults to IRO. The password is ``PASSWORD``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    first_name = _cycle(FIRST_NAMES)
    last_name = _cycle(list(reversed(LAST_NAMES)))
    email = factory.LazyAttribute(lambda u: f"{u.username}@northmoor.example")
    role = Role.IRO
    password = factory.django.Password(PASSWORD)


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Northmoor Agency {n + 1}")
    kind = AgencyKind.HEALTH


class ClosureDayFactory(DjangoModelFactory):
    class Meta:
        model = ClosureDay
        django_get_or_create = ("date",)

    date = factory.Sequence(lambda n: date(2024, 12, 27) + timedelta(days=365 * n))
    description = "Council closure day"


class LeaveFactory(DjangoModelFactory):
    class Meta:
        model = Leave

    user = factory.SubFactory(UserFactory, role=Role.IRO)
    start_date = date(2025, 8, 4)
    end_date = factory.LazyAttribute(lambda leave: leave.start_date + timedelta(days=4))
    description = "Annual leave"


# --- Children -----------------------------------------------------------------------------


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"{LAST_NAMES[n % len(LAST_NAMES)]} family")


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = _cycle(FIRST_NAMES)
    last_name = _cycle(LAST_NAMES)
    date_of_birth = date(2016, 5, 14)
    sex = Sex.FEMALE
    ethnicity = "WBRI"
    team = factory.SubFactory(TeamFactory)


# --- Journey ------------------------------------------------------------------------------


class EpisodeFactory(DjangoModelFactory):
    class Meta:
        model = Episode

    child = factory.SubFactory(ChildFactory)
    referral_date = date(2024, 1, 8)
    referral_source = "6"
    primary_need = "N1"


class CinPlanPeriodFactory(DjangoModelFactory):
    class Meta:
        model = CinPlanPeriod

    episode = factory.SubFactory(EpisodeFactory)
    start_date = factory.LazyAttribute(lambda o: o.episode.referral_date)


class StrategyDiscussionFactory(DjangoModelFactory):
    class Meta:
        model = StrategyDiscussion

    episode = factory.SubFactory(EpisodeFactory)
    held_on = factory.LazyAttribute(lambda o: o.episode.referral_date + timedelta(days=1))


class Section47Factory(DjangoModelFactory):
    """An S47 started by its own strategy discussion (start date = discussion date)."""

    class Meta:
        model = Section47

    episode = factory.SubFactory(EpisodeFactory)
    strategy_discussion = factory.SubFactory(
        StrategyDiscussionFactory, episode=factory.SelfAttribute("..episode")
    )
    start_date = factory.LazyAttribute(lambda o: o.strategy_discussion.held_on)


class ConferenceFactory(DjangoModelFactory):
    """A held initial conference by default; its chair is a new IRO unless given."""

    class Meta:
        model = Conference

    kind = ConferenceKind.INITIAL
    status = ConferenceStatus.HELD
    held_on = date(2024, 1, 26)
    scheduled_date = factory.LazyAttribute(lambda o: o.held_on)
    scheduled_time = time(10, 0)
    venue = "Northmoor Civic Centre, Room 2"
    chair = factory.SubFactory(UserFactory, role=Role.IRO)

    class Params:
        scheduled = factory.Trait(status=ConferenceStatus.SCHEDULED, held_on=None)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    child = factory.SubFactory(ChildFactory)
    episode = None
    start_date = date(2024, 1, 26)
    initial_category = Category.NEG
    latest_category = factory.LazyAttribute(lambda o: o.initial_category)


class ConferenceChildFactory(DjangoModelFactory):
    class Meta:
        model = ConferenceChild

    conference = factory.SubFactory(ConferenceFactory)
    child = factory.SubFactory(ChildFactory)


# --- Named staff --------------------------------------------------------------------------


@dataclass
class Staff:
    """One named user per role, in two teams, and a social worker of another team who
    must be refused the first team's children."""

    team: Team
    other_team: Team
    iro: User
    other_iro: User
    iro_manager: User
    coordinator: User
    social_worker: User
    team_manager: User
    senior_manager: User
    analyst: User
    partnership: User
    admin: User
    outsider: User  # a social worker of other_team

    def everyone(self) -> dict[str, User]:
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


def make_staff() -> Staff:
    team = TeamFactory(name="Moorside Safeguarding Team")
    other_team = TeamFactory(name="Riverside Safeguarding Team")
    team_manager = UserFactory(
        username="tess-manager", first_name="Tess", last_name="Larkmoor",
        role=Role.TEAM_MANAGER, team=team,
    )  # fmt: skip
    team.manager = team_manager
    team.save(update_fields=["manager"])

    def user(username: str, first: str, last: str, role: str, team: Team | None = None) -> User:
        return UserFactory(
            username=username, first_name=first, last_name=last, role=role, team=team
        )

    return Staff(
        team=team,
        other_team=other_team,
        iro=user("ivy-iro", "Ivy", "Coldharbour", Role.IRO),
        other_iro=user("otto-iro", "Otto", "Fallowfield", Role.IRO),
        iro_manager=user("mona-manager", "Mona", "Greyfriar", Role.IRO_MANAGER),
        coordinator=user("cora-coordinator", "Cora", "Dunmere", Role.COORDINATOR),
        social_worker=user("sam-social-worker", "Sam", "Hartwell", Role.SOCIAL_WORKER, team),
        team_manager=team_manager,
        senior_manager=user("seren-senior", "Seren", "Elmstead", Role.SENIOR_MANAGER),
        analyst=user("ana-analyst", "Ana", "Inchbrook", Role.ANALYST),
        partnership=user("pip-partnership", "Pip", "Kettlewick", Role.PARTNERSHIP),
        admin=user("adam-admin", "Adam", "Millbeck", Role.ADMIN),
        outsider=user("oli-outsider", "Oli", "Northolme", Role.SOCIAL_WORKER, other_team),
    )


# --- Journeys -----------------------------------------------------------------------------


@dataclass
class Journey:
    child: Child
    episode: Episode
    section47: Section47
    icpc: Conference | None
    plan: Plan | None
    reviews: list[Conference]


def s47_for(
    child: Child, *, referral: date, strategy: date, icpc_not_required: bool = False
) -> Section47:
    """An episode opened on ``referral`` and an S47 started at a discussion on ``strategy``."""
    episode = EpisodeFactory(child=child, referral_date=referral)
    discussion = StrategyDiscussionFactory(episode=episode, held_on=strategy)
    return Section47Factory(
        episode=episode,
        strategy_discussion=discussion,
        start_date=strategy,
        icpc_not_required=icpc_not_required,
    )


def hold_conference(
    *,
    kind: str,
    children: list[tuple[Child, dict]],
    chair: User,
    held_on: date | None = None,
    scheduled_date: date | None = None,
    **fields,
) -> Conference:
    """A conference with one row per child; ``held_on=None`` leaves it scheduled.

    Each child comes with the row's fields (section47, plan, decision, category).
    """
    conference = ConferenceFactory(
        kind=kind,
        chair=chair,
        status=ConferenceStatus.HELD if held_on else ConferenceStatus.SCHEDULED,
        held_on=held_on,
        scheduled_date=scheduled_date or held_on,
        **fields,
    )
    for child, row in children:
        ConferenceChildFactory(conference=conference, child=child, **row)
    return conference


def child_on_plan(
    *,
    child: Child | None = None,
    chair: User,
    strategy: date,
    icpc_on: date,
    reviews: tuple[date, ...] = (),
    category: str = Category.NEG,
    ended_on: date | None = None,
    end_reason: str = "",
    **child_fields,
) -> Journey:
    """A child referred the day before ``strategy``, an ICPC on ``icpc_on`` starting a plan,
    and held reviews on ``reviews``, all chaired by ``chair``."""
    child = child or ChildFactory(**child_fields)
    s47 = s47_for(child, referral=strategy - timedelta(days=1), strategy=strategy)
    plan = PlanFactory(
        child=child,
        episode=s47.episode,
        start_date=icpc_on,
        initial_category=category,
        end_date=ended_on,
        end_reason=end_reason,
    )
    icpc = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(child, {"section47": s47, "plan": plan, "decision": Decision.PLAN,
                           "category": category})],
        chair=chair,
        held_on=icpc_on,
    )  # fmt: skip
    held_reviews = [
        hold_conference(
            kind=ConferenceKind.REVIEW,
            children=[(child, {"plan": plan, "decision": Decision.CONTINUE})],
            chair=chair,
            held_on=r,
        )
        for r in reviews
    ]
    return Journey(child, s47.episode, s47, icpc, plan, held_reviews)


def complete_outcome(decision: str, *, held_on: date | None = None, **fields):
    """A child's outcome with everything ``services.record_errors`` asks of a record made
    by a chair (a new plan needs ``held_on`` for its first core group date)."""
    from iro.journey.models import ChildAttendance, Decision
    from iro.journey.services import ChildOutcome

    values = {
        "attendance": ChildAttendance.DID_NOT_ATTEND,
        "wishes_feelings": "Told the social worker she wants to stay at her school.",
        "worries": "Nobody checks the home is warm.",
        "working_well": "Her grandmother visits every day.",
        "needs_to_happen": "A health visitor calls each week.",
    }
    if decision == Decision.PLAN:
        values["outline_plan"] = "Weekly visits; a warm, safe home."
        values["first_core_group_on"] = (held_on or date.today()) + timedelta(days=7)
    return ChildOutcome(decision=decision, **(values | fields))
