"""``iro demo --dataset regional|national``: data at scale, through the census import.

The demo's staff and logins (``staff.create_staff``: its authority, Northmoor, is the
first) and, for every other authority, its teams and a pool of IROs sized to its
caseload; then several years of child protection journeys in all of them
(``census.synthetic.synthetic_returns``), written as one census return a year and
loaded with the bulk import (``census.importer.import_file``) by the demo's analyst,
each child given a team and a chair of its authority (``DatasetAllocation``). Every
child is in one return only, so every file's children are new to the records and go
through the import's fast path, under the services' own rules. Last, demo-iro's open
plans get their outcomes and actions through the plan services, as the demo's do.

An authority is a group of teams and IROs (iro serves one council: nothing else in the
records says which authority a child belongs to but its team and its chair).
"""

from __future__ import annotations

import math
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from iro import timescales
from iro.census import reader
from iro.census.importer import ImportSummary, import_file
from iro.census.synthetic import synthetic_header, synthetic_returns
from iro.census.writer import CensusWriter
from iro.children.models import Child
from iro.demo import names, phrases
from iro.demo.history import deferred_history
from iro.demo.staff import (
    People,
    Staff,
    create_authority_staff,
    create_closure_days,
    create_staff,
)
from iro.journey import plan_services
from iro.journey.models import Conference, ConferenceChild, ConferenceKind, ConferenceStatus, Plan
from iro.people.models import Team, User
from iro.reports.cache import bump


@dataclass(frozen=True)
class Dataset:
    """A dataset's size: its authorities, children on a plan at the last 31 March (about)
    and years of history."""

    name: str
    authorities: int
    on_plan: int
    years: int
    # How much authorities differ in size (the spread of a log-normal draw).
    spread: float


DATASETS = {
    "regional": Dataset("regional", authorities=10, on_plan=5_000, years=10, spread=0.35),
    # England's 153 local authorities, of very different sizes.
    "national": Dataset("national", authorities=150, on_plan=50_000, years=5, spread=0.6),
}
BAD_DATASET = "--dataset {value!r} is not a dataset: choose {choices}"
CASELOAD = 65  # children an IRO chairs for (roughly 50 to 80)
TEAM_CASELOAD = 120  # children on a plan per social work team
PLAN_CONTENT_FOR = 40  # demo-iro's open plans given outcomes and actions (at most)
DATASET_SEED = 2026


@dataclass
class Authority:
    """One authority's prefix of LAchildIDs, its teams and its IROs."""

    prefix: str
    name: str
    share: float
    teams: list[Team]
    chairs: list[User]


@dataclass
class DatasetSummary:
    dataset: str
    authorities: int
    staff: int
    teams: int
    children: int
    # (year, ICPCs held, children on a plan at 31 March or, the year to date, on to_date)
    years: list[tuple[str, int, int]]
    planned: dict[str, tuple[int, int]]  # the generator's: year -> (ICPCs, on a plan)
    in_bulk: int
    one_by_one: int
    skipped: int
    plans_with_content: int
    seconds: dict[str, float] = field(default_factory=dict)
    to_date: date | None = None  # the last day of the year to date, the last of ``years``


