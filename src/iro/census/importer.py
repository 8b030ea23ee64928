"""Importing census files into the child's journey, through the journey services.

``import_file(path, acting_user=...)`` applies one file in one transaction (on SQLite, in
short ones once the file has been read: see ``import_file``): if the file cannot be read
to its end (hostile, truncated, malformed), nothing of it is kept. Inside,
each child is applied in a savepoint and goes in whole or not at all: a child the records
cannot represent (no LAchildID, an unreadable date, a value the services refuse) is
skipped and listed with the reason; the rest of the file goes in. Rule findings
(``iro.census.rules``) are counted, never blocking.

The census has no identifiers for episodes, enquiries, plans or reviews, so a file is
matched to the records by child and dates (see docs/census.md):

- a child by LAchildID;
- an episode by its child and referral date;
- a Section 47 enquiry by its episode and start date; its ICPC by the held initial
  conference linked to it; an ICPC date given on the episode with no enquiry for it, by
  the episode (kept as a date: no conference is recorded without an enquiry);
- a Child in Need plan, or an assessment, by its episode and start date;
- a plan by its child and start date;
- a review by its plan and date (the held review conference linked to the plan that day).

What matches is updated where the file says more (a new review, a plan, Child in Need
plan or episode that has since ended, an assessment since authorised, a changed latest
category or ReferralNFA, corrected child details); what does not match is added.
Importing the same file twice changes nothing.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from iro.access.capabilities import Capability, has_capability
from iro.access.guards import census_import
from iro.census import reader
from iro.census.rules import Finding, Validator
from iro.children.models import Child
from iro.children.services import create_child, la_child_id_problem, update_child
from iro.journey.checks import current_version, one_day
from iro.journey.models import (
    Assessment,
    CinPlanPeriod,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Episode,
    Plan,
    PlanEndReason,
    Section47,
)
from iro.journey.services import (
    ChildOutcome,
    Subject,
    authorise_assessment,
    change_latest_category,
    close_episode,
    end_cin_plan,
    end_plan,
    open_episode,
    record_assessment,
    record_cin_plan,
    record_conference_held,
    record_episode_icpc,
    record_icpc_not_required,
    record_referral_nfa,
    record_section47,
    review_dates,
    schedule_conference,
    start_plan,
)

if TYPE_CHECKING:
    from iro.people.models import Team, User

# Reasons a child is skipped (the import's list says which child and line).
SKIP_NO_ID = "the child has no LAchildID"
SKIP_ID_TOO_LONG = "LAchildID {id!r} is longer than {max} characters"
SKIP_ID_CHARACTERS = "LAchildID {id!r}: {message}"
SKIP_DUPLICATE = "LAchildID {id} appears again (first on line {line}); the first is imported"
SKIP_UNREADABLE = "{field} on line {line}: {message}"
NO_START_DATE = "{what} on line {line} has no start date"

# Parts of a child the records cannot hold; noted (counted), the rest of the child goes in.
NOTE_EPISODE_ICPC_CHANGED = (
    "an ICPC date given on the episode differs from the one the records hold; not changed"
)
NOTE_EPISODE_CHANGED = (
    "an episode's referral source or primary need differs from the records; not changed"
)
NOTE_CLOSURE_CHANGED = "an episode's closure differs from the records; not changed"
NOTE_PLAN_END_CHANGED = "a plan's end date differs from the records; not changed"
NOTE_CIN_PLAN_END_CHANGED = "a Child in Need plan's end date differs from the records; not changed"
NOTE_ASSESSMENT_CHANGED = (
    "an assessment's authorisation, review date or factors differ from the records; not changed"
)
NOTE_PREVIOUS_CHANGED = "a plan's number of previous plans differs from the records; not changed"
NOTE_REVIEW_AFTER_END = "a review date of a plan already ended in the records is not added"
NOTE_ICPC_FLAG_IGNORED = "ICPC not required is ignored where an ICPC date is given"
NOTE_BAD_UPN = "a UPN that is not 13 characters is not stored"

# A census conference is history: booked after the event (often for a day in the past
# that the return gives, whatever day of the week it was). The booking says so.
IMPORTED_BOOKING_REASON = "Recorded from a census return"

# The census does not say why a plan ended.
IMPORTED_PLAN_END_REASON = PlanEndReason.OTHER

MAX_LA_CHILD_ID = Child._meta.get_field("la_child_id").max_length
UPN_LENGTH = 13

# Reading problems that leave a child unrepresentable: a value the records need could not
# be read. Fields the records do not keep (the ICPC target date, computed) do not count.
_NOT_STORED = ("Section47/InitialCPCtarget",)
_KEY_FIELDS = frozenset(
    {
        "ChildIdentifiers/LAchildID",
        "CINdetails/CINreferralDate",
        "Section47/S47ActualStartDate",
        "ChildProtectionPlans/CPPstartDate",
        "ChildProtectionPlans/Reviews/CPPreviewDate",
        "CINPlanDates/CINPlanStartDate",
        "Assessments/AssessmentActualStartDate",
        "CINdetails",
    }
)

# Why an enquiry's conference, requested in iro, is no longer needed: the return says so.
CENSUS_NOT_REQUIRED = "A census return says the enquiry found no need for a conference."


# The kinds of record an import adds or updates, in the order summaries list them.
RECORD_KINDS = (
    "children",
    "episodes",
    "section47s",
    "icpcs",
    "plans",
    "reviews",
    "cin_plans",
    "assessments",
)


@dataclass
class Skipped:
    la_child_id: str | None
    line: int | None
    reason: str


@dataclass
class ImportSummary:
    """What one file did to the records."""

    path: str
    children_read: int = 0
    added: Counter = field(default_factory=Counter)  # children, episodes, s47s, icpcs, ...
    updated: Counter = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    findings: dict[str, int] = field(default_factory=dict)
    in_bulk: int = 0  # children new to the records written by the fast path

    @property
    def changed(self) -> bool:
        return bool(sum(self.added.values()) or sum(self.updated.values()))


class ImportRefused(Exception):
    """The user may not import."""


REFUSED = "{user} may not import statutory returns."


def check_may_import(user) -> None:
    if not has_capability(user, Capability.IMPORT_RETURNS):
        raise ImportRefused(REFUSED.format(user=getattr(user, "username", user)))


def _blocking_problem(child: reader.Child) -> reader.Problem | None:
    for p in child.problems:
        if p.field.startswith(_NOT_STORED):
            continue
        if p.kind == "empty" and p.field not in _KEY_FIELDS:
            continue  # an empty optional element says nothing: it is treated as absent
        if p.kind == "missing" and p.field not in _KEY_FIELDS:
            continue
        return p
    return None


def _reason(error: Exception, step: str) -> str:
    """The service's message(s), after what was being recorded when it refused."""
    if isinstance(error, ValidationError):
        messages = list(dict.fromkeys(error.messages))  # each message once, in order
        text = " ".join(messages)
    else:
        text = str(error).strip().splitlines()[0]
    return f"{step}: {text}" if step else text


