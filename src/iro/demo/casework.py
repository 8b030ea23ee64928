"""The people around a family and the casework of recent conferences and open plans.

Pure Python, like ``planner``: who is invited to a conference (by role and agency)
and who came, the chair's meetings with the child and parents beforehand, and each
open plan's outcomes, actions and core group. A family keeps the same parents and
professionals (``Cast``) for all its conferences and plans. The builder writes
all of it through the journey and plan services; nothing here is sent anywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from iro.demo import names, phrases
from iro.demo.planner import Calendar, ChildPlan, FamilyPlan, MeetingPlan, _pick

# Attendance of those invited to a conference that was held.
PROFESSIONAL_ATTENDANCE = [
    ("attended", 70),
    ("virtual", 16),
    ("apologies", 11),
    ("did_not_attend", 3),
]
PARENT_ATTENDANCE = [("attended", 72), ("virtual", 12), ("part", 4), ("did_not_attend", 12)]
CHILD_ROLE_ATTENDANCE = {
    "in_person": "attended",
    "virtual": "virtual",
    "part": "part",
    "did_not_attend": "did_not_attend",
}
INVITED_FROM_AGE = 12  # young people invited in their own name
FATHER_IN_FAMILY = 0.6
GRANDMOTHER_CARES = 0.1
PARENT_EMAIL = 0.55
POLICE_AT = {"initial": 0.9, "transfer_in": 0.6, "review": 0.25}
GP_AT = {"initial": 0.35, "transfer_in": 0.3, "review": 0.12}
TEAM_MANAGER_AT = 0.25
# Agencies invited for the family's worries (by category), and how often.
BY_CATEGORY = {
    "EMO": [("domestic_abuse", 0.5)],
    "MUL": [("domestic_abuse", 0.4), ("drugs", 0.3)],
    "NEG": [("drugs", 0.2), ("housing", 0.15)],
    "PHY": [("probation", 0.15)],
    "SAB": [("probation", 0.3), ("police", 0.6)],
}
# Before a conference coming up within this many days, some pre-meetings are done.
PRE_MEETINGS_AHEAD = 10
# Open plans: actions due from the last conference, and how they stand now.
ACTIONS_DUE_WITHIN = (14, 120)
PAST_DUE_STATUS = [
    ("done", 52),
    ("in_progress", 18),
    ("not_started", 8),
    ("not_done", 14),
    ("no_longer_needed", 8),
]
FUTURE_STATUS = [("not_started", 45), ("in_progress", 47), ("done", 8)]
MEMBER_LEFT = 0.08

# Slots of the cast: the agency (names.AGENCIES), the invitee role, the job title.
SLOTS: dict[str, tuple[str, str, str]] = {
    "health_visitor": (
        "Northmoor Community Health NHS Trust (health visiting and school nursing)",
        "health",
        "Health visitor",
    ),
    "school_nurse": (
        "Northmoor Community Health NHS Trust (health visiting and school nursing)",
        "health",
        "School nurse",
    ),
    "gp": ("Moorside Medical Practice", "health", "GP"),
    "police": ("Northmoor Police Public Protection Unit", "police", "Police officer"),
    "domestic_abuse": ("Northmoor Domestic Abuse Service", "other", "Family support worker"),
    "drugs": ("Fallowfield Drug and Alcohol Recovery Service", "other", "Recovery worker"),
    "probation": ("Northmoor Probation Delivery Unit", "other", "Probation officer"),
    "housing": ("Northmoor Homes", "other", "Housing officer"),
    "advocate": ("NYAS (National Youth Advocacy Service)", "advocate", "Advocate"),
    phrases.NURSERY: (phrases.NURSERY, "school", "Nursery manager"),
    phrases.PRIMARY: (phrases.PRIMARY, "school", "Designated safeguarding lead"),
    phrases.SECONDARY[0]: (phrases.SECONDARY[0], "school", "Designated safeguarding lead"),
    phrases.SECONDARY[1]: (phrases.SECONDARY[1], "school", "Head of year"),
}
AGENCY_KINDS = dict(names.AGENCIES)


@dataclass(frozen=True)
class Person:
    """Someone invited, or in a core group: ``role`` is an InviteeRole value."""

    name: str
    role: str
    agency: str = ""  # the agency's name, or "" for the family and the council's staff
    email: str = ""
    address: str = ""
    title: str = ""  # how an action names them: "Mother", "Health visitor"


@dataclass(frozen=True)
class Invitee:
    person: Person
    attendance: str = ""  # for a conference that was held


@dataclass(frozen=True)
class PreMeetingPlan:
    child: int  # child key
    child_met_on: date | None
    child_too_young: bool
    parents_met_on: date | None
    advocacy_offered: bool
    advocate_involved: bool
    interpreter_language: str
    notes: str


@dataclass(frozen=True)
class ActionPlan:
    outcome: int | None  # index into the plan's outcomes
    what: str
    who: Person
    by_when: date
    status: str
    progress: str


@dataclass(frozen=True)
class MemberPlan:
    person: Person
    joined_on: date
    left_on: date | None = None


@dataclass
class PlanContent:
    outcomes: list[str] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)
    core_group: list[MemberPlan] = field(default_factory=list)


def _school(age: int, key: int) -> str | None:
    if age < 2:
        return None
    if age < 5:
        return phrases.NURSERY
    if age < 11:
        return phrases.PRIMARY
    return phrases.SECONDARY[key % 2]


class Cast:
    """A family's parents and the professionals who work with it, made on first need."""

    def __init__(self, rng: random.Random, family: FamilyPlan) -> None:
        self.rng = rng
        self.family = family
        heritage = "british" if family.heritage == "mixed" else family.heritage
        parents = []
        children = {c.first_name for c in family.children}
        # No parent shares a child's first name (names.unused: no draw of its own).
        mother = names.unused(rng.choice(names.GIRLS[heritage]), names.GIRLS[heritage], children)
        parents.append(self._parent(mother, family.surname, "Mother"))
        if rng.random() < FATHER_IN_FAMILY:
            father = names.unused(rng.choice(names.BOYS[heritage]), names.BOYS[heritage], children)
            surname = family.surname if rng.random() < 0.7 else self.surname()
            parents.append(self._parent(father, surname, "Father"))
        if rng.random() < GRANDMOTHER_CARES:
            grandmother = rng.choice(names.STAFF_FIRST_NAMES)
            parents.append(self._parent(grandmother, family.surname, "Grandmother"))
        self.parents = parents
        self.professionals: dict[str, Person] = {}

    def surname(self) -> str:
        return self.rng.choice(names.SURNAME_STARTS) + self.rng.choice(names.SURNAME_ENDS)

    def _parent(self, first: str, last: str, title: str) -> Person:
        rng = self.rng
        email = ""
        if rng.random() < PARENT_EMAIL:
            email = f"{first}.{last}{rng.randint(1, 99)}@{phrases.FAMILY_EMAIL_DOMAIN}".lower()
        street = rng.choice(phrases.STREETS)
        locality = rng.choice(names.LOCALITIES)
        address = f"{rng.randint(1, 140)} {street}, {locality}, {names.COUNCIL}"
        return Person(f"{first} {last}", "parent", "", email, address, title)

    def professional(self, slot: str) -> Person:
        """The family's professional in ``slot`` (the same person each time)."""
        if slot not in self.professionals:
            agency, role, title = SLOTS[slot]
            first = self.rng.choice(names.STAFF_FIRST_NAMES)
            last = self.surname()
            domain = phrases.EMAIL_DOMAINS[AGENCY_KINDS[agency]]
            email = f"{first}.{last}@{domain}".lower()
            self.professionals[slot] = Person(f"{first} {last}", role, agency, email, "", title)
        return self.professionals[slot]

    def former(self, slot: str) -> Person:
        """Someone who held ``slot`` before the family's present professional."""
        current = self.professional(slot)
        del self.professionals[slot]
        person = self.professional(slot)
        self.professionals[slot] = current
        return person

    def around(
        self, children: list[ChildPlan], on: date, category: str, kind: str, *, all_: bool
    ) -> list[str]:
        """The professional slots for these children on ``on``: health and schools by age,
        police and GP by the kind of conference, others by the worry. ``all_`` takes
        every one that may apply (a core group), else a conference's usual share."""
        rng = self.rng
        slots: list[str] = []
        ages = [c.age_on(on) for c in children]
        if any(a < 5 for a in ages):
            slots.append("health_visitor")
        elif any(5 <= a < 16 for a in ages) and (all_ or rng.random() < 0.3):
            slots.append("school_nurse")
        for child, age in zip(children, ages, strict=True):
            school = _school(age, child.key)
            if school and age < 17 and school not in slots:
                slots.append(school)
        if rng.random() < POLICE_AT.get(kind, 0.25):
            slots.append("police")
        if rng.random() < GP_AT.get(kind, 0.12) * (2 if all_ else 1):
            slots.append("gp")
        for slot, chance in BY_CATEGORY.get(category, []):
            if slot not in slots and rng.random() < chance:
                slots.append(slot)
        return slots


