"""An administrator makes a token for a user (shown once, in a message) and revokes
tokens in the admin; nobody edits or deletes one."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
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


def test_an_administrator_makes_a_token_for_a_user_and_sees_it_once(staff, admin_client):
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {"user": staff.analyst.pk, "name": "Warehouse load", "days": "30"},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (staff.analyst, staff.admin,
                                                          "Warehouse load")  # fmt: skip
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    [message] = [m for m in messages if m.startswith("The new token")]
    raw = message.split(" is ")[1].split(" ")[0]
    assert services.hash_token(raw) == token.token_hash


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