def child_fields(r: reader.Child, notes: Counter) -> dict:
    """The child's details as the services take them, from the file's record (a UPN that
    cannot be one is noted and left out)."""
    upn = r.upn
    if upn is not None and len(upn) != UPN_LENGTH:
        notes[NOTE_BAD_UPN] += 1
        upn = None
    fields = {
        "sex": r.sex or "U",
        "ethnicity": r.ethnicity or "NOBT",
    }
    # Optional details only replace what the records hold when the file gives them.
    optional = {
        "date_of_birth": r.date_of_birth,
        "expected_date_of_birth": r.expected_date_of_birth,
        "upn": upn,
        "former_upn": r.former_upn if r.former_upn and len(r.former_upn) == 13 else None,
        "upn_unknown": r.upn_unknown,
        "date_of_death": r.date_of_death,
        "disabilities": r.disabilities or None,
    }
    fields.update({k: v for k, v in optional.items() if v is not None})
    return fields


def episode_steps(r: reader.Episode, enquiries: list) -> tuple[list, dict]:
    """The order in which an episode's plans and ICPCs are recorded, as they happened:
    ``enquiries`` are (file record, enquiry) pairs in start order; returns the steps
    (a ``reader.ProtectionPlan``, or an enquiry pair whose ICPC started no plan of the
    file) in date order, and the enquiry pair whose ICPC is on each day."""
    with_icpc = [pair for pair in enquiries if pair[0].icpc_date is not None]
    icpc_on: dict[date, tuple] = {}
    for pair in with_icpc:
        icpc_on.setdefault(pair[0].icpc_date, pair)
    plan_starts = {p.start_date for p in r.plans}
    steps = [(p.start_date, 0, p) for p in r.plans] + [
        (pair[0].icpc_date, 1, pair)
        for pair in with_icpc
        if not (pair[0].icpc_date in plan_starts and icpc_on[pair[0].icpc_date] is pair)
    ]
    return [item for *_key, item in sorted(steps, key=lambda step: step[:2])], icpc_on


