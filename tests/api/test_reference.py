"""The API's reference page (iro.api.reference): every call and every shape, read from the
API's own schema, for anyone signed in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from iro.api import reference
from iro.api.urls import api_patterns

pytestmark = pytest.mark.django_db


def test_every_call_of_the_api_is_on_the_reference():
    calls = {(op.method, op.path) for _, ops in reference.reference().groups for op in ops}
    assert ("POST", "/api/conferences/") in calls
    assert ("GET", "/api/children/{public_id}/journey/") in calls
    # Compared with the parameters' names left out (the schema calls a pk "id").
    documented = {re.sub(r"\{[^}]*\}", "{}", path) for _, path in calls}
    for pattern in api_patterns:
        if pattern.name in ("api_docs", "api_schema"):
            continue
        route = "/" + re.sub(r"<[^>]*>", "{}", str(pattern.pattern))
        assert route in documented, route


def test_a_call_says_what_it_takes_and_a_shape_its_fields():
    shapes = {s.name: s for s in reference.reference().shapes}
    record = {f.name: f for f in shapes["RecordConferenceRequest"].fields}
    assert record["held_on"].type == "date (YYYY-MM-DD)" and record["held_on"].required
    assert record["outcomes"].type == "list of ChildOutcomeRequest"
    assert record["outcomes"].around_shape == ("list of ", "")
    assert "one of: " in record["lateness_reason"].type


def test_the_reference_is_a_page_for_anyone_signed_in(client, staff):
    assert client.get(reverse("api_docs"))["Location"].startswith("/accounts/login/")
    client.force_login(staff.partnership)
    page = client.get(reverse("api_docs")).text
    assert '<code class="iro-api-path">/api/conferences/</code>' in page
    assert 'id="shape-BookConferenceRequest"' in page
    assert "<strong>201</strong>: Made." in page
