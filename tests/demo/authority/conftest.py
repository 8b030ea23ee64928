"""One small demo authority for every module of this package, rolled back afterwards.

Building it takes about a minute, so the modules that read it live here and share one
build (a package-scoped fixture); the other demo tests, which build their own or need an
empty database, are outside this package.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from iro.demo.builder import build_demo
from tests.demo.conftest import SEED, SMALL, TODAY


@pytest.fixture(scope="package")
def small_demo(django_db_setup, django_db_blocker):
    """The demo authority at a tenth of its size, built once for the package.

    Each test's own transaction nests inside this one, and the whole is rolled
    back when the package is done, so no other test sees the demo data.
    """
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        summary = build_demo(seed=SEED, today=TODAY, scale=SMALL)
        yield summary
        transaction.set_rollback(True)
