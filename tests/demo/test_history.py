"""Inside deferred_history, every save still gets its history row, written at the end."""

from __future__ import annotations

import pytest

from iro.children.models import Family
from iro.children.services import create_family
from iro.demo.history import deferred_history
from iro.people.models import Role, User

pytestmark = [pytest.mark.django_db]


def story(name: str, worker: User) -> Family:
    family = create_family(name=name, acting_user=worker)
    family.name = f"{name} (renamed)"
    family.save(update_fields=["name"])
    return family


def rows(family: Family) -> list[tuple]:
    return [
        (r.history_type, r.name.split(" ", 1)[1], r.history_user)
        for r in family.history.order_by("history_id")
    ]


def test_the_rows_are_the_ones_simple_history_writes_itself():
    worker = User.objects.create(username="sam.hartwell", role=Role.SOCIAL_WORKER)
    direct = story("Brackwater family", worker)
    with deferred_history():
        deferred = story("Larkmoor family", worker)
        assert not deferred.history.exists()
    assert rows(deferred) == rows(direct)
    assert [r[0] for r in rows(deferred)] == ["+", "~"]
    assert rows(deferred)[0][2] == worker


def test_history_is_immediate_again_after_the_block():
    with deferred_history():
        pass
    family = Family.objects.create(name="Larkmoor family")
    assert family.history.count() == 1
