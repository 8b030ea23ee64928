"""Synthetic census files: invented children for tests and benchmarks.

``synthetic_children`` yields reader records for a census year that obey every rule in
``iro.census.rules`` (so a clean file gives no findings), and ``write_synthetic_file``
writes them. ``messy=True`` breaks about one child in ten in a known way, for tests of
findings and benchmarks that look like real files. Nothing here is a real person.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Iterator
from datetime import date, timedelta

from iro import timescales
from iro.census import codes
from iro.census.reader import (
    Assessment,
    Child,
    CinPlan,
    Episode,
    Header,
    ProtectionPlan,
    Section47,
)
from iro.census.rules import upn_check_letter
from iro.census.writer import CensusWriter

_CATEGORIES = sorted(codes.CATEGORIES)
_SOURCES = sorted(codes.REFERRAL_SOURCES)
_NEEDS = sorted(codes.PRIMARY_NEEDS - {"N0"})
_ETHNICITIES = sorted(codes.ETHNICITIES)
_DISABILITIES = sorted(codes.DISABILITIES - {"NONE"})
_FACTORS = ("1B", "2B", "3A", "4B", "6A", "8B", "9A", "10A", "14A", "18B", "19C", "22A")


def _working_day_on_or_after(d: date) -> date:
    while not timescales.is_working_day(d):
        d += timedelta(days=1)
    return d


def _reviews(start: date, until: date) -> list[date]:
    """Review dates on time from `start` up to `until`, each on a working day."""
    out = []
    due = timescales.first_review_due(start)
    while True:
        review = _working_day_on_or_after(due - timedelta(days=7))
        if review > until:
            return out
        out.append(review)
        due = timescales.next_review_due(review)


def _one_child(rng: random.Random, n: int, year: timescales.Period) -> Child:
    first, last = year.first_day, year.last_day
    sex = rng.choice("MFU")
    if sex == "U" and n % 100:
        sex = "MF"[n % 2]  # sex not recorded for 1 child in 100 (2886Q asks about 2%)
    child = Child(
        la_child_id=f"SYN{n:07d}",
        date_of_birth=last - timedelta(days=rng.randint(200, 17 * 365)),
        sex=sex,
        ethnicity=rng.choice(_ETHNICITIES),
        disabilities=rng.sample(_DISABILITIES, k=rng.choice((0, 0, 0, 1, 2))) or ["NONE"],
    )
    if rng.random() < 0.5:
        digits = f"{rng.randrange(10**10, 10**11)}{rng.randrange(10)}"
        body = f"{201 + n % 13}{digits[3:]}"  # an LA code (201-213), then nine digits
        child.upn = upn_check_letter(f"?{body}") + body
    else:
        child.upn_unknown = "UN4"
    kind = rng.random()
    referral = first + timedelta(days=rng.randint(0, 300))
    ep = Episode(
        referral_date=referral,
        referral_source=rng.choice(_SOURCES),
        primary_need=rng.choice(_NEEDS),
        referral_nfa=False,
    )
    child.episodes.append(ep)
    if kind < 0.35:
        # Child in need only; half closed within the year.
        if rng.random() < 0.5:
            ep.closure_date = min(referral + timedelta(days=rng.randint(10, 120)), last)
            ep.closure_reason = rng.choice(("RC7", "RC8", "RC9"))
        if rng.random() < 0.3 and ep.closure_reason not in ("RC8", "RC9"):  # rule 2990
            ep.cin_plans.append(
                CinPlan(start_date=referral + timedelta(days=5), end_date=ep.closure_date)
            )
        return child
    if kind < 0.80:
        # A Section 47 in the year, an ICPC within the year and, mostly, a plan from it.
        s47_start = _working_day_on_or_after(referral + timedelta(days=rng.randint(0, 10)))
        target = timescales.icpc_due(s47_start)
        icpc = _working_day_on_or_after(
            timescales.add_working_days(s47_start, rng.choice((8, 12, 14, 15, 18)))
        )
        if icpc > last:
            # Too late in the year for an ICPC: an open enquiry started recently instead.
            s47_start = _working_day_on_or_after(last - timedelta(days=14))
            if s47_start > last or s47_start < referral:
                return child
            ep.section47s.append(
                Section47(start_date=s47_start, icpc_target=timescales.icpc_due(s47_start))
            )
            ep.section47s[-1].icpc_not_required = False
            return child
        ep.section47s.append(
            Section47(
                start_date=s47_start,
                icpc_target=target,
                icpc_date=icpc,
                icpc_not_required=False,
            )
        )
        if rng.random() < 0.75:
            end = None
            if rng.random() < 0.4:
                end = icpc + timedelta(days=rng.randint(60, 330))
                end = end if end <= last else None
            category = rng.choice(_CATEGORIES)
            ep.plans.append(
                ProtectionPlan(
                    start_date=icpc,
                    end_date=end,
                    initial_category=category,
                    latest_category=category if rng.random() < 0.8 else rng.choice(_CATEGORIES),
                    previous_plans=rng.choice((0, 0, 0, 1, 2)),
                    review_dates=_reviews(icpc, end or last),
                )
            )
            if end is not None and rng.random() < 0.5:
                ep.closure_date = end
                ep.closure_reason = "RC7"
        else:
            ep.closure_date = min(icpc + timedelta(days=1), last)
            ep.closure_reason = "RC7"  # RC8 and RC9 allow no Section 47 (rule 2990)
        return child
    if kind < 0.90:
        # An enquiry that found no need for a conference; the episode closed.
        s47_start = _working_day_on_or_after(referral + timedelta(days=2))
        ep.section47s.append(
            Section47(
                start_date=s47_start,
                icpc_target=timescales.icpc_due(s47_start),
                icpc_not_required=True,
            )
        )
        ep.closure_date = min(s47_start + timedelta(days=20), last)
        ep.closure_reason = "RC7"
        return child
    # A plan that began before the year and is still running (or ends in it).
    start = _working_day_on_or_after(first - timedelta(days=rng.randint(30, 500)))
    ep.referral_date = start - timedelta(days=rng.randint(15, 40))
    end = None
    if rng.random() < 0.5:
        end = first + timedelta(days=rng.randint(0, 300))
    category = rng.choice(_CATEGORIES)
    ep.plans.append(
        ProtectionPlan(
            start_date=start,
            end_date=end,
            initial_category=category,
            latest_category=rng.choice(_CATEGORIES),
            previous_plans=rng.choice((0, 1)),
            review_dates=_reviews(start, end or last),
        )
    )
    return child


def _break(rng: random.Random, child: Child, year: timescales.Period) -> None:
    """Break one rule on purpose (a messy file)."""
    ep = child.episodes[0]
    choice = rng.randrange(6)
    if choice == 0 and ep.plans:
        ep.plans[0].initial_category = "XXX"  # 8905
    elif choice == 1 and ep.plans:
        ep.plans[0].review_dates.append(ep.plans[0].start_date)  # 8841
    elif choice == 2 and ep.section47s:
        ep.section47s[0].icpc_date = ep.section47s[0].start_date - timedelta(days=3)  # 8615
    elif choice == 3 and ep.referral_date:
        ep.plans.append(
            ProtectionPlan(
                start_date=ep.referral_date - timedelta(days=10),  # 1105
                initial_category="NEG",
                latest_category="NEG",
                previous_plans=0,
            )
        )
    elif choice == 4:
        child.la_child_id = f"{child.la_child_id[:-1]}0"  # a likely duplicate ID
    else:
        ep.referral_nfa = None


def _born_before_the_work(child: Child) -> None:
    """A child is born before the work about them (the services refuse an event more
    than a pregnancy before the birth): a child drawn too young is born a month before
    the first referral. Takes nothing from the random stream, so seeds keep their data."""
    first = min((ep.referral_date for ep in child.episodes if ep.referral_date), default=None)
    if first is not None and child.date_of_birth and child.date_of_birth > first:
        child.date_of_birth = first - timedelta(days=30)


def _assessed(child: Child, n: int, year: timescales.Period) -> None:
    """Each episode referred in the year has its assessment, started on the referral day
    and authorised ten days later (or by the closure or the year's end), with a factor.
    Takes nothing from the random stream, so seeds keep their data."""
    for ep in child.episodes:
        referral = ep.referral_date
        if referral is None or referral < year.first_day or ep.referral_nfa is not False:
            continue
        done = min(referral + timedelta(days=10), ep.closure_date or year.last_day, year.last_day)
        ep.assessments.append(
            Assessment(
                start_date=referral, authorisation_date=done, factors=[_FACTORS[n % len(_FACTORS)]]
            )
        )


def synthetic_children(
    count: int, *, year: str = "2023-24", seed: int = 1, messy: bool = False
) -> Iterator[Child]:
    """`count` invented children for the census year `year` (e.g. "2023-24")."""
    period = timescales.parse_period(timescales.ANNUAL, year)
    rng = random.Random(seed)  # noqa: S311 - invented test data, not secrets
    for n in range(1, count + 1):
        child = _one_child(rng, n, period)
        _born_before_the_work(child)
        _assessed(child, n, period)
        if messy and rng.random() < 0.1:
            _break(rng, child, period)
        yield child


def synthetic_header(year: str = "2023-24") -> Header:
    period = timescales.parse_period(timescales.ANNUAL, year)
    return Header(
        collection="CIN",
        year=period.last_day.year,
        reference_date=period.last_day,
        lea="999",
        software_code="iro-synthetic",
        release="1",
        serial_no="001",
        date_time=f"{period.last_day.isoformat()}T12:00:00",
    )


def write_synthetic_file(
    path: str | os.PathLike,
    count: int,
    *,
    year: str = "2023-24",
    seed: int = 1,
    messy: bool = False,
) -> None:
    """Write a census file of `count` invented children."""
    with CensusWriter(path, synthetic_header(year)) as writer:
        writer.write_all(synthetic_children(count, year=year, seed=seed, messy=messy))


# --- Several years of child protection journeys, one return per child -------------------

# Of the initial conferences, the share that start a plan (England: about four in five).
PLAN_AFTER_ICPC = 0.8
# Enquiries that find no need for a conference, for each one that leads to an ICPC.
S47_WITHOUT_ICPC = 0.3
# How long a plan lasts, in days (triangular: shortest, longest, most likely). The mean,
# about 11 months, sets how many are on a plan for a given flow (England: about 50,000
# children on a plan and 70,000 ICPCs a year).
PLAN_DAYS = (60, 760, 160)
MEAN_PLAN_YEARS = sum(PLAN_DAYS) / 3 / 365.25
# Journeys start this long before the first year, so that it opens with plans under way.
WARM_UP_DAYS = PLAN_DAYS[1] + 60


# Dates a journey draws again and again, worked out once (a run draws hundreds of
# thousands of journeys over a few thousand days).
_due = functools.lru_cache(maxsize=None)(timescales.icpc_due)
_plus_working_days = functools.lru_cache(maxsize=None)(timescales.add_working_days)
_on_or_after = functools.lru_cache(maxsize=None)(_working_day_on_or_after)


@functools.lru_cache(maxsize=8192)
def _review_run(start: date) -> tuple[date, ...]:
    return tuple(_reviews(start, start + timedelta(days=PLAN_DAYS[1] + 30)))


def _reviews_until(start: date, until: date) -> list[date]:
    return [day for day in _review_run(start) if day <= until]


def _year_end(d: date) -> date:
    """The 31 March that ends the census year of ``d``."""
    return date(d.year if d.month <= 3 else d.year + 1, 3, 31)


def icpcs_for(on_plan: int) -> int:
    """The ICPCs a year that keep about ``on_plan`` children on a plan at any time."""
    return round(on_plan / (PLAN_AFTER_ICPC * MEAN_PLAN_YEARS))


def _journey(
    rng: random.Random, la_child_id: str, referral: date, last: date
) -> tuple[Child, date | None]:
    """One child's journey from a referral: an enquiry and, mostly, an ICPC and a plan
    with its reviews up to its end or ``last``; and the day the episode closed (None:
    open on ``last``). Every date is a working day no later than ``last``; the episode
    closes in the census year its plan ended (rule 8930 asks the end in the year)."""
    s47_start = _on_or_after(referral + timedelta(days=rng.randint(0, 10)))
    child = Child(
        la_child_id=la_child_id,
        date_of_birth=referral - timedelta(days=rng.randint(30, 16 * 365)),
        sex=rng.choice("MF"),
        ethnicity=rng.choice(_ETHNICITIES),
        disabilities=rng.sample(_DISABILITIES, k=rng.choice((0, 0, 0, 1, 2))) or ["NONE"],
        upn_unknown="UN4",
    )
    ep = Episode(
        referral_date=referral,
        referral_source=rng.choice(_SOURCES),
        primary_need=rng.choice(_NEEDS),
        referral_nfa=False,
    )
    child.episodes.append(ep)
    # Every episode has its assessment, from the referral (rule 2991Q).
    authorised = referral + timedelta(days=10)
    factor = rng.choice(_FACTORS)
    ep.assessments.append(
        Assessment(start_date=referral, authorisation_date=authorised, factors=[factor])
        if authorised <= last
        else Assessment(start_date=referral)  # factors once authorised (rule 8614)
    )
    if s47_start > last:
        return child, None
    icpc = _on_or_after(_plus_working_days(s47_start, rng.choice((8, 12, 14, 15, 15, 18))))
    if icpc > last:  # an enquiry under way (its ICPC not yet due: rule 8675Q)
        if _due(s47_start) >= last:
            ep.section47s.append(
                Section47(
                    start_date=s47_start, icpc_target=_due(s47_start), icpc_not_required=False
                )
            )
        return child, None
    if rng.random() < S47_WITHOUT_ICPC / (1 + S47_WITHOUT_ICPC):
        ep.section47s.append(
            Section47(
                start_date=s47_start,
                icpc_target=_due(s47_start),
                icpc_not_required=True,
            )
        )
        closed = _on_or_after(s47_start + timedelta(days=rng.randint(15, 40)))
    else:
        ep.section47s.append(
            Section47(
                start_date=s47_start,
                icpc_target=_due(s47_start),
                icpc_date=icpc,
                icpc_not_required=False,
            )
        )
        if rng.random() < PLAN_AFTER_ICPC:
            end = _on_or_after(icpc + timedelta(days=round(rng.triangular(*PLAN_DAYS))))
            end = end if end <= last else None
            category = rng.choice(_CATEGORIES)
            ep.plans.append(
                ProtectionPlan(
                    start_date=icpc,
                    end_date=end,
                    initial_category=category,
                    latest_category=category if rng.random() < 0.85 else rng.choice(_CATEGORIES),
                    previous_plans=rng.choice((0, 0, 0, 0, 1)),
                    review_dates=_reviews_until(icpc, end - timedelta(days=1) if end else last),
                )
            )
            closed = None
            if end is not None:
                closed = min(end + timedelta(days=rng.randint(0, 60)), _year_end(end))
        else:
            closed = _on_or_after(icpc + timedelta(days=rng.randint(1, 30)))
    if closed is not None and closed <= last:
        ep.closure_date = closed
        ep.closure_reason = "RC7"
    else:
        closed = None
    return child, closed


def synthetic_returns(
    *,
    authorities: dict[str, float],
    years: list[timescales.Period],
    on_plan: int,
    seed: int = 1,
) -> dict[str, list[Child]]:
    """Several years of child protection journeys in ``authorities`` (each one's prefix of
    LAchildIDs and share of the work), as the census returns of ``years`` (labels to
    records, in order). About ``on_plan`` children are on a plan at any time (``icpcs_for``
    gives the ICPCs a year): referral, enquiry, ICPC (or none needed), plan, reviews at
    three then every six months, end, closure.

    Each child is in the return of ONE year: the year its episode closed, or the last
    year while it is open. So a file's children are all new to the records when the
    returns are imported in order (the bulk import's fast path), and the records hold
    every event. What a return of one year holds of earlier years (a plan's start, its
    reviews) is as the DfE asks, but for an ICPC or an assessment completed in an
    earlier year (rules 8715 and 8696: a real return leaves them out; the records need
    them)."""
    rng = random.Random(f"{seed}:journeys")  # noqa: S311 - invented data, not secrets
    first, last = years[0].first_day, years[-1].last_day
    start = first - timedelta(days=WARM_UP_DAYS)
    days = (last - start).days + 1
    total = sum(authorities.values())
    returns: dict[str, list[Child]] = {p.label: [] for p in years}
    by_end = {p.whole.last_day: p.label for p in years}  # a year to date ends 31 March too
    for prefix, share in authorities.items():
        journeys = icpcs_for(on_plan * share / total) * (1 + S47_WITHOUT_ICPC)
        count = round(journeys * days / 365.25)
        referrals = sorted(start + timedelta(days=rng.randrange(days)) for _ in range(count))
        for n, referral in enumerate(referrals, start=1):
            child, closed = _journey(rng, f"{prefix}{n:07d}", _on_or_after(referral), last)
            if closed is not None and closed < first:
                continue  # over before the years shown: in no return
            _born_before_the_work(child)
            returns[by_end[_year_end(closed or last)]].append(child)
    return returns
