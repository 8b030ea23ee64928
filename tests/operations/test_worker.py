"""The background worker: a real ``iro worker`` on the database backend runs a failing
task, tries it again a bounded number of times and then gives up, and the administrator
sees each try in the administration site's task list (ids and the error's kind only)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iro.operations.background import backoff
from iro.operations.models import WorkerHeartbeat
from tests.factories import make_staff
from tests.operations.failing_tasks import always_fails, refuses_for_good

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND  # as in demo and production


def run_worker():
    call_command(
        "worker", batch=True, interval=0, startup_delay=False, worker_id="test-worker", verbosity=0
    )


def tries(task) -> list[tuple[int, str]]:
    rows = DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at")
    return [(r.args_kwargs["kwargs"].get("_attempt", 1), r.status) for r in rows]


def test_a_failing_task_is_tried_three_times_then_given_up_and_shown_to_the_administrator(
    database_tasks, client
):
    always_fails.enqueue(42)
    assert tries(always_fails) == [(1, "READY")]  # waiting for the worker
    run_worker()
    assert tries(always_fails) == [(1, "FAILED"), (2, "FAILED"), (3, "FAILED")]
    last = DBTaskResult.objects.get(args_kwargs__kwargs___attempt=3)
    assert last.exception_class_path == "tests.operations.failing_tasks.PrinterJammed"
    assert WorkerHeartbeat.objects.get().worker_id == "test-worker"

    staff = make_staff()
    staff.admin.is_staff = staff.admin.is_superuser = True
    staff.admin.save()
    client.force_login(staff.admin)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(url, {"outcome": "failed"}).content.decode()
    assert page.count("always fails") == 3
    assert page.count("tried again") == 2 and page.count("gave up") == 1
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[last.pk])
    ).content.decode()
    assert "PrinterJammed" in detail
    assert "jammed on try" not in detail  # the error's text (it may quote an address) is not shown


def test_an_error_not_worth_another_try_fails_at_once(database_tasks):
    refuses_for_good.enqueue(7)
    run_worker()
    assert tries(refuses_for_good) == [(1, "FAILED")]


def test_the_next_try_waits_longer_each_time():
    assert [backoff(60, n) for n in (1, 2, 3)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
    ]


def test_a_task_not_yet_due_is_left_for_later(database_tasks):
    # A retry is enqueued to run after its pause: the worker leaves it until then.
    result = always_fails.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now() + timedelta(hours=1))
    run_worker()
    assert tries(always_fails) == [(1, "READY")]  # not yet due: the worker leaves it


def test_the_worker_runs_at_a_lower_cpu_priority_than_the_web_servers():
    # In a process of its own: lowering a priority cannot be undone.
    code = (
        "from iro.operations.priority import lower_priority as low; "
        "import os; start = os.nice(0); print(start, low(start + 10), low(start + 5), low(99))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    start, lowered, not_raised, capped = map(int, done.stdout.split())
    assert lowered == min(start + 10, 19)
    assert not_raised == lowered  # never raised back: only the administrator may
    assert capped == 19
