"""Booking in a real browser: an overlapping booking is refused with both conferences
named, and a Saturday is booked only once the coordinator confirms it with a reason,
which the conference then shows. Each page is checked with axe-core."""

from __future__ import annotations

from datetime import date, time

import pytest
from playwright.sync_api import expect

from iro.journey import services
from iro.journey.models import Conference, ConferenceKind
from iro.journey.services import Subject
from tests.browser.conftest import check_page
from tests.browser.test_conference_journey import (  # noqa: F401 - fixtures
    clock,
    fill_date,
    main_text,
    session_cookies,
    sign_in,
    submit,
)
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 12, 14)  # a Monday
DAY = date(2026, 12, 17)  # a Thursday


def test_an_overlapping_booking_is_refused_and_a_saturday_needs_a_reason(
    browser,
    live_server,
    sign_in,  # noqa: F811
    clock,  # noqa: F811
):
    clock.set(TODAY)
    staff = make_staff()
    nia, oli = (
        child_on_plan(
            chair=staff.iro, strategy=date(2026, 10, 5), icpc_on=date(2026, 10, 26),
            first_name=first, last_name="Marlow", team=staff.team,
            social_worker=staff.social_worker,
        )
        for first in ("Nia", "Oli")
    )  # fmt: skip
    services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=nia.child, plan=nia.plan)],
        scheduled_date=DAY,
        scheduled_time=time(9, 30),
        chair=staff.iro,
        venue="Civic Centre",
        acting_user=staff.coordinator,
    )

    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/children/{oli.child.public_id}/conferences/new?kind=review")
    fill_date(coordinator, "scheduled_date", DAY)
    coordinator.fill("#id_scheduled_time", "10:00")
    coordinator.fill("#id_venue", "Town Hall")
    coordinator.check(f'input[name="chair"][value="{staff.iro.pk}"]')
    submit(coordinator, "Book the conference")
    clash = (
        "Ivy Coldharbour is already chairing the review child protection conference for "
        "Nia Marlow at Civic Centre, 09:30–11:30 on 17 December 2026; this one would run "
        "10:00–12:00."
    )
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(clash)
    check_page(coordinator, "booking-overlap-refused")
    assert Conference.objects.count() == 3  # two ICPCs and Nia's review: nothing new

    # A Saturday: the service asks for a confirmation and the reason.
    fill_date(coordinator, "scheduled_date", date(2026, 12, 19))
    submit(coordinator, "Book the conference")
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
        "19 December 2026 is a Saturday, not a working day."
    )
    expect(coordinator.locator("#booking-warning")).to_be_visible()
    check_page(coordinator, "booking-confirmation-asked")
    coordinator.check("#id_confirm_booking")
    coordinator.fill("#id_confirm_reason", "The family can only come at weekends")
    submit(coordinator, "Book the conference")
    assert "Booked anyway" in main_text(coordinator)
    assert "Reason: The family can only come at weekends" in main_text(coordinator)
    check_page(coordinator, "booking-confirmed")
    booked = Conference.objects.get(scheduled_date=date(2026, 12, 19))
    assert booked.booking_reason == "The family can only come at weekends"


def test_the_iro_manager_records_an_iros_leave(
    browser,
    live_server,
    sign_in,  # noqa: F811
    clock,  # noqa: F811
):
    clock.set(TODAY)
    staff = make_staff()
    manager = sign_in(staff.iro_manager)
    manager.goto("/")
    manager.get_by_role("link", name="Leave").click()
    manager.wait_for_load_state()
    check_page(manager, "leave-empty")
    submit(manager, "Record the leave")
    expect(manager.locator(".govuk-error-summary")).to_contain_text(
        "Select the IRO who will be away."
    )
    check_page(manager, "leave-errors")
    manager.select_option("#id_user", str(staff.iro.pk))
    fill_date(manager, "start_date", date(2026, 12, 21))
    fill_date(manager, "end_date", date(2026, 12, 23))
    manager.fill("#id_description", "Annual leave")
    submit(manager, "Record the leave")
    expect(manager.locator("#leave")).to_contain_text("Ivy Coldharbour")
    check_page(manager, "leave-recorded")
    # Removing it asks first, naming it; "No, keep it" keeps it; "Yes" removes it.
    manager.get_by_role("button", name="Remove the leave of Ivy Coldharbour").click()
    expect(manager.locator("h1")).to_have_text("Remove Ivy Coldharbour's leave?")
    check_page(manager, "leave-remove-asked")
    manager.get_by_role("link", name="No, keep it").click()
    expect(manager.locator("#leave")).to_contain_text("Ivy Coldharbour")
    manager.get_by_role("button", name="Remove the leave of Ivy Coldharbour").click()
    manager.get_by_role("button", name="Yes, remove the leave").click()
    expect(manager.locator("main .govuk-notification-banner")).to_contain_text(
        "Ivy Coldharbour's leave from 21 December 2026 to 23 December 2026 was removed."
    )
    expect(manager.locator("#leave")).to_have_count(0)
