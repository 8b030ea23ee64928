"""Other formats through the queue: on the database backend (as in demo and production)
asking keeps the request waiting, the page says so, and a real ``iro worker`` makes it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from iro.documents.models import FormatRequest, FormatState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_waits_for_the_worker_which_makes_it(client, staff, plan, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(staff.social_worker)
    client.post(
        reverse("format_request_new"),
        {"kind": "family_plan", "plan": str(plan.public_id), "format": "braille"},
    )
    job = FormatRequest.objects.get()
    assert (job.state, job.progress) == (FormatState.QUEUED, 0)
    page = client.get(reverse("format_request", args=[job.public_id])).content.decode()
    assert "Waiting for the worker to start it." in page
    call_command(
        "worker", batch=True, interval=0, startup_delay=False, worker_id="test-worker", verbosity=0
    )
    job.refresh_from_db()
    assert (job.state, job.progress) == (FormatState.DONE, 100), job.error
    assert bytes(job.content).startswith(b"       ,QUILLA'S * PROTEC;N PLAN")
    page = client.get(reverse("format_request", args=[job.public_id])).content.decode()
    assert "Ready" in page and "Download plan-" in page
