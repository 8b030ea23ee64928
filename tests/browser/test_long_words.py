"""One long unbroken string (a pasted link, a key held down) wraps inside the page
instead of widening it: the plan page stays within the window, on a desktop and on a
phone."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey import plan_services
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "x" * 3_000


# 414 px: a large phone. At 375 px the five columns of the actions table (a date that
# does not break, the status, the change link) need about 380 px whatever the words.
@pytest.mark.parametrize("width", [1100, 414])
def test_the_plan_page_with_a_3000_character_word_stays_within_the_window(
    browser, live_server, settings, width
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    staff = make_staff()
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20), team=staff.team
    )
    row = journey.icpc.children.get()
    row.worries = LONG_WORD
    row.save(update_fields=["worries"])
    outcome = plan_services.add_outcome(plan=journey.plan, text="o" * 1_000, acting_user=staff.iro)
    plan_services.add_action(
        plan=journey.plan, outcome=outcome, what="https://example.org/" + "a" * 980,
        who="w" * 160, by_when=date(2024, 8, 30), acting_user=staff.iro,
    )  # fmt: skip
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto("/accounts/login/")
    page.fill("#id_login", staff.iro.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"/plans/{journey.plan.public_id}/")
    assert LONG_WORD[:100] in page.content()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide in a {width} px window"
    if width == 1100:
        check_page(page, "plan-long-words")
    context.close()
