"""Build the synthetic authority: staff by the ORM, every case record through the services.

``build_demo`` is the whole of ``iro demo``: one transaction, deterministic for
a seed. The journeys are planned first as plain data (``iro.demo.planner``),
then each family's events are written in date order by the same services the
pages use, so demo data obeys exactly the rules real data does. Recent and
coming conferences get their invitations, pre-meetings and attendance, and open
plans their content, as each family is written (``casework_writer``); the
disputes, challenges and feedback planned from the journeys (``challenges``)
and each year's targets follow (``worries_writer``).
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from iro import timescales
from iro.census.rules import upn_check_letter
from iro.challenge.models import Dispute
from iro.children.models import Child, Relationship
from iro.children.services import add_family_member, create_child, create_family, update_child
from iro.demo import challenges, names, planner
from iro.demo.casework_writer import CaseworkCounts, CaseworkWriter
from iro.demo.figures import record_figures
from iro.demo.history import deferred_history
from iro.demo.narratives import sign_off_years, write_year_words
from iro.demo.staff import (
    Staff,
    create_agencies,
    create_closure_days,
    create_staff,
    create_stage_timescales,
    record_leave_ahead,
)
from iro.demo.worries_writer import (
    WorriesWriter,
    YearWorries,
    approve_quotes,
    named_feedback,
    next_year,
    set_targets,
    waiting_to_forward,
    year_worries,
)
from iro.journey import services
from iro.journey.checks import as_at, current_version
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    LateDecision,
    Plan,
    Section47,
)
from iro.journey.queues import MINUTES_LOOKBACK_DAYS
from iro.journey.services import ChildOutcome, Subject
from iro.notices.mail import recorded_only
from iro.people.selectors import closure_days

DEFAULT_SEED = 2026
YEARS_SHOWN = 3  # the reporting years the demo is tuned for: the last three complete
# Complete years simulated before them: the first shown year has its previous year
# to compare with. Families already on a plan when the simulation starts are
# simulated from their referral (up to four years earlier), so the authority is
# in steady state from its first day.
YEARS_BEFORE = 1
# Figures each shown year should land in at scale 1 (the targets, with a
# margin). A seed whose first draw misses is redrawn, deterministically.
DURING_RANGE = (680, 790)
AT_END_RANGE = (405, 490)
ICPC_IN_TIME_RANGE = (72.0, 90.0)
ATTEMPTS = 25
# Why a manager did not accept a conference's lateness, by its reason.
NOT_ACCEPTED_COMMENTS = {
    "reports_not_ready": (
        f"Reports are due {timescales.REPORT_WORKING_DAYS_BEFORE} working days before. Hold "
        "the conference on time with what is ready and tell me which agency was late."
    ),
    "unavailable": (
        "A date within timescale was possible. Book it and share the reports with whoever "
        "cannot come."
    ),
}
# Why a conference was booked after its due date, as the coordinator would have put it,
# by the lateness reason the demo gives it when held (one still ahead: the first).
LATE_BOOKING_REASONS = {
    "unavailable": "The family or a professional cannot come any sooner.",
    "reports_not_ready": "The reports will not be ready before then.",
    "interpreter": "The first date an interpreter is free.",
    "child_preparing": "The child wants to come and needs time to prepare.",
    "transfer": "The first date the family and professionals here can all come.",
    "other": "No earlier date is possible.",
}
# Below this scale the counts are too small to hold to proportional ranges.
CHECKED_FROM_SCALE = 0.5
PROGRESS_EVERY = 250  # families
# After a conference: the manager agrees a late one left for them within a week, and the
# coordinator sends the minutes and plan within five days (recorded for the conferences
# the coordinator's list looks back over), so only the last few are still waiting.
AGREED_WITHIN = timedelta(days=7)
MINUTES_WITHIN = timedelta(days=5)
MINUTES_RECORDED_FOR = timedelta(days=MINUTES_LOOKBACK_DAYS)

# How the casework's family members (casework.Cast.parents) are related to the children.
ADULT_RELATIONSHIPS = {
    "Mother": Relationship.MOTHER,
    "Father": Relationship.FATHER,
    "Grandmother": Relationship.GRANDPARENT,
}


@dataclass(frozen=True)
class YearFigures:
    label: str
    during: int
    at_end: int
    icpc_units: int
    icpc_in_time: int

    @property
    def icpc_percent(self) -> float | None:
        return round(100 * self.icpc_in_time / self.icpc_units, 1) if self.icpc_units else None


@dataclass
class Summary:
    seed: int
    today: date
    scale: float
    staff: int = 0
    teams: int = 0
    agencies: int = 0
    families: int = 0
    children: int = 0
    conferences_held: int = 0
    conferences_scheduled: int = 0
    plans: int = 0
    open_plans: int = 0
    years: list[YearFigures] = field(default_factory=list)
    # The same figures as planned before writing: equal unless a service refused or
    # changed something the plan relied on.
    planned_years: list[YearFigures] = field(default_factory=list)
    # Disputes, challenges, feedback and targets of each shown year, from the records.
    worries: list[YearWorries] = field(default_factory=list)
    casework: CaseworkCounts = field(default_factory=CaseworkCounts)
    open_disputes: int = 0
    waiting_to_forward: int = 0
    targets: int = 0


def window(today: date) -> tuple[date, list[timescales.Period]]:
    """The first day simulated and the reporting years shown, for ``today``.

    The shown years are the last three complete before ``today``'s year; the
    simulation starts two years before them.
    """
    current = timescales.period_containing(timescales.ANNUAL, today)
    shown = []
    period = current
    for _ in range(YEARS_SHOWN):
        period = period.previous_year()
        shown.append(period)
    shown.reverse()
    start = timescales.add_months(shown[0].first_day, -12 * YEARS_BEFORE)
    return start, shown


# ------------------------------------------------------------ planned figures


def planned_figures(plan: planner.AuthorityPlan, closures: frozenset[date], period) -> YearFigures:
    """The figures ``period`` will have once ``plan`` is written (metrics.md definitions)."""
    during: set[int] = set()
    at_end: set[int] = set()
    units = in_time = 0
    a, b = period.first_day, period.last_day
    for family in plan.families:
        for key, start, end in planner.plan_spans(family):
            if start <= b and (end is None or end >= a):
                during.add(key)
                if end is None or end > b:
                    at_end.add(key)
        strategy = None
        for event in family.events:
            if event.what == "strategy":
                strategy = event.on
            meeting = event.meeting
            if (
                meeting
                and meeting.held
                and meeting.kind == planner.INITIAL
                and a <= meeting.on <= b
            ):
                units += len(meeting.rows)
                if strategy and meeting.on <= timescales.icpc_due(strategy, closures=closures):
                    in_time += len(meeting.rows)
    return YearFigures(period.label, len(during), len(at_end), units, in_time)


def _in_range(figures: YearFigures, scale: float) -> bool:
    percent = figures.icpc_percent or 0.0
    return (
        DURING_RANGE[0] * scale <= figures.during <= DURING_RANGE[1] * scale
        and AT_END_RANGE[0] * scale <= figures.at_end <= AT_END_RANGE[1] * scale
        and ICPC_IN_TIME_RANGE[0] <= percent <= ICPC_IN_TIME_RANGE[1]
    )


def chairs_and_teams(staff: Staff) -> tuple[planner.Chairs, planner.Teams]:
    """What the planner needs to know of the staff: chairs' capacity, team sizes."""
    chairs = planner.Chairs(capacity=staff.capacity, demo=0)
    teams = planner.Teams(workers=[len(w) for w in staff.workers], demo_team=0, demo_worker=0)
    return chairs, teams


