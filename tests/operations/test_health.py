"""/healthz: open to the load balancer without signing in; healthy when the database
answers and a worker beat within IRO_WORKER_STALE_SECONDS; plain text, no one's data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from iro.operations.code import code_fingerprint
from iro.operations.heartbeat import beat

pytestmark = pytest.mark.django_db


def test_with_no_worker_ever_seen_the_service_is_unhealthy(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\nworker: no heartbeat recorded\n"
    assert response["Cache-Control"] == "no-store"


def test_a_recent_heartbeat_is_healthy_and_a_stale_one_is_not(client, settings):
    settings.IRO_WORKER_STALE_SECONDS = 120
    beat("worker-a")
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"database: ok\nworker: ok\n")
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\nworker: last heartbeat 121 seconds ago\n"


def test_the_newest_of_several_workers_counts(client, settings):
    settings.IRO_WORKER_STALE_SECONDS = 60
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        beat("worker-gone")
    beat("worker-alive")
    assert client.get("/healthz").status_code == 200


def test_a_beat_keeps_one_row_per_worker(client):
    first = beat("worker-a")
    second = beat("worker-a")
    assert first.pk == second.pk and second.beat_at >= first.beat_at
    assert second.started_at == first.started_at


def test_a_beat_says_which_code_the_worker_runs(client):
    assert beat("worker-a").code == code_fingerprint()
