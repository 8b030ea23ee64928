"""The Content-Security-Policy in a real browser: the standalone family plan keeps its
own stylesheet (allowed by the page's nonce), and the locked-out sign-in page shows in
the service's layout. The ``page`` fixture fails a test on any CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import check_page
from tests.factories import PASSWORD, child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_family_plan_keeps_its_own_stylesheet_under_the_policy(page):
    staff = make_staff()
    today = timezone.localdate()
    journey = child_on_plan(
        chair=staff.iro,
        strategy=today - timedelta(days=40),
        icpc_on=today - timedelta(days=25),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
    )
    sign_in(page, staff.iro.username, PASSWORD)
    page.goto(f"/plans/{journey.plan.public_id}/family-plan")
    assert "Quilla's child protection plan" in page.locator("h1").inner_text()
    font = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    assert "Liberation Sans" in font  # the nonce let the page's <style> apply
    assert not page.csp_violations


def test_a_locked_out_sign_in_gets_the_services_page(page, settings):
    settings.AXES_ENABLED = True
    staff = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, staff.iro.username, "not-the-password")
    assert page.locator("h1").inner_text() == "You cannot sign in for now"
    # The browser reports the page's own status (429) as a failed load; nothing else.
    page.js_errors[:] = [e for e in page.js_errors if "status of 429" not in e]
    check_page(page, "locked-out")
