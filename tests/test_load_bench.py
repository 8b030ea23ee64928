"""The load benchmark's request loop, run once against a live server: it signs in through
the real sign-in page, opens every page of the loop, records progress on an action, and
refuses to aim at anything but this machine's loopback. No timings are checked."""

from __future__ import annotations

from datetime import date

import pytest
from benchmarks import load_bench

from iro.journey.models import PlanAction
from tests.factories import PASSWORD, child_on_plan, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authority():
    staff = make_staff()
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 3, 3),
        icpc_on=date(2025, 3, 20),
        team=staff.team,
        la_child_id="LB000001",
    )
    action = PlanAction.objects.create(
        plan=journey.plan, what="Book the dentist.", who="Mum", by_when=date(2025, 6, 1)
    )
    return staff, action


def one_loop(url: str, username: str):
    targets = load_bench.discover_targets(today=date(2025, 11, 15))
    return load_bench.run_load(
        url,
        [(username, PASSWORD)],
        targets,
        users=1,
        think=0,
        duration=60,
        max_requests=load_bench.LOOP,
    )


def test_one_user_opens_every_page_of_the_loop_and_records_progress(live_server, authority):
    staff, action = authority

    result = one_loop(live_server.url, staff.iro.username)

    summary = load_bench.summarise(result)
    assert summary["requests"] == load_bench.LOOP
    assert {page: row["errors"] for page, row in summary["pages"].items()} == {
        "my work": 0,
        "caseload": 0,
        "search": 0,
        "journey": 0,
        "progress form": 0,
        "record progress (POST)": 0,
        "monthly report": 0,
        "annual report": 0,
    }
    action.refresh_from_db()
    assert action.progress.startswith("Load test: progress noted")
    # Where the CPU went: the client's share and the rest, each per request.
    cpu = summary["cpu"]
    assert cpu["client_ms"] > 0 and cpu["server_ms"] >= 0 and 0 < cpu["busy_share"] <= 1.5


def test_the_cpu_of_a_load_is_split_between_the_client_and_everything_else(monkeypatch):
    monkeypatch.setattr(load_bench.os, "cpu_count", lambda: 2)

    cpu = load_bench._cpu_per_request({"machine": 3.0, "client": 1.0}, 100, elapsed=2.0)

    assert cpu == {"busy_share": 0.75, "client_ms": 10.0, "server_ms": 20.0}
    assert load_bench._cpu_per_request(None, 100, 2.0) is None  # no /proc/stat
    assert load_bench._cpu_per_request({"machine": 1.0, "client": 1.0}, 0, 2.0) is None


def test_the_machines_busy_time_only_grows():
    first = load_bench.machine_busy_seconds()
    sum(i * i for i in range(200_000))  # some work

    assert first is not None and load_bench.machine_busy_seconds() >= first


def test_a_user_without_access_to_children_is_counted_as_errors_and_records_nothing(
    live_server, authority
):
    staff, action = authority

    result = one_loop(live_server.url, staff.admin.username)

    summary = load_bench.summarise(result)
    assert summary["requests"] == load_bench.LOOP
    assert summary["errors"] == summary["requests"]
    assert "record progress (POST)" not in summary["pages"]
    action.refresh_from_db()
    assert action.progress == ""


def test_a_report_page_answering_that_it_is_being_worked_out_is_counted_apart_not_as_an_error(
    live_server, authority, monkeypatch
):
    from types import SimpleNamespace

    from django.core.cache import caches
    from django.utils import timezone

    from iro.operations.code import code_fingerprint
    from iro.operations.models import WorkerHeartbeat
    from iro.reports import keeping

    staff, _ = authority
    caches["reports"].clear()  # no copy of a report an earlier test built
    WorkerHeartbeat.objects.create(
        worker_id="w1", beat_at=timezone.now(), host="h", pid=1, code=code_fingerprint()
    )
    monkeypatch.setattr(keeping, "prepare_report", SimpleNamespace(enqueue=lambda *a: None))

    summary = load_bench.summarise(one_loop(live_server.url, staff.iro.username))

    assert summary["errors"] == 0
    assert summary["waiting"] == 2
    assert summary["pages"]["monthly report"]["waiting"] == 1
    assert summary["pages"]["annual report"]["waiting"] == 1


@pytest.mark.parametrize(
    "url", ["http://192.0.2.10:8000", "http://example.org", "http://0.0.0.0:8000"]
)
def test_the_load_is_never_aimed_at_another_machine(url):
    with pytest.raises(ValueError, match="not this machine's loopback"):
        load_bench.Browser(url)
    with pytest.raises(ValueError, match="not this machine's loopback"):
        load_bench.run_load(
            url, [("nobody", "x")], None, users=1, think=0, duration=1, max_requests=1
        )


def test_the_loopback_is_accepted():
    assert load_bench.require_loopback("http://127.0.0.1:8000") == "127.0.0.1"
    assert load_bench.require_loopback("http://[::1]:8000/") == "::1"
    assert load_bench.require_loopback("localhost") == "localhost"


def test_a_refused_connection_is_an_error_answer_not_a_crash():
    port = load_bench._free_port("127.0.0.1")  # nothing listens there now

    answer = load_bench._fetch(load_bench.Browser(f"http://127.0.0.1:{port}"), "/my-work/")

    assert answer.status == 0
    assert "refused" in answer.location.lower()


@pytest.mark.parametrize(
    ("dataset", "demo_args"),
    [
        (None, ["demo", "--if-empty", "--scale", "0.5"]),
        ("regional", ["demo", "--if-empty", "--dataset", "regional"]),
    ],
)
def test_it_builds_the_demo_or_the_dataset_asked_for(tmp_path, monkeypatch, dataset, demo_args):
    ran = []
    monkeypatch.setattr(load_bench.subprocess, "run", lambda args, **kw: ran.append(args[1:]))
    load_bench.prepare_database(tmp_path, None, 0.5, dataset)
    assert ran == [["migrate", "--no-input", "-v", "0"], demo_args]


def test_it_waits_for_the_worker_to_keep_the_reports_and_says_when_it_gave_up(monkeypatch):
    from iro.reports import keeping

    answers = iter([False, False, True])
    monkeypatch.setattr(keeping, "reports_kept_now", lambda: next(answers))
    assert load_bench.wait_for_kept_reports(limit=60, poll=0) is not None
    monkeypatch.setattr(keeping, "reports_kept_now", lambda: False)
    assert load_bench.wait_for_kept_reports(limit=0.05, poll=0.01) is None


def test_a_negative_wait_for_the_reports_is_refused_before_any_work(capsys, monkeypatch):
    monkeypatch.setattr(load_bench, "prepare_database", _no_work)
    with pytest.raises(SystemExit) as exited:
        load_bench.main(["--wait-for-reports", "-5"])
    assert exited.value.code == 2
    assert "--wait-for-reports must be 0 or more seconds, not -5" in capsys.readouterr().err


def _no_work(*args, **kwargs):
    raise AssertionError("work began before the options were checked")
