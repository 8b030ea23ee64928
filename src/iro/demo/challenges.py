"""The IRO's worries and the service's own records, planned as plain data.

Pure Python, like ``planner``: from the planned journeys and one ``random.Random``
(its own stream, so the journeys are the same with or without it) this plans

- disputes (DRP): each reporting year about 57-66 children (at scale 1), raised
  while the child is on a plan by the chair who last saw them, mostly about
  progress; most resolved informally or at stage 2, some at stage 3 or 4, a few
  at stages 5-8. Each stage's response mostly comes within the authority's
  timescale (``STAGE_WORKING_DAYS``); unanswered or unresolved worries escalate.
- multi-agency challenges (MACP) to several agencies: forwarded by the
  safeguarding partnership, answered by the professional's manager; the newest
  are still waiting to be forwarded.
- feedback after conferences from parents, children and professionals, most of
  it with consent to quote.

Nothing happens after ``today``: a dispute or challenge whose next step would be
later is left where it stands (open, awaiting a response, or waiting to forward).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from iro import timescales
from iro.demo import names, phrases
from iro.demo.planner import (
    AuthorityPlan,
    Calendar,
    ChildPlan,
    FamilyPlan,
    MeetingPlan,
    _pick,
    plan_spans,
)

# The authority's response timescale for each DRP stage, in working days.
STAGE_WORKING_DAYS = {1: 5, 2: 10, 3: 10, 4: 15, 5: 15, 6: 15, 7: 20, 8: 20}
# Children with a dispute raised in a whole reporting year at scale 1 (the seed: 57, 66).
DISPUTE_CHILDREN_PER_YEAR = (57, 66)
# Reasons: the seed's main theme is delay in progressing plans.
DISPUTE_REASONS = [("progress", 48), ("practice", 19), ("planning", 17), ("assessment", 16)]
# The stage a dispute is resolved at (the seed: informal 26%, stage 2 55%, stage 3 18%,
# stage 4 2-4%, stages 5-8 up to 5%). Stages 4-8 are weighted above the seed's shares
# because a sibling group's dispute draws again when it lands there (see below).
FINAL_STAGE_WEIGHTS = [(1, 26), (2, 46), (3, 14), (4, 8), (5, 3.5), (6, 1.2), (7, 0.8), (8, 0.5)]
# A worry about one child of a sibling group is usually about them all.
WHOLE_SIBLING_GROUP = 0.7
SIBLINGS_BELOW_STAGE = 4
SECOND_DISPUTE = 0.07
# A dispute is raised once the plan has had time to work.
DISPUTE_AFTER_PLAN_START = timedelta(days=21)
NO_RESPONSE = 0.1  # of stages that escalate: escalated because nobody answered
LATE_RESPONSE = 0.12  # of responses: after the stage's timescale
# Multi-agency challenges raised in a whole reporting year at scale 1.
CHALLENGES_PER_YEAR = (24, 34)
CHALLENGE_OUTCOMES = [("upheld", 50), ("partly_upheld", 28), ("not_upheld", 14), ("withdrawn", 8)]
WITHDRAWN_BEFORE_FORWARDING = 0.05
NAMED_PROFESSIONAL = 0.6
# The partnership officer always has this many challenges to forward, whatever the scale.
WAITING_TO_FORWARD = 3
# Feedback: the share of held conferences someone gives feedback on, and consent to quote.
FEEDBACK_SHARE = 0.14
CONSENT = {"parent_or_carer": 0.65, "child": 0.55, "professional": 0.8, "other": 0.7}
# Someone else (an interpreter, a family friend) gives feedback on this share of the
# conferences with feedback; drawn from their own random stream, as are the ratings and
# themes, so adding them left every other planned record as it was.
OTHER_SHARE = 0.08
RATING_WEIGHTS = [(1, 3), (2, 6), (3, 18), (4, 38), (5, 35)]
THEMES = (
    "preparation",
    "being_heard",
    "understanding",
    "the_chair",
    "reports",
    "practical",
    "working_together",
)
ATTENDED = ("in_person", "virtual", "part")


@dataclass
class StagePlan:
    stage: int
    started_on: date
    responded_on: date | None = None
    response: str = ""
    note: str = ""  # why it was escalated to this stage


@dataclass
class DisputePlan:
    family: int  # family key
    child: int  # child key
    plan_start: date  # the plan the dispute is about
    chair: int  # index into the chairs
    raised_on: date
    reason: str
    detail: str
    stages: list[StagePlan]
    resolved_on: date | None = None
    resolution: str = ""


@dataclass
class ChallengePlan:
    family: int
    child: int
    chair: int
    raised_on: date
    agency: str  # the agency's name (names.AGENCIES)
    professional: str
    concern: str
    forwarded_on: date | None = None
    forwarded_to: str = ""
    responded_on: date | None = None
    response: str = ""
    outcome: str = ""


@dataclass
class FeedbackPlan:
    family: int
    meeting: MeetingPlan
    respondent: str  # challenge.models.Respondent value
    attribution: str
    text: str
    received_on: date
    consent: bool
    ratings: dict[str, int | None] = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)


def _ratings_and_themes(key: str) -> tuple[dict[str, int | None], list[str]]:
    """A giver's ratings (some questions left unanswered) and one or two themes."""
    rng = random.Random(key)
    ratings = {
        field: (None if rng.random() < 0.15 else _pick(rng, RATING_WEIGHTS))
        for field in ("rating_understood", "rating_listened_to", "rating_plan_clear")
    }
    themes = rng.sample(THEMES, rng.choice([1, 1, 2]))
    return ratings, themes


