"""The family documents in another language in a real browser: the letter page (English
around an Arabic letter, then the English letter), the family plan in Urdu, and the
plan page's language chooser pass axe-core with no script error or CSP violation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from iro.journey import services
from iro.journey.models import InviteeRole
from tests.browser.conftest import check_page
from tests.browser.test_content_security_policy import sign_in
from tests.factories import PASSWORD, child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_arabic_letter_reads_right_to_left_inside_the_english_page(page):
    staff = make_staff()
    conference = book_icpc(staff, sibling_group(staff))
    invitation = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    sign_in(page, staff.coordinator.username, PASSWORD)
    url = reverse("conference_invitation_letter", args=[conference.public_id, invitation.pk])
    page.goto(f"{url}?lang=ar")
    letters = page.locator(".iro-letter")
    assert letters.count() == 2
    assert letters.nth(0).evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert letters.nth(1).evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    check_page(page, "letter-in-arabic")


def test_the_family_plan_in_urdu_and_the_plan_pages_chooser(page):
    from datetime import timedelta

    from django.utils import timezone

    staff = make_staff()
    today = timezone.localdate()
    journey = child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=40), icpc_on=today - timedelta(days=25),
        team=staff.team, first_name="Quilla", last_name="Ashcombe",
    )  # fmt: skip
    sign_in(page, staff.iro.username, PASSWORD)
    page.goto(reverse("plan_detail", args=[journey.plan.public_id]))
    page.select_option("#family-language-plan", "ur")
    page.get_by_role("button", name="Open the web page").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ur"
    check_page(page, "family-plan-in-urdu")
    page.goto(reverse("plan_detail", args=[journey.plan.public_id]))
    check_page(page, "plan-with-language-chooser")
