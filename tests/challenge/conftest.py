from __future__ import annotations

import pytest

from tests.factories import ChildFactory, make_staff


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def child(staff):
    return ChildFactory(team=staff.team)