@dataclass
class WorriesPlan:
    disputes: list[DisputePlan] = field(default_factory=list)
    challenges: list[ChallengePlan] = field(default_factory=list)
    feedback: list[FeedbackPlan] = field(default_factory=list)


@dataclass(frozen=True)
class _Window:
    """Days in a period when a child is on a plan and a worry could be raised."""

    family: FamilyPlan
    child: int
    plan_start: date
    first: date
    last: date


class _Family:
    """A family's plans and the chair of each child's conferences, for look-ups."""

    def __init__(self, family: FamilyPlan, spans) -> None:
        self.family = family
        self.spans = spans  # (child key, start, end or None)
        self.children = {c.key: c for c in family.children}
        self.held = sorted(
            (m for inv in family.involvements for m in inv.meetings if m.held),
            key=lambda m: m.on,
        )

    def chair_on(self, child: int, d: date) -> int:
        chair = -1
        for meeting in self.held:
            if meeting.on > d:
                break
            if any(row.child == child for row in meeting.rows):
                chair = meeting.chair
        return chair

    def on_plan(self, d: date, *, settled: timedelta) -> list[tuple[int, date]]:
        """Children on a plan on ``d`` that started at least ``settled`` earlier."""
        return [
            (key, start)
            for key, start, end in self.spans
            if start + settled <= d and (end is None or end > d)
        ]


class _Spread:
    """Weighted choices that keep close to their weights even in a small year: the
    golden-ratio sequence from a random start, read through the cumulative weights,
    gives each value its share of any run of picks, give or take one."""

    STEP = 0.6180339887498949  # the golden ratio's fractional part

    def __init__(self, rng: random.Random, weighted) -> None:
        total = sum(w for _, w in weighted)
        self.bounds = []
        running = 0.0
        for value, weight in weighted:
            running += weight / total
            self.bounds.append((running, value))
        self.u = rng.random()

    def pick(self, *, leave_out=None, below=None):
        """The next value, other than ``leave_out`` and less than ``below`` if given."""
        while True:
            self.u = (self.u + self.STEP) % 1.0
            value = next((v for bound, v in self.bounds if self.u < bound), self.bounds[-1][1])
            if value != leave_out and (below is None or value < below):
                return value


def _name(child: ChildPlan, on: date) -> str:
    return child.first_name if on >= child.born else "the baby"


def _years(start: date, today: date) -> list[timescales.Period]:
    years = []
    period = timescales.period_containing(timescales.ANNUAL, start)
    while period.first_day <= today:
        years.append(period)
        period = timescales.period_containing(
            timescales.ANNUAL, timescales.add_months(period.first_day, 12)
        )
    return years


def _count(rng: random.Random, per_year: tuple[int, int], scale: float, share: float) -> int:
    """How many this year: a whole year has at least one, a part year its share."""
    n = rng.randint(*per_year) * scale * share
    return max(1, round(n)) if share >= 0.99 else round(n)


