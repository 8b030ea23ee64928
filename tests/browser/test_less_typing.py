"""Less typing, in a real browser: a review's invitations start from the last
conference's, a new plan's core group from the people invited, and a sibling group's
outcome is written once for both children. The text areas count characters (GOV.UK
character count). Each page is checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import ConferenceKind, Decision, InviteeRole, Plan, PlanOutcome
from iro.journey.services import Subject
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


def sign_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto("/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


def test_a_review_and_a_sibling_group_with_less_typing(browser, live_server, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    traveller = time_machine.travel(datetime(2024, 7, 10, 9, tzinfo=LONDON), tick=True)
    traveller.start()
    try:
        staff = make_staff()
        group = sibling_group(staff)
        with time_machine.travel(datetime(2024, 6, 20, 9, tzinfo=LONDON)):
            icpc = book_icpc(staff, group)
        for name, role, email in (
            ("Dana Brackwater", InviteeRole.PARENT, ""),
            ("PC Ivo Marsh", InviteeRole.POLICE, "ivo.marsh@police.example"),
        ):
            services.add_invitee(
                conference=icpc, name=name, role=role, email=email, acting_user=staff.coordinator
            )
        services.record_conference_held(
            conference=icpc, held_on=date(2024, 6, 28),
            outcomes={
                c.pk: complete_outcome(Decision.PLAN, held_on=date(2024, 6, 28), category="NEG")
                for c in group.children
            },
            acting_user=staff.iro, expected_version=current_version(icpc),
        )  # fmt: skip
        wren_plan = Plan.objects.get(child=group.children[0])

        # The IRO starts Wren's core group from the people invited.
        context, page = sign_in(browser, live_server, staff.iro)
        page.goto(f"/plans/{wren_plan.public_id}/core-group")
        expect(page.get_by_role("checkbox", name="PC Ivo Marsh, police")).to_be_checked()
        check_page(page, "core-group-offers")
        page.get_by_role("checkbox", name="Dana Brackwater, parent or carer").uncheck()
        page.get_by_role("button", name="Add the ticked people to the core group").click()
        expect(page.locator("#core-group-members")).to_contain_text("PC Ivo Marsh")

        # ... and writes one outcome for both children, watching the character count.
        page.goto(f"/plans/{wren_plan.public_id}/outcomes/new")
        expect(page.get_by_role("checkbox", name="Alder Brackwater")).to_be_checked()
        page.fill("#id_text", "Wren and Alder feel safe at home")
        expect(page.locator(".govuk-character-count__status")).to_contain_text(
            "968 characters remaining"
        )
        check_page(page, "outcome-for-the-sibling-group")
        page.get_by_role("button", name="Save the outcome").click()
        expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
        assert PlanOutcome.objects.count() == 2
        context.close()

        # The coordinator books the review; its invitations start from the ICPC's.
        review = services.schedule_conference(
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=c, plan=Plan.objects.get(child=c)) for c in group.children],
            scheduled_date=date(2024, 9, 20), chair=staff.iro, venue="Room 1",
            acting_user=staff.coordinator,
        )  # fmt: skip
        context, page = sign_in(browser, live_server, staff.coordinator)
        page.goto(f"/conferences/{review.public_id}/invitations")
        expect(
            page.get_by_role("checkbox", name="Dana Brackwater, parent or carer")
        ).to_be_checked()
        check_page(page, "invitations-carried-forward")
        page.get_by_role("button", name="Add the ticked people to the list").click()
        expect(page.locator("#invitations")).to_contain_text("PC Ivo Marsh")
        expect(page.locator("#invitations")).to_contain_text("Dana Brackwater")
        check_page(page, "invitations-kept")
        context.close()
    finally:
        traveller.stop()
