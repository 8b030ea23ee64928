"""Inside deferred_history, every save still gets its history row, written at the end."""

from __future__ import annotations

from datetime import date

import pytest

from iro.children.models import Child, Family
from iro.children.services import create_child, create_family, update_child
from iro.demo.history import deferred_history
from iro.journey.checks import current_version
from iro.people.models import Role, User

pytestmark = [pytest.mark.django_db]

IGNORED = {
    "id",
    "history_id",
    "history_date",
    "la_child_id",
    "public_id",
    "first_name",
    "family_id",
}


def story(name: str, worker: User) -> Child:
    family = create_family(name=f"{name} family", acting_user=worker)
    child = create_child(
        acting_user=worker,
        la_child_id=f"{name[:3]}1",
        first_name=name,
        last_name="Brackwater",
        expected_date_of_birth=date(2024, 3, 1),
        ethnicity="WBRI",
        disabilities=["NONE"],
        family=family,
        social_worker=worker,
    )
    return update_child(
        child=child,
        acting_user=worker,
        date_of_birth=date(2024, 2, 26),
        sex="F",
        expected_version=current_version(child),
    )


def rows(child: Child) -> list[dict]:
    return [
        {k: v for k, v in vars(r).items() if k not in IGNORED and not k.startswith("_")}
        for r in child.history.order_by("history_id")
    ]


def test_the_rows_are_the_ones_simple_history_writes_itself():
    worker = User.objects.create(username="sam.hartwell", role=Role.SOCIAL_WORKER)
    direct = story("Ava", worker)
    with deferred_history():
        deferred = story("Mia", worker)
        assert not deferred.history.exists()
    assert rows(deferred) == rows(direct)
    assert [(r["history_type"], r["history_user_id"]) for r in rows(deferred)] == [
        ("+", worker.pk),
        ("~", worker.pk),
    ]
    assert deferred.history.first().public_id == deferred.public_id
    assert deferred.history.earliest("history_id").disabilities == ["NONE"]


def test_history_is_immediate_again_after_the_block():
    with deferred_history():
        pass
    family = Family.objects.create(name="Larkmoor family")
    assert family.history.count() == 1