def invitees(
    rng: random.Random,
    cast: Cast,
    meeting: MeetingPlan,
    *,
    category: str,
    worker: Person,
    manager: Person,
    language: str,
) -> list[Invitee]:
    """Who is invited to ``meeting`` and, when it was held, whether they came."""
    family = cast.family
    by_key = {c.key: c for c in family.children}
    children = [by_key[row.child] for row in meeting.rows]
    held = meeting.held
    people: list[Invitee] = []

    def add(person: Person, weighted=PROFESSIONAL_ATTENDANCE, attendance: str = "") -> None:
        if held and not attendance:
            attendance = _pick(rng, weighted)
        people.append(Invitee(person, attendance if held else ""))

    for parent in cast.parents:
        add(parent, PARENT_ATTENDANCE)
    for row, child in zip(meeting.rows, children, strict=True):
        if child.age_on(meeting.on) >= INVITED_FROM_AGE:
            person = Person(f"{child.first_name} {family.surname}", "child", title="Young person")
            came = CHILD_ROLE_ATTENDANCE.get(row.participation.get("attendance", ""), "")
            add(person, attendance=came or "did_not_attend")
    add(worker, [("attended", 95), ("virtual", 5)])
    if rng.random() < TEAM_MANAGER_AT:
        add(manager, [("attended", 60), ("virtual", 20), ("apologies", 20)])
    for slot in cast.around(children, meeting.on, category, meeting.kind, all_=False):
        add(cast.professional(slot))
    rows = [row.participation for row in meeting.rows]
    if held:
        advocate = any(p.get("advocate_involved") for p in rows)
        advocate_came = any(p.get("advocate_attended") for p in rows)
    else:
        advocate = any(c.age_on(meeting.on) >= 5 for c in children) and rng.random() < 0.3
        advocate_came = False
    if advocate:
        add(cast.professional("advocate"), attendance="attended" if advocate_came else "apologies")
    if language != "English" and (not held or any(p.get("interpreter_needed") for p in rows)):
        first = rng.choice(names.STAFF_FIRST_NAMES)
        interpreter = Person(
            f"{first} {cast.surname()}",
            "interpreter",
            address=phrases.INTERPRETING_ADDRESS,  # no email: the letter goes to the service
            title=f"{language} interpreter, {phrases.INTERPRETING}",
        )
        add(interpreter, attendance="attended")
    return people


