"""An administrator lists and revokes tokens in the admin; nobody makes one there (a
token acts as its owner), edits or deletes one."""

from __future__ import annotations

import pytest
from django.test import Client

from iro.api import services
from iro.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff):
    staff.admin.is_staff = staff.admin.is_superuser = True
    staff.admin.save()
    client = Client()
    client.force_login(staff.admin)
    return client


def test_an_administrator_cannot_make_a_token_for_anyone(staff, admin_client):
    assert admin_client.get("/admin/api/apitoken/add/").status_code == 403
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {"user": staff.iro_manager.pk, "name": "Warehouse load", "days": "30"},
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_tokens_and_cannot_delete_them(staff, admin_client):
    token, _ = services.create_token(user=staff.iro, name="x", days=5, acting_user=staff.iro)
    response = admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk], "index": 0},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == staff.admin
    assert admin_client.post(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()
