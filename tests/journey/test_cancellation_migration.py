"""Migration journey.0016 keeps what the history knows of a conference cancelled before
reasons were asked: the day and the person, from the first version that reads cancelled;
the reason stays unknown (the page says so)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("journey", "0015_conference_not_accepted_index")]
AFTER = [("journey", "0016_conference_cancellation")]


def test_a_conference_cancelled_before_gets_its_day_and_person_from_its_history():
    booker = UserFactory(username="cora-coordinator", role="coordinator")
    canceller = UserFactory(username="cass-coordinator", role="coordinator")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old, history = (apps.get_model("journey", m) for m in ("Conference", "HistoricalConference"))
    cancelled = old.objects.create(
        kind="review", status="cancelled", scheduled_date=date(2025, 9, 8)
    )
    booked = old.objects.create(kind="review", status="scheduled", scheduled_date=date(2025, 9, 9))
    for status, at, who, version in (
        ("scheduled", datetime(2025, 8, 1, 9, tzinfo=UTC), booker, 1),
        # 23:30 in London's summer time: the next day there, as the page would show it.
        ("cancelled", datetime(2025, 8, 4, 23, 30, tzinfo=UTC), canceller, 2),
        ("cancelled", datetime(2025, 8, 9, 9, tzinfo=UTC), booker, 3),  # a later edit
    ):
        history.objects.create(
            id=cancelled.pk, public_id=cancelled.public_id, kind="review", status=status,
            scheduled_date=date(2025, 9, 8), version=version, history_date=at,
            history_type="~", history_user_id=who.pk,
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("journey", "Conference")
    after = new.objects.get(pk=cancelled.pk)
    assert (after.cancelled_on, after.cancelled_by_id, after.cancellation_reason) == (
        date(2025, 8, 5),
        canceller.pk,
        "",
    )
    still = new.objects.get(pk=booked.pk)
    assert (still.cancelled_on, still.cancelled_by_id) == (None, None)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
