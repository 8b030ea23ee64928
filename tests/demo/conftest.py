"""One small demo authority per test module that asks for it, rolled back afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from iro.demo.builder import build_demo

# A fixed "today" keeps the authority the same whatever day the tests run (it must
# not be after the real date: the services refuse future events).
TODAY = min(date(2026, 5, 15), timezone.localdate())
SEED = 2026
SMALL = 0.1  # a tenth of the full authority: seconds to build


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The demo authority at a tenth of its size, built once for the module.

    Each test's own transaction nests inside this one, and the whole is rolled
    back when the module is done, so no other test sees the demo data.
    """
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        summary = build_demo(seed=SEED, today=TODAY, scale=SMALL)
        yield summary
        transaction.set_rollback(True)