class Allocation(Protocol):
    """Who works with the children of a file (a census file names no staff)."""

    def team_for(self, record: reader.Child) -> Team | None:
        """The team a child new to the records is allocated to."""

    def chair_for(self, record: reader.Child) -> User | None:
        """The IRO who chairs the conferences the file adds for the child."""


class _ChildImport:
    """Applies one child's record through the services, counting what it changed."""

    def __init__(self, record: reader.Child, acting_user, allocate: Allocation | None = None):
        self.record = record
        self.user = acting_user
        self.allocate = allocate
        self.chair = allocate.chair_for(record) if allocate is not None else None
        self.added: Counter = Counter()
        self.updated: Counter = Counter()
        self.notes: Counter = Counter()
        self.step = ""  # what is being recorded, for the reason when a service refuses
        # A child new to the records has nothing to match: no need to look.
        self.new_child = False
        self.opened: set[date] = set()  # referral dates of episodes opened for a new child
        self.recorded: set[tuple[int, date]] = set()  # (episode, start) of its new S47s
        self.icpcs_held: set[int] = set()  # its S47s given an ICPC in this import
        self.cin_recorded: set[tuple[int, date]] = set()  # (episode, start) of new CIN plans
        self.assessed: set[tuple[int, date]] = set()  # (episode, start) of new assessments

    def run(self) -> None:
        child = self._child()
        for ep_record in sorted(self.record.episodes, key=lambda e: e.referral_date):
            self._episode(child, ep_record)

    # --- the child ----------------------------------------------------------------------

    def _child(self) -> Child:
        r = self.record
        self.step = "the child's details"
        fields = child_fields(r, self.notes)
        child = Child.objects.filter(la_child_id=r.la_child_id).first()
        if child is None:
            self.added["children"] += 1
            self.new_child = True
            team = self.allocate.team_for(r) if self.allocate is not None else None
            return create_child(
                acting_user=self.user, la_child_id=r.la_child_id, team=team, **fields
            )
        before = child.version
        child = update_child(child=child, acting_user=self.user, expected_version=before, **fields)
        if child.version != before:
            self.updated["children"] += 1
        return child

    # --- an episode ---------------------------------------------------------------------

    def _episode(self, child: Child, r: reader.Episode) -> None:
        self.step = f"the episode from {r.referral_date}"
        episode = (
            None
            if self.new_child and r.referral_date not in self.opened
            else Episode.objects.filter(child=child, referral_date=r.referral_date).first()
        )
        opened_now = episode is None
        if episode is None:
            episode = open_episode(
                child=child,
                referral_date=r.referral_date,
                referral_source=r.referral_source or "",
                primary_need=r.primary_need or "",
                referral_nfa=bool(r.referral_nfa),
                acting_user=self.user,
                imported=True,
            )
            self.opened.add(r.referral_date)
            self.added["episodes"] += 1
        else:
            if (r.referral_source or episode.referral_source) != episode.referral_source or (
                r.primary_need or episode.primary_need
            ) != episode.primary_need:
                self.notes[NOTE_EPISODE_CHANGED] += 1
            if r.referral_nfa is not None and r.referral_nfa != episode.referral_nfa:
                self.step = f"the ReferralNFA of the episode from {r.referral_date}"
                episode = record_referral_nfa(
                    episode=episode, referral_nfa=r.referral_nfa, acting_user=self.user
                )
                self.updated["episodes"] += 1

        # Enquiries first; then plans and ICPCs in date order, each plan whole (its
        # ICPC, reviews and end) before the next starts, as they happened.
        enquiries = [
            (s, self._section47(episode, s))
            for s in sorted(r.section47s, key=lambda s: s.start_date)
        ]
        steps, icpc_on = episode_steps(r, enquiries)
        for item in steps:
            if isinstance(item, reader.ProtectionPlan):
                self._plan(child, episode, item, icpc_on.get(item.start_date))
            else:
                self._icpc(child, *item, plan_record=None)
        if r.icpc_date is not None and r.icpc_date not in icpc_on:
            self._episode_icpc(child, episode, r.icpc_date, opened_now)
        for a_record in sorted(r.assessments, key=lambda a: a.start_date or date.min):
            self._assessment(episode, a_record, opened_now)
        for cin_record in sorted(r.cin_plans, key=lambda c: c.start_date or date.min):
            self._cin_plan(episode, cin_record, opened_now)
        if r.closure_date is not None:
            self.step = f"the episode's closure on {r.closure_date}"
            if episode.closure_date is None:
                close_episode(
                    episode=episode,
                    closure_date=r.closure_date,
                    closure_reason=r.closure_reason or "",
                    acting_user=self.user,
                )
                if not opened_now:
                    self.updated["episodes"] += 1
            elif episode.closure_date != r.closure_date:
                self.notes[NOTE_CLOSURE_CHANGED] += 1

    def _episode_icpc(self, child: Child, episode: Episode, day: date, opened_now: bool) -> None:
        """An ICPC date on the episode with no enquiry of the file for it: kept on the
        episode, unless the records hold an initial or transfer-in conference held that
        day without an enquiry (the export writes such a conference's day here)."""
        self.step = f"the ICPC on {day} given on the episode"
        if episode.icpc_date == day:
            return
        if episode.icpc_date is not None:
            self.notes[NOTE_EPISODE_ICPC_CHANGED] += 1
            return
        if not opened_now and (
            ConferenceChild.objects.filter(
                child=child,
                section47__isnull=True,
                conference__kind__in=(ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN),
                conference__status=ConferenceStatus.HELD,
                conference__held_on=day,
            ).exists()
        ):
            return
        record_episode_icpc(episode=episode, held_on=day, acting_user=self.user)
        if not opened_now:
            self.updated["episodes"] += 1

    # --- a Child in Need plan ------------------------------------------------------------

    def _cin_plan(self, episode: Episode, r: reader.CinPlan, opened_now: bool) -> None:
        if r.start_date is None:
            raise ValidationError(NO_START_DATE.format(what="a Child in Need plan", line=r.line))
        self.step = f"the Child in Need plan from {r.start_date}"
        period = (
            None
            if opened_now and (episode.pk, r.start_date) not in self.cin_recorded
            else CinPlanPeriod.objects.filter(episode=episode, start_date=r.start_date).first()
        )
        if period is None:
            record_cin_plan(
                episode=episode,
                start_date=r.start_date,
                end_date=r.end_date,
                acting_user=self.user,
            )
            self.cin_recorded.add((episode.pk, r.start_date))
            self.added["cin_plans"] += 1
        elif r.end_date is not None and period.end_date is None:
            self.step = f"the end on {r.end_date} of the Child in Need plan from {r.start_date}"
            end_cin_plan(cin_plan=period, end_date=r.end_date, acting_user=self.user)
            self.updated["cin_plans"] += 1
        elif r.end_date is not None and period.end_date != r.end_date:
            self.notes[NOTE_CIN_PLAN_END_CHANGED] += 1

    # --- an assessment -----------------------------------------------------------------

    def _assessment(self, episode: Episode, r: reader.Assessment, opened_now: bool) -> None:
        if r.start_date is None:
            raise ValidationError(NO_START_DATE.format(what="an assessment", line=r.line))
        self.step = f"the assessment from {r.start_date}"
        assessment = (
            None
            if opened_now and (episode.pk, r.start_date) not in self.assessed
            else Assessment.objects.filter(episode=episode, start_date=r.start_date).first()
        )
        if assessment is None:
            record_assessment(
                episode=episode,
                start_date=r.start_date,
                internal_review_date=r.internal_review_date,
                authorisation_date=r.authorisation_date,
                factors=r.factors,
                acting_user=self.user,
            )
            self.assessed.add((episode.pk, r.start_date))
            self.added["assessments"] += 1
        elif r.authorisation_date is not None and assessment.authorisation_date is None:
            self.step = (
                f"the authorisation on {r.authorisation_date} of the assessment from {r.start_date}"
            )
            authorise_assessment(
                assessment=assessment,
                authorisation_date=r.authorisation_date,
                internal_review_date=r.internal_review_date,
                factors=r.factors,
                acting_user=self.user,
            )
            self.updated["assessments"] += 1
        elif (
            (r.authorisation_date or assessment.authorisation_date) != assessment.authorisation_date
            or (r.internal_review_date or assessment.internal_review_date)
            != assessment.internal_review_date
            or (r.factors and r.factors != assessment.factors)
        ):
            self.notes[NOTE_ASSESSMENT_CHANGED] += 1

    # --- a Section 47 and its ICPC ------------------------------------------------------

    def _section47(self, episode: Episode, r: reader.Section47) -> Section47:
        self.step = f"the Section 47 from {r.start_date}"
        s47 = (
            None
            if self.new_child and (episode.pk, r.start_date) not in self.recorded
            else Section47.objects.filter(episode=episode, start_date=r.start_date).first()
        )
        not_required = bool(r.icpc_not_required)
        if not_required and r.icpc_date is not None:
            self.notes[NOTE_ICPC_FLAG_IGNORED] += 1
            not_required = False
        if s47 is None:
            s47 = record_section47(
                episode=episode,
                start_date=r.start_date,
                icpc_not_required=not_required,
                acting_user=self.user,
            )
            self.recorded.add((episode.pk, r.start_date))
            self.added["section47s"] += 1
        elif not_required and not s47.icpc_not_required:
            s47 = record_icpc_not_required(
                section47=s47, acting_user=self.user, reason=CENSUS_NOT_REQUIRED
            )
            self.updated["section47s"] += 1
        return s47

    def _icpc(
        self,
        child: Child,
        r: reader.Section47,
        s47: Section47,
        *,
        plan_record: reader.ProtectionPlan | None,
    ) -> bool:
        """Hold the enquiry's ICPC unless the records have it; True when held now.

        With ``plan_record`` the conference starts that plan (or links it, when the
        records already have a plan from that day).
        """
        self.step = f"the ICPC on {r.icpc_date}"
        if self.new_child:
            held = s47.pk in self.icpcs_held
        else:
            held = ConferenceChild.objects.filter(
                section47=s47,
                conference__kind=ConferenceKind.INITIAL,
                conference__status=ConferenceStatus.HELD,
            ).exists()
        if held:
            return False
        existing_plan = (
            Plan.objects.filter(child=child, start_date=r.icpc_date).first()
            if plan_record
            else None
        )
        conference = schedule_conference(
            kind=ConferenceKind.INITIAL,
            subjects=[Subject(child=child, section47=s47)],
            scheduled_date=r.icpc_date,
            chair=self.chair,
            acting_user=self.user,
            confirm_reason=IMPORTED_BOOKING_REASON,
        )
        outcome = ChildOutcome(
            decision=Decision.PLAN if plan_record else Decision.NO_PLAN,
            category=(plan_record.initial_category or "") if plan_record else "",
            previous_plans=plan_record.previous_plans if plan_record else None,
            existing_plan=existing_plan,
        )
        record_conference_held(
            conference=conference,
            held_on=r.icpc_date,
            outcomes={child.pk: outcome},
            acting_user=self.user,
            imported=True,
            expected_version=current_version(conference),
        )
        self.icpcs_held.add(s47.pk)
        self.added["icpcs"] += 1
        return existing_plan is None and plan_record is not None

    # --- a plan and its reviews ---------------------------------------------------------

    def _plan(self, child, episode, r: reader.ProtectionPlan, icpc) -> None:
        started_now = changed = False
        if icpc is not None:
            started_now = self._icpc(child, *icpc, plan_record=r)
        self.step = f"the plan from {r.start_date}"
        plan = Plan.objects.filter(child=child, start_date=r.start_date).first()
        if plan is None:
            plan = start_plan(
                child=child,
                start_date=r.start_date,
                category=r.initial_category or "",
                latest_category=r.latest_category,
                previous_plans=r.previous_plans,
                episode=episode,
                acting_user=self.user,
            )
            started_now = True
        if started_now:
            self.added["plans"] += 1
        if r.latest_category and r.latest_category != plan.latest_category:
            plan = change_latest_category(
                plan=plan,
                category=r.latest_category,
                acting_user=self.user,
                expected_version=current_version(plan),
            )
            changed = True
        if (
            not started_now
            and r.previous_plans is not None
            and r.previous_plans != plan.previous_plans
        ):
            self.notes[NOTE_PREVIOUS_CHANGED] += 1
        held = set() if started_now else set(review_dates(plan))
        for day in sorted(set(r.review_dates) - held):
            if plan.end_date is not None:
                self.notes[NOTE_REVIEW_AFTER_END] += 1
                continue
            self._review(child, plan, day)
        if r.end_date is not None:
            self.step = f"the end on {r.end_date} of the plan from {r.start_date}"
            if plan.end_date is None:
                end_plan(
                    plan=plan,
                    ended_on=r.end_date,
                    reason=IMPORTED_PLAN_END_REASON,
                    acting_user=self.user,
                    expected_version=current_version(plan),
                )
                changed = True
            elif plan.end_date != r.end_date:
                self.notes[NOTE_PLAN_END_CHANGED] += 1
        if changed and not started_now:
            self.updated["plans"] += 1

    def _review(self, child, plan: Plan, day: date) -> None:
        self.step = f"the review on {day} of the plan from {plan.start_date}"
        conference = schedule_conference(
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=child, plan=plan)],
            scheduled_date=day,
            chair=self.chair,
            acting_user=self.user,
            confirm_reason=IMPORTED_BOOKING_REASON,
        )
        record_conference_held(
            conference=conference,
            held_on=day,
            outcomes={child.pk: ChildOutcome(decision=Decision.CONTINUE)},
            acting_user=self.user,
            imported=True,
            expected_version=current_version(conference),
        )
        self.added["reviews"] += 1


