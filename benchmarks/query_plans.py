"""Query plans of the list pages and reports: figures, not a timed test.

Opens every list page and report of a PostgreSQL database (a regional or national
dataset, ``iro demo --dataset``, or the demo) through Django as the users who read them,
captures each page's SQL and runs ``EXPLAIN (ANALYZE, FORMAT JSON)`` on every SELECT. It
prints, for each page, its answer, its number of queries, the database time of its
queries as PostgreSQL measured them, the slowest query, and every sequential scan of a
table of more than ``--big`` rows (by ``pg_class.reltuples``): the reads that grow with
the records. Reports are built from nothing (the report cache cleared) so their queries
are the ones measured. Only SELECTs are explained (``ANALYZE`` runs them); the pages are
only read, with GET.

Run from the repository root, on the loopback only:

    .venv/bin/python -m benchmarks plans --database-url postgres://postgres@127.0.0.1:5432/DB
        [--iro demo-iro] [--manager demo-manager] [--big 20000] [--show-scans]
        [--only "bookings" "annual report"]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from benchmarks.load_bench import last_full_periods, require_loopback  # noqa: E402

BIG_ROWS = 20_000


@dataclass
class PageFigures:
    """What one page cost the database."""

    label: str
    path: str
    status: int = 0
    seconds: float = 0.0
    queries: int = 0
    database_ms: float = 0.0
    slowest_ms: float = 0.0
    slowest_sql: str = ""
    big_scans: dict[str, int] = field(default_factory=dict)  # table: times scanned


def pages(iro: str, manager: str) -> list[tuple[str, str, str]]:
    """(label, user, path) of the list pages and reports, filled from the database."""
    from iro.children.models import Child
    from iro.people.models import Team

    month, year = last_full_periods(date.today())
    first_year = int(year[:4])
    quarter = f"{first_year}-{(first_year + 1) % 100:02d}-Q4"
    team = Team.objects.order_by("pk").values_list("pk", flat=True).first() or ""
    child = (
        Child.objects.filter(restricted=False, plans__end_date__isnull=True)
        .order_by("pk")
        .values_list("public_id", "la_child_id")
        .first()
    )
    measure = "review_conferences_in_timescale"  # a drill-down that reads the most
    found = [
        ("home", iro, "/"),
        ("my work (IRO)", iro, "/my-work/"),
        ("messages", iro, "/messages/"),
        ("caseload, all", manager, "/children/"),
        ("caseload, a team on a plan", manager, f"/children/?team={team}&on_plan=yes"),
        ("disputes", manager, "/disputes/"),
        ("disputes waiting", manager, "/disputes/waiting"),
        ("challenges", manager, "/challenges/"),
        ("quotes", manager, "/quotes/"),
        ("service work", manager, "/work/service/"),
        ("bookings work", manager, "/work/bookings/"),
        ("team work", manager, "/work/team/"),
        ("challenge work", manager, "/work/challenges/"),
        ("service figures", manager, "/work/figures/"),
        ("census imports", manager, "/census/imports/"),
        ("reports", manager, "/reports/"),
        ("monthly report", manager, f"/reports/monthly/{month}/"),
        ("quarterly report", manager, f"/reports/quarterly/{quarter}/"),
        ("annual report", manager, f"/reports/annual/{year}/"),
        ("annual report's children", manager, f"/reports/annual/{year}/{measure}/"),
    ]
    if child is not None:
        public_id, la_child_id = child
        found += [
            ("search by LA child ID", manager, f"/children/search/?q={la_child_id}"),
            ("search by a name's start", manager, "/children/search/?q=Al"),
            ("a child's journey", manager, f"/children/{public_id}/"),
        ]
    return found


def _big_tables(big: int) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > %s",
            [big],
        )
        return dict(cursor.fetchall())


def _walk(node: dict, big: dict[str, int], scans: dict[str, int]) -> None:
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in big:
        scans[node["Relation Name"]] = scans.get(node["Relation Name"], 0) + 1
    for child in node.get("Plans", ()):
        _walk(child, big, scans)


def measure_page(client, label: str, path: str, big: dict[str, int]) -> PageFigures:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = PageFigures(label, path)
    caches["reports"].clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        figures.seconds = time.perf_counter() - started
    figures.status = response.status_code
    figures.queries = len(captured)
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            ms = plan[0]["Execution Time"]
            figures.database_ms += ms
            if ms > figures.slowest_ms:
                figures.slowest_ms, figures.slowest_sql = ms, sql
            _walk(plan[0]["Plan"], big, figures.big_scans)
    return figures


def run(iro: str, manager: str, big_rows: int, only: list[str] | None = None) -> list[PageFigures]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from iro.people.models import User

    if connection.vendor != "postgresql":
        raise SystemExit("query plans are read from PostgreSQL: give --database-url")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    big = _big_tables(big_rows)
    clients = {}
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for label, username, path in pages(iro, manager):
            if only and not any(word in label for word in only):
                continue
            if username not in clients:
                user = User.objects.filter(username=username).first()
                if user is None:
                    raise SystemExit(f"no user {username!r} in this database")
                clients[username] = Client()
                clients[username].force_login(user)
            results.append(measure_page(clients[username], label, path, big))
    return results


def print_figures(results: list[PageFigures], *, show_scans: bool) -> None:
    print()
    print(
        f"{'page':32} {'answer':>6} {'s':>6} {'queries':>7} {'db ms':>8} {'slowest':>8}  "
        "sequential scans of big tables"
    )
    for r in results:
        scans = ", ".join(f"{t} x{n}" for t, n in sorted(r.big_scans.items())) or "-"
        print(
            f"{r.label:32} {r.status:>6} {r.seconds:6.2f} {r.queries:>7} "
            f"{r.database_ms:8.0f} {r.slowest_ms:8.0f}  {scans}"
        )
    if show_scans:
        print()
        for r in results:
            if r.slowest_sql:
                print(f"--- {r.label}: slowest query, {r.slowest_ms:.0f} ms")
                print(r.slowest_sql[:1500])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL on the loopback")
    parser.add_argument("--iro", default="demo-iro", help="the IRO whose My work is read")
    parser.add_argument("--manager", default="demo-manager", help="who reads the rest")
    parser.add_argument("--big", type=int, default=BIG_ROWS, help="rows that make a table big")
    parser.add_argument("--show-scans", action="store_true", help="print each slowest query")
    parser.add_argument("--only", nargs="+", help="only the pages whose label has one of these")
    args = parser.parse_args(argv)
    try:
        require_loopback(args.database_url)
    except ValueError as problem:
        raise SystemExit(str(problem)) from None
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="iro.settings",
        IRO_ENV=os.environ.get("IRO_ENV", "demo"),
    )
    import django

    django.setup()
    # A page a user may not open answers 403: shown in the table, not as a traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    print_figures(run(args.iro, args.manager, args.big, args.only), show_scans=args.show_scans)


if __name__ == "__main__":
    main()
