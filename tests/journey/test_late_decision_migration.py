"""Migration journey.0014 keeps what was recorded: a conference a manager had agreed is
"agreed" by the same manager on the same day, and one still waiting stays waiting."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("journey", "0013_invitee_role_team_manager")]
AFTER = [("journey", "0014_late_conference_decision")]


def test_conferences_agreed_before_the_decision_was_recorded_are_agreed_after_it():
    manager = UserFactory(username="mona-manager", role="iro_manager")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("journey", "Conference")
    agreed = old.objects.create(
        kind="review", status="held", held_on=date(2025, 9, 1), lateness_reason="interpreter",
        late_agreed_by_id=manager.pk, late_agreed_on=date(2025, 9, 3),
    )  # fmt: skip
    waiting = old.objects.create(
        kind="review", status="held", held_on=date(2025, 9, 2), lateness_reason="other"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("journey", "Conference")
    after = new.objects.get(pk=agreed.pk)
    assert (after.late_decision, after.late_decided_by_id, after.late_decided_on) == (
        "agreed", manager.pk, date(2025, 9, 3),
    )  # fmt: skip
    assert after.late_decision_comment == ""
    still = new.objects.get(pk=waiting.pk)
    assert (still.late_decision, still.late_decided_by_id) == ("", None)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