def import_file(
    path,
    *,
    acting_user,
    progress: Callable[[int, int, int], None] | None = None,
    findings: Callable[[list[Finding]], None] | None = None,
    bulk: bool = True,
    allocate: Allocation | None = None,
) -> ImportSummary:
    """Apply one census file to the records: in one transaction on PostgreSQL; on SQLite,
    once the whole file has been read, in short transactions of a few children.

    SQLite lets one connection write at a time, so one transaction for a whole file would
    stop everyone else's changes (and the access log of every page read) until it ended:
    minutes for a large file. There the file is first read to its end (so a file that
    cannot be read still changes nothing), then written ``SQLITE_BATCH`` children at a
    time. An import stopped half-way on SQLite (the process killed) leaves the children
    written so far; importing the file again completes it, as a file imported twice
    changes nothing.

    Raises ``reader.CensusFileError`` (and keeps nothing) when the file cannot be read to
    its end; ``ImportRefused`` when the user may not import. ``progress(done, total,
    children)`` is called now and then with bytes read, the file's size and children read;
    ``findings(list)`` with every DfE rule finding, in file order (the header's first).

    The file is read and checked ``BULK_BATCH`` children at a time; of each batch, the
    children new to the records are built in memory under the services' rules and
    written with one statement per table (``iro.census.bulk``); the others (already in
    the records, or one the in-memory pass cannot take) go through the services one by
    one. ``bulk=False`` sends every child through the services (the tests compare the
    two).

    A census file names no staff: ``allocate`` (an ``Allocation``) gives each child new
    to the records its team, and the conferences the file adds their chair, on either
    path and under the same rules (the chair must be an IRO, independent of the case).
    """
    check_may_import(acting_user)
    whole_file = writes_whole_file()
    if not whole_file:
        reader.CensusStream(path).read_to_end()  # an unreadable file raises before any write
    stream = reader.CensusStream(path, track_progress=progress is not None)
    summary = ImportSummary(path=str(path))
    first_lines: dict[str, int | None] = {}
    # The rules judge every date of the file against one day (``checks.one_day``).
    with (
        transaction.atomic() if whole_file else nullcontext(),
        census_import(acting_user),
        one_day(),
        fewer_collections(),
    ):
        writer = _Writer(
            summary,
            acting_user,
            whole_file=whole_file,
            bulk=bulk,
            header=stream.header,
            allocate=allocate,
        )
        validator = Validator(stream.header)
        tell = findings or (lambda found: None)
        tell(validator.header_findings())
        pending: list[reader.Child] = []
        for record in stream.children():
            summary.children_read += 1
            tell(validator.check(record))
            if progress is not None and summary.children_read % 100 == 0:
                progress(stream.bytes_read, stream.size, summary.children_read)
            writer.order[id(record)] = summary.children_read
            skip = _skip_reason(record, first_lines)
            if skip is not None:
                writer._skip(record, skip)
                continue
            first_lines[record.la_child_id] = record.line
            pending.append(record)
            if len(pending) >= BULK_BATCH:
                writer.write(pending)
                pending = []
        writer.write(pending)
    summary.in_bulk = writer.written_in_bulk
    if writer.written_in_bulk:
        writer.bulk_path.analyse_written(writer.written_in_bulk)
    summary.skipped.sort(key=lambda s: writer.order[id(s)])  # in file order
    tell(validator.finish())  # the file-wide rules: the findings of `iro cin validate`
    if progress is not None:
        progress(stream.size, stream.size, summary.children_read)
    summary.findings = validator.summary()["by_rule"]
    return summary


