"""The census return for a year, read from the records.

``return_children(user=..., period=...)`` yields the reader's ``Child`` records for every
child the user may see who belongs in the return, a few queries per batch of children
(never per child), so ``iro cin export`` can stream any number of them to the writer and
``iro cin validate --period`` can run the rules on the same records.

What is in the return for a year (first day .. reference date, the year's last day):

- episodes open at some time in the year (referral on or before the reference date, no
  closure or a closure on or after the first day), and any episode holding an enquiry or
  plan in the return;
- Section 47 enquiries of those episodes whose ICPC (as known at the reference date) is in
  the year, or which have no ICPC by then and started in the year (DfE 8715, 8740);
- plans open at some time in the year, each with all its review dates up to the
  reference date; NumberOfPreviousCPP is the larger of the recorded number and the
  child's earlier plans in the records, so earlier plans left out of the return still
  count (and a second import of the return keeps the same number);
- assessments and Child in Need plans of those episodes open at some time in the year;
- dates after the reference date are left out: a plan ended later is open in the return
  (and an assessment authorised later is open, without its factors).

The ICPC date of an enquiry is the day its held initial conference was held (the
conference row linking the enquiry); a plan's reviews are the distinct days its held
review conferences were held. The DfE InitialCPCtarget is computed from the start date
with ``iro.timescales`` (never a stored date).
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from iro import timescales
from iro.access.capabilities import Capability, has_capability
from iro.access.log import log_export
from iro.access.scope import statutory_return_children
from iro.census import reader, schema
from iro.census.writer import CensusWriter, now_stamp
from iro.children.models import Child
from iro.journey.models import (
    Assessment,
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Episode,
    Plan,
    Section47,
)
from iro.journey.selectors import review_dates_by_plan
from iro.people.selectors import closure_days

BATCH = 500

NOTE_PLAN_WITHOUT_EPISODE = (
    "the plan from {start} belongs to no Child in Need episode, so the return cannot carry it"
)
# The census requires a referral source; a record without one is returned as 10 (unknown).
UNKNOWN_REFERRAL_SOURCE = "10"


@dataclass
class ExportNotes:
    """What could not go into the return, for the command to report."""

    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, la_child_id: str, message: str) -> None:
        self.lines.append((la_child_id, message))


def _in_year(d: date | None, period: timescales.Period) -> bool:
    return d is not None and period.first_day <= d <= period.last_day


def _as_of(d: date | None, period: timescales.Period) -> date | None:
    """A date as it was known at the reference date: later dates had not happened yet."""
    return d if d is not None and d <= period.last_day else None


def children_in_return(user, period: timescales.Period):
    """The children the user may see who belong in the return for ``period``, by LA ID."""
    first, last = period.first_day, period.last_day
    open_episode = Episode.objects.filter(child=OuterRef("pk"), referral_date__lte=last).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=first)
    )
    open_plan = Plan.objects.filter(child=OuterRef("pk"), start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    # Restricted children are included: the return must be complete (see access.scope).
    return (
        statutory_return_children(user)
        .filter(Exists(open_episode) | Exists(open_plan))
        .order_by("la_child_id", "pk")
    )


def return_children(
    *, user, period: timescales.Period, notes: ExportNotes | None = None
) -> Iterator[reader.Child]:
    """The return's child records, in LAchildID order, read in batches."""
    notes = notes if notes is not None else ExportNotes()
    closures = closure_days()
    pks = list(children_in_return(user, period).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield from _batch(pks[start : start + BATCH], period, closures, notes)


def _batch(pks, period, closures, notes) -> Iterator[reader.Child]:
    children = Child.objects.filter(pk__in=pks).order_by("la_child_id", "pk")
    episodes = defaultdict(list)
    for ep in Episode.objects.filter(child_id__in=pks).order_by("referral_date", "pk"):
        episodes[ep.child_id].append(ep)
    episode_ids = [ep.pk for eps in episodes.values() for ep in eps]
    s47s = defaultdict(list)
    for s in Section47.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk"):
        s47s[s.episode_id].append(s)
    # The batch's held initial conferences, read from the children's rows first and then
    # their conferences (two indexed lookups): one join filtered on the conference's kind
    # lets SQLite's planner read every initial conference of the records for each batch.
    rows = list(
        ConferenceChild.all_objects.filter(child_id__in=pks, voided_at__isnull=True).values_list(
            "child_id", "section47_id", "conference_id"
        )
    )
    # A transfer-in conference is returned as the initial conference of the episode (the
    # CINdetails level: there is no enquiry here): the plan it starts starts on an ICPC
    # date, as rule 2885 asks, and the DfE reports transfer-in ICPCs apart by their
    # missing Section 47 (docs/census.md).
    conferences = {
        pk: (held_on, kind)
        for pk, held_on, kind in Conference.objects.filter(  # live only, as the rows
            pk__in={conference_id for *_, conference_id in rows},
            kind__in=(ConferenceKind.INITIAL, ConferenceKind.TRANSFER_IN),
            status=ConferenceStatus.HELD,
            held_on__isnull=False,
        ).values_list("pk", "held_on", "kind")
    }
    held_initial = [
        (
            child_id,
            None if conferences[conference_id][1] == ConferenceKind.TRANSFER_IN else s47_id,
            conferences[conference_id][0],
        )
        for child_id, s47_id, conference_id in rows
        if conference_id in conferences
    ]
    icpc_of_s47: dict[int, date] = {}
    unlinked_icpcs = defaultdict(list)  # child -> ICPC days not tied to an enquiry
    for child_id, s47_id, held_on in held_initial:
        if s47_id is None:
            unlinked_icpcs[child_id].append(held_on)
        elif s47_id not in icpc_of_s47 or held_on < icpc_of_s47[s47_id]:
            icpc_of_s47[s47_id] = held_on
    plans = defaultdict(list)
    for p in Plan.objects.filter(child_id__in=pks).order_by("start_date", "pk"):
        plans[p.child_id].append(p)
    plan_ids = [p.pk for ps in plans.values() for p in ps]
    reviews = review_dates_by_plan(plan_ids)
    cin_plans = defaultdict(list)
    for c in CinPlanPeriod.objects.filter(episode_id__in=episode_ids).order_by("start_date"):
        cin_plans[c.episode_id].append(c)
    assessments = defaultdict(list)
    for a in Assessment.objects.filter(episode_id__in=episode_ids).order_by("start_date", "pk"):
        assessments[a.episode_id].append(a)

    for child in children:
        record = _child_record(child, period)
        chosen: dict[int, reader.Episode] = {}
        child_episodes = episodes[child.pk]

        def record_for(ep: Episode, chosen=chosen) -> reader.Episode:
            if ep.pk not in chosen:
                chosen[ep.pk] = _episode_record(ep, period)
            return chosen[ep.pk]

        for ep in child_episodes:
            if ep.referral_date <= period.last_day and (
                ep.closure_date is None or ep.closure_date >= period.first_day
            ):
                record_for(ep)
            for s in s47s[ep.pk]:
                icpc = _as_of(icpc_of_s47.get(s.pk), period)
                if _in_year(icpc, period) or (icpc is None and _in_year(s.start_date, period)):
                    record_for(ep).section47s.append(
                        reader.Section47(
                            start_date=s.start_date,
                            icpc_target=timescales.icpc_due(s.start_date, closures=closures),
                            icpc_date=icpc,
                            icpc_not_required=s.icpc_not_required,
                        )
                    )
        child_plans = plans[child.pk]
        for p in child_plans:
            if p.start_date > period.last_day or (
                p.end_date is not None and p.end_date < period.first_day
            ):
                continue
            ep = _episode_of_plan(p, child_episodes)
            if ep is None:
                notes.add(child.la_child_id, NOTE_PLAN_WITHOUT_EPISODE.format(start=p.start_date))
                continue
            earlier = sum(1 for other in child_plans if other.start_date < p.start_date)
            record_for(ep).plans.append(
                reader.ProtectionPlan(
                    start_date=p.start_date,
                    end_date=_as_of(p.end_date, period),
                    initial_category=p.initial_category,
                    latest_category=p.latest_category,
                    previous_plans=max(p.previous_plans, earlier),
                    review_dates=sorted({r for r in reviews.get(p.pk, ()) if r <= period.last_day}),
                )
            )
        for ep in child_episodes:
            if ep.pk not in chosen:
                continue
            ep_record = chosen[ep.pk]
            for a in assessments[ep.pk]:
                if a.start_date <= period.last_day and (
                    a.authorisation_date is None or a.authorisation_date >= period.first_day
                ):
                    authorised = _as_of(a.authorisation_date, period)
                    ep_record.assessments.append(
                        reader.Assessment(
                            start_date=a.start_date,
                            internal_review_date=_as_of(a.internal_review_date, period),
                            authorisation_date=authorised,
                            # The factors are known once the assessment is authorised.
                            factors=list(a.factors) if authorised else [],
                        )
                    )
            for c in cin_plans[ep.pk]:
                if c.start_date <= period.last_day and (
                    c.end_date is None or c.end_date >= period.first_day
                ):
                    ep_record.cin_plans.append(
                        reader.CinPlan(start_date=c.start_date, end_date=_as_of(c.end_date, period))
                    )
            ep_record.icpc_date = _episode_icpc(ep, unlinked_icpcs[child.pk], ep_record, period)
            record.episodes.append(ep_record)
        if record.episodes:
            yield record


def _child_record(child, period: timescales.Period) -> reader.Child:
    """The child as they were at the reference date: one born after it was still unborn
    then (their expected date, else the birth date as the best estimate of it, and sex U
    as the DfE asks of an unborn child: rules 8520, 8750); a death after it had not
    happened."""
    born = _as_of(child.date_of_birth, period)
    unborn = born is None and (child.date_of_birth or child.expected_date_of_birth) is not None
    return reader.Child(
        la_child_id=child.la_child_id,
        upn=child.upn or None,
        former_upn=child.former_upn or None,
        upn_unknown=child.upn_unknown or None,
        date_of_birth=born,
        expected_date_of_birth=(
            (child.expected_date_of_birth or child.date_of_birth) if unborn else None
        ),
        sex="U" if unborn else (child.sex or "U"),
        date_of_death=_as_of(child.date_of_death, period),
        ethnicity=child.ethnicity or "NOBT",
        disabilities=list(child.disabilities or []),
    )


def _episode_record(ep: Episode, period: timescales.Period) -> reader.Episode:
    closure = _as_of(ep.closure_date, period)
    return reader.Episode(
        referral_date=ep.referral_date,
        referral_source=ep.referral_source or UNKNOWN_REFERRAL_SOURCE,
        primary_need=ep.primary_need or None,
        closure_date=closure,
        closure_reason=(ep.closure_reason or None) if closure else None,
        referral_nfa=ep.referral_nfa,
    )


def _episode_of_plan(plan: Plan, episodes: list[Episode]) -> Episode | None:
    """The plan's episode, or else the child's episode that was open when it started."""
    if plan.episode_id is not None:
        for ep in episodes:
            if ep.pk == plan.episode_id:
                return ep
    containing = [
        ep
        for ep in episodes
        if ep.referral_date <= plan.start_date
        and (ep.closure_date is None or ep.closure_date >= plan.start_date)
    ]
    return containing[-1] if containing else None


def _episode_icpc(
    ep: Episode, unlinked: list[date], record: reader.Episode, period: timescales.Period
) -> date | None:
    """An ICPC held in the episode but tied to no enquiry (the CINdetails level), if any:
    an initial conference held without an enquiry, or the date a return gave on the episode.
    """
    end = ep.closure_date or period.last_day
    linked = {s.icpc_date for s in record.section47s}
    given = [ep.icpc_date] if ep.icpc_date is not None else []
    days = [
        d
        for d in [*unlinked, *given]
        if ep.referral_date <= d <= min(end, period.last_day) and d not in linked
    ]
    return max(days) if days else None


def return_header(period: timescales.Period, *, lea: str | None) -> reader.Header:
    """The header of the return: the census year ends on the period's last day."""
    return reader.Header(
        collection="CIN",
        year=period.last_day.year,
        reference_date=period.last_day,
        lea=lea,
        software_code="iro",
        release="1",
        serial_no="001",
        date_time=now_stamp(),
    )


# --- Writing the return -------------------------------------------------------------------

REFUSED = "{user} may not export statutory returns."
NO_CHILDREN = (
    "No child is in the return for {period}: nothing was written (the DfE schema needs at "
    "least one child)."
)
NOT_VALID = (
    "The return does not match the census schema, so nothing was written: {errors}. "
    "This is a fault in iro; please report it."
)


@dataclass
class ExportResult:
    children: int
    notes: ExportNotes


class ExportRefused(Exception):
    """The user may not export, or there is nothing to export; the message says which."""


def check_may_export(user) -> None:
    if not has_capability(user, Capability.EXPORT_RETURNS):
        raise ExportRefused(REFUSED.format(user=getattr(user, "username", user)))


def write_return(*, user, period: timescales.Period, path, lea: str | None = None) -> ExportResult:
    """Write the census return for ``period`` to ``path`` and log the export.

    The file appears at ``path`` only once complete (written beside it, then renamed), and
    the access log gets one row for the export and one per child in it.
    """
    check_may_export(user)
    notes = ExportNotes()
    pks = list(children_in_return(user, period).values_list("pk", flat=True))
    if not pks:
        raise ExportRefused(NO_CHILDREN.format(period=period.label))
    target = os.fspath(path)
    handle, temporary = tempfile.mkstemp(
        prefix=".census-", suffix=".xml", dir=os.path.dirname(os.path.abspath(target))
    )
    os.close(handle)
    try:
        with CensusWriter(temporary, return_header(period, lea=lea)) as writer:
            writer.write_all(return_children(user=user, period=period, notes=notes))
        errors = schema.check_file(temporary)
        if errors:
            raise ExportRefused(NOT_VALID.format(errors="; ".join(errors)))
        with transaction.atomic():
            log_export(
                user=user,
                what=f"CIN census return {period.label}",
                children=pks,
                detail={"period": period.label, "children": writer.children_written,
                        "file": os.path.basename(target)},
            )  # fmt: skip
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return ExportResult(children=writer.children_written, notes=notes)
