"""A gunicorn worker and a long-running background worker move what they loaded at
start-up out of the garbage collector's way (``iro.operations.settle``), so a page that
makes thousands of objects no longer pays for collections that walk all of Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from iro.operations.management.commands import worker

pytestmark = pytest.mark.django_db(transaction=True)

# In a process of its own: a frozen object stays frozen for the life of the process.
LOAD_AS_GUNICORN_DOES = """
import gc, json
import iro.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "urls_loaded": "iro.work.views" in __import__("sys").modules}))
"""


def test_a_gunicorn_worker_freezes_the_objects_it_loaded_at_start_up():
    env = {**os.environ, "IRO_ENV": "test", "DJANGO_SETTINGS_MODULE": "iro.settings"}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AS_GUNICORN_DOES],
        capture_output=True, text=True, check=True, timeout=120, env=env,
    )  # fmt: skip
    loaded = json.loads(done.stdout.strip().splitlines()[-1])

    assert loaded["urls_loaded"]  # what the first request would load is loaded first
    assert loaded["frozen"] > 50_000  # Django, the project and their modules
    # What a collection still walks is what the process made after settling.
    assert loaded["tracked"] < loaded["frozen"] / 10


@pytest.fixture
def settled(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IRO_REPORT_KEEP_SECONDS = 0  # no report keeper thread
    calls = []
    monkeypatch.setattr(worker, "settle", lambda: calls.append("settled"))
    return calls


def run_worker(**options):
    call_command(
        "worker", interval=0, startup_delay=False, worker_id="test-worker", verbosity=0, **options
    )


def test_a_long_running_worker_settles_before_it_takes_its_first_task(settled, monkeypatch):
    def take_tasks(self, *args, **options):
        settled.append("took tasks")

    monkeypatch.setattr(worker.DbWorkerCommand, "handle", take_tasks)

    run_worker(batch=False)

    assert settled == ["settled", "took tasks"]


def test_a_batch_run_of_the_worker_does_not_freeze_its_caller(settled):
    run_worker(batch=True)

    assert settled == []  # a batch run ends at once; the tests' own process stays as it was