# Children read, checked and written together (new ones with one statement per table).
BULK_BATCH = 1000

# Python's cycle collector looks at its youngest objects after every 700 new ones (its
# default): an import makes millions (records, rows, history values) that live until
# their batch is written, and those looks took a tenth of building and writing a batch.
# An import asks for one after this many instead. What that lets wait is garbage in
# cycles only (the rest is freed at once): a first import's peak memory rose by 6 to 10
# MiB, on a base of about 130 (docs/census.md, "Performance").
IMPORT_COLLECT_AFTER = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collection less often while the import runs (see
    ``IMPORT_COLLECT_AFTER``), as it was afterwards."""
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, IMPORT_COLLECT_AFTER), *older)
    try:
        yield
    finally:
        gc.set_threshold(young, *older)


class _Writer:
    """Writes the file's children a batch at a time (see ``import_file``)."""

    def __init__(
        self,
        summary: ImportSummary,
        user,
        *,
        whole_file: bool,
        bulk: bool,
        header,
        allocate: Allocation | None = None,
    ) -> None:
        from iro.census import bulk as bulk_path

        self.bulk_path = bulk_path
        self.summary = summary
        self.user = user
        self.whole_file = whole_file
        self.allocate = allocate
        self.bulk = bulk and bulk_path.may_write_in_bulk(user)
        self.written_in_bulk = 0
        self.period = bulk_path.year_of(header)
        # Where each record and skipped child came in the file: the list of skipped
        # children is in file order, whichever path refused them.
        self.order: dict[int, int] = {}
        self.turns = _Turns()

    def write(self, records: list[reader.Child]) -> None:
        if not records:
            return
        one_by_one = records
        if self.bulk:
            known = dict(
                Child.objects.filter(la_child_id__in=[r.la_child_id for r in records]).values_list(
                    "la_child_id", "pk"
                )
            )
            same = self.bulk_path.unchanged(records, known, self.user, self.period)
            batch = self.bulk_path.Batch(self.user, self.allocate)
            one_by_one = []
            for record in records:
                if record.la_child_id in same:
                    continue  # the records hold this child's year exactly as the file says
                work = None if record.la_child_id in known else batch.add(record)
                if work is None:
                    one_by_one.append(record)
                    continue
                if isinstance(work, str):  # refused by a rule, with the services' reason
                    self._skip(record, work)
                    continue
                self.summary.added.update(work.added)
                self.summary.updated.update(work.updated)
                self.summary.notes.update(work.notes)
            self.written_in_bulk += len(batch.children)
            if batch.children:
                if self.whole_file:
                    batch.write()
                else:
                    self.turns.wait()
                    with transaction.atomic():
                        batch.write()
                    self.turns.ended()
        with _Batches(None if self.whole_file else SQLITE_BATCH, self.turns) as batches:
            for record in one_by_one:
                self._one(record, batches)

    def _skip(self, record: reader.Child, reason: str) -> None:
        self.summary.skipped.append(Skipped(record.la_child_id, record.line, reason))
        self.order[id(self.summary.skipped[-1])] = self.order[id(record)]

    def _one(self, record: reader.Child, batches: _Batches) -> None:
        work = _ChildImport(record, self.user, self.allocate)
        batches.begin_child()
        try:
            with transaction.atomic():
                work.run()
        except (ValidationError, PermissionDenied, DataError, IntegrityError) as exc:
            self._skip(record, _reason(exc, work.step))
        else:
            self.summary.added.update(work.added)
            self.summary.updated.update(work.updated)
            self.summary.notes.update(work.notes)
        batches.end_child()


