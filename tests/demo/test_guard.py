"""Demo logins cannot be made, nor used, under production settings."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied

from iro.demo.guard import DEMO_LOGINS_REFUSED, RefuseDemoLoginsBackend, is_demo_username
from iro.people.models import Role, User

pytestmark = [pytest.mark.django_db]

BACKENDS = ["iro.demo.guard.RefuseDemoLoginsBackend", "django.contrib.auth.backends.ModelBackend"]


@pytest.mark.parametrize("username", ["demo-iro", "Demo-Admin", " DEMO-analyst"])
def test_it_knows_a_demo_username_in_any_case(username):
    assert is_demo_username(username)


@pytest.mark.parametrize("username", ["", None, "demo", "iro-demo", "demon-iro"])
def test_it_knows_other_usernames_are_not_demo_logins(username):
    assert not is_demo_username(username)


def test_a_demo_user_cannot_be_created_in_production(settings):
    settings.DEMO_LOGINS_ALLOWED = False
    with pytest.raises(PermissionDenied, match=re.escape(DEMO_LOGINS_REFUSED)):
        User.objects.create(username="demo-admin", role=Role.ADMIN, is_superuser=True)
    assert not User.objects.exists()


def test_an_ordinary_user_can_still_be_created_in_production(settings):
    settings.DEMO_LOGINS_ALLOWED = False
    User.objects.create(username="ivy.reeve", role=Role.IRO)
    assert User.objects.filter(username="ivy.reeve").exists()


def test_a_demo_user_left_in_a_production_database_cannot_sign_in(settings):
    user = User.objects.create(username="demo-iro", role=Role.IRO)
    user.set_password("a-long-demo-password")
    user.save()
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.DEMO_LOGINS_ALLOWED = False
    assert authenticate(username="demo-iro", password="a-long-demo-password") is None


def test_a_demo_user_signs_in_outside_production(settings):
    user = User.objects.create(username="demo-iro", role=Role.IRO)
    user.set_password("a-long-demo-password")
    user.save()
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    assert authenticate(username="demo-iro", password="a-long-demo-password") == user


def test_the_backend_refuses_only_demo_usernames_in_production(settings):
    settings.DEMO_LOGINS_ALLOWED = False
    backend = RefuseDemoLoginsBackend()
    with pytest.raises(PermissionDenied):
        backend.authenticate(None, username="DEMO-IRO", password="x")
    assert backend.authenticate(None, username="ivy.reeve", password="x") is None
