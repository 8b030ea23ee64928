"""The synthetic authority's families and their journeys, planned as plain data.

Pure Python: no Django, no database. ``plan_journeys`` draws every family,
child, date and decision from one ``random.Random`` (so a seed gives the same
authority every time), using ``iro.timescales`` for every due date so that
what it calls "in time" is exactly what the services will compute. The
builder (``iro.demo.builder``) then writes the plan through the services.

The shape of the simulation:

- Families arrive (a strategy discussion starting Section 47 enquiries for
  1-4 siblings) at a steady rate from ``start``. Families who arrived in the
  four years before ``start`` are kept only when they are still on a plan at
  ``start``, so the authority is in steady state from its first day.
- Most enquiries lead to an initial conference (some are "ICPC not required");
  most conferences start plans. Reviews follow at 3 then 6 months, each one
  deciding to continue or end the plan; a few plans end between reviews
  (the child becomes looked after, moves away, or turns 18).
- After a plan ends the child in need episode closes months later; some
  families come back and have a second plan.
- Nothing after ``today`` is held: the next conference of every open case is
  scheduled (a few of them already overdue).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from iro import timescales
from iro.demo import names

INITIAL = "initial"
REVIEW = "review"
TRANSFER_IN = "transfer_in"

# Arrivals: families (with a strategy discussion) per year at scale 1. With the
# decision rates and plan lengths below this gives ~430 children on a plan at
# each 31 March and ~750 during each year (see tests/demo).
FAMILIES_PER_YEAR = 205
TARGET_ON_PLAN = 410
# Arrivals are more regular than a Poisson process (gamma gaps of this shape).
ARRIVAL_SHAPE = 4.0
WARM_START_YEARS = 3
ICPC_NOT_REQUIRED = 0.18
TRANSFER_IN_SHARE = 0.03
PLAN_AT_ICPC = 0.86
SIBLING_NO_PLAN = 0.04
FAMILY_SIZES = [(1, 36), (2, 30), (3, 20), (4, 14)]
MAX_SIBLINGS = 4
UNBORN_SHARE = 0.08
# Chance that a plan ends at its k-th review (k = 0 is the first, at 3 months).
END_AT_REVIEW = [0.03, 0.32, 0.4, 0.4, 0.42, 0.45, 0.5, 0.55]
SIBLING_ENDS_ALONE = 0.04
# Chance, between two reviews, that a child's plan ends another way.
LOOKED_AFTER_BETWEEN_REVIEWS = 0.02
MOVED_AWAY_BETWEEN_REVIEWS = 0.01
CATEGORY_CHANGE_AT_REVIEW = 0.07
REPEAT_FAMILY = 0.17
# Categories: neglect most common, then emotional, physical, multiple; sexual rare.
CATEGORY_WEIGHTS = [("NEG", 48), ("EMO", 33), ("PHY", 9), ("MUL", 6), ("SAB", 4)]
# Timeliness improves year on year (the service's action plan is working).
ICPC_IN_TIME_BY_YEAR = {2017: 0.7, 2021: 0.74, 2022: 0.77, 2023: 0.79, 2024: 0.83, 2025: 0.86}
REVIEW_LATE_BY_YEAR = {2017: 0.1, 2021: 0.09, 2022: 0.08, 2023: 0.07, 2024: 0.06, 2025: 0.05}
ADVOCACY_OFFERED = 0.8  # of children of five and over
# Of children of five and over, the share with an advocate (NYAS), rising as the
# service's action plan works.
ADVOCATE_BY_YEAR = {2017: 0.08, 2021: 0.12, 2022: 0.16, 2023: 0.22, 2024: 0.3, 2025: 0.38}
# Near today more reviews slip, so "My work" has something overdue or at risk.
SLIPPING_WINDOW = (timedelta(days=-20), timedelta(days=7))
SLIPPING_LATE = 0.35
# Strength-based notes are written for conferences of the last 18 months.
NOTES_SINCE = timedelta(days=548)
SLOTS = [time(9, 30), time(11, 0), time(13, 30), time(10, 0), time(14, 0), time(15, 0)]
SLOTS += [time(12, 0), time(10, 30), time(14, 30), time(11, 30), time(13, 0)]
# Only when a chair's day is full: a fourth conference late in the afternoon.
LATE_SLOTS = [time(15, 30), time(16, 0)]
# How long the demo's conferences are booked for: the services' default length
# (journey.services.DEFAULT_DURATION_MINUTES), which the demo never changes.
CONFERENCE_MINUTES = 120
# A conference held in the last four weeks may not be recorded yet when the demo starts
# (builder.left_to_record): still booked, it holds its chair for its whole length too.
MAY_BE_UNRECORDED = timedelta(days=28)
# The demo IRO's "My work" shows at least this many conferences in the coming weeks.
DEMO_IRO_UPCOMING = 3
DEMO_IRO_HORIZON = timedelta(days=28)
# The chance a review keeps the family's usual chair (continuity).
SAME_CHAIR = 0.88
# Reviews are booked at the end of the conference before; a few due in the coming eight
# weeks are not booked yet, so the coordinator's "Reviews to book" has work in it.
UNBOOKED_REVIEW = 0.15
UNBOOKED_WITHIN = timedelta(days=56)

REFERRAL_SOURCES = [
    ("6", 25), ("2A", 17), ("2B", 2), ("3A", 3), ("3B", 4), ("3E", 3), ("3F", 4),
    ("5A", 6), ("5B", 2), ("5C", 2), ("5D", 6), ("1A", 7), ("1C", 1), ("1D", 3),
    ("4", 3), ("8", 5), ("9", 4), ("10", 3),
]  # fmt: skip
PRIMARY_NEEDS = [("N1", 84), ("N4", 5), ("N5", 5), ("N3", 3), ("N2", 2), ("N6", 1)]
ICPC_LATENESS = [
    ("unavailable", 30), ("reports_not_ready", 26), ("interpreter", 10),
    ("child_preparing", 8), ("other", 10),
]  # fmt: skip
REVIEW_LATENESS = [
    ("unavailable", 34), ("reports_not_ready", 24), ("child_preparing", 12),
    ("interpreter", 8), ("other", 8),
]  # fmt: skip
# Most initial conferences in time are held in the last week before the deadline.
ICPC_WORKING_DAYS_IN_TIME = [(6, 1), (7, 1), (8, 2), (9, 3), (10, 5), (11, 6), (12, 7), (13, 8)]
ICPC_WORKING_DAYS_IN_TIME += [(14, 9), (15, 10)]
DISABILITIES = ["LD", "COMM", "AUT", "BEH", "MOB", "HEAR", "VIS"]
# The census's other codes, and a second condition for some children: drawn from a
# generator of their own (the main one draws as before, so the rest of the demo is
# unchanged). A return with fewer than eight codes in use, or no child with two, meets
# the DfE's queries 2887Q and 2888Q.
OTHER_DISABILITIES = ["HAND", "PC", "INC", "CON", "DDA"]
OTHER_DISABILITY_SHARE = 0.3
SECOND_DISABILITY_SHARE = 0.2


# --------------------------------------------------------------------- the plan


@dataclass
class ChildPlan:
    key: int
    la_child_id: str
    first_name: str
    sex: str
    ethnicity: str
    disabilities: list[str]
    born: date  # the date of birth, or for an unborn child the day they will be born
    expected: date | None = None  # expected date of birth, when first known unborn
    name_before_birth: str = ""
    sex_at_birth: str = ""
    plans: int = 0  # plans started so far, as the simulation goes

    def age_on(self, d: date) -> int:
        years = d.year - self.born.year - ((d.month, d.day) < (self.born.month, self.born.day))
        return max(years, -1) if d >= self.born else -1


@dataclass
class RowPlan:
    """One child at one conference: the decision and how the child took part."""

    child: int
    decision: str = ""
    category: str = ""
    end_reason: str = "step_down_cin"
    previous_plans: int | None = None  # for a plan started here: the child's earlier plans
    participation: dict = field(default_factory=dict)


@dataclass
class MeetingPlan:
    kind: str
    on: date  # held on, or scheduled for when ``held`` is False
    held: bool
    rows: list[RowPlan]
    chair: int = -1  # index into the chairs; set by the chair allocation
    at: time | None = None
    venue: str = ""
    virtual: bool = False
    lateness_reason: str = ""
    lateness_detail: str = ""
    agreed_on: date | None = None
    notified_on: date | None = None
    due: date | None = None  # the earliest due date of its children, for allocation
    # When the coordinator booked it: after the strategy discussion, on the notification
    # of a transfer, or at the conference before (which sets the next review's date).
    booked_on: date | None = None


@dataclass
class Event:
    """One step of a family's journey, in date order; ``what`` names the service."""

    on: date
    what: str  # referral, strategy, icpc_not_required, meeting, end_plan, close, birth
    children: list[int]
    meeting: MeetingPlan | None = None
    reason: str = ""
    source: str = ""
    need: str = ""
    notes: str = ""


