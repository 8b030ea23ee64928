"""What the service's own processes record about themselves: the worker's heartbeat."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per worker process, its time brought up to date every
    ``IRO_WORKER_HEARTBEAT_SECONDS`` while it runs; /healthz reads the newest."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The fingerprint of the code the worker runs (``operations.code``): a worker left
    # on the code before an upgrade keeps no reports for web servers on the new code.
    code = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host or '?'}"
