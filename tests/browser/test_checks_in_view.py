"""A check that reloads a long form shows its outcome where the user is, and moves the
focus to it (WCAG 4.1.3, 2.4.3): "Show who is free at this time" with the time missing
stays at the top with its error summary focused, although the check asks for the page at
the chairs (#who-will-chair); "Check the wording" says at the top what it found, in a
banner that takes the focus and links to each text with suggestions."""

from __future__ import annotations

from datetime import date, time

import pytest
from playwright.sync_api import expect

from iro.journey import plan_services, services
from iro.journey.models import ConferenceKind
from iro.journey.services import Subject
from tests.browser.conftest import check_page
from tests.browser.test_conference_journey import (  # noqa: F401 - fixtures
    clock,
    session_cookies,
    sign_in,
    submit,
)
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 12, 14)  # a Monday
DAY = date(2026, 12, 17)
JARGON = "Mum not engaging with CAMHS; s47 threshold met; LAC consideration if no compliance."


def focused(page) -> str:
    """The focused element: its id, else its first class."""
    return page.evaluate(
        "() => document.activeElement.id || document.activeElement.classList[0] || 'body'"
    )


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


@pytest.fixture
def nia(clock):  # noqa: F811
    clock.set(TODAY)
    staff = make_staff()
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 10, 5), icpc_on=date(2026, 10, 26),
        first_name="Nia", last_name="Marlow", team=staff.team, social_worker=staff.social_worker,
    )  # fmt: skip
    return staff, journey


def test_showing_who_is_free_without_a_time_shows_and_focuses_the_error_summary(
    nia,
    sign_in,  # noqa: F811
):
    staff, journey = nia
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/children/{journey.child.public_id}/conferences/new?kind=review")
    submit(coordinator, "Show who is free at this time")
    assert coordinator.url.endswith("#who-will-chair")
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date of the conference."
    )
    expect(coordinator.locator(".govuk-error-summary")).to_be_focused()
    assert in_view(coordinator, ".govuk-error-summary")
    check_page(coordinator, "who-is-free-without-a-time")
    # With a time, the check comes back at the chairs, with no error.
    coordinator.fill("#id_scheduled_date_day", str(DAY.day))
    coordinator.fill("#id_scheduled_date_month", str(DAY.month))
    coordinator.fill("#id_scheduled_date_year", str(DAY.year))
    coordinator.fill("#id_scheduled_time", "10:00")
    submit(coordinator, "Show who is free at this time")
    expect(coordinator.locator(".govuk-error-summary")).to_have_count(0)
    assert in_view(coordinator, "#who-will-chair")
    assert coordinator.evaluate("window.scrollY") > 300


def test_checking_the_wording_of_the_record_says_at_the_top_what_it_found(
    nia,
    sign_in,  # noqa: F811
):
    staff, journey = nia
    review = services.schedule_conference(
        kind=ConferenceKind.REVIEW, subjects=[Subject(child=journey.child, plan=journey.plan)],
        scheduled_date=DAY, scheduled_time=time(10, 0), chair=staff.iro, venue="Civic Centre",
        acting_user=staff.coordinator,
    )  # fmt: skip
    row = review.children.get()
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{review.public_id}/record")
    iro.fill(f"#id_child{row.pk}-worries", JARGON)
    submit(iro, "Check the wording")
    banner = iro.locator("#wording-checked")
    expect(banner).to_be_focused()
    assert in_view(iro, "#wording-checked")
    expect(banner).to_contain_text("The text checked could be plainer.")
    expect(banner).to_contain_text("“CAMHS”")
    check_page(iro, "record-wording-checked")
    # Its link goes to the text, with the suggestions just below it.
    banner.get_by_role("link", name="What are we worried about (Nia Marlow)").click()
    expect(iro.locator(f"#id_child{row.pk}-worries")).to_be_focused()
    assert in_view(iro, f"#id_child{row.pk}-worries-plain")


def test_checking_the_wording_of_an_action_says_at_the_top_what_it_found(
    nia,
    sign_in,  # noqa: F811
):
    staff, journey = nia
    action = plan_services.add_action(
        plan=journey.plan, what="Go to the parenting course.", who="Mum",
        by_when=date(2027, 1, 29), acting_user=staff.iro,
    )  # fmt: skip
    iro = sign_in(staff.iro)
    iro.goto(f"/plans/{journey.plan.public_id}/actions/{action.pk}")
    iro.fill("#id_what", JARGON)
    submit(iro, "Check the wording")
    expect(iro.locator("#wording-checked")).to_be_focused()
    assert in_view(iro, "#wording-checked")
    expect(iro.locator("#wording-checked")).to_contain_text("What needs to happen")
    check_page(iro, "action-wording-checked")