@dataclass
class Involvement:
    """One episode of the family with the service: from referral to closure."""

    events: list[Event]
    meetings: list[MeetingPlan]
    closed_on: date | None
    may_return: bool
    open_plan: bool  # a child is still on a plan at the end of the plan


@dataclass
class FamilyPlan:
    key: int
    surname: str
    heritage: str
    language: str
    team: int
    worker: int
    children: list[ChildPlan]
    involvements: list[Involvement] = field(default_factory=list)
    primary_chair: list[int] = field(default_factory=list)  # one per involvement

    @property
    def events(self) -> list[Event]:
        return sorted(
            (e for inv in self.involvements for e in inv.events),
            key=lambda e: (e.on, _EVENT_ORDER[e.what]),
        )

    @property
    def first_date(self) -> date:
        return self.involvements[0].events[0].on


# Same-day events happen in this order (a referral before its strategy discussion,
# a plan ending before the episode closes).
_EVENT_ORDER = {
    "birth": 0,
    "referral": 1,
    "strategy": 2,
    "icpc_not_required": 3,
    "meeting": 4,
    "end_plan": 5,
    "close": 6,
}


@dataclass(frozen=True)
class Chairs:
    """Who can chair, by index: relative capacity (1.0 a full-time IRO)."""

    capacity: Sequence[float]
    demo: int  # the index of the demo IRO