def pre_meetings(
    rng: random.Random,
    family: FamilyPlan,
    meeting: MeetingPlan,
    *,
    cal: Calendar,
    today: date,
) -> list[PreMeetingPlan]:
    """The chair's meetings before ``meeting``, one per child: for a held conference as
    its participation facts say; for one coming up soon, those already done."""
    by_key = {c.key: c for c in family.children}
    interpreter = "" if family.language == "English" else family.language
    out = []
    parents_on = cal.on_or_before(meeting.on - timedelta(days=rng.randint(1, 8)))
    notes = rng.choice(phrases.PRE_MEETING_NOTES)
    for row in meeting.rows:
        age = by_key[row.child].age_on(meeting.on)
        if meeting.held:
            p = row.participation
            child_on = None
            if p.get("pre_meeting_child"):
                child_on = cal.on_or_before(meeting.on - timedelta(days=rng.randint(1, 8)))
            if child_on is None and not p.get("pre_meeting_parents"):
                continue  # the chair met nobody beforehand: there is nothing to record
            out.append(
                PreMeetingPlan(
                    child=row.child,
                    child_met_on=child_on,
                    child_too_young=bool(p.get("pre_meeting_child_not_applicable")),
                    parents_met_on=parents_on if p.get("pre_meeting_parents") else None,
                    advocacy_offered=bool(p.get("advocacy_offered")),
                    advocate_involved=bool(p.get("advocate_involved")),
                    interpreter_language=interpreter if p.get("interpreter_needed") else "",
                    notes=notes,
                )
            )
            continue
        if (meeting.on - today).days > PRE_MEETINGS_AHEAD:
            continue
        met_parents = parents_on if parents_on <= today and rng.random() < 0.7 else None
        met_child = None
        if age >= 5 and rng.random() < 0.5:
            day = cal.on_or_before(meeting.on - timedelta(days=rng.randint(1, 8)))
            met_child = day if day <= today else None
        if met_parents is None and met_child is None:
            continue
        out.append(
            PreMeetingPlan(
                child=row.child,
                child_met_on=met_child,
                child_too_young=age < 5,
                parents_met_on=met_parents,
                advocacy_offered=age >= 5 and rng.random() < 0.8,
                advocate_involved=False,
                interpreter_language=interpreter,
                notes=notes,
            )
        )
    return out


