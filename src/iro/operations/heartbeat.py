"""The worker's heartbeat, and the health the load balancer asks for (``/healthz``)."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.http import HttpResponse
from django.utils import timezone

from iro.operations.code import code_fingerprint
from iro.operations.models import WorkerHeartbeat


def beat(worker_id: str) -> WorkerHeartbeat:
    """Record that worker ``worker_id`` is alive now."""
    row, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": timezone.now(),
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "code": code_fingerprint(),
        },
        create_defaults={
            "beat_at": timezone.now(),
            "started_at": timezone.now(),
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "code": code_fingerprint(),
        },
    )
    return row


class Heartbeat(threading.Thread):
    """Beats every ``IRO_WORKER_HEARTBEAT_SECONDS`` beside the worker's loop, on its own
    database connection, until ``stop()``. A beat that fails (database away) is tried
    again at the next interval: the heartbeat goes stale and /healthz says so."""

    def __init__(self, worker_id: str, interval: float | None = None):
        super().__init__(name="iro-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval or settings.IRO_WORKER_HEARTBEAT_SECONDS
        self._stopped = threading.Event()

    def run(self) -> None:
        # The worker beat once at start; then one per interval until stopped. A beat
        # that fails (database busy or away) is tried again a second later.
        pause = self.interval
        while not self._stopped.wait(pause):
            try:
                beat(self.worker_id)
                pause = self.interval
            except DatabaseError:
                pause = min(1.0, self.interval)
            finally:
                connections.close_all()

    def stop(self) -> None:
        self._stopped.set()


@dataclass(frozen=True)
class Health:
    database: str  # "ok" or why not
    worker: str

    @property
    def healthy(self) -> bool:
        return self.database == "ok" and self.worker == "ok"


def health(now=None) -> Health:
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Health(database="unreachable", worker="unknown")
    stale = timedelta(seconds=settings.IRO_WORKER_STALE_SECONDS)
    newest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True)[:1]
    newest = newest[0] if newest else None
    if newest is None:
        worker = "no heartbeat recorded"
    elif now - newest > stale:
        worker = f"last heartbeat {int((now - newest).total_seconds())} seconds ago"
    else:
        worker = "ok"
    return Health(database="ok", worker=worker)


def healthz(request):
    """200 "ok" when the database answers and a worker beat recently; 503 otherwise.
    No sign-in, nothing about any child or person: two lines of plain text."""
    state = health()
    body = f"database: {state.database}\nworker: {state.worker}\n"
    response = HttpResponse(body, content_type="text/plain", status=200 if state.healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
