"""Every route of the API, walked: the anonymous get 401, and a user who must be refused
(the administrator: no children, no reports, no returns) gets 403 or 404 with the one
error body, and changes nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from iro.access.models import AccessLogEntry
from iro.api.urls import api_patterns
from tests.api.conftest import Api, token_for

pytestmark = pytest.mark.django_db

# Open to every signed-in user: what the API is, not what it holds.
DESCRIBES_ITSELF = {"api_schema", "api_docs"}


def every_api_route(resolver=None, prefix: str = "") -> list[str]:
    """The name of every URL of the whole configuration under /api/."""
    found = []
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLPattern):
            if route.startswith("api/"):
                found.append(p.name)
        else:
            found += every_api_route(p, route)
    return found


def filled(route: str, case) -> str:
    values = {
        "public_id": case.review.public_id,
        "pk": 1,
        "kind": "annual",
        "label": "2025-26",
        "year": "2025-26",
    }
    ids = {
        "children": case.journey.child.public_id,
        "conferences": case.review.public_id,
        "plans": case.journey.plan.public_id,
    }
    path = re.sub(
        r"([\w-]+)/<(?:\w+:)?(\w+)>",
        lambda m: f"{m[1]}/{ids.get(m[1], values[m[2]]) if m[2] == 'public_id' else values[m[2]]}",
        str(route),
    )
    return "/" + path


def test_the_walk_finds_every_route_of_the_api():
    assert sorted(every_api_route()) == sorted(p.name for p in api_patterns)
    assert len(api_patterns) >= 20


@pytest.mark.parametrize("pattern", api_patterns, ids=lambda p: p.name)
def test_the_anonymous_get_401_everywhere_and_the_docs_page_sends_them_to_sign_in(case, pattern):
    path = filled(pattern.pattern, case)
    if pattern.name == "api_docs":
        assert Client().get(path)["Location"].startswith("/accounts/login/")
        return
    if pattern.name == "api_schema":
        path += "?format=json"
    for response in (Client().get(path), Client().post(path, {}, content_type="application/json")):
        assert response.status_code == 401, path
        assert set(json.loads(response.content)) == {"status", "detail", "errors"}


@pytest.mark.parametrize("pattern", api_patterns, ids=lambda p: p.name)
def test_a_user_who_must_be_refused_is_refused_everywhere(case, staff, pattern):
    path = filled(pattern.pattern, case)
    api = Api(token_for(staff.admin))
    before = case.review.version, AccessLogEntry.objects.filter(child__isnull=False).count()
    got = {api.get(path).status_code, api.post(path, {}).status_code}
    if pattern.name == "api_docs":
        assert got == {302}  # the reference is a page for people: a token is sent to sign in
        return
    if pattern.name in DESCRIBES_ITSELF:
        assert 200 in got
        return
    assert got <= {403, 404, 405} and got != {405}, (path, got)
    case.review.refresh_from_db()
    after = case.review.version, AccessLogEntry.objects.filter(child__isnull=False).count()
    assert after == before


@pytest.mark.parametrize("path", ["/api/children/not-a-uuid/", "/api/nonexistent/"])
def test_an_address_the_api_does_not_have_answers_in_its_error_shape(staff, path):
    response = Api(token_for(staff.iro)).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 404,
        "detail": "There is no such address in the API: see /api/docs/ for its calls.",
        "errors": {},
    }


def test_a_page_the_site_does_not_have_is_still_a_page(client, staff):
    client.force_login(staff.iro)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
