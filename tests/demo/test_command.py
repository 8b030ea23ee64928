"""``iro demo``: what it refuses, and what it does to a database that has data."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from iro.children.models import Child
from iro.demo.guard import DEMO_LOGINS_REFUSED
from iro.demo.management.commands.demo import (
    ALREADY_LOADED,
    BAD_SCALE,
    BAD_TODAY,
    NO_DEMO_LOGINS,
    NOT_EMPTY,
    TODAY_IN_FUTURE,
)
from iro.people.models import Role, User
from tests.demo.conftest import TODAY
from tests.factories import ChildFactory

pytestmark = [pytest.mark.django_db]


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    return caught.value


def test_it_refuses_under_production_settings(settings):
    settings.DEMO_LOGINS_ALLOWED = False
    error = refused("--scale", "0.05")
    assert str(error) == DEMO_LOGINS_REFUSED
    assert not User.objects.exists()


def test_it_refuses_under_production_settings_even_with_if_empty(settings):
    settings.DEMO_LOGINS_ALLOWED = False
    assert str(refused("--if-empty")) == DEMO_LOGINS_REFUSED


def test_it_refuses_a_today_in_the_future():
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    error = refused("--today", tomorrow.isoformat())
    assert str(error) == TODAY_IN_FUTURE.format(value=tomorrow, today=today)
    assert not Child.objects.exists()


@pytest.mark.parametrize("value", ["2026-13-01", "15/05/2026", "yesterday", "2026-5-1"])
def test_it_refuses_a_today_that_is_not_a_date(value):
    assert str(refused("--today", value)) == BAD_TODAY.format(value=value)


@pytest.mark.parametrize("value", ["0", "-1", "3", "big"])
def test_it_refuses_a_scale_out_of_range(value):
    assert str(refused("--scale", value)) == BAD_SCALE.format(value=value)


def test_if_empty_keeps_the_children_already_there():
    child = ChildFactory()
    output = run("--if-empty")
    assert list(Child.objects.all()) == [child]
    assert ALREADY_LOADED in output
    assert NO_DEMO_LOGINS in output
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_if_empty_still_prints_the_demo_logins_it_finds(settings):
    ChildFactory()
    User.objects.create(username="demo-iro", role=Role.IRO)
    output = run("--if-empty")
    assert ALREADY_LOADED in output
    assert "demo-iro" in output
    assert settings.DEMO_PASSWORD in output
    assert "demo-admin" not in output


def test_without_if_empty_it_refuses_a_database_with_children():
    ChildFactory()
    ChildFactory()
    error = refused("--scale", "0.05")
    assert str(error) == NOT_EMPTY.format(what="2 children")
    assert Child.objects.count() == 2


def test_it_builds_an_authority_and_prints_each_years_figures(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    output = run("--scale", "0.05", "--today", TODAY.isoformat(), "-v", "0")
    for label in ("2023-24", "2024-25", "2025-26"):
        assert f"  {label}: disputes about " in output
    assert "multi-agency challenges to" in output
    assert "challenges waiting for the partnership to forward" in output
    assert "Recent and coming conferences:" in output
    assert "demo-partnership" in output
