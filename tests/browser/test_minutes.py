"""The minutes of a held conference in a real browser: reached from the conference page,
checked with axe-core and screenshotted."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page
from tests.browser.test_work_pages import sign_in
from tests.factories import make_staff
from tests.journey.test_minutes import held_icpc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_opens_the_minutes_from_the_conference_page(page):
    staff = make_staff()
    conference = held_icpc(staff)
    sign_in(page, staff.coordinator.username)
    page.goto(conference.get_absolute_url())
    page.get_by_role("link", name="read or print them").click()
    assert page.locator("h1").inner_text() == "Record of the initial child protection conference"
    check_page(page, "conference-minutes")