@dataclass(frozen=True)
class Teams:
    """Social workers per team, and where the demo social worker is."""

    workers: Sequence[int]
    demo_team: int
    demo_worker: int


@dataclass
class AuthorityPlan:
    families: list[FamilyPlan]
    start: date
    today: date


# ------------------------------------------------------------------ helpers


# Why an episode closed, by what it had. "Closed after assessment" (RC8, RC9) is only for
# an episode that went no further than its assessment (the DfE's rule 2990; the services
# refuse it otherwise): every episode here had a Section 47 enquiry.
AFTER_ENQUIRY_CLOSURES = [("RC7", 88), ("RC5", 8), ("RC3", 4)]
AFTER_PLAN_CLOSURES = [("RC7", 76), ("RC4", 8), ("RC3", 8), ("RC5", 8)]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]] | Sequence[tuple]) -> str:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights=weights)[0]


def _rate(table: dict[int, float], d: date) -> float:
    """The rate for the reporting year ``d`` falls in (the latest year at or before it)."""
    year = d.year if d.month >= 4 else d.year - 1
    return table[max(y for y in table if y <= year)] if year >= min(table) else table[min(table)]


def _for_age(notes: list[str], age: int) -> list[str]:
    """Notes that fit a child of ``age``: nothing about school before five."""
    return [n for n in notes if age >= 5 or "school" not in n.lower()]


class Calendar:
    """Working days with the authority's closure days, for choosing meeting dates."""

    def __init__(self, closures: Iterable[date]) -> None:
        self.closures = frozenset(closures)

    def working(self, d: date) -> bool:
        return timescales.is_working_day(d, closures=self.closures)

    def on_or_before(self, d: date) -> date:
        while not self.working(d):
            d -= timedelta(days=1)
        return d

    def on_or_after(self, d: date) -> date:
        while not self.working(d):
            d += timedelta(days=1)
        return d

    def add(self, d: date, n: int) -> date:
        return timescales.add_working_days(d, n, closures=self.closures)

    def icpc_due(self, d: date) -> date:
        return timescales.icpc_due(d, closures=self.closures)

    def transfer_in_due(self, d: date) -> date:
        return timescales.transfer_in_due(d, closures=self.closures)


def plan_spans(family: FamilyPlan) -> list[tuple[int, date, date | None]]:
    """Each child protection plan the family's journey holds: (child key, start, end)."""
    spans: list[tuple[int, date, date | None]] = []
    open_plans: dict[int, date] = {}
    for event in family.events:
        if event.what == "meeting" and event.meeting is not None and event.meeting.held:
            for row in event.meeting.rows:
                if row.decision == "plan":
                    open_plans[row.child] = event.on
                elif row.decision == "end":
                    spans.append((row.child, open_plans.pop(row.child), event.on))
        elif event.what == "end_plan":
            for key in event.children:
                spans.append((key, open_plans.pop(key), event.on))
    spans.extend((key, start, None) for key, start in open_plans.items())
    return spans


# ------------------------------------------------------------ the simulation


