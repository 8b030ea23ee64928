"""Under production settings a demo login cannot sign in, even from a copied database."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from iro.people.models import Role, User

pytestmark = [pytest.mark.django_db]


def test_a_demo_login_signs_in_outside_production(settings):
    settings.DEMO_LOGINS_ALLOWED = True
    User.objects.create_user(username="demo-iro", password="demo-pass-123456", role=Role.IRO)
    assert authenticate(username="demo-iro", password="demo-pass-123456") is not None


def test_a_demo_login_is_refused_under_production_settings(settings):
    settings.DEMO_LOGINS_ALLOWED = True
    User.objects.create_user(username="demo-iro", password="demo-pass-123456", role=Role.IRO)
    settings.DEMO_LOGINS_ALLOWED = False
    assert authenticate(username="demo-iro", password="demo-pass-123456") is None


def test_a_session_that_names_the_guard_still_reads_its_user(client):
    user = User.objects.create_user(username="ivy", password="x-pass-123456", role=Role.IRO)
    client.force_login(user, backend="iro.demo.guard.RefuseDemoLoginsBackend")
    assert client.get("/my-work/").status_code == 200
