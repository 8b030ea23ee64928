"""Feedback without an account, in a real browser: a parent opens the emailed link and
sends the form; a child answers with faces; a letter's code is typed; a used link and
too many tries get their calm pages; the coordinator sees where each link stands and
prints a letter. Each page is checked with axe-core and screenshotted (fb-*.png)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro.challenge import feedback_links as links
from iro.challenge.models import Feedback, FeedbackLink
from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import Decision, InviteeRole
from iro.notices.models import MailKind, OutgoingMail
from tests.browser import test_worries
from tests.browser.conftest import check_page
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

sign_in = test_worries.sign_in
submit = test_worries.submit
TOKEN = re.compile(r"(/feedback/[A-Za-z0-9_-]{20,})")


def held_conference(staff):
    today = timezone.localdate()
    siblings = sibling_group(staff, strategy_on=today - timedelta(days=12))
    conference = book_icpc(staff, siblings, on=today - timedelta(days=2))
    for name, role, email, address in [
        ("Rowan Brackwater", InviteeRole.PARENT, "rowan@example.org", ""),
        ("Heath Brackwater", InviteeRole.PARENT, "", "4 Mill Lane\nNorthmoor NM1 2AB"),
        ("Wren Brackwater", InviteeRole.CHILD, "wren@example.org", ""),
        ("Alder Brackwater", InviteeRole.CHILD, "", "4 Mill Lane\nNorthmoor NM1 2AB"),
    ]:
        services.add_invitee(
            conference=conference, name=name, role=role, email=email, address=address,
            acting_user=staff.coordinator,
        )  # fmt: skip
    held_on = today - timedelta(days=2)
    services.record_conference_held(
        conference=conference,
        held_on=held_on,
        outcomes={
            c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=held_on)
            for c in siblings.children
        },
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )
    return conference


def expected_status(page, status: int) -> None:
    """The page's own status is reported as a console error; it is the one expected."""
    assert all(f"status of {status}" in e for e in page.js_errors), page.js_errors
    page.js_errors.clear()


def link_path(email: str) -> str:
    return TOKEN.search(OutgoingMail.objects.get(kind=MailKind.FEEDBACK, to=email).body)[1]


def test_feedback_given_through_links_and_a_code(page, sign_in, monkeypatch):
    staff = make_staff()
    conference = held_conference(staff)

    # ---- A parent opens the emailed link, forgets to answer, then sends -----------------
    parent = link_path("rowan@example.org")
    page.goto(parent)
    expect(page.locator("h1")).to_have_text("Tell us what you thought of the meeting")
    assert "Brackwater" not in page.content()
    check_page(page, "fb-01-adult-form")
    submit(page, "Send my feedback")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer at least one question")
    check_page(page, "fb-02-adult-form-error")
    page.locator("fieldset", has_text="I was listened to").get_by_label("Mostly").check()
    page.fill("#text", "The chair made sure I could speak.")
    page.get_by_label("Yes, you may quote what I wrote").check()
    submit(page, "Send my feedback")
    expect(page.locator("h1")).to_have_text("Thank you")
    check_page(page, "fb-03-thanks")

    # ---- The same link again: the calm refusal -------------------------------------------
    page.goto(parent)
    expect(page.locator("h1")).to_have_text("This link does not work")
    expected_status(page, 404)
    check_page(page, "fb-04-refused")

    # ---- The child answers with faces ------------------------------------------------------
    page.goto(link_path("wren@example.org"))
    expect(page.locator("h1")).to_have_text("What did you think of the meeting?")
    check_page(page, "fb-05-child-form")
    page.locator("fieldset", has_text="People listened to me").get_by_label("Yes").check()
    submit(page, "Send")
    expect(page.locator("h1")).to_have_text("Thank you")
    check_page(page, "fb-06-child-thanks")

    # ---- A code from a posted letter -------------------------------------------------------
    letter_link = FeedbackLink.objects.get(invitation__name="Heath Brackwater")
    code = links.grouped(links.letter_code(link=letter_link, acting_user=staff.coordinator))
    page.goto("/feedback/")
    check_page(page, "fb-07-code")
    page.fill("#code", "ABC")
    submit(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("10 letters and numbers")
    check_page(page, "fb-08-code-error")
    page.fill("#code", code.lower())
    submit(page, "Continue")
    page.locator("fieldset", has_text="The plan is clear to me").get_by_label("Completely").check()
    submit(page, "Send my feedback")
    expect(page.locator("h1")).to_have_text("Thank you")
    assert Feedback.objects.filter(conference=conference).count() == 3

    # ---- Too many tries from one address ---------------------------------------------------
    monkeypatch.setattr(links, "REFUSALS_PER_WINDOW", 1)
    page.goto("/feedback/not-a-real-link-0123456789abcdefghij")
    page.goto("/feedback/")
    expect(page.locator("h1")).to_have_text("Please wait and try again")
    expected_status(page, 429)
    check_page(page, "fb-09-too-many")

    # ---- The coordinator sees where each link stands and prints a letter --------------------
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/conferences/{conference.public_id}/feedback")
    expect(coordinator.locator("#feedback-links")).to_have_text("Feedback links")
    check_page(coordinator, "fb-10-staff-feedback-page")
    coordinator.get_by_role("button", name="Print the feedback letter to Alder Brackwater").click()
    coordinator.wait_for_load_state()
    expect(coordinator.locator(".iro-code")).to_have_text(re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}"))
    check_page(coordinator, "fb-11-feedback-letter")


def test_the_forms_in_arabic_and_urdu_read_right_to_left(page, sign_in):
    """The child's faces in Arabic and the parent's form in Urdu: each radio's circle is
    drawn at the start of its answer (on the right), and the letter's code page follows."""
    staff = make_staff()
    conference = held_conference(staff)
    FeedbackLink.objects.filter(invitation__name="Wren Brackwater").update(language="ar")
    FeedbackLink.objects.filter(invitation__name="Rowan Brackwater").update(language="ur")

    for email, name in [
        ("wren@example.org", "fb-12-child-form-ar"),
        ("rowan@example.org", "fb-13-form-ur"),
    ]:
        page.goto(link_path(email))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        check_page(page, name)
        label = page.locator(".govuk-radios__label").first
        circle_right = label.evaluate("e => getComputedStyle(e, '::before').right")
        assert circle_right == "2px"
        item = page.locator(".govuk-radios__item").first.bounding_box()
        radio = page.locator(".govuk-radios__input").first.bounding_box()
        assert radio["x"] + radio["width"] >= item["x"] + item["width"] - 1  # at the start

    # The coordinator prints Alder's letter in Arabic, then English.
    FeedbackLink.objects.filter(invitation__name="Alder Brackwater").update(language="ar")
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/conferences/{conference.public_id}/feedback")
    coordinator.get_by_role("button", name="Print the feedback letter to Alder Brackwater").click()
    coordinator.wait_for_load_state()
    parts = coordinator.locator(".iro-letter")
    expect(parts).to_have_count(2)
    expect(parts.nth(0)).to_have_attribute("dir", "rtl")
    expect(parts.nth(1)).to_have_attribute("lang", "en-GB")
    check_page(coordinator, "fb-14-feedback-letter-ar")
    code_page = parts.nth(0).locator("strong[dir=ltr]").inner_text()
    assert code_page.endswith("/feedback/?lang=ar")
    page.goto("/feedback/?lang=ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    check_page(page, "fb-15-code-ar")
