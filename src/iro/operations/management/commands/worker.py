"""``iro worker``: run background tasks (django-tasks' database worker) and record a
heartbeat while it runs. Stops cleanly on Ctrl-C or SIGTERM (a running task finishes)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from iro.operations.heartbeat import Heartbeat, beat


class Command(DbWorkerCommand):
    help = "Run the background worker: tasks queued in the database, with a heartbeat"

    def handle(self, *args, **options):
        options.setdefault("queue_name", "*")
        beat(options["worker_id"])  # at once: /healthz sees the worker as soon as it runs
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=30)
