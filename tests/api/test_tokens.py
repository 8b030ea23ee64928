"""Tokens: only a hash kept, shown once; an expired, revoked or mistyped token, or one of
an inactive user, is refused with 401 and the one error body."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from iro.api import services
from iro.api.models import ApiToken
from tests.api.conftest import Api, token_for

pytestmark = pytest.mark.django_db

CHILDREN = "/api/children/"


def test_a_token_lets_its_user_in_and_only_its_hash_is_kept(staff):
    raw = token_for(staff.iro)
    token = ApiToken.objects.get(user=staff.iro)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in vars(token).values()}
    assert raw.startswith("iro_") and len(raw) > 40
    response = Api(raw).get(CHILDREN)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_no_token_is_a_401_naming_the_scheme(staff):
    response = Client().get(CHILDREN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"status", "detail", "errors"}


def test_an_expired_token_is_refused(staff):
    raw = token_for(staff.iro, days=1)
    with time_machine.travel(ApiToken.objects.get().expires_at, tick=False):
        response = Api(raw).get(CHILDREN)
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The API token is not valid: it may be mistyped, expired or revoked, or its user's "
        "account made inactive."
    )


def test_a_revoked_token_is_refused(staff):
    raw = token_for(staff.iro)
    services.revoke_token(token=ApiToken.objects.get(), acting_user=staff.iro)
    assert Api(raw).get(CHILDREN).status_code == 401


def test_a_token_of_a_user_made_inactive_is_refused_and_listed_as_stopped(staff):
    raw = token_for(staff.iro)
    staff.iro.is_active = False
    staff.iro.save()
    assert Api(raw).get(CHILDREN).status_code == 401
    assert ApiToken.objects.get().state == "Stopped: its user's account is inactive"


def test_a_mistyped_token_is_refused(staff):
    raw = token_for(staff.iro)
    assert Api(raw[:-1] + ("A" if raw[-1] != "A" else "B")).get(CHILDREN).status_code == 401


def test_nobody_makes_another_users_token_and_only_an_administrator_revokes_one(staff):
    for someone_else in (staff.analyst, staff.admin):
        with pytest.raises(services.PermissionDenied, match="only they make one"):
            services.create_token(user=staff.iro, name="x", days=1, acting_user=someone_else)
    assert not ApiToken.objects.exists()
    token, _ = services.create_token(user=staff.iro, name="x", days=1, acting_user=staff.iro)
    with pytest.raises(services.PermissionDenied):
        services.revoke_token(token=token, acting_user=staff.analyst)
    services.revoke_token(token=token, acting_user=staff.admin)
    token.refresh_from_db()
    assert token.revoked_by == staff.admin


def test_a_token_needs_a_purpose_and_a_life_of_one_to_366_days(staff):
    with pytest.raises(services.ValidationError) as caught:
        services.create_token(user=staff.iro, name=" ", days=400, acting_user=staff.iro)
    assert caught.value.message_dict == {
        "name": [services.NAME_REQUIRED],
        "days": [services.DAYS_RANGE],
    }


def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(staff):
    client = Client()
    client.force_login(staff.iro)
    page = client.post(reverse("api_tokens"), {"name": "Case system", "days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=staff.iro)
    raw = page.context["new_token"]
    assert services.hash_token(raw) == token.token_hash
    assert raw in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    again = client.get(reverse("api_tokens")).content.decode()
    assert raw not in again and "Case system" in again and token.prefix in again
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(raw).get(CHILDREN).status_code == 401


def test_the_tokens_page_says_what_is_wrong(staff):
    client = Client()
    client.force_login(staff.iro)
    page = client.post(reverse("api_tokens"), {"name": "", "days": "0"})
    assert page.context["error_list"] == [
        ("id_name", services.NAME_REQUIRED),
        ("id_days", services.DAYS_RANGE),
    ]
    assert not ApiToken.objects.exists()


def test_a_user_cannot_revoke_another_users_token_from_the_page(staff):
    token, _ = services.create_token(user=staff.iro, name="x", days=1, acting_user=staff.iro)
    client = Client()
    client.force_login(staff.other_iro)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