class Planner:
    def __init__(
        self,
        *,
        rng: random.Random,
        start: date,
        today: date,
        scale: float,
        calendar: Calendar,
        chairs: Chairs,
        teams: Teams,
    ) -> None:
        self.rng = rng
        self.start = start
        self.today = today
        self.scale = scale
        self.cal = calendar
        self.chairs = chairs
        self.teams = teams
        self.child_keys = 0
        # Its own draws, so which reviews are left unbooked changes nothing else: seeded
        # from the main generator's state without drawing from it.
        state = hashlib.sha256(repr(rng.getstate()).encode()).hexdigest()
        self.booking_rng = random.Random(state)
        self.disability_rng = random.Random(state + " disabilities")

    # -- families and children

    def _surname(self) -> str:
        return self.rng.choice(names.SURNAME_STARTS) + self.rng.choice(names.SURNAME_ENDS)

    def _disabilities(self, drawn: str) -> list[str]:
        """A disabled child's census codes: ``drawn`` (the main generator's draw) or one
        of the census's other codes, and sometimes a second."""
        extra = self.disability_rng
        first = (
            extra.choice(OTHER_DISABILITIES) if extra.random() < OTHER_DISABILITY_SHARE else drawn
        )
        codes = [first]
        if extra.random() < SECOND_DISABILITY_SHARE:
            codes.append(extra.choice([c for c in DISABILITIES + OTHER_DISABILITIES if c != first]))
        return codes

    def _child(
        self, heritage: str, born: date, *, unborn: bool, siblings: Iterable[ChildPlan] = ()
    ) -> ChildPlan:
        rng = self.rng
        born_sex = rng.choice("MF")
        sex = "U" if unborn else born_sex
        pool = names.GIRLS if born_sex == "F" else names.BOYS
        # A child of mixed heritage may have a name from either parent's side.
        group = rng.choice(["british", "mixed"]) if heritage == "mixed" else heritage
        first_name = rng.choice(pool[group])
        # Two children of one family never share a first name: the next unused name of the
        # list instead (no draw of its own, so every later draw, and the demo, is as before).
        first_name = names.unused(first_name, pool[group], {c.first_name for c in siblings})
        # Most unborn children are recorded as "Baby" until they are born and named.
        before_birth = ("Baby" if rng.random() < 0.6 else first_name) if unborn else ""
        ethnicity = _pick(rng, names.HERITAGE_ETHNICITIES[heritage])
        if unborn:
            disabilities: list[str] = []
        elif rng.random() < 0.08:
            disabilities = self._disabilities(rng.choice(DISABILITIES))
        else:
            disabilities = ["NONE"]
        self.child_keys += 1
        return ChildPlan(
            key=self.child_keys,
            la_child_id="",
            first_name=first_name,
            sex=sex,
            ethnicity=ethnicity,
            disabilities=disabilities,
            born=born,
            expected=born if unborn else None,
            name_before_birth=before_birth,
            sex_at_birth=born_sex,
        )

    def _family(self, key: int, strategy: date) -> FamilyPlan:
        rng = self.rng
        heritage = _pick(rng, names.HERITAGE_WEIGHTS)
        language = "English"
        if rng.random() < names.HERITAGE_OTHER_LANGUAGE.get(heritage, 0):
            language = _pick(rng, names.HERITAGE_LANGUAGES[heritage])
        size = int(_pick(rng, FAMILY_SIZES))
        children: list[ChildPlan] = []
        # Ages of the eldest: a third under five, a few teenagers.
        age_days = int(rng.triangular(0, 17 * 365, 6 * 365))
        for _ in range(size):
            if age_days < 30:
                break
            born = strategy - timedelta(days=age_days)
            children.append(self._child(heritage, born, unborn=False, siblings=children))
            age_days -= rng.randint(365, 1400)
        # A pre-birth conference: an unborn baby, alone or joining a sibling group of 1-3.
        if not children or (rng.random() < UNBORN_SHARE and len(children) < MAX_SIBLINGS):
            expected = strategy + timedelta(days=rng.randint(20, 120))
            child = self._child(heritage, expected, unborn=True, siblings=children)
            child.born = expected + timedelta(days=rng.randint(-14, 7))
            children.append(child)
        team = rng.randrange(len(self.teams.workers))
        worker = rng.randrange(self.teams.workers[team])
        return FamilyPlan(
            key=key,
            surname=self._surname(),
            heritage=heritage,
            language=language,
            team=team,
            worker=worker,
            children=children,
        )

    # -- participation and notes

    def _participation(
        self, family: FamilyPlan, child: ChildPlan, on: date, category: str, review: int
    ) -> dict:
        rng = self.rng
        age = child.age_on(on)
        p: dict = {}
        if age < 0:
            p["pre_meeting_child_not_applicable"] = True
        else:
            attend = 0.0 if age < 5 else 0.22 if age < 10 else 0.6
            if rng.random() < attend:
                p["attendance"] = _pick(rng, [("in_person", 55), ("virtual", 25), ("part", 20)])
            else:
                p["attendance"] = "did_not_attend"
            if age < 5:
                p["pre_meeting_child_not_applicable"] = True
            else:
                p["pre_meeting_child"] = rng.random() < 0.7
                p["advocacy_offered"] = rng.random() < ADVOCACY_OFFERED
                involved = rng.random() < _rate(ADVOCATE_BY_YEAR, on) / ADVOCACY_OFFERED
                involved = p["advocacy_offered"] and involved
                p["advocate_involved"] = involved
                p["advocate_attended"] = involved and rng.random() < 0.6
                p["written_views"] = rng.random() < 0.3
            if age >= 3:
                p["direct_work"] = rng.random() < 0.45
        p["pre_meeting_parents"] = rng.random() < 0.85
        p["interpreter_needed"] = family.language != "English" and rng.random() < 0.9
        if on >= self.today - NOTES_SINCE:
            name = child.first_name if age >= 0 else "the baby"
            worries = names.WORRIES_BABY if age < 1 else names.WORRIES[category]
            p["worries"] = rng.choice(worries).format(name=name)
            p["working_well"] = rng.choice(_for_age(names.WORKING_WELL, age)).format(name=name)
            p["needs_to_happen"] = rng.choice(_for_age(names.NEEDS_TO_HAPPEN, age)).format(
                name=name
            )
            p["scaling_score"] = min(10, rng.randint(2, 5) + review)
        return p

    def _meeting_place(self, meeting: MeetingPlan) -> None:
        if self.rng.random() < 0.45:
            meeting.virtual = True
        else:
            meeting.venue = self.rng.choice(names.VENUES)

    # -- dates

    def _icpc_date(self, strategy: date) -> tuple[date, bool]:
        """The ICPC date and whether it is late."""
        rng = self.rng
        if rng.random() < _rate(ICPC_IN_TIME_BY_YEAR, strategy):
            return self.cal.add(strategy, int(_pick(rng, ICPC_WORKING_DAYS_IN_TIME))), False
        return self.cal.add(strategy, 15 + min(rng.randint(1, 8), rng.randint(1, 20))), True

    def _review_date(self, due: date, after: date) -> tuple[date, bool]:
        rng = self.rng
        late = _rate(REVIEW_LATE_BY_YEAR, due)
        if SLIPPING_WINDOW[0] <= due - self.today <= SLIPPING_WINDOW[1]:
            late = SLIPPING_LATE
        elif due - self.today > SLIPPING_WINDOW[1]:
            late = 0.0  # nobody books a review for after its due date months ahead
        if rng.random() < late:
            return self.cal.on_or_after(due + timedelta(days=rng.randint(1, 30))), True
        on = self.cal.on_or_before(due - timedelta(days=int(rng.triangular(0, 28, 7))))
        if on <= after:
            on = self.cal.on_or_after(after + timedelta(days=1))
        return on, on > due

    # -- one involvement

    def _involvement(self, family: FamilyPlan, strategy: date, first: bool) -> Involvement:
        rng = self.rng
        today = self.today
        kids = [c for c in family.children if c.age_on(strategy) < 17]
        keys = [c.key for c in kids]
        referral = self.cal.on_or_before(strategy - timedelta(days=rng.choice([0, 0, 1, 2, 3, 7])))
        events = [
            Event(
                on=referral,
                what="referral",
                children=keys,
                source=_pick(rng, REFERRAL_SOURCES),
                need=_pick(rng, PRIMARY_NEEDS),
            )
        ]
        meetings: list[MeetingPlan] = []
        transfer = first and rng.random() < TRANSFER_IN_SHARE
        inv = Involvement(events, meetings, closed_on=None, may_return=True, open_plan=False)

        closed: dict[int, date] = {}

        def close_all(on: date, reasons: Sequence[tuple[str, int]], who: list[int]) -> None:
            on = self.cal.on_or_after(on)
            if on <= today:
                reason = _pick(rng, reasons)
                events.append(Event(on=on, what="close", children=who, reason=reason))
                closed.update(dict.fromkeys(who, on))
                # The family's involvement is over once every child's episode is closed.
                if set(closed) == set(keys):
                    inv.closed_on = max(closed.values())

        if transfer:
            # A family moving in on a plan: the conference runs from the notification.
            notified = referral
            due = self.cal.transfer_in_due(notified)
            late = rng.random() < 0.2
            held = self.cal.add(notified, rng.randint(16, 25) if late else rng.randint(8, 15))
            first_kind = TRANSFER_IN
        else:
            events.append(
                Event(
                    on=strategy, what="strategy", children=keys,
                    notes=rng.choice(names.STRATEGY_NOTES),
                )
            )  # fmt: skip
            if rng.random() < ICPC_NOT_REQUIRED:
                decided = self.cal.add(strategy, rng.randint(5, 12))
                if decided <= today:
                    events.append(Event(on=decided, what="icpc_not_required", children=keys))
                    close_all(
                        decided + timedelta(days=rng.randint(10, 90)),
                        AFTER_ENQUIRY_CLOSURES,
                        keys,
                    )
                return inv
            notified = None
            due = self.cal.icpc_due(strategy)
            held, late = self._icpc_date(strategy)
            first_kind = INITIAL

        # The initial (or transfer-in) conference.
        family_plan = transfer or rng.random() < PLAN_AT_ICPC
        category = _pick(rng, CATEGORY_WEIGHTS)
        is_held = held <= today
        rows = []
        on_plan: dict[int, str] = {}  # child key -> latest category
        for child in kids:
            row = RowPlan(child=child.key)
            if is_held:
                own = category if rng.random() < 0.92 else _pick(rng, CATEGORY_WEIGHTS)
                gets_plan = family_plan and (len(kids) == 1 or rng.random() > SIBLING_NO_PLAN)
                row.decision = "plan" if gets_plan else "no_plan"
                row.category = own if gets_plan else ""
                row.participation = self._participation(family, child, held, own, 0)
                if gets_plan:
                    on_plan[child.key] = own
                    row.previous_plans = child.plans
                    child.plans += 1
            rows.append(row)
        meeting = MeetingPlan(
            kind=first_kind, on=held, held=is_held, rows=rows, notified_on=notified, due=due,
            booked_on=notified if transfer else strategy,
        )  # fmt: skip
        if late and is_held:
            if transfer:
                meeting.lateness_reason = "transfer"
            else:
                meeting.lateness_reason = _pick(rng, ICPC_LATENESS)
            if meeting.lateness_reason == "other":
                meeting.lateness_detail = rng.choice(names.LATE_DETAILS)
            if rng.random() < 0.65:
                meeting.agreed_on = max(due, held - timedelta(days=rng.randint(0, 4)))
        self._meeting_place(meeting)
        meetings.append(meeting)
        events.append(Event(on=held, what="meeting", children=keys, meeting=meeting))
        if not is_held:
            return inv
        if not on_plan:
            close_all(
                held + timedelta(days=rng.randint(20, 200)),
                AFTER_ENQUIRY_CLOSURES,
                keys,
            )
            return inv
        no_plan = [k for k in keys if k not in on_plan]
        if no_plan:
            close_all(held + timedelta(days=rng.randint(20, 120)), [("RC7", 1)], no_plan)

        # The plan and its reviews.
        plan_start = held
        reviews: list[date] = []
        previous = held
        k = 0
        ended: dict[int, tuple[date, str]] = {}  # child key -> when and why
        by_key = {c.key: c for c in kids}
        while on_plan:
            due = timescales.next_review_after(plan_start, reviews)
            on, late = self._review_date(due, previous)
            # Plans that end between reviews: looked after, moved away, turned 18.
            for key in list(on_plan):
                child = by_key[key]
                adult = date(child.born.year + 18, child.born.month, min(child.born.day, 28))
                reason, when = "", None
                if adult <= on:
                    reason, when = "adult", max(adult, previous + timedelta(days=1))
                elif rng.random() < LOOKED_AFTER_BETWEEN_REVIEWS:
                    reason = "looked_after"
                elif rng.random() < MOVED_AWAY_BETWEEN_REVIEWS:
                    reason = "transferred_out"
                if reason and when is None:
                    span = (on - previous).days
                    when = self.cal.on_or_after(previous + timedelta(days=rng.randint(1, span)))
                    if when >= on:
                        reason = ""
                if reason and when is not None and when <= today:
                    events.append(Event(on=when, what="end_plan", children=[key], reason=reason))
                    del on_plan[key]
                    ended[key] = (when, reason)
                    inv.may_return = False
                    if reason == "transferred_out":
                        close_all(when, [("RC5", 1)], [key])
                    elif reason == "adult":
                        close_all(when, [("RC7", 70), ("RC6", 30)], [key])
            if not on_plan:
                break
            is_held = on <= today
            rows = []
            end_family = rng.random() < END_AT_REVIEW[min(k, len(END_AT_REVIEW) - 1)]
            for key, latest in list(on_plan.items()):
                row = RowPlan(child=key)
                if is_held:
                    ends = end_family or (len(on_plan) > 1 and rng.random() < SIBLING_ENDS_ALONE)
                    if not ends and rng.random() < CATEGORY_CHANGE_AT_REVIEW:
                        latest = _pick(rng, [(c, w) for c, w in CATEGORY_WEIGHTS if c != latest])
                        on_plan[key] = latest
                    row.decision = "end" if ends else "continue"
                    row.category = latest
                    row.end_reason = "step_down_cin" if rng.random() < 0.86 else "closed"
                    row.participation = self._participation(family, by_key[key], on, latest, k + 1)
                rows.append(row)
            meeting = MeetingPlan(
                kind=REVIEW, on=on, held=is_held, rows=rows, due=due, booked_on=previous
            )
            if late and is_held:
                meeting.lateness_reason = _pick(rng, REVIEW_LATENESS)
                if family.language != "English" and rng.random() < 0.5:
                    meeting.lateness_reason = "interpreter"
                if meeting.lateness_reason == "other":
                    meeting.lateness_detail = rng.choice(names.LATE_DETAILS)
                if rng.random() < 0.6:
                    meeting.agreed_on = max(due, on - timedelta(days=rng.randint(0, 4)))
            self._meeting_place(meeting)
            if (
                not is_held
                and today < due <= today + UNBOOKED_WITHIN
                and self.booking_rng.random() < UNBOOKED_REVIEW
            ):
                inv.open_plan = True  # the plan goes on; its next review is not booked
                return inv
            meetings.append(meeting)
            events.append(Event(on=on, what="meeting", children=list(on_plan), meeting=meeting))
            if not is_held:
                inv.open_plan = True
                return inv
            for row in rows:
                if row.decision == "end":
                    del on_plan[row.child]
                    ended[row.child] = (on, row.end_reason)
            reviews.append(on)
            previous = on
            k += 1

        # After the plan: a Child in Need plan for some months, then the episode closes;
        # a closed case closes at once, and a looked-after child stays open.
        for key, (when, how) in ended.items():
            if how == "step_down_cin":
                close_all(
                    when + timedelta(days=rng.randint(40, 300)),
                    AFTER_PLAN_CLOSURES,
                    [key],
                )
            elif how == "closed":
                close_all(when + timedelta(days=rng.randint(0, 14)), [("RC7", 1)], [key])
        return inv

    # -- families over time

    def _family_journeys(self, key: int, strategy: date) -> FamilyPlan:
        rng = self.rng
        family = self._family(key, strategy)
        births = [
            Event(on=c.born, what="birth", children=[c.key])
            for c in family.children
            if c.expected is not None and c.born <= self.today
        ]
        first = True
        while True:
            inv = self._involvement(family, strategy, first)
            family.involvements.append(inv)
            first = False
            if inv.open_plan or inv.closed_on is None or not inv.may_return:
                break
            if rng.random() >= REPEAT_FAMILY:
                break
            strategy = self.cal.on_or_after(inv.closed_on + timedelta(days=rng.randint(60, 900)))
            if strategy > self.today or not any(c.age_on(strategy) < 17 for c in family.children):
                break
        family.involvements[0].events.extend(births)
        return family

    def _active_at_start(self, family: FamilyPlan) -> bool:
        """A family from before ``start`` is kept when someone is on a plan at ``start``
        or the family has a conference later (it comes back)."""
        on_plan: set[int] = set()
        for event in family.events:
            if event.on >= self.start:
                return bool(on_plan) or any(
                    m.on >= self.start for inv in family.involvements for m in inv.meetings
                )
            if event.what == "meeting" and event.meeting and event.meeting.held:
                for row in event.meeting.rows:
                    if row.decision == "plan":
                        on_plan.add(row.child)
                    elif row.decision == "end":
                        on_plan.discard(row.child)
            elif event.what == "end_plan":
                on_plan.difference_update(event.children)
        return bool(on_plan)

    def families(self) -> list[FamilyPlan]:
        """Every family, in the order of their first referral, with LA child IDs."""
        rng = self.rng
        rate = FAMILIES_PER_YEAR * self.scale / 365.25
        target = TARGET_ON_PLAN * self.scale
        warm = self.start - timedelta(days=round(365.25 * WARM_START_YEARS))
        kept: list[FamilyPlan] = []
        spans: list[tuple[date, date | None]] = []
        d = warm
        key = 0
        while True:
            # Demand follows capacity a little: when many children are on plans the
            # front door holds more at early help, so the numbers stay in steady state.
            spans = [(s, e) for s, e in spans if e is None or e > d]
            on_plan = sum(1 for s, _ in spans if s <= d)
            pull = min(max((target / max(on_plan, 1)) ** 6, 0.3), 3.0)
            d += timedelta(days=rng.gammavariate(ARRIVAL_SHAPE, 1 / (rate * pull * ARRIVAL_SHAPE)))
            strategy = self.cal.on_or_after(d)
            if strategy > self.today:
                break
            key += 1
            family = self._family_journeys(key, strategy)
            spans.extend((s, e) for _, s, e in plan_spans(family))
            if strategy >= self.start or self._active_at_start(family):
                kept.append(family)
        kept.sort(key=lambda f: (f.first_date, f.key))
        number = 0
        for family in kept:
            for child in family.children:
                number += 1
                child.la_child_id = f"{500000 + number}"
        return kept

    # -- chairs and times

    def allocate_chairs(self, families: list[FamilyPlan]) -> None:
        """Give each involvement a usual chair, balancing caseloads over time."""
        rng = self.rng
        capacity = self.chairs.capacity
        ends: list[list[date]] = [[] for _ in capacity]
        work = []
        for family in families:
            family.primary_chair = [-1] * len(family.involvements)
            for i, inv in enumerate(family.involvements):
                if inv.meetings:
                    work.append((inv.meetings[0].on, family.key, i, family, inv))
        work.sort(key=lambda w: (w[0], w[1], w[2]))
        for begins, _, i, family, inv in work:
            last = inv.meetings[-1].on if not inv.open_plan else date.max
            for c in range(len(capacity)):
                ends[c] = [e for e in ends[c] if e >= begins]
            load = [len(ends[c]) for c in range(len(capacity))]
            chair = min(
                range(len(capacity)),
                key=lambda c: ((load[c] + 1) / capacity[c] + rng.random() * 0.5, c),
            )
            ends[chair].append(last)
            family.primary_chair[i] = chair
            for meeting in inv.meetings:
                meeting.chair = chair
                if meeting.held and meeting is not inv.meetings[0] and rng.random() > SAME_CHAIR:
                    others = [c for c in range(len(capacity)) if c != chair and capacity[c] >= 1]
                    meeting.chair = rng.choice(others)

    def give_demo_iro_work(self, families: list[FamilyPlan]) -> None:
        """Make sure the demo IRO has an overdue conference, one at risk and a few in
        the coming four weeks. Only conferences still to be held change chair."""
        demo = self.chairs.demo
        overdue = [
            (m, f)
            for f in families
            for inv in f.involvements
            for m in inv.meetings
            if not m.held and m.due is not None and m.due < self.today
        ]
        at_risk = [
            (m, f)
            for f in families
            for inv in f.involvements
            for m in inv.meetings
            if not m.held and m.due is not None and self.today <= m.due < m.on
        ]
        for group in (overdue, at_risk):
            if group and not any(m.chair == demo for m, _ in group):
                meeting, _ = self.rng.choice(group)
                meeting.chair = demo
        soon = [
            m
            for f in families
            for inv in f.involvements
            for m in inv.meetings
            if not m.held and self.today < m.on <= self.today + DEMO_IRO_HORIZON
        ]
        mine = sum(1 for m in soon if m.chair == demo)
        others = [m for m in soon if m.chair != demo]
        self.rng.shuffle(others)
        for meeting in others[: max(0, DEMO_IRO_UPCOMING - mine)]:
            meeting.chair = demo

    def assign_times(self, families: list[FamilyPlan]) -> None:
        """A time for every conference; a chair never has two at once, nor two that
        overlap where either may still be booked (to come, or held but not yet recorded)."""
        rng = self.rng
        taken: dict[tuple[int, date], set[time]] = {}
        recent = self.today - MAY_BE_UNRECORDED
        for family in families:
            for inv in family.involvements:
                for meeting in inv.meetings:
                    if not meeting.held or meeting.on >= recent:
                        self._book_ahead(meeting, taken)
                        continue
                    used = taken.setdefault((meeting.chair, meeting.on), set())
                    free = [s for s in SLOTS if s not in used] or SLOTS
                    meeting.at = rng.choice(free[:4]) if len(free) > 4 else free[0]
                    used.add(meeting.at)

    def _book_ahead(self, meeting: MeetingPlan, taken: dict[tuple[int, date], set[time]]) -> None:
        """A conference still to come holds its chair for its whole length (the services
        refuse an overlapping booking): the earliest start clear of the chair's other
        conferences that day, so a day packs four; a fifth goes to the first chair free."""
        chairs = [meeting.chair] + [
            c for c in range(len(self.chairs.capacity)) if c != meeting.chair
        ]
        for chair in chairs:
            used = taken.setdefault((chair, meeting.on), set())
            clear = sorted(s for s in SLOTS + LATE_SLOTS if _apart(s, used))
            if clear:
                meeting.chair, meeting.at = chair, clear[0]
                used.add(clear[0])
                return
        raise ValueError(f"no chair is free on {meeting.on} for another conference")


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _apart(slot: time, used: set[time]) -> bool:
    """Whether a conference at ``slot`` ends before, or starts after, each of ``used``."""
    return all(abs(_minutes(slot) - _minutes(u)) >= CONFERENCE_MINUTES for u in used)


def plan_journeys(
    *,
    seed: int | str,
    start: date,
    today: date,
    scale: float,
    closures: Iterable[date],
    chairs: Chairs,
    teams: Teams,
) -> AuthorityPlan:
    """The whole authority's journeys from ``start`` (with a warm start) to ``today``."""
    planner = Planner(
        rng=random.Random(seed),
        start=start,
        today=today,
        scale=scale,
        calendar=Calendar(closures),
        chairs=chairs,
        teams=teams,
    )
    families = planner.families()
    planner.allocate_chairs(families)
    planner.give_demo_iro_work(families)
    planner.assign_times(families)
    return AuthorityPlan(families=families, start=start, today=today)
