"""The query plans benchmark: it opens the list pages as their readers, explains every
SELECT they make, finds the sequential scans of big tables, and refuses anything but
this machine's loopback. No timings are checked."""

from __future__ import annotations

from datetime import date

import pytest
from benchmarks import query_plans
from django.db import connection

from tests.factories import child_on_plan, make_staff

pytestmark = pytest.mark.django_db


def test_the_sequential_scans_of_big_tables_are_found_at_any_depth_of_a_plan():
    plan = {
        "Node Type": "Hash Join",
        "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "journey_conference"},
            {
                "Node Type": "Hash",
                "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "people_team"},
                    {"Node Type": "Seq Scan", "Relation Name": "journey_conference"},
                    {"Node Type": "Index Scan", "Relation Name": "children_child"},
                ],
            },
        ],
    }
    scans: dict[str, int] = {}
    query_plans._walk(plan, {"journey_conference": 10**6, "children_child": 10**6}, scans)
    assert scans == {"journey_conference": 2}


def test_a_database_not_on_this_machine_is_refused():
    with pytest.raises(SystemExit, match="not this machine's loopback"):
        query_plans.main(["--database-url", "postgres://postgres@db.example.org:5432/iro"])


def test_every_page_is_opened_as_its_reader_and_its_queries_explained():
    staff = make_staff()
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 3, 3), icpc_on=date(2025, 3, 20), team=staff.team
    )
    if connection.vendor != "postgresql":
        with pytest.raises(SystemExit, match="read from PostgreSQL"):
            query_plans.run(staff.iro.username, staff.iro_manager.username, 0)
        return

    found = query_plans.run(
        staff.iro.username, staff.iro_manager.username, 0, ["my work", "caseload", "journey"]
    )

    assert [f.label for f in found] == [
        "my work (IRO)",
        "caseload, all",
        "caseload, a team on a plan",
        "a child's journey",
    ]
    assert all(f.status == 200 and f.queries > 0 for f in found)
    assert all(f.database_ms > 0 and f.slowest_sql for f in found)
