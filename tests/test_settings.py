"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from iro.settings import envbool, envchoice


def test_envbool_reads_the_usual_spellings(monkeypatch):
    for text, expected in [("true", True), ("1", True), ("off", False), ("No", False)]:
        monkeypatch.setenv("IRO_TEST_FLAG", text)
        assert envbool("IRO_TEST_FLAG", default=not expected) is expected


def test_envbool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("IRO_TEST_FLAG", raising=False)
    assert envbool("IRO_TEST_FLAG", default=True) is True


def test_envbool_refuses_a_value_it_cannot_read(monkeypatch):
    monkeypatch.setenv("IRO_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="IRO_TEST_FLAG='maybe' is not a boolean"):
        envbool("IRO_TEST_FLAG", default=False)


def test_envchoice_names_the_allowed_values(monkeypatch):
    monkeypatch.setenv("IRO_CHILD_ACCESS", "everyone")
    with pytest.raises(ImproperlyConfigured, match="expected one of all, chaired"):
        envchoice("IRO_CHILD_ACCESS", "all", ("all", "chaired"))


def settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'iro.settings');"
        "django.setup()"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(
        {"IRO_ENV": "production", "IRO_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    )
    assert result.returncode != 0
    assert "IRO_SECRET_KEY must be set in production" in result.stderr


def test_production_requires_a_second_factor_and_forbids_demo_logins(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='iro.settings';"
        "from django.conf import settings;"
        "print(settings.IRO_REQUIRE_MFA, settings.DEMO_LOGINS_ALLOWED, settings.DEBUG)"
    )
    env = {
        "IRO_ENV": "production",
        "IRO_SECRET_KEY": "x" * 50,
        "IRO_ALLOWED_HOSTS": "iro.example",
        "IRO_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["True", "False", "False"]


def test_envint_reads_a_whole_number_and_refuses_anything_else(monkeypatch):
    from iro.settings import envint

    monkeypatch.setenv("IRO_TEST_NUMBER", "300")
    assert envint("IRO_TEST_NUMBER", 5) == 300
    monkeypatch.delenv("IRO_TEST_NUMBER")
    assert envint("IRO_TEST_NUMBER", 5) == 5
    for bad in ("a year", "-1", "1.5"):
        monkeypatch.setenv("IRO_TEST_NUMBER", bad)
        with pytest.raises(ImproperlyConfigured, match="is not a whole number of at least 0"):
            envint("IRO_TEST_NUMBER", 5)


def test_production_mail_goes_over_smtp_to_the_server_named_in_the_environment(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='iro.settings';"
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER,"
        " s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )
    env = {
        "IRO_ENV": "production",
        "IRO_SECRET_KEY": "x" * 50,
        "IRO_ALLOWED_HOSTS": "iro.example",
        "IRO_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
        "IRO_SMTP_HOST": "smtp.council.example",
        "IRO_SMTP_PORT": "587",
        "IRO_SMTP_USER": "iro-service",
        "IRO_SMTP_PASSWORD": "pw",
        "IRO_SMTP_STARTTLS": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.council.example",
        "587",
        "iro-service",
        "pw",
        "True",
        "False",
    ]
    both = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"IRO_SMTP_SSL": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Set IRO_SMTP_STARTTLS or IRO_SMTP_SSL, not both" in both.stderr


def test_envrate_reads_a_rate_per_unit_and_refuses_anything_else(monkeypatch):
    from iro.settings import envrate

    assert envrate("IRO_TEST_RATE", "600/hour") == "600/hour"
    monkeypatch.setenv("IRO_TEST_RATE", "1000/day")
    assert envrate("IRO_TEST_RATE", "600/hour") == "1000/day"
    for bad in ("lots", "0/hour", "10/fortnight", "10 per hour"):
        monkeypatch.setenv("IRO_TEST_RATE", bad)
        with pytest.raises(ImproperlyConfigured, match="is not a rate"):
            envrate("IRO_TEST_RATE", "600/hour")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("jit", "off"),  # the JIT compiler spent seconds on queries that take milliseconds
        ("random_page_cost", "1.1"),  # a random read priced for memory and SSD, not a disk
    ],
)
def test_every_postgresql_connection_iro_opens_has_its_planner_settings(setting, value):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no such settings")
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        assert cursor.fetchone()[0] == value


def test_postgresql_connections_are_kept_between_requests_and_sqlite_ones_are_not(monkeypatch):
    from iro.settings import conn_max_age, keep_connections

    monkeypatch.delenv("IRO_DB_CONN_MAX_AGE", raising=False)
    assert conn_max_age("django.db.backends.postgresql") == 60
    assert conn_max_age("django.db.backends.sqlite3") == 0
    kept = {"ENGINE": "django.db.backends.postgresql"}
    keep_connections(kept)
    assert kept["CONN_MAX_AGE"] == 60
    assert kept["CONN_HEALTH_CHECKS"] is True  # checked before reuse: a restart is survived


def test_the_connection_age_can_be_set_and_a_bad_one_is_refused(monkeypatch):
    from iro.settings import conn_max_age, keep_connections

    monkeypatch.setenv("IRO_DB_CONN_MAX_AGE", "0")
    closed = {"ENGINE": "django.db.backends.postgresql"}
    keep_connections(closed)
    assert closed == {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 0,
                      "CONN_HEALTH_CHECKS": False}  # fmt: skip
    monkeypatch.setenv("IRO_DB_CONN_MAX_AGE", "a while")
    with pytest.raises(ImproperlyConfigured, match="IRO_DB_CONN_MAX_AGE='a while' is not a whole"):
        conn_max_age("django.db.backends.postgresql")


def test_iro_on_postgresql_keeps_its_connections_and_checks_them_before_reuse():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite connections are opened per request")
    if os.environ.get("IRO_DB_CONN_MAX_AGE"):
        pytest.skip("IRO_DB_CONN_MAX_AGE is set for this run")
    assert connection.settings_dict["CONN_MAX_AGE"] == 60
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