# On SQLite, a short transaction ends after this many children or this many seconds;
# the import's next one starts no sooner than the pause after it, long enough for those
# waiting to write (SQLite's busy handler looks again every 100 ms at most) to go first.
SQLITE_BATCH = 50
SQLITE_BATCH_SECONDS = 0.3
SQLITE_PAUSE_SECONDS = 0.12


def writes_whole_file() -> bool:
    """Whether an import writes its whole file in one transaction (not on SQLite)."""
    return connection.vendor != "sqlite"


class _Turns:
    """The pause between the import's transactions on SQLite: each starts at least
    ``SQLITE_PAUSE_SECONDS`` after the one before it ended. The time the import spends
    meanwhile reading and building the next batch (holding no lock) counts, so it waits
    only for what is left of the pause, usually nothing after a batch of new children.
    Inside a caller's transaction (a test's) nobody else can go first: no pause."""

    def __init__(self) -> None:
        self.last_end: float | None = None

    def wait(self) -> None:
        if self.last_end is None or connection.in_atomic_block:
            return
        left = self.last_end + SQLITE_PAUSE_SECONDS - time.monotonic()
        if left > 0:
            time.sleep(left)

    def ended(self) -> None:
        self.last_end = time.monotonic()


class _Batches:
    """Transactions of at most ``size`` children each (``None``: none of its own, the
    caller's), ended early after ``SQLITE_BATCH_SECONDS``, spaced by ``turns``."""

    def __init__(self, size: int | None, turns: _Turns) -> None:
        self.size = size
        self.turns = turns
        self.block = None
        self.count = 0
        self.started = 0.0

    def begin_child(self) -> None:
        if self.size is not None and self.block is None:
            self.turns.wait()
            self.block = transaction.atomic()
            self.block.__enter__()
            self.started = time.monotonic()

    def end_child(self) -> None:
        if self.size is None:
            return
        self.count += 1
        if self.count >= self.size or time.monotonic() - self.started >= SQLITE_BATCH_SECONDS:
            self._end(None)

    def _end(self, error: BaseException | None) -> None:
        block, self.block, self.count = self.block, None, 0
        if block is not None:
            if error is None:
                block.__exit__(None, None, None)
            else:
                block.__exit__(type(error), error, error.__traceback__)
            self.turns.ended()

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self._end(error)


def _skip_reason(record: reader.Child, first_lines: dict[str, int | None]) -> str | None:
    if not record.la_child_id:
        return SKIP_NO_ID
    if len(record.la_child_id) > MAX_LA_CHILD_ID:
        return SKIP_ID_TOO_LONG.format(id=record.la_child_id, max=MAX_LA_CHILD_ID)
    problem = la_child_id_problem(record.la_child_id)
    if problem is not None:
        return SKIP_ID_CHARACTERS.format(id=record.la_child_id, message=problem)
    if record.la_child_id in first_lines:
        return SKIP_DUPLICATE.format(id=record.la_child_id, line=first_lines[record.la_child_id])
    problem = _blocking_problem(record)
    if problem is not None:
        return SKIP_UNREADABLE.format(
            field=problem.field.rsplit("/", 1)[-1], line=problem.line, message=problem.message
        )
    return None
