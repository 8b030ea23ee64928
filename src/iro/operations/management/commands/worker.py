"""``iro worker``: run background tasks (django-tasks' database worker), record a
heartbeat while it runs, and keep the reports most read ready (``iro.reports.keeping``;
not in ``--batch`` runs). Stops cleanly on Ctrl-C or SIGTERM (a running task finishes)."""

from __future__ import annotations

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from iro.operations.heartbeat import Heartbeat, beat
from iro.operations.priority import lower_priority
from iro.operations.settle import settle
from iro.reports.keeping import ReportKeeper


class Command(DbWorkerCommand):
    help = "Run the background worker: tasks queued in the database, with a heartbeat"

    def handle(self, *args, **options):
        options.setdefault("queue_name", "*")
        lower_priority(settings.IRO_WORKER_NICENESS)
        if not options["batch"]:
            settle()  # a long run: its start-up objects out of the collector's way
        beat(options["worker_id"])  # at once: /healthz sees the worker as soon as it runs
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        keeper = (
            ReportKeeper() if settings.IRO_REPORT_KEEP_SECONDS and not options["batch"] else None
        )
        if keeper is not None:
            keeper.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            if keeper is not None:
                keeper.stop()
            heartbeat.join(timeout=30)
            if keeper is not None:
                keeper.join(timeout=120)
