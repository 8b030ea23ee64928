"""A chair records a review conference with the keyboard alone: signing in, finding the
conference from My work, filling the record and saving it, with Tab, Shift+Tab, Space,
Enter and typing, never the mouse. Each control is reached by tabbing to it (so it is in
the tab order, in a sensible place) and shows where the focus is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro.journey.models import ConferenceKind, ConferenceStatus
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, child_on_plan, hold_conference, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# More presses than any page of the walk needs to reach a control from the previous one.
MOST_TABS = 120


def focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, *, within=None) -> None:
    """Press Tab until the control (or, ``within`` given, any of those controls) has the
    focus; fail if it never does. Then check the focus can be seen: the control (or, for
    a GOV.UK radio or checkbox, its label) is drawn differently from when it is not."""
    targets = (within or locator).all()
    for _ in range(MOST_TABS):
        now = next((t for t in targets if focused(t)), None)
        if now is not None:
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"{within or locator} cannot be reached with the keyboard")
    assert focus_is_visible(now), f"{now} shows no sign of having the focus"


def focus_is_visible(locator) -> bool:
    """An outline, a box shadow or a changed background on the control, or on its label's
    ::before (GOV.UK radios and checkboxes draw their focus ring there)."""
    return locator.evaluate(
        """element => {
            const drawn = (style) => (style.outlineStyle !== 'none' && style.outlineWidth !== '0px')
                || style.boxShadow !== 'none';
            if (drawn(getComputedStyle(element))) return true;
            const label = element.labels && element.labels[0];
            if (label) {
                if (drawn(getComputedStyle(label, '::before'))) return true;
                if (drawn(getComputedStyle(label, '::after'))) return true;
            }
            return getComputedStyle(element).backgroundColor === 'rgb(255, 221, 0)';
        }"""
    )


def type_into(page, locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def choose(page, locator) -> None:
    """Tab to a checkbox and press Space; or Tab into a group of radios (the focus lands
    on its first or chosen radio, as browsers do) and move to the radio with the arrow
    keys, which choose as they go."""
    locator = locator.first
    if locator.get_attribute("type") == "radio":
        name = locator.get_attribute("name")
        in_group = page.locator(f'input[type="radio"][name="{name}"]')
        tab_to(page, locator, within=in_group)
        for _ in range(in_group.count()):
            if focused(locator):
                break
            page.keyboard.press("ArrowDown")
        if not locator.is_checked():
            page.keyboard.press(" ")
    else:
        tab_to(page, locator)
        page.keyboard.press(" ")
    assert locator.is_checked(), f"{locator} was not chosen with the keyboard"


def follow(page, locator) -> None:
    """Tab to a link or button and press Enter; wait for the page it opens."""
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_chair_records_a_review_with_the_keyboard_alone(page):
    today = timezone.localdate()
    staff = make_staff()
    journey = child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=95), icpc_on=today - timedelta(days=85),
        first_name="Tamsin", last_name="Quellbrook", team=staff.team,
        social_worker=staff.social_worker,
    )  # fmt: skip
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=today,
    )

    # Sign in: the form's first field, then the password, then the button.
    page.goto("/accounts/login/")
    type_into(page, page.locator("#id_login"), staff.iro.username)
    type_into(page, page.locator("#id_password"), PASSWORD)
    follow(page, page.get_by_role("button", name="Sign in"))

    # My work lists today's conference; its link opens it, and the record is one link on.
    assert page.url.endswith("/my-work/"), page.url
    follow(page, page.locator(f'main a[href="/conferences/{review.public_id}/"]'))
    assert page.url.endswith(f"/conferences/{review.public_id}/")
    follow(page, page.get_by_role("link", name="Record the conference"))
    check_page(page, "keyboard-record-form")

    # The record: every control reached in turn with Tab, radios chosen with Space.
    row = review.children.get()
    prefix = f"#id_child{row.pk}"
    choose(page, page.locator(f"{prefix}-attendance-1"))
    choose(page, page.locator(f"{prefix}-decision"))
    for field, words in (
        ("wishes_feelings", "Tamsin told her advocate she feels safer at home now."),
        ("worries", "Mum is still unwell some days."),
        ("working_well", "Tamsin goes to school every day."),
        ("needs_to_happen", "Gran to help on the days Mum is unwell."),
    ):
        locator = page.locator(f"{prefix}-{field}")
        if not locator.input_value():
            type_into(page, locator, words)
    follow(page, page.get_by_role("button", name="Save the conference record"))

    expect(page.locator("main .govuk-notification-banner")).to_be_visible()
    review.refresh_from_db()
    assert review.status == ConferenceStatus.HELD
    assert review.held_on == today
    assert "safer at home" in review.children.get().wishes_feelings
