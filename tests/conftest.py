"""Shared fixtures: named users for every role, and one who should have no access."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Argon2 is deliberately slow; tests do not need it. Mail goes to memory.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False
    # Tests travel in time with a user signed in; the idle end has its own tests.
    settings.IRO_IDLE_SECONDS = 0


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_log_triggers():
    """The access and sign-in logs, the roles given and the log of voids and restores
    refuse DELETE (database triggers).
    SQLite empties tables with DELETE when a transactional test flushes the database, so
    the flush lifts the SQLite triggers and puts them back (PostgreSQL uses TRUNCATE)."""
    from importlib import import_module

    from django.db import connection

    triggers = [
        import_module(f"iro.{name}")
        for name in (
            "access.migrations.0004_access_log_append_only",
            "access.migrations.0005_role_grants",
            "journey.migrations.0008_correction_log_append_only",
        )
    ]
    operations = type(connection.ops)
    original = operations.execute_sql_flush

    def run(statements) -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def execute_sql_flush(self, sql_list):
        if self.connection.vendor != "sqlite":
            return original(self, sql_list)
        for module in triggers:
            run(module.SQLITE_DROP)
        try:
            original(self, sql_list)
        finally:
            for module in triggers:
                run(module.SQLITE_CREATE)

    operations.execute_sql_flush = execute_sql_flush
    yield
    operations.execute_sql_flush = original
