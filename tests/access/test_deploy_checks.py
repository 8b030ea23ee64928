"""Production settings pass Django's deploy checks, and a production service without a
second factor is named by a warning (security review, findings 15 and 16)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from iro.access.checks import MFA_OFF_IN_PRODUCTION, second_factor_required_in_production

SRC = Path(__file__).resolve().parents[2] / "src"


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(SRC),
        "IRO_ENV": "production",
        "IRO_SECRET_KEY": secrets.token_urlsafe(60),
        "IRO_ALLOWED_HOSTS": "iro.council.example",
        "IRO_VAR_DIR": str(tmp_path),
        **extra,
    }


def run_iro(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iro.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deploy_checks_find_nothing_under_production_settings(tmp_path):
    result = run_iro(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_a_production_service_without_a_second_factor_gets_a_warning(tmp_path):
    env = production_env(tmp_path, IRO_REQUIRE_MFA="false")
    result = run_iro(env, "check", "--deploy")
    output = result.stdout + result.stderr
    assert "(iro.W001)" in output
    assert MFA_OFF_IN_PRODUCTION in output


def test_the_warning_is_also_shown_by_the_ordinary_check(tmp_path):
    result = run_iro(production_env(tmp_path, IRO_REQUIRE_MFA="false"), "check")
    assert "(iro.W001)" in result.stdout + result.stderr


def test_the_warning_is_logged_when_gunicorn_loads_the_application(tmp_path):
    env = production_env(tmp_path, IRO_REQUIRE_MFA="false")
    result = subprocess.run(
        [sys.executable, "-c", "import iro.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert MFA_OFF_IN_PRODUCTION in result.stderr


@pytest.mark.parametrize(
    ("production", "require_mfa", "warned"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_only_production_without_a_second_factor_is_warned(
    settings, production, require_mfa, warned
):
    settings.PRODUCTION = production
    settings.IRO_REQUIRE_MFA = require_mfa
    ids = [m.id for m in second_factor_required_in_production()]
    assert ids == (["iro.W001"] if warned else [])
