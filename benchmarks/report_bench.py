"""Report benchmark: figures, not a timed test.

Builds a synthetic authority the size of the demo (about 2,600 children over six years)
and one 50 times larger, on SQLite and on PostgreSQL, and measures the annual report of
the last full year on each:

- time: the report built (every measure this year and last, the 12-month trend, the
  breakdowns by team and chair, quotes and action plan) and turned into JSON; the first
  run in the process, then the best of three;
- peak memory: the Python heap's peak while building it (``tracemalloc``), and the
  process's peak resident size (``VmHWM``, ``benchmarks.peak``);
- queries: how many the report made (the same for both sizes, or something is wrong);
- page and PDF: the annual report's page and its PDF served through Django to the IRO
  service manager, the first request with nothing cached (``iro.reports.cache``: as after
  a change to the records) and the best of three repeated requests (as every reader after
  the first).

The synthetic data is written straight into the tables with ``bulk_create`` and explicit
keys (fast; no history rows, which a read-only report never touches): children in
teams, episodes, S47s, initial conferences, plans with reviews roughly every three and
six months, participation, disputes, multi-agency challenges, feedback and targets.
Every measurement runs in its own process (one database each). Run from the repository
root:

    .venv/bin/python -m benchmarks [--children 2600] [--scale 50] [--backends sqlite postgres]
        [--year 2025-26] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
for _path in (REPO, SRC):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from benchmarks.peak import peak_rss_kib  # noqa: E402 - after the path above

PG_SERVER = os.environ.get("IRO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DEMO_CHILDREN = 2600
FIRST_REFERRAL = date(2020, 4, 1)
BATCH_CHILDREN = 2000  # write every this many children, so memory stays flat


# --- The synthetic authority --------------------------------------------------------------


class Writer:
    """Collects rows by model and writes them in batches with explicit primary keys."""

    def __init__(self) -> None:
        self.rows: dict[type, list] = {}
        self.counts: dict[str, int] = {}
        self.next_pk: dict[type, int] = {}

    def pk(self, model) -> int:
        self.next_pk[model] = self.next_pk.get(model, 0) + 1
        return self.next_pk[model]

    def add(self, obj) -> None:
        self.rows.setdefault(type(obj), []).append(obj)

    def flush(self, order: list[type]) -> None:
        for model in order:
            objs = self.rows.pop(model, [])
            if objs:
                model.objects.bulk_create(objs, batch_size=2000)
                name = model.__name__
                self.counts[name] = self.counts.get(name, 0) + len(objs)


def generate(children: int, *, seed: int, last_day: date) -> dict:
    """Write a synthetic authority of about ``children`` children referred between
    April 2020 and ``last_day``; return the row counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from iro.challenge.models import (
        Dispute,
        DisputeStage,
        Feedback,
        MultiAgencyChallenge,
        Target,
    )
    from iro.children.models import Child
    from iro.journey.models import (
        Conference,
        ConferenceChild,
        Episode,
        Plan,
        Section47,
    )
    from iro.people.models import Agency, AgencyKind, Role, Team, User

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    writer = Writer()
    unusable = make_password(None)  # nobody signs in as a benchmark chair
    n_teams = max(12, children // 220)
    n_iros = max(10, children // 260)
    with transaction.atomic():
        iros = [
            User(
                pk=i + 1,
                username=f"bench-iro-{i + 1}",
                first_name="Bench",
                last_name=f"Chair {i + 1}",
                role=Role.IRO,
                password=unusable,
            )
            for i in range(n_iros)
        ]
        User.objects.bulk_create(iros)
        teams = [Team(pk=i + 1, name=f"Bench Team {i + 1:03d}") for i in range(n_teams)]
        Team.objects.bulk_create(teams)
        agencies = [
            Agency(pk=i + 1, name=f"Bench Agency {i + 1:02d}", kind=AgencyKind.HEALTH)
            for i in range(18)
        ]
        Agency.objects.bulk_create(agencies)
        writer.counts.update(User=n_iros, Team=n_teams, Agency=18)
        span = (last_day - FIRST_REFERRAL).days
        order = [
            Child,
            Episode,
            Section47,
            Plan,
            Conference,
            ConferenceChild,
            Dispute,
            DisputeStage,
            MultiAgencyChallenge,
            Feedback,
        ]
        for i in range(children):
            _child_journey(writer, rng, i, teams, iros, agencies, span, last_day)
            if (i + 1) % BATCH_CHILDREN == 0:
                writer.flush(order)
        writer.flush(order)
        manager = User.objects.create(
            pk=n_iros + 1, username="bench-manager", role=Role.IRO_MANAGER, password=unusable
        )
        year = f"{last_day.year - 1}-{last_day.year % 100:02d}"
        for measure, value in (("icpc_within_15_working_days", 85), ("child_attended", 30)):
            Target.objects.create(
                year=year, measure=measure, value=value, set_by=manager, set_on=last_day
            )
    return writer.counts


def _child_journey(writer, rng, i, teams, iros, agencies, span, last_day) -> None:
    from iro.challenge.models import (
        Dispute,
        DisputeStage,
        Feedback,
        MultiAgencyChallenge,
    )
    from iro.children.models import Child
    from iro.journey.models import (
        ChildAttendance,
        Conference,
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
        Episode,
        Plan,
        Section47,
    )

    categories = ["NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"]
    child_pk = writer.pk(Child)
    writer.add(
        Child(
            pk=child_pk,
            la_child_id=f"B{child_pk:08d}",
            team=teams[i % len(teams)],
            first_name="Bench",
            last_name=f"Child {child_pk}",
        )
    )
    referral = FIRST_REFERRAL + timedelta(days=rng.randrange(span))
    episode_pk = writer.pk(Episode)
    writer.add(Episode(pk=episode_pk, child_id=child_pk, referral_date=referral))
    s47_start = referral + timedelta(days=rng.randint(0, 5))
    s47_pk = writer.pk(Section47)
    writer.add(Section47(pk=s47_pk, episode_id=episode_pk, start_date=s47_start))
    icpc_on = s47_start + timedelta(days=rng.randint(5, 28))
    if rng.random() > 0.85 or icpc_on > last_day:
        return
    chair = rng.choice(iros)

    def held(kind, on, **row) -> int:
        conference_pk = writer.pk(Conference)
        writer.add(
            Conference(
                pk=conference_pk,
                kind=kind,
                status=ConferenceStatus.HELD,
                held_on=on,
                scheduled_date=on,
                chair=chair,
            )
        )
        attended = rng.random() < 0.25
        writer.add(
            ConferenceChild(
                pk=writer.pk(ConferenceChild),
                conference_id=conference_pk,
                child_id=child_pk,
                attendance=ChildAttendance.IN_PERSON
                if attended
                else ChildAttendance.DID_NOT_ATTEND,
                advocate_involved=rng.random() < 0.22,
                written_views=rng.random() < 0.4,
                pre_meeting_child=rng.random() < 0.7,
                pre_meeting_parents=rng.random() < 0.85,
                **row,
            )
        )
        if rng.random() < 0.01:
            writer.add(
                Feedback(
                    conference_id=conference_pk,
                    respondent="parent",
                    text="Helpful.",
                    received_on=on,
                    consent_to_quote=rng.random() < 0.6,
                    recorded_by=chair,
                )
            )
        return conference_pk

    if rng.random() > 0.8:  # no plan
        held(ConferenceKind.INITIAL, icpc_on, section47_id=s47_pk, decision="no_plan")
        return
    category = rng.choice(categories)
    duration = rng.choice([60, 95, 200, 300, 400, 500, 600, 800, 1000])
    plan_pk = writer.pk(Plan)
    reviews = []
    review = icpc_on + timedelta(days=rng.randint(80, 100))
    end = None
    while review <= last_day:
        reviews.append(review)
        if (review - icpc_on).days >= duration:
            end = review
            break
        review += timedelta(days=rng.randint(165, 195))
    if duration < 90 and icpc_on + timedelta(days=duration) <= last_day:
        end, reviews = icpc_on + timedelta(days=duration), []
    writer.add(
        Plan(
            pk=plan_pk,
            child_id=child_pk,
            episode_id=episode_pk,
            start_date=icpc_on,
            end_date=end,
            end_reason="closed" if end else "",
            initial_category=category,
            latest_category=rng.choice([category, category, rng.choice(categories)]),
            previous_plans=1 if rng.random() < 0.08 else 0,
        )
    )
    held(
        ConferenceKind.INITIAL,
        icpc_on,
        section47_id=s47_pk,
        plan_id=plan_pk,
        decision="plan",
        category=category,
    )
    for on in reviews:
        held(
            ConferenceKind.REVIEW, on, plan_id=plan_pk, decision="end" if on == end else "continue"
        )
    if rng.random() < 0.08:
        raised = icpc_on + timedelta(days=rng.randint(10, 200))
        if raised <= last_day:
            stage = rng.choice([1, 1, 1, 2, 2, 3, 4, 5])
            resolved = raised + timedelta(days=rng.randint(5, 60))
            dispute_pk = writer.pk(Dispute)
            writer.add(
                Dispute(
                    pk=dispute_pk,
                    child_id=child_pk,
                    plan_id=plan_pk,
                    raised_by=chair,
                    raised_on=raised,
                    stage=stage,
                    reason=rng.choice(["assessment", "planning", "practice", "progress"]),
                    resolved_on=resolved if resolved <= last_day else None,
                )
            )
            for s in range(1, stage + 1):
                writer.add(DisputeStage(dispute_id=dispute_pk, stage=s, started_on=raised))
    if rng.random() < 0.02:
        raised = icpc_on + timedelta(days=rng.randint(10, 200))
        if raised <= last_day:
            writer.add(
                MultiAgencyChallenge(
                    child_id=child_pk,
                    agency=rng.choice(agencies),
                    professional="Health visitor",
                    concern="Late report.",
                    raised_by=chair,
                    raised_on=raised,
                )
            )


# --- One measurement, in its own process --------------------------------------------------


def _peak_rss_mib() -> float:
    return peak_rss_kib() / 1024


def worker(backend: str, children: int, year: str, database_url: str | None) -> dict:
    """Set up Django on one fresh database, write the authority, measure the report."""
    var = tempfile.mkdtemp(prefix="iro-bench-")
    os.environ["IRO_VAR_DIR"] = var
    os.environ["IRO_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "iro.settings"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import tracemalloc

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from iro import timescales
    from iro.reports.builders import build_report

    call_command("migrate", verbosity=0)
    period = timescales.parse_period("annual", year)
    started = time.perf_counter()
    counts = generate(children, seed=20260331, last_day=period.last_day)
    generated = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def once() -> float:
        begin = time.perf_counter()
        report = build_report("annual", period)
        json.dumps(report.as_json())
        return time.perf_counter() - begin

    rss_before = _peak_rss_mib()
    with CaptureQueriesContext(connection) as captured:
        first = once()
    queries = len(captured)  # now: the capture reads the log lazily
    best = min(once() for _ in range(3))
    reset_queries()
    tracemalloc.start()
    once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = _page_times(year)
    report = build_report("annual", period)
    connection.close()
    shutil.rmtree(var, ignore_errors=True)  # the SQLite file (empty for PostgreSQL)
    return {
        "backend": backend,
        "children": children,
        "rows": counts,
        "generate_s": round(generated, 1),
        "first_s": round(first, 3),
        "best_s": round(best, 3),
        "heap_peak_mib": round(peak / 2**20, 1),
        "rss_peak_mib": round(_peak_rss_mib(), 1),
        "rss_before_mib": round(rss_before, 1),
        "queries": queries,
        **pages,
        "children_on_plan_during_year": report.measures["children_on_plan_during_period"],
        "icpc_percent": report.as_json()["measures"]["icpc_within_15_working_days"]["percent"],
    }


def _page_times(year: str) -> dict:
    """The report page and its PDF as the IRO service manager downloads them (through
    the whole Django stack, sign-in and access log included): the first request after
    the records changed (nothing cached: measures built, charts drawn, PDF laid out),
    then the best of three repeated requests (served from the reports' cache)."""
    from django.core.cache import caches
    from django.test import Client
    from django.test.utils import override_settings

    from iro.people.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench-manager"))
    times = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for name, url in (
            ("page", f"/reports/annual/{year}/"),
            ("pdf", f"/reports/annual/{year}.pdf"),
        ):
            caches["reports"].clear()

            def get(url=url) -> float:
                begin = time.perf_counter()
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return time.perf_counter() - begin

            times[f"{name}_cold_s"] = round(get(), 3)
            times[f"{name}_s"] = round(min(get() for _ in range(3)), 3)
    return times


# --- The driver ---------------------------------------------------------------------------


def _pg_database(name: str, *, create: bool) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def _run(backend: str, children: int, year: str, database_url: str | None) -> dict:
    args = [
        sys.executable,
        "-m",
        "benchmarks.report_bench",
        "--worker",
        backend,
        "--children",
        str(children),
        "--year",
        year,
    ]
    if database_url:
        args += ["--database-url", database_url]
    done = subprocess.run(  # noqa: S603 - our own module, our own arguments
        args, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark worker failed ({backend}, {children}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # any failure means "not reachable" here
        return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=DEMO_CHILDREN)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--year", default="2025-26")
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.children, args.year, args.database_url)))
        return

    sizes = [("demo", args.children), (f"{args.scale}x", args.children * args.scale)]
    results = []
    for backend in args.backends:
        if backend == "postgres" and not _postgres_reachable():
            print(f"PostgreSQL is not reachable at {PG_SERVER}: skipped")
            continue
        for label, children in sizes:
            url = None
            name = f"iro_bench_{label}_{os.getpid()}"  # two runs at once never share one
            if backend == "postgres":
                url = _pg_database(name, create=True)
            print(f"{backend:8} {label:5} {children:>8,} children ...", end=" ", flush=True)
            try:
                result = _run(backend, children, args.year, url)
            finally:
                if backend == "postgres" and not args.keep:
                    _pg_database(name, create=False)
            result["size"] = label
            results.append(result)
            print(
                f"built in {result['generate_s']} s; report {result['best_s']} s, "
                f"page {result['page_s']} s, PDF {result['pdf_s']} s"
            )
    _print(results, args.year)


def _print(results: list[dict], year: str) -> None:
    print()
    print(f"Annual report {year}: the year beside the year before, trend, breakdowns, sections")
    print(
        "JSON: the report built and serialised (first run, best of three; no cache). "
        "Page, PDF: served by Django, cold (nothing cached) and cached (best of three)."
    )
    header = (
        f"{'backend':8} {'size':5} {'children':>9} {'plans':>8} {'conf rows':>10} "
        f"{'first s':>8} {'best s':>7} {'heap MiB':>9} {'RSS MiB':>8} {'queries':>8} "
        f"{'page cold':>9} {'page':>6} {'PDF cold':>8} {'PDF':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        rows = r["rows"]
        print(
            f"{r['backend']:8} {r['size']:5} {r['children']:>9,} {rows.get('Plan', 0):>8,} "
            f"{rows.get('ConferenceChild', 0):>10,} {r['first_s']:>8.3f} {r['best_s']:>7.3f} "
            f"{r['heap_peak_mib']:>9.1f} {r['rss_peak_mib']:>8.1f} {r['queries']:>8} "
            f"{r['page_cold_s']:>9.3f} {r['page_s']:>6.3f} {r['pdf_cold_s']:>8.3f} "
            f"{r['pdf_s']:>6.3f}"
        )
    print()
    for backend in {r["backend"] for r in results}:
        pair = [r for r in results if r["backend"] == backend]
        if len(pair) != 2:
            continue
        small, large = pair
        data = large["rows"].get("ConferenceChild", 1) / max(
            small["rows"].get("ConferenceChild", 1), 1
        )
        print(
            f"{backend}: data x{data:.1f}, time x{large['best_s'] / small['best_s']:.1f}, "
            f"heap x{large['heap_peak_mib'] / max(small['heap_peak_mib'], 0.1):.1f}, "
            f"queries {small['queries']} and {large['queries']}; "
            f"demo report {small['best_s']:.2f} s; demo page {small['page_s']:.2f} s "
            f"(goal: under 1 s), PDF {small['pdf_s']:.2f} s (goal: under 2 s)"
        )


if __name__ == "__main__":
    main()
