"""The end of a signed-in session in a real browser: five minutes before, a banner says
when and offers to stay signed in; staying starts the time again; at the end the page
says the user was signed out, and what they typed is still there to copy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_warning_comes_before_the_end_and_staying_signed_in_starts_the_time_again(
    page, settings
):
    staff = make_staff()
    settings.IRO_SIGNED_IN_SECONDS = 120  # inside the five minutes: warned at once
    sign_in(page, staff.iro.username)
    page.goto("/my-work/")
    warning = page.locator("#session-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(re.compile(r"You will be signed out at \d\d:\d\d"))
    expect(page.locator("#session-announce")).to_contain_text("You will be signed out at")
    check_page(page, "session-warning")
    settings.IRO_SIGNED_IN_SECONDS = 3600
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    expect(page.locator("#session-announce")).to_have_text("You are still signed in.")


def test_at_the_end_the_page_says_so_and_keeps_what_was_typed(page, settings):
    staff = make_staff()
    settings.IRO_SIGNED_IN_SECONDS = 3
    sign_in(page, staff.coordinator.username)
    page.goto("/children/search/")
    box = page.locator("input[type=search], input[type=text]").first
    box.fill("Typed before the end")
    ended = page.locator("#session-warning [data-ended]")
    expect(ended).to_be_visible(timeout=15_000)
    expect(ended).to_contain_text("You have been signed out")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_hidden()
    assert box.input_value() == "Typed before the end"
    page.get_by_role("link", name="sign in again").click()
    expect(page.locator("body")).to_contain_text("You were signed out: a session lasts")