class WorriesPlanner:
    def __init__(
        self, *, rng: random.Random, plan: AuthorityPlan, calendar: Calendar, scale: float
    ) -> None:
        self.rng = rng
        self.cal = calendar
        self.scale = scale
        self.start = plan.start
        self.today = plan.today
        self.families = [_Family(f, plan_spans(f)) for f in plan.families]
        self.by_key = {f.family.key: f for f in self.families}

    # -- where a worry can be raised

    def _windows(self, first: date, last: date) -> list[_Window]:
        windows = []
        for fam in self.families:
            for key, start, end in fam.spans:
                lo = max(start + DISPUTE_AFTER_PLAN_START, first)
                hi = min((end or self.today) - timedelta(days=3), last, self.today)
                if (hi - lo).days >= 7:
                    windows.append(_Window(fam.family, key, start, lo, hi))
        return windows

    def _day_in(self, window: _Window) -> date | None:
        d = window.first + timedelta(days=self.rng.randint(0, (window.last - window.first).days))
        day = self.cal.on_or_after(d)
        if day > window.last:
            day = self.cal.on_or_before(d)
        return day if window.first <= day <= window.last else None

    def _draw(self, windows: list[_Window], used: set[int]):
        """Windows in random order, longer ones first more often, one per family."""
        weights = [(w.last - w.first).days for w in windows]
        while any(weights):
            i = self.rng.choices(range(len(windows)), weights=weights)[0]
            weights[i] = 0
            window = windows[i]
            if window.family.key in used:
                continue
            used.add(window.family.key)
            yield window

    # -- disputes

    def _stages(self, raised: date, final: int) -> tuple[list[StagePlan], date | None]:
        """Each stage the dispute reaches, up to ``final`` or today; and when resolved."""
        rng, cal = self.rng, self.cal
        stages: list[StagePlan] = []
        stage, started, note = 1, raised, ""
        while True:
            days = STAGE_WORKING_DAYS[stage]
            step = StagePlan(stage=stage, started_on=started, note=note)
            stages.append(step)
            if stage < final and rng.random() < NO_RESPONSE:
                following = cal.add(started, days + rng.randint(1, 3))
                note = phrases.ESCALATION_NOTE[0]
            else:
                late = rng.random() < LATE_RESPONSE
                wait = rng.randint(days + 1, days + 8) if late else rng.randint(1 + days // 3, days)
                responded = cal.add(started, wait)
                if responded > self.today:
                    return stages, None
                step.responded_on = responded
                step.response = rng.choice(phrases.STAGE_RESPONSE[min(stage, 5)])
                following = cal.add(
                    responded, rng.randint(0, 3) if stage == final else rng.randint(1, 4)
                )
                note = rng.choice(phrases.ESCALATION_NOTE[1:])
            if following > self.today:
                return stages, None
            if stage == final:
                return stages, following
            stage, started = stage + 1, following

    def _disputes(
        self,
        fam: _Family,
        children: list[tuple[int, date]],
        raised: date,
        reason: str,
        final: int,
    ) -> list[DisputePlan]:
        """One dispute per child about the same worry: the stages and dates are shared."""
        rng = self.rng
        stages, resolved = self._stages(raised, final)
        resolution = rng.choice(phrases.DISPUTE_RESOLUTION[reason]) if resolved else ""
        detail = rng.choice(phrases.DISPUTE_DETAIL[reason])
        return [
            DisputePlan(
                family=fam.family.key,
                child=key,
                plan_start=start,
                chair=fam.chair_on(key, raised),
                raised_on=raised,
                reason=reason,
                detail=detail.format(name=_name(fam.children[key], raised)),
                stages=stages,
                resolved_on=resolved,
                resolution=resolution,
            )
            for key, start in children
        ]

    def disputes(self) -> list[DisputePlan]:
        rng = self.rng
        out: list[DisputePlan] = []
        for period in _years(self.start, self.today):
            first = max(period.first_day, self.start)
            last = min(period.last_day, self.today)
            share = ((last - first).days + 1) / ((period.last_day - period.first_day).days + 1)
            target = _count(rng, DISPUTE_CHILDREN_PER_YEAR, self.scale, share)
            reasons = _Spread(rng, DISPUTE_REASONS)
            finals = _Spread(rng, FINAL_STAGE_WEIGHTS)
            children = 0
            for window in self._draw(self._windows(first, last), set()):
                if children >= target:
                    break
                raised = self._day_in(window)
                if raised is None:
                    continue
                fam = self.by_key[window.family.key]
                on_plan = fam.on_plan(raised, settled=timedelta(days=7))
                if rng.random() >= WHOLE_SIBLING_GROUP:
                    on_plan = [(k, s) for k, s in on_plan if k == window.child]
                if not on_plan:
                    continue
                reason = reasons.pick()
                # A worry about a sibling group rarely goes beyond the service manager.
                final = finals.pick(below=SIBLINGS_BELOW_STAGE if len(on_plan) > 1 else None)
                out += self._disputes(fam, on_plan, raised, reason, final)
                children += len(on_plan)
                if rng.random() < SECOND_DISPUTE:
                    again = self.cal.on_or_after(raised + timedelta(days=rng.randint(40, 120)))
                    if again <= window.last:
                        other = reasons.pick(leave_out=reason)
                        # Within the window, so the window's child is still on the plan.
                        same = [(k, s) for k, s in on_plan if k == window.child]
                        out += self._disputes(fam, same, again, other, finals.pick())
        return out

    # -- multi-agency challenges

    def _agency(self, child: ChildPlan, on: date) -> str:
        rng = self.rng
        age = child.age_on(on)
        agency = _pick(rng, phrases.CHALLENGE_AGENCIES)
        while agency == "school" and age < 3:
            agency = _pick(rng, phrases.CHALLENGE_AGENCIES)
        if agency == "school":
            if age < 5:
                return phrases.NURSERY
            return phrases.PRIMARY if age < 11 else rng.choice(phrases.SECONDARY)
        return agency

    def _person(self) -> str:
        first = self.rng.choice(names.STAFF_FIRST_NAMES)
        return (
            f"{first} {self.rng.choice(names.SURNAME_STARTS)}{self.rng.choice(names.SURNAME_ENDS)}"
        )

    def _challenge(self, fam: _Family, child: int, raised: date, *, waiting: bool) -> ChallengePlan:
        rng, cal = self.rng, self.cal
        spec = fam.children[child]
        agency = self._agency(spec, raised)
        role, manager, concerns = phrases.CHALLENGE_DETAILS[agency]
        professional = role
        if rng.random() < NAMED_PROFESSIONAL:
            professional = f"{role}, {self._person()}"
        challenge = ChallengePlan(
            family=fam.family.key,
            child=child,
            chair=fam.chair_on(child, raised),
            raised_on=raised,
            agency=agency,
            professional=professional,
            concern=rng.choice(concerns).format(name=_name(spec, raised)),
        )
        if waiting:
            return challenge
        if rng.random() < WITHDRAWN_BEFORE_FORWARDING:
            responded = cal.add(raised, rng.randint(1, 5))
            if responded <= self.today:
                challenge.responded_on = responded
                challenge.outcome = "withdrawn"
                challenge.response = rng.choice(phrases.CHALLENGE_RESPONSE["withdrawn"])
            return challenge
        forwarded = cal.add(raised, rng.randint(1, 6))
        if forwarded > self.today:
            return challenge
        challenge.forwarded_on = forwarded
        challenge.forwarded_to = f"{manager}, {self._person()}"
        responded = cal.add(forwarded, rng.randint(5, 20))
        if responded > self.today:
            return challenge
        outcome = _pick(rng, CHALLENGE_OUTCOMES)
        challenge.responded_on = responded
        challenge.outcome = outcome
        challenge.response = rng.choice(phrases.CHALLENGE_RESPONSE[outcome])
        return challenge

    def challenges(self) -> list[ChallengePlan]:
        rng = self.rng
        out: list[ChallengePlan] = []
        for period in _years(self.start, self.today):
            first = max(period.first_day, self.start)
            last = min(period.last_day, self.today)
            share = ((last - first).days + 1) / ((period.last_day - period.first_day).days + 1)
            target = _count(rng, CHALLENGES_PER_YEAR, self.scale, share)
            made = 0
            for window in self._draw(self._windows(first, last), set()):
                if made >= target:
                    break
                raised = self._day_in(window)
                if raised is not None:
                    fam = self.by_key[window.family.key]
                    out.append(self._challenge(fam, window.child, raised, waiting=False))
                    made += 1
        waiting = sum(1 for c in out if c.forwarded_on is None and c.responded_on is None)
        if waiting < WAITING_TO_FORWARD:
            # The newest few, raised in the last fortnight, are still with the partnership.
            first = self.today - timedelta(days=14)
            used = {c.family for c in out if c.raised_on >= first}
            for window in self._draw(self._windows(first, self.today), used):
                if waiting >= WAITING_TO_FORWARD:
                    break
                raised = self._day_in(window)
                if raised is not None:
                    fam = self.by_key[window.family.key]
                    out.append(self._challenge(fam, window.child, raised, waiting=True))
                    waiting += 1
        out.sort(key=lambda c: (c.raised_on, c.family, c.child))
        return out

    # -- feedback

    def _feedback(self, fam: _Family, meeting: MeetingPlan) -> list[FeedbackPlan]:
        rng = self.rng
        kind = phrases.KIND_WORDS[meeting.kind]
        english = fam.family.language == "English"
        givers: list[tuple[str, str, str]] = []  # respondent, attribution, text
        if rng.random() < 0.75:
            relation = _pick(rng, [("mother", 70), ("father", 22), ("carer", 8)])
            respondent = "parent_or_carer"
            texts = [t for t in phrases.PARENT_FEEDBACK if not english or "interpreter" not in t]
            attribution = phrases.PARENT_ATTRIBUTION[relation].format(kind=kind)
            givers.append((respondent, attribution, rng.choice(texts)))
        young = [
            (row, fam.children[row.child].age_on(meeting.on))
            for row in meeting.rows
            if row.participation.get("attendance") in ATTENDED
        ]
        young = [(row, age) for row, age in young if age >= 10]
        if young and rng.random() < 0.6:
            row, age = rng.choice(young)
            texts = list(phrases.CHILD_FEEDBACK)
            if row.participation.get("advocate_involved"):
                texts.append(phrases.CHILD_WITH_ADVOCATE_FEEDBACK)
            attribution = phrases.CHILD_ATTRIBUTION.format(age=age)
            givers.append(("child", attribution, rng.choice(texts)))
        if rng.random() < 0.55 or not givers:
            attribution = rng.choice(phrases.PROFESSIONAL_ATTRIBUTION)
            givers.append(("professional", attribution, rng.choice(phrases.PROFESSIONAL_FEEDBACK)))
        out = []
        for n, (respondent, attribution, text) in enumerate(givers):
            received = self.cal.add(meeting.on, rng.randint(0, 8))
            if received > self.today:
                continue
            ratings, themes = _ratings_and_themes(f"{fam.family.key}:{meeting.on}:{n}")
            out.append(
                FeedbackPlan(
                    family=fam.family.key,
                    meeting=meeting,
                    respondent=respondent,
                    attribution=attribution,
                    text=text,
                    received_on=received,
                    consent=rng.random() < CONSENT[respondent],
                    ratings=ratings,
                    themes=themes,
                )
            )
        other = random.Random(f"{fam.family.key}:{meeting.on}:other")
        if other.random() < OTHER_SHARE:
            received = self.cal.add(meeting.on, other.randint(0, 8))
            if received <= self.today:
                ratings, themes = _ratings_and_themes(f"{fam.family.key}:{meeting.on}:o")
                out.append(
                    FeedbackPlan(
                        family=fam.family.key,
                        meeting=meeting,
                        respondent="other",
                        attribution=other.choice(phrases.OTHER_ATTRIBUTION),
                        text=other.choice(phrases.OTHER_FEEDBACK),
                        received_on=received,
                        consent=other.random() < CONSENT["other"],
                        ratings=ratings,
                        themes=themes,
                    )
                )
        return out

    def feedback(self) -> list[FeedbackPlan]:
        out: list[FeedbackPlan] = []
        for fam in self.families:
            for meeting in fam.held:
                if meeting.on >= self.start and self.rng.random() < FEEDBACK_SHARE:
                    out.extend(self._feedback(fam, meeting))
        return out


def plan_worries(
    *, seed: int | str, plan: AuthorityPlan, calendar: Calendar, scale: float
) -> WorriesPlan:
    """Disputes, multi-agency challenges and feedback for ``plan``, from ``plan.start``."""
    planner = WorriesPlanner(
        rng=random.Random(f"{seed}:worries"), plan=plan, calendar=calendar, scale=scale
    )
    return WorriesPlan(
        disputes=planner.disputes(),
        challenges=planner.challenges(),
        feedback=planner.feedback(),
    )


def target_value(measure: str, last_year: float | None) -> tuple[str, float] | None:
    """The direction and value of next year's target for ``measure`` from last year's
    figure (a percent): a step better, within 0-100; None without a figure."""
    if last_year is None or measure not in phrases.TARGET_PLANS:
        return None
    direction, step, _ = phrases.TARGET_PLANS[measure]
    value = min(100.0, max(0.0, round(last_year + step)))
    return direction, value
