"""The synthetic authority's people and structure: staff, teams, agencies, closure days.

These are not case records, so they are written with the ORM directly (each
save still writes its history row). Every name is invented (``names``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from iro import timescales
from iro.challenge.models import StageTimescale
from iro.demo import names
from iro.journey.checks import as_at
from iro.journey.models import Conference, ConferenceStatus
from iro.people.models import Agency, ClosureDay, Leave, Role, Team, User
from iro.people.services import record_leave

# One login per role, in the order ``make run`` prints them.
DEMO_LOGINS: list[tuple[str, str]] = [
    ("demo-iro", Role.IRO),
    ("demo-manager", Role.IRO_MANAGER),
    ("demo-coordinator", Role.COORDINATOR),
    ("demo-social-worker", Role.SOCIAL_WORKER),
    ("demo-team-manager", Role.TEAM_MANAGER),
    ("demo-senior", Role.SENIOR_MANAGER),
    ("demo-analyst", Role.ANALYST),
    ("demo-partnership", Role.PARTNERSHIP),
    ("demo-admin", Role.ADMIN),
]
IROS = 9  # besides the IRO service manager, who chairs a few conferences too
COORDINATORS = 3
TEAMS = 12
WORKERS_PER_TEAM = 3  # in another authority's teams (the datasets at scale)
MANAGER_CAPACITY = 0.15  # the share of a full caseload the IRO manager chairs
PART_TIME_IRO_CAPACITY = 0.6
SERVICE_MANAGER = "Service Manager, Children and Families"
CLOSURE = "Council closure between Christmas and New Year"


@dataclass
class Staff:
    """The people the journeys need, by position: chairs[0] is demo-iro."""

    chairs: list[User]
    capacity: list[float]
    iro_manager: User
    coordinators: list[User]
    teams: list[Team]
    workers: list[list[User]]  # social workers, per team
    everyone: list[User] = field(default_factory=list)
    demo: dict[str, User] = field(default_factory=dict)


class People:
    """Makes users with unique usernames and invented names."""

    def __init__(self, rng: random.Random, demo_hash: str) -> None:
        self.rng = rng
        self.demo_hash = demo_hash
        # Staff other than the demo logins cannot sign in: they are there to be
        # allocated, line-managed and named on pages.
        self.no_login = make_password(None)
        self.taken = set(User.objects.values_list("username", flat=True))
        self.made: list[User] = []
        self.demo: dict[str, User] = {}

    def name(self) -> tuple[str, str]:
        first = self.rng.choice(names.STAFF_FIRST_NAMES)
        last = self.rng.choice(names.SURNAME_STARTS) + self.rng.choice(names.SURNAME_ENDS)
        return first, last

    def make(
        self,
        role: str,
        job_title: str,
        *,
        username: str = "",
        team: Team | None = None,
        line_manager: User | None = None,
    ) -> User:
        first, last = self.name()
        if not username:
            base = f"{first}.{last}".lower()
            username, n = base, 1
            while username in self.taken:
                n += 1
                username = f"{base}{n}"
        self.taken.add(username)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@northmoor.example",
            role=role,
            job_title=job_title,
            team=team,
            line_manager=line_manager,
            password=self.demo_hash if username.startswith("demo-") else self.no_login,
        )
        if role == Role.ADMIN:
            user.is_staff = True
            user.is_superuser = True
        user.save()
        self.made.append(user)
        if username.startswith("demo-"):
            self.demo[username] = user
        return user


def create_staff(rng: random.Random, *, demo_password: str) -> Staff:
    """Senior managers, the IRO service, twelve social work teams and the rest."""
    people = People(rng, make_password(demo_password))
    make = people.make
    director = make(Role.SENIOR_MANAGER, "Director of Children's Services")
    head_safeguarding = make(
        Role.SENIOR_MANAGER,
        "Head of Safeguarding and Quality Assurance",
        username="demo-senior",
        line_manager=director,
    )
    head_social_work = make(
        Role.SENIOR_MANAGER, "Head of Children's Social Work", line_manager=director
    )
    service_managers = [
        make(Role.SENIOR_MANAGER, SERVICE_MANAGER, line_manager=head_social_work) for _ in range(2)
    ]
    iro_manager = make(
        Role.IRO_MANAGER,
        "IRO Service Manager",
        username="demo-manager",
        line_manager=head_safeguarding,
    )
    iros = [
        make(
            Role.IRO,
            "Independent Reviewing Officer",
            username="demo-iro" if i == 0 else "",
            line_manager=iro_manager,
        )
        for i in range(IROS)
    ]
    coordinators = [
        make(
            Role.COORDINATOR,
            "Child Protection Conference Coordinator",
            username="demo-coordinator" if i == 0 else "",
            line_manager=iro_manager,
        )
        for i in range(COORDINATORS)
    ]
    teams: list[Team] = []
    workers: list[list[User]] = []
    for i, locality in enumerate(names.LOCALITIES[:TEAMS]):
        team = Team(
            name=f"{locality} {names.TEAM_KINDS[i % len(names.TEAM_KINDS)]}",
            link_iro=iros[i % len(iros)],
        )
        team.save()
        manager = make(
            Role.TEAM_MANAGER,
            "Team Manager",
            username="demo-team-manager" if i == 0 else "",
            team=team,
            line_manager=service_managers[i % len(service_managers)],
        )
        team.manager = manager
        team.save(update_fields=["manager"])
        members = [
            make(
                Role.SOCIAL_WORKER,
                "Senior Social Worker" if j == 0 else "Social Worker",
                username="demo-social-worker" if i == 0 and j == 0 else "",
                team=team,
                line_manager=manager,
            )
            for j in range(rng.randint(3, 5))
        ]
        teams.append(team)
        workers.append(members)
    for i in range(2):
        make(
            Role.ANALYST,
            "Performance Analyst",
            username="demo-analyst" if i == 0 else "",
            line_manager=head_safeguarding,
        )
    make(Role.PARTNERSHIP, "Safeguarding Partnership Business Manager", username="demo-partnership")
    make(Role.ADMIN, "Systems Administrator", username="demo-admin")
    capacity = [1.0] * len(iros)
    capacity[-1] = PART_TIME_IRO_CAPACITY
    return Staff(
        chairs=[*iros, iro_manager],
        capacity=[*capacity, MANAGER_CAPACITY],
        iro_manager=iro_manager,
        coordinators=coordinators,
        teams=teams,
        workers=workers,
        everyone=people.made,
        demo=people.demo,
    )


def create_authority_staff(
    people: People, authority: str, *, iros: int, teams: int
) -> tuple[list[Team], list[User]]:
    """Another authority's IRO service (a manager and ``iros`` IROs) and its ``teams``
    social work teams (a manager and social workers each), for the datasets at scale."""
    manager = people.make(Role.IRO_MANAGER, f"IRO Service Manager, {authority}")
    chairs = [
        people.make(Role.IRO, f"Independent Reviewing Officer, {authority}", line_manager=manager)
        for _ in range(iros)
    ]
    made = []
    for t in range(teams):
        locality = names.LOCALITIES[t % len(names.LOCALITIES)]
        kind = names.TEAM_KINDS[t // len(names.LOCALITIES) % len(names.TEAM_KINDS)]
        team = Team(name=f"{authority} {locality} {kind}", link_iro=chairs[t % len(chairs)])
        team.save()
        team.manager = people.make(Role.TEAM_MANAGER, "Team Manager", team=team)
        team.save(update_fields=["manager"])
        for _ in range(WORKERS_PER_TEAM):
            people.make(Role.SOCIAL_WORKER, "Social Worker", team=team, line_manager=team.manager)
        made.append(team)
    return made, chairs


def create_agencies() -> list[Agency]:
    agencies = []
    for name, kind in names.AGENCIES:
        agency, _ = Agency.objects.get_or_create(name=name, defaults={"kind": kind})
        agencies.append(agency)
    return agencies


def christmas_closures(first_year: int, last_year: int) -> list[date]:
    """The council closes between Christmas and New Year: the working days left there."""
    return [
        date(year, 12, day)
        for year in range(first_year, last_year + 1)
        for day in range(27, 32)
        if timescales.is_working_day(date(year, 12, day))
    ]


def create_closure_days(first_year: int, last_year: int) -> frozenset[date]:
    """Adds the Christmas closure days; returns every closure day the database holds."""
    for d in christmas_closures(first_year, last_year):
        ClosureDay.objects.get_or_create(date=d, defaults={"description": CLOSURE})
    return frozenset(ClosureDay.objects.values_list("date", flat=True))


def create_stage_timescales(working_days: dict[int, int]) -> None:
    """The authority's response timescale for each dispute stage, unless already set."""
    for stage, days in working_days.items():
        StageTimescale.objects.get_or_create(stage=stage, defaults={"working_days": days})


