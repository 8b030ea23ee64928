"""Rate limits per token (counted in the database cache), and the session's CSRF check."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.settings import api_settings

from tests.api.conftest import Api, token_for

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def two_a_minute(monkeypatch):
    from iro.api.throttling import PerTokenThrottle

    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "2/min"})
    cache.clear()
    yield
    cache.clear()


def test_a_token_over_its_rate_gets_429_with_retry_after_and_another_token_does_not(
    staff, two_a_minute
):
    first, second = Api(token_for(staff.iro)), Api(token_for(staff.iro))
    assert [first.get("/api/plans/").status_code for _ in range(3)] == [200, 200, 429]
    refused = first.get("/api/plans/")
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["status"] == 429
    assert second.get("/api/plans/").status_code == 200


def test_the_limit_is_counted_in_the_shared_database_cache(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert (
        "iro.api.throttling.PerTokenThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    )
    assert api_settings.DEFAULT_THROTTLE_RATES["token"]


def test_a_change_by_session_needs_the_csrf_token(case, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.iro_manager)
    path = f"/api/conferences/{case.review.public_id}/chair/"
    response = client.post(
        path, {"chair": "otto-iro", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