class DatasetAllocation:
    """The census import's ``Allocation``: a child's authority from its LAchildID's
    prefix; its team and chair from its number (the same child, the same team and IRO)."""

    def __init__(self, authorities: list[Authority]) -> None:
        self.by_prefix = {a.prefix: a for a in authorities}
        self.width = len(authorities[0].prefix)

    def _pick(self, record: reader.Child, pool: str):
        authority = self.by_prefix[record.la_child_id[: self.width]]
        n = int(record.la_child_id[self.width :])
        options = getattr(authority, pool)
        return options[(n if pool == "teams" else n // 7) % len(options)]

    def team_for(self, record: reader.Child) -> Team:
        return self._pick(record, "teams")

    def chair_for(self, record: reader.Child) -> User:
        return self._pick(record, "chairs")


def census_years(today: date, count: int) -> list[timescales.Period]:
    """The ``count`` census years ending on the last 31 March up to ``today``."""
    end = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
    return [
        timescales.parse_period(timescales.ANNUAL, f"{year - 1}-{year % 100:02d}")
        for year in range(end - count + 1, end + 1)
    ]


def year_to_date(today: date) -> list[timescales.Period]:
    """The census year under way on ``today``, to ``today`` (none on a 31 March, when the
    year just ended is whole): its return holds the journeys still open, with their
    reviews up to ``today``, as a live service's records do. Without it every plan open
    at the last 31 March would have had no review since, and every one be overdue."""
    year = timescales.period_containing(timescales.ANNUAL, today)
    return [] if today >= year.last_day else [year.as_at(today)]


def _authority_names(rng: random.Random, count: int) -> list[str]:
    taken = {names.COUNCIL}
    out = [names.COUNCIL]
    while len(out) < count:
        name = rng.choice(names.SURNAME_STARTS) + rng.choice(names.SURNAME_ENDS)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def create_authorities(
    rng: random.Random, staff: Staff, dataset: Dataset, on_plan: int
) -> list[Authority]:
    """The demo's own authority (its teams and IROs) and the others, each with teams and
    IROs for its share of ``on_plan``."""
    shares = [rng.lognormvariate(0, dataset.spread) for _ in range(dataset.authorities)]
    total = sum(shares)
    authorities = []
    people = People(rng, demo_hash="")
    for i, (name, share) in enumerate(
        zip(_authority_names(rng, dataset.authorities), shares, strict=True)
    ):
        prefix = f"A{i:03d}"
        caseload = on_plan * share / total
        iros = max(1, math.ceil(caseload / CASELOAD))
        if i == 0:
            # demo-iro (first) and as many of the demo's IROs as the caseload needs.
            chairs = staff.chairs[: min(iros, len(staff.chairs) - 1)]
            authorities.append(Authority(prefix, name, share, staff.teams, chairs))
            continue
        teams, chairs = create_authority_staff(
            people, name, iros=iros, teams=max(1, math.ceil(caseload / TEAM_CASELOAD))
        )
        authorities.append(Authority(prefix, name, share, teams, chairs))
    staff.everyone.extend(people.made)
    return authorities


def planned_figures(
    returns: dict[str, list[reader.Child]], years: list[timescales.Period]
) -> dict[str, tuple[int, int]]:
    """What the generated returns hold: each year's ICPCs and children on a plan at its
    31 March (metrics.md's definitions, counted from the records of the files)."""
    icpcs = dict.fromkeys((p.label for p in years), 0)
    on_plan = dict.fromkeys((p.label for p in years), 0)
    for records in returns.values():
        for child in records:
            for ep in child.episodes:
                for s in ep.section47s:
                    if s.icpc_date is not None:
                        for p in years:
                            if p.first_day <= s.icpc_date <= p.last_day:
                                icpcs[p.label] += 1
                for plan in ep.plans:
                    for p in years:
                        end = p.last_day
                        if plan.start_date <= end and (
                            plan.end_date is None or plan.end_date > end
                        ):
                            on_plan[p.label] += 1
    return {label: (icpcs[label], on_plan[label]) for label in icpcs}


def recorded_figures(years: list[timescales.Period]) -> list[tuple[str, int, int]]:
    """Each year's ICPCs held and children on a plan at its 31 March, from the records."""
    out = []
    for p in years:
        held = Conference.objects.filter(
            kind=ConferenceKind.INITIAL,
            status=ConferenceStatus.HELD,
            held_on__range=(p.first_day, p.last_day),
        ).count()
        at_end = (
            Plan.objects.filter(start_date__lte=p.last_day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=p.last_day))
            .values("child")
            .distinct()
            .count()
        )
        out.append((p.label, held, at_end))
    return out


def give_plans_content(
    chair: User, *, seed: int, as_of: date, limit: int = PLAN_CONTENT_FOR
) -> int:
    """Outcomes and actions (due after ``as_of``) on at most ``limit`` of ``chair``'s open
    plans, recorded by the chair through the plan services; how many plans."""
    rng = random.Random(f"{seed}:content")  # invented data, not secrets
    chaired = ConferenceChild.objects.filter(conference__chair=chair).values("plan")
    plans = list(
        Plan.objects.filter(end_date__isnull=True, pk__in=chaired).order_by("start_date", "pk")[
            :limit
        ]
    )
    for plan in plans:
        texts = phrases.PLAN_OUTCOMES.get(plan.latest_category, phrases.PLAN_OUTCOMES["MUL"])
        outcomes = [
            plan_services.add_outcome(plan=plan, text=_about_the_child(text), acting_user=chair)
            for text in rng.sample(texts, k=min(2, len(texts)))
        ]
        for what, _who in rng.sample(phrases.PLAN_ACTIONS, k=3):
            plan_services.add_action(
                plan=plan,
                what=_about_the_child(what),
                who="The social worker",
                by_when=as_of + timedelta(days=rng.randint(14, 120)),
                outcome=rng.choice(outcomes),
                acting_user=chair,
            )
    return len(plans)


def _about_the_child(text: str) -> str:
    """A phrase written about a named child, about "the child" (census files name none)."""
    text = text.replace("{name}'s", "the child's").replace("{name}", "the child")
    return text[0].upper() + text[1:]


def _write_returns(
    returns: dict[str, list[reader.Child]], years: list[timescales.Period], folder: Path
) -> list[Path]:
    paths = []
    for period in years:
        path = folder / f"cin-{period.label}.xml"
        with CensusWriter(path, synthetic_header(period.label)) as writer:
            writer.write_all(returns[period.label])
        paths.append(path)
    return paths


def build_dataset(
    dataset: Dataset,
    *,
    seed: int,
    today: date,
    size: float = 1.0,
    say: Callable[[str], None] = lambda line: None,
) -> DatasetSummary:
    """Build ``dataset`` (``size`` times its caseload: the tests' small variant) in an
    empty database, saying what it does as it goes."""
    clock = time.monotonic()
    seconds: dict[str, float] = {}
    on_plan = max(1, round(dataset.on_plan * size))
    years = census_years(today, dataset.years) + year_to_date(today)
    with transaction.atomic(), deferred_history():
        staff = create_staff(random.Random(f"{seed}:staff"), demo_password=settings.DEMO_PASSWORD)
        create_closure_days(years[0].first_day.year - 3, today.year + 1)
        authorities = create_authorities(random.Random(f"{seed}:areas"), staff, dataset, on_plan)
    seconds["staff"] = time.monotonic() - clock
    say(
        f"  {len(staff.everyone)} staff in {len(authorities)} authorities "
        f"({seconds['staff']:.0f} s); generating {len(years)} years of returns..."
    )
    clock = time.monotonic()
    returns = synthetic_returns(
        authorities={a.prefix: a.share for a in authorities},
        years=years,
        on_plan=on_plan,
        seed=seed,
    )
    planned = planned_figures(returns, years)
    folder = Path(tempfile.mkdtemp(prefix="iro-dataset-"))
    try:
        paths = _write_returns(returns, years, folder)
        del returns
        seconds["generate"] = time.monotonic() - clock
        say(f"  returns written ({seconds['generate']:.0f} s); importing...")
        clock = time.monotonic()
        importer = staff.demo["demo-analyst"]
        allocation = DatasetAllocation(authorities)
        added = skipped = in_bulk = 0
        for path in paths:
            started = time.monotonic()
            summary: ImportSummary = import_file(path, acting_user=importer, allocate=allocation)
            added += summary.added["children"]
            in_bulk += summary.in_bulk
            skipped += len(summary.skipped)
            say(
                f"  {path.stem}: {summary.children_read} children imported "
                f"({len(summary.skipped)} skipped) in {time.monotonic() - started:.0f} s"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds["import"] = time.monotonic() - clock
    clock = time.monotonic()
    with transaction.atomic():
        content = give_plans_content(
            staff.demo["demo-iro"], seed=seed, as_of=max(today, years[-1].last_day)
        )
        bump()  # the bulk writes sent no save signals (they say so themselves; once more)
    seconds["content"] = time.monotonic() - clock
    children = Child.objects.count()
    return DatasetSummary(
        dataset=dataset.name,
        authorities=len(authorities),
        staff=len(staff.everyone),
        teams=sum(len(a.teams) for a in authorities),
        children=children,
        years=recorded_figures(years),
        planned=planned,
        in_bulk=in_bulk,
        one_by_one=added - in_bulk,
        skipped=skipped,
        plans_with_content=content,
        seconds=seconds,
        to_date=years[-1].last_day if years[-1].provisional else None,
    )