def plan_authority(
    *,
    seed: int,
    today: date,
    scale: float,
    closures: frozenset[date],
    chairs: planner.Chairs,
    teams: planner.Teams,
) -> planner.AuthorityPlan:
    """The journeys for ``seed``: the first draw whose shown years hit the targets
    (at scale 0.5 and above; smaller authorities are too small to hold to them)."""
    start, shown = window(today)
    best = None
    for attempt in range(ATTEMPTS):
        plan = planner.plan_journeys(
            seed=f"{seed}:{attempt}",
            start=start,
            today=today,
            scale=scale,
            closures=closures,
            chairs=chairs,
            teams=teams,
        )
        if best is None:
            best = plan
        if scale < CHECKED_FROM_SCALE or all(
            _in_range(planned_figures(plan, closures, p), scale) for p in shown
        ):
            return plan
    return best


# ------------------------------------------------------------------- writing


# The factors an assessment found, in turn (census codes: domestic abuse, parents' mental
# health, drugs or alcohol, neglect, emotional or physical abuse).
ASSESSMENT_FACTORS = [
    ("3B", "4B"),
    ("16A",),
    ("2B", "16A"),
    ("3A", "3B", "17A"),
    ("1B",),
    ("4B", "17A"),
    ("18C",),
    ("3B",),
]
# Children this old have a UPN (a school gave them one); younger ones do not yet.
SCHOOL_AGE = 4