def who_text(person: Person) -> str:
    """How an action or a list names someone: "Health visitor (Ruth Oakley)"."""
    return f"{person.title} ({person.name})" if person.title else person.name


def plan_content(
    rng: random.Random,
    cast: Cast,
    child: ChildPlan,
    *,
    category: str,
    plan_start: date,
    last_conference: date,
    worker: Person,
    today: date,
    cal: Calendar,
) -> PlanContent:
    """An open plan's outcomes, its actions (some overdue) and its core group."""
    content = PlanContent()
    age = child.age_on(today)
    name = child.first_name if age >= 0 else "the baby"

    def fits(text: str) -> bool:
        return age >= 4 or "school" not in text.lower()

    outcomes = [t for t in phrases.PLAN_OUTCOMES[category] if fits(t)]
    chosen = rng.sample(outcomes, min(len(outcomes), rng.choice([2, 2, 3])))
    content.outcomes = [t.format(name=name) for t in chosen]

    slots = cast.around([child], today, category, "review", all_=True)
    by_role = {"social_worker": worker, "parent": cast.parents[0]}
    for slot in slots:
        person = cast.professional(slot)
        by_role.setdefault(person.role, person)
    if "police" in slots:
        by_role["police"] = cast.professional("police")
    actions = [(w, r) for w, r in phrases.PLAN_ACTIONS if r in by_role and fits(w)]
    for i, (what, role) in enumerate(rng.sample(actions, min(len(actions), rng.randint(3, 5)))):
        by_when = last_conference + timedelta(days=rng.randint(*ACTIONS_DUE_WITHIN))
        by_when = cal.on_or_after(max(by_when, plan_start))
        status = _pick(rng, PAST_DUE_STATUS if by_when < today else FUTURE_STATUS)
        progress = rng.choice(phrases.ACTION_PROGRESS[status]) if status != "not_started" else ""
        content.actions.append(
            ActionPlan(
                outcome=i % len(content.outcomes) if i < 2 * len(content.outcomes) else None,
                what=what.format(name=name),
                who=by_role[role],
                by_when=by_when,
                status=status,
                progress=progress,
            )
        )

    joined = min(cal.add(plan_start, rng.randint(3, 10)), today)
    for person in [worker, *cast.parents]:
        content.core_group.append(MemberPlan(person, joined))
    for slot in slots:
        person = cast.professional(slot)
        if rng.random() < MEMBER_LEFT and (today - joined).days > 60:
            # Someone else held the post first and handed over to today's professional.
            left = joined + timedelta(days=rng.randint(30, (today - joined).days - 1))
            content.core_group.append(MemberPlan(cast.former(slot), joined, left))
            content.core_group.append(MemberPlan(person, left))
        else:
            content.core_group.append(MemberPlan(person, joined))
    return content
