"""Quotes safe to publish, in a real browser: the chair records a parent's feedback with
ratings, themes and consent; the IRO service manager finds it awaiting approval, sees
the family member's name marked, is refused when approving it as given, approves a
rewording and features it in the annual report. Each page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from iro.challenge.models import Feedback, QuoteStatus
from iro.children.models import FamilyMember
from iro.journey.models import ConferenceKind
from tests.browser import test_worries
from tests.browser.conftest import check_page
from tests.factories import ChildFactory, FamilyFactory, hold_conference, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The worries test's fixtures and helpers: a clock moved with the live server, sign-in.
clock = test_worries.clock
sign_in = test_worries.sign_in
fill_date = test_worries.fill_date
submit = test_worries.submit


def test_a_quote_naming_a_parent_is_refused_then_reworded_approved_and_featured(
    browser,
    live_server,
    sign_in,
    clock,
):
    staff = make_staff()
    family = FamilyFactory(name="Alnworth family")
    child = ChildFactory(
        first_name="Aarav", last_name="Alnworth", family=family, team=staff.team,
        date_of_birth=date(2014, 2, 1),
    )  # fmt: skip
    FamilyMember.objects.create(family=family, name="Sara Alnworth", relationship="mother")
    conference = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child, {})], chair=staff.iro,
        held_on=date(2025, 6, 2),
    )  # fmt: skip

    # ---- The chair records the mother's feedback -----------------------------------------
    clock.set(date(2025, 6, 10))
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{conference.public_id}/feedback")
    expect(iro.locator("h1")).to_have_text("Feedback after the conference")
    iro.get_by_label("Parent or carer", exact=True).check()
    iro.locator("fieldset", has_text="I was listened to").get_by_label("4", exact=True).check()
    iro.fill("#id_text", "Sara Alnworth said the chair made sure she could speak.")
    iro.get_by_label("Being listened to", exact=True).check()
    iro.get_by_label("Yes, they agreed to be quoted").check()
    fill_date(iro, "received_on", date(2025, 6, 9))
    submit(iro, "Record the feedback")
    expect(iro.locator("#feedback")).to_contain_text("awaiting approval")
    expect(iro.locator("#feedback")).to_contain_text("“I was listened to”: 4 out of 5")
    check_page(iro, "q01-feedback-recorded")

    # ---- The IRO service manager reviews it ------------------------------------------------
    manager = sign_in(staff.iro_manager)
    manager.goto("/targets/")
    manager.get_by_role("link", name="Quotes for the annual report").click()
    expect(manager.locator("h1")).to_have_text("Quotes for the annual report")
    check_page(manager, "q02-quotes-awaiting")
    manager.get_by_role("link", name=re.compile(r"^Review")).click()
    expect(manager.locator("#comment mark").first).to_have_text(
        re.compile(r"^Sara \(a name the system knows\)$")
    )
    check_page(manager, "q03-quote-review")
    submit(manager, "Approve this wording")
    expect(manager.locator(".govuk-error-summary")).to_contain_text("“Sara”")
    expect(manager.locator("#wording-marked mark").first).to_contain_text("Sara")
    expect(manager).to_have_title(re.compile(r"^Error: Review a quote"))
    check_page(manager, "q04-quote-refused")
    manager.fill("#id_wording", "The chair made sure I could speak.")
    submit(manager, "Approve this wording")
    expect(manager.locator("h1")).to_have_text("Quotes for the annual report")
    manager.get_by_role("button", name=re.compile(r"^Feature")).click()
    manager.wait_for_load_state()
    expect(manager.locator("#approved ~ table")).to_contain_text("Featured")
    check_page(manager, "q05-quote-featured")
    clock.stop()

    feedback = Feedback.objects.get()
    assert (feedback.quote_status, feedback.featured_in) == (QuoteStatus.APPROVED, "2025-26")
    assert feedback.text.startswith("Sara Alnworth")