def demo_upn(la_child_id: str) -> str:
    """An invented UPN that passes the DfE's checks, one per LA child ID: a London LA
    code, nine digits from the ID, and the check letter (census rules 1510 to 1550)."""
    body = f"201{la_child_id[-9:].zfill(9)}"
    return upn_check_letter(f"?{body}") + body


# How many of the last working days' reviews are left to record: any chair's, the demo IRO's.
UNWRITTEN_DAYS = 2
DEMO_IRO_UNWRITTEN_DAYS = 5


def left_to_record(mp: planner.MeetingPlan, *, days: frozenset[date], wanted: set[int]) -> bool:
    """Whether a planned meeting was held on one of ``days`` (the last working days) and
    is not recorded yet: still scheduled, in its chair's "Conferences to record". Only a
    review that continues every plan and no feedback is about (``wanted``: ids of the
    meetings feedback is about): nothing later in the family's journey rests on it."""
    return (
        mp.held
        and mp.kind == planner.REVIEW
        and mp.on in days
        and all(row.decision != Decision.END for row in mp.rows)
        and id(mp) not in wanted
    )


class Writer:
    """Writes each family's planned events through the services, in date order."""

    def __init__(
        self,
        staff: Staff,
        plan: planner.AuthorityPlan,
        casework: CaseworkWriter,
        worries: challenges.WorriesPlan,
    ) -> None:
        self.staff = staff
        self.plan = plan
        self.today = plan.today
        self.casework = casework
        # What the disputes, challenges and feedback written afterwards refer to. Only
        # those are kept: fewer live objects for the cycle collector to scan.
        self.children: dict[int, Child] = {}
        self.plans: dict[tuple[int, date], Plan] = {}
        self.conferences: dict[int, Conference] = {}  # by id() of the planned meeting
        self.wanted_conferences = {id(f.meeting) for f in worries.feedback}
        self.wanted_children = {d.child for d in worries.disputes}
        self.wanted_children |= {c.child for c in worries.challenges}
        self.wanted_plans = {(d.child, d.plan_start) for d in worries.disputes}
        # The last working days before today: their reviews are held but not yet written
        # up, as a chair writes up the last days' conferences today (two days; the demo
        # IRO, chairs[0], a week, so that their My work has one to record).
        days = [casework.cal.on_or_before(self.today - timedelta(days=1))]
        while len(days) < DEMO_IRO_UNWRITTEN_DAYS:
            days.append(casework.cal.on_or_before(days[-1] - timedelta(days=1)))
        self.unwritten_days = frozenset(days[:UNWRITTEN_DAYS])
        self.demo_iro_unwritten_days = frozenset(days)

    def left_to_record(self, mp: planner.MeetingPlan) -> bool:
        days = self.demo_iro_unwritten_days if mp.chair == 0 else self.unwritten_days
        return left_to_record(mp, days=days, wanted=self.wanted_conferences)

    def write(self, progress: Callable[[int, int], None] | None = None) -> None:
        total = len(self.plan.families)
        for n, family in enumerate(self.plan.families, start=1):
            self.family(family)
            if progress and n % PROGRESS_EVERY == 0:
                progress(n, total)

    def family(self, fp: planner.FamilyPlan) -> None:
        staff = self.staff
        team = staff.teams[fp.team]
        worker = staff.workers[fp.team][fp.worker]
        manager = team.manager
        coordinator = staff.coordinators[fp.key % len(staff.coordinators)]
        family = create_family(name=f"{fp.surname} family", acting_user=worker)
        specs = {c.key: c for c in fp.children}
        children: dict[int, Child] = {}
        episodes: dict = {}
        section47s: dict[int, Section47] = {}
        plans: dict[int, Plan] = {}
        categories: dict[int, str] = {}  # child key -> the latest category decided
        last_held: dict[int, date] = {}  # child key -> their latest conference held
        last_chair: dict = {}  # child key -> who chaired it (records the plan)
        meeting_number = 0
        for event in fp.events:
            what = event.what
            if what == "referral":
                for key in event.children:
                    if key not in children:
                        children[key] = self._child(specs[key], fp, family, team, worker)
                    episodes[key] = services.open_episode(
                        child=children[key],
                        referral_date=event.on,
                        referral_source=event.source,
                        primary_need=event.need,
                        acting_user=worker,
                    )
            elif what == "strategy":
                discussions = {
                    services.record_strategy_discussion(
                        episode=episodes[key],
                        held_on=event.on,
                        notes=event.notes,
                        acting_user=worker,
                    ).pk: key
                    for key in event.children
                }
                for s47 in Section47.objects.filter(strategy_discussion__in=list(discussions)):
                    section47s[discussions[s47.strategy_discussion_id]] = s47
                for key in event.children:
                    self._assessment(episodes[key], fp, key, event.on, worker)
            elif what == "icpc_not_required":
                for key in event.children:
                    services.record_icpc_not_required(
                        section47=section47s[key],
                        acting_user=worker,
                        reason="The enquiry found no need for a conference.",
                    )
            elif what == "meeting":
                meeting_number += 1
                assert event.meeting is not None
                self._meeting(
                    event.meeting,
                    ref=f"{fp.key}-{meeting_number}",
                    family=fp,
                    children=children,
                    section47s=section47s,
                    plans=plans,
                    categories=categories,
                    worker=worker,
                    coordinator=coordinator,
                )
                if event.meeting.held and not self.left_to_record(event.meeting):
                    for row in event.meeting.rows:
                        last_held[row.child] = event.on
                        last_chair[row.child] = staff.chairs[event.meeting.chair]
                        categories[row.child] = row.category or categories.get(row.child, "")
            elif what == "end_plan":
                for key in event.children:
                    ending = plans.pop(key)
                    services.end_plan(
                        plan=ending,
                        ended_on=event.on,
                        reason=event.reason,
                        acting_user=last_chair[key],
                        expected_version=current_version(ending),
                    )
            elif what == "close":
                for key in event.children:
                    services.close_episode(
                        episode=episodes[key],
                        closure_date=event.on,
                        closure_reason=event.reason,
                        acting_user=manager,
                    )
            elif what == "birth":
                for key in event.children:
                    spec = specs[key]
                    children[key] = update_child(
                        child=children[key],
                        acting_user=worker,
                        date_of_birth=spec.born,
                        first_name=spec.first_name,
                        sex=spec.sex_at_birth,
                        disabilities=["NONE"],  # recorded at birth, for the census (8540)
                        expected_version=current_version(children[key]),
                    )
        self.children.update((k, c) for k, c in children.items() if k in self.wanted_children)
        for key, plan in plans.items():  # still open today
            self.casework.open_plan(
                plan=plan,
                child=specs[key],
                family=fp,
                category=categories[key],
                last_conference=last_held[key],
                worker=worker,
                chair=last_chair[key],
            )
        # The adults the family's recent casework names (invited to its conferences, in
        # its core groups) are the family's adults on each child's page.
        cast = self.casework.casts.get(fp.key)
        for parent in cast.parents if cast is not None else ():
            add_family_member(
                family=family,
                acting_user=worker,
                name=parent.name,
                relationship=ADULT_RELATIONSHIPS.get(parent.title, Relationship.OTHER_RELATIVE),
                email=parent.email,
                address=parent.address,
                preferred_language=fp.language,
                interpreter_needed=fp.language != "English",
            )

    def _assessment(self, episode, fp: planner.FamilyPlan, key: int, on: date, worker) -> None:
        """The assessment begun with the enquiry: authorised some weeks later (never after
        the episode closes, nor after today), with the factors it found (census rules
        2991Q, 8565, 8867, 8897Q)."""
        closes = next(
            (e.on for e in fp.events if e.what == "close" and key in e.children and e.on >= on),
            None,
        )
        done = self.casework.cal.add(on, 15 + (fp.key * 7 + key * 3) % 21)
        if closes is not None:
            done = min(done, closes)
        if done > self.today:
            done = None  # still under way
        factors = ASSESSMENT_FACTORS[(fp.key + key) % len(ASSESSMENT_FACTORS)]
        services.record_assessment(
            episode=episode,
            start_date=on,
            authorisation_date=done,
            factors=factors if done is not None else (),
            acting_user=worker,
        )

    def _child(self, spec: planner.ChildPlan, fp: planner.FamilyPlan, family, team, worker):
        unborn = spec.expected is not None
        of_school_age = not unborn and spec.age_on(self.today) >= SCHOOL_AGE
        return create_child(
            acting_user=worker,
            la_child_id=spec.la_child_id,
            upn=demo_upn(spec.la_child_id) if of_school_age else "",
            first_name=spec.name_before_birth if unborn else spec.first_name,
            last_name=fp.surname,
            date_of_birth=None if unborn else spec.born,
            expected_date_of_birth=spec.expected,
            sex=spec.sex,
            ethnicity=spec.ethnicity,
            disabilities=spec.disabilities,
            preferred_language=fp.language,
            family=family,
            team=team,
            social_worker=worker,
        )

    def _meeting(
        self,
        mp: planner.MeetingPlan,
        *,
        ref: str,
        family: planner.FamilyPlan,
        children: dict[int, Child],
        section47s: dict[int, Section47],
        plans: dict[int, Plan],
        categories: dict[int, str],
        worker,
        coordinator,
    ) -> None:
        chair = self.staff.chairs[mp.chair]
        subjects = [
            Subject(
                child=children[row.child],
                section47=section47s.get(row.child) if mp.kind == planner.INITIAL else None,
                plan=plans.get(row.child) if mp.kind == planner.REVIEW else None,
            )
            for row in mp.rows
        ]
        # Booked on the day the coordinator would have booked it, so a past conference
        # was not booked "in the past"; one booked after its due date says why.
        with as_at(min(mp.booked_on or mp.on, self.today)):
            conference = services.schedule_conference(
                kind=mp.kind,
                subjects=subjects,
                scheduled_date=mp.on,
                scheduled_time=mp.at,
                chair=chair,
                venue="" if mp.virtual else _free_room(mp.venue, mp.on, mp.at),
                virtual_link=names.VIRTUAL_LINK.format(ref=ref) if mp.virtual else "",
                notified_on=mp.notified_on,
                acting_user=coordinator,
                confirm_reason=LATE_BOOKING_REASONS.get(
                    mp.lateness_reason, LATE_BOOKING_REASONS["unavailable"]
                ),
            )
        invited = []
        if self.casework.wanted(mp):
            # The worry the conference is about: decided there, else decided before.
            known = [categories.get(row.child, "") for row in mp.rows]
            invited = self.casework.before(
                conference=conference,
                meeting=mp,
                family=family,
                category=next((r.category for r in mp.rows if r.category), max(known)),
                worker=worker,
                manager=self.staff.teams[family.team].manager,
                coordinator=coordinator,
                chair=chair,
            )
        self._social_work_report(conference, mp, worker)
        if not mp.held or self.left_to_record(mp):
            return
        # The planner writes the strength-based record only for recent conferences; the
        # older ones stand for history from before the service used iro, recorded with
        # the plan facts alone, as the census import records them (``imported``).
        complete = all(row.participation.get("worries") for row in mp.rows)
        records = {
            row.child: row.participation
            | (_full_record(mp, row, children[row.child]) if complete else {})
            for row in mp.rows
        }
        outcomes = {
            children[row.child].pk: ChildOutcome(
                decision=row.decision,
                category=row.category,
                end_reason=row.end_reason if row.decision == Decision.END else "",
                previous_plans=row.previous_plans,
                **records[row.child],
            )
            for row in mp.rows
        }
        conference = services.record_conference_held(
            conference=conference,
            held_on=mp.on,
            outcomes=outcomes,
            lateness_reason=mp.lateness_reason,
            lateness_detail=mp.lateness_detail,
            acting_user=chair,
            expected_version=current_version(conference),
            imported=not complete,
        )
        if id(mp) in self.wanted_conferences:
            self.conferences[id(mp)] = conference
        if invited:
            self.casework.after(conference=conference, invited=invited, coordinator=coordinator)
        if mp.kind in (planner.INITIAL, planner.TRANSFER_IN):
            by_child = {children[row.child].pk: row.child for row in mp.rows}
            for row in ConferenceChild.objects.filter(
                conference=conference, plan__isnull=False
            ).select_related("plan"):
                plans[by_child[row.child_id]] = row.plan
                key = (by_child[row.child_id], row.plan.start_date)
                if key in self.wanted_plans:
                    self.plans[key] = row.plan
        else:
            for row in mp.rows:
                if row.decision == "end":
                    plans.pop(row.child)
        agreed_on = mp.agreed_on
        if agreed_on is None and conference.lateness_reason and mp.on + AGREED_WITHIN < self.today:
            agreed_on = mp.on + AGREED_WITHIN
        if agreed_on is not None:
            manager = self.staff.iro_manager
            if conference.chair_id == manager.pk:
                # The manager does not agree their own conference: their line manager does.
                manager = manager.line_manager
            # One in five of those late for want of reports or people is not accepted
            # (chosen by the record's number: the planned journeys stay as they are).
            comment = NOT_ACCEPTED_COMMENTS.get(conference.lateness_reason, "")
            not_accepted = bool(comment) and conference.pk % 5 == 0
            services.decide_late_conference(
                conference=conference,
                decision=LateDecision.NOT_AGREED if not_accepted else LateDecision.AGREED,
                decided_on=agreed_on,
                comment=comment if not_accepted else "",
                acting_user=manager,
            )
        if self.today - MINUTES_RECORDED_FOR <= mp.on and mp.on + MINUTES_WITHIN < self.today:
            services.record_minutes_sent(
                conference=conference,
                sent_on=mp.on + MINUTES_WITHIN,
                acting_user=coordinator,
                expected_version=current_version(conference),
            )

    def _social_work_report(self, conference, mp, worker) -> None:
        """The social work report of a recent conference, or one coming up, whose day to
        reach the chair has passed: with the chair that day (a day late for one in four,
        by the record's number: no draw, so the rest of the demo is unchanged), given to
        the family the day after (not after the conference)."""
        due = timescales.report_due(mp.on, closures=closure_days())
        if mp.on < self.today - MINUTES_RECORDED_FOR or due >= self.today:
            return
        received = due + timedelta(days=1) if conference.pk % 4 == 0 else due
        services.record_conference_report(
            conference=conference,
            received_on=received,
            shared_on=min(received + timedelta(days=1), mp.on, self.today),
            acting_user=worker,
            expected_version=current_version(conference),
        )