# Leave the IRO service manager has recorded, so their queue of conferences whose chair is
# away, and the page to move them, have something to show: one chair away over a
# conference already booked with them, another away on days they chair nothing.
LEAVE = "Annual leave"


def record_leave_ahead(staff: Staff, today: date) -> list[Leave]:
    """Leave for two chairs other than demo-iro, through the leave service, as the IRO
    service manager records it today: the first chair who has a conference booked from
    the second working day on is away around it; the next is away for a week in which
    they chair nothing. Either is left out when no chair fits (a very small demo)."""
    chairs = [c for c in staff.chairs if c != staff.demo.get("demo-iro")]
    booked: dict[int, list[date]] = {c.pk: [] for c in chairs}
    soonest = timescales.add_working_days(today, 2)
    for chair_id, day in (
        Conference.objects.filter(
            status=ConferenceStatus.SCHEDULED, chair__in=chairs, scheduled_date__gte=soonest
        )
        .order_by("scheduled_date", "pk")
        .values_list("chair_id", "scheduled_date")
    ):
        booked[chair_id].append(day)
    recorded: list[Leave] = []
    with as_at(today):
        away = next((c for c in chairs if booked[c.pk]), None)
        if away is not None:
            day = booked[away.pk][0]
            monday = day - timedelta(days=day.weekday())
            recorded.append(
                record_leave(  # the week of that conference, from tomorrow at the soonest
                    user=away,
                    start_date=max(monday, today + timedelta(days=1)),
                    end_date=monday + timedelta(days=4),
                    description=LEAVE,
                    acting_user=staff.iro_manager,
                )
            )
        for chair in chairs:
            if chair == away:
                continue
            start = _monday_after(today + timedelta(weeks=3))
            end = start + timedelta(days=4)
            if any(start <= day <= end for day in booked[chair.pk]):
                continue
            recorded.append(
                record_leave(
                    user=chair,
                    start_date=start,
                    end_date=end,
                    description=LEAVE,
                    acting_user=staff.iro_manager,
                )
            )
            break
    return recorded


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())
