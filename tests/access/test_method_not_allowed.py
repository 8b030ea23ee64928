"""An address that only a button posts to, opened as a page, says so (the browser showed
its own 'This page isn't working' for the empty 405)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


def test_a_buttons_address_opened_as_a_page_says_what_it_is(client):
    staff = make_staff()
    conference = book_icpc(staff, sibling_group(staff))
    client.force_login(staff.coordinator)
    response = client.get(reverse("conference_invitations_send", args=[conference.public_id]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">This address is for a button</h1>' in page
    assert "Nothing was changed." in page


def test_the_api_keeps_its_own_answer(client):
    staff = make_staff()
    client.force_login(staff.coordinator)
    response = client.delete("/api/children/")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