# ------------------------------------------------------------------ figures


def year_figures(period: timescales.Period, closures: frozenset[date]) -> YearFigures:
    """Children on a plan during and at the end of ``period``, and ICPCs in time,
    counted from the database as metrics.md defines them."""
    a, b = period.first_day, period.last_day
    plans = Plan.objects.filter(start_date__lte=b)
    during = plans.filter(Q(end_date__isnull=True) | Q(end_date__gte=a))
    at_end = plans.filter(Q(end_date__isnull=True) | Q(end_date__gt=b))
    icpc_rows = ConferenceChild.objects.filter(
        conference__kind=ConferenceKind.INITIAL,
        conference__status=ConferenceStatus.HELD,
        conference__held_on__range=(a, b),
        section47__isnull=False,
    ).values_list("conference__held_on", "section47__start_date")
    units = in_time = 0
    for held_on, start in icpc_rows:
        if start <= held_on:
            units += 1
            in_time += held_on <= timescales.icpc_due(start, closures=closures)
    return YearFigures(
        period.label,
        during.values("child").distinct().count(),
        at_end.values("child").distinct().count(),
        units,
        in_time,
    )


# The first core group meets a few working days after the conference that starts a plan.
DEMO_CORE_GROUP_WORKING_DAYS = 8


def _full_record(mp: planner.MeetingPlan, row: planner.RowPlan, child: Child) -> dict:
    """What a chair's record holds beyond the planner's participation and notes: the
    child's wishes and feelings and, for a new plan, its outline and first core group.
    Worded from facts already drawn, so the demo's random sequence is unchanged."""
    p = row.participation
    name = child.first_name
    if p.get("pre_meeting_child_not_applicable"):
        wishes = f"Too young to give views: the health visitor described how {name} is at home."
    elif p.get("attendance") in ("in_person", "virtual", "part"):
        wishes = f"{name} told the conference they want home to feel calm and safe."
    elif p.get("advocate_involved"):
        wishes = f"{name}'s advocate shared what {name} wants to happen."
    else:
        wishes = f"{name}'s views were gathered by the social worker before the conference."
    # An unborn baby's row has no attendance drawn: they did not attend.
    extra = {"wishes_feelings": wishes, "attendance": p.get("attendance") or "did_not_attend"}
    if row.decision == Decision.PLAN:
        extra["outline_plan"] = p.get("needs_to_happen", "")
        extra["first_core_group_on"] = timescales.add_working_days(
            mp.on, DEMO_CORE_GROUP_WORKING_DAYS
        )
    return extra


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    today: date,
    scale: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Build the whole authority in one transaction and count what was built.

    The caller has checked that demo logins are allowed, the database holds no
    children and ``today`` is not after the real date.
    """
    start, shown = window(today)
    # The generated past's notices are recorded, not emailed (notices.mail.recorded_only).
    with transaction.atomic(), deferred_history(), recorded_only():
        staff = create_staff(random.Random(f"{seed}:staff"), demo_password=settings.DEMO_PASSWORD)
        agencies = create_agencies()
        warm = start - timedelta(days=round(365.25 * planner.WARM_START_YEARS))
        closures = create_closure_days(warm.year, today.year + 1)
        chairs, teams = chairs_and_teams(staff)
        plan = plan_authority(
            seed=seed, today=today, scale=scale, closures=closures, chairs=chairs, teams=teams
        )
        calendar = planner.Calendar(closures)
        worries = challenges.plan_worries(seed=seed, plan=plan, calendar=calendar, scale=scale)
        create_stage_timescales(challenges.STAGE_WORKING_DAYS)
        by_name = {agency.name: agency for agency in agencies}
        casework = CaseworkWriter(seed=seed, today=today, calendar=calendar, agencies=by_name)
        partnership = staff.demo["demo-partnership"]
        # The plan lives to the end: spare the cycle collector rescanning it.
        gc.freeze()
        try:
            writer = Writer(staff, plan, casework, worries)
            writer.write(progress)
            WorriesWriter(
                staff=staff,
                partnership=partnership,
                families={f.key: f for f in plan.families},
                children=writer.children,
                plans=writer.plans,
                conferences=writer.conferences,
                agencies=by_name,
            ).write(worries)
        finally:
            gc.unfreeze()
        targets = set_targets(years=[*shown, next_year(shown[-1])], manager=staff.iro_manager)
        current = timescales.period_containing(timescales.ANNUAL, today)
        named_feedback(current=current, coordinator=staff.coordinators[0])
        approve_quotes(current=current, manager=staff.iro_manager)
        record_figures(years=shown, manager=staff.iro_manager, chairs=staff.chairs, since=start)
        write_year_words(years=[year.label for year in shown], manager=staff.iro_manager)
        sign_off_years(years=[year.label for year in shown], manager=staff.iro_manager)
        record_leave_ahead(staff, today)
    summary = Summary(seed=seed, today=today, scale=scale)
    summary.casework = casework.counts
    summary.targets = targets
    summary.worries = [year_worries(p) for p in shown]
    summary.open_disputes = Dispute.objects.filter(resolved_on__isnull=True).count()
    summary.waiting_to_forward = waiting_to_forward(partnership)
    summary.staff = len(staff.everyone)
    summary.teams = len(staff.teams)
    summary.agencies = len(agencies)
    summary.families = len(plan.families)
    summary.children = Child.objects.count()
    summary.conferences_held = Conference.objects.filter(status=ConferenceStatus.HELD).count()
    summary.conferences_scheduled = Conference.objects.filter(
        status=ConferenceStatus.SCHEDULED
    ).count()
    summary.plans = Plan.objects.count()
    summary.open_plans = Plan.objects.filter(end_date__isnull=True).count()
    summary.years = [year_figures(p, closures) for p in shown]
    summary.planned_years = [planned_figures(plan, closures, p) for p in shown]
    return summary


def _free_room(wanted: str, day, at) -> str:
    """The room a demo conference is booked in: the one planned, or the next of the
    demo's rooms free at that time, as a coordinator would choose (a room already booked
    then would be a warning the demo's booking reason does not answer)."""
    rooms = [wanted, *(room for room in names.VENUES if room != wanted)]
    for room in rooms:
        if not services.room_clashes(
            venue=room,
            scheduled_date=day,
            scheduled_time=at,
            duration_minutes=services.DEFAULT_DURATION_MINUTES,
        ):
            return room
    return wanted
