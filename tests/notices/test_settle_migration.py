"""Migration notices.0005 settles the notices made before ``settled_at`` existed whose work
was since done or moved on, on the day it happened; those still waiting stay waiting."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChildFactory, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("notices", "0004_notice_settled_at"),
    ("challenge", "0008_challenge_response_working_days"),
]
AFTER = [("notices", "0005_settle_past_notices")]


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_past_notices_are_settled_when_their_work_was_done_and_kept_waiting_when_not():
    staff = make_staff()
    child = ChildFactory(team=staff.team)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Notice = apps.get_model("notices", "Notice")
    Dispute = apps.get_model("challenge", "Dispute")
    Stage = apps.get_model("challenge", "DisputeStage")

    def dispute(**fields):
        made = Dispute.objects.create(
            child_id=child.pk, raised_by_id=staff.iro.pk, raised_on=date(2025, 5, 1),
            reason="progress", detail="Drift.", stage=1, **fields,
        )  # fmt: skip
        return made, reverse("dispute_answer", kwargs={"public_id": made.public_id})

    def notice(link, on: date, to=staff.team_manager):
        return Notice.objects.create(
            recipient_id=to.pk, subject="A dispute is waiting for your answer", body="",
            link=link, created_at=noon(on),
        )  # fmt: skip

    answered, answered_link = dispute()
    Stage.objects.create(
        dispute=answered, stage=1, started_on=date(2025, 5, 1),
        addressed_to_id=staff.team_manager.pk, responded_on=date(2025, 5, 6),
    )  # fmt: skip
    open_one, open_link = dispute()
    Stage.objects.create(
        dispute=open_one,
        stage=1,
        started_on=date(2025, 5, 1),
        addressed_to_id=staff.team_manager.pk,
    )
    resolved, resolved_link = dispute(resolved_on=date(2025, 5, 9), resolution="Agreed.")
    Stage.objects.create(
        dispute=resolved, stage=1, started_on=date(2025, 5, 1), ended_on=date(2025, 5, 9)
    )
    done = notice(answered_link, date(2025, 5, 1))
    still = notice(open_link, date(2025, 5, 1))
    ended = notice(resolved_link, date(2025, 5, 1))
    unknown = notice("/somewhere/else", date(2025, 5, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps.get_model("notices", "Notice")
    assert after.objects.get(pk=done.pk).settled_at == noon(date(2025, 5, 6))
    assert after.objects.get(pk=ended.pk).settled_at == noon(date(2025, 5, 9))
    assert after.objects.get(pk=still.pk).settled_at is None
    assert after.objects.get(pk=unknown.pk).settled_at is None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
