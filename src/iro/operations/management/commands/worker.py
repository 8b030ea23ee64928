"""``iro worker``: run background tasks (django-tasks' database worker) and record a
heartbeat while it runs. Stops cleanly on Ctrl-C or SIGTERM (a running task finishes)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from iro.operations.heartbeat import Heartbeat


class Command(DbWorkerCommand):
    help = "Run the background worker: tasks queued in the database, with a heartbeat"

    def handle(self, *args, **options):
        options.setdefault("queue_name", "*")
        beat = Heartbeat(options["worker_id"])
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stop()
            beat.join(timeout=30)
