"""One long unbroken string (a pasted link, a key held down) wraps inside the page
instead of widening it: the plan page stays within the window, on a desktop and on a
large phone, and the ordinary words of its tables are not broken to make room."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey import plan_services
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, AgencyFactory, child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORD = "x" * 3_000
SENTENCE = (
    "Mum will take Quilla to the dentist and the doctor and will tell the social worker "
    "how it went every fortnight. "
)

# Words of 30 characters or fewer that the browser broke across two lines.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("td, th, dd, dt")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        if (m[0].length > 30) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


# What sticks out of the window, to say why a page is too wide.
WIDER_THAN_THE_WINDOW = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
  .slice(0, 8)
  .map((e) => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 40)}`)"""


def _signed_in(browser, live_server, user, width: int):
    """A browser context of ``width`` px signed in as ``user``, and its page."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.goto("/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page


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
    if width == 1100:
        # Beside a long ordinary action, long ordinary words (on a phone such a table
        # needs about 450 px, long words or not).
        plan_services.add_action(
            plan=journey.plan, outcome=outcome, what=(SENTENCE * 8)[:1000],
            who="Mum and the family support worker",
            agency=AgencyFactory(name="Northmoor Community Safeguarding Partnership"),
            by_when=date(2024, 9, 30), acting_user=staff.iro,
        )  # fmt: skip
    context, page = _signed_in(browser, live_server, staff.iro, width)
    page.goto(f"/plans/{journey.plan.public_id}/")
    assert LONG_WORD[:100] in page.inner_text("main")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    assert scroll_width <= width, f"{scroll_width} px wide in a {width} px window: {wide}"
    assert page.evaluate(BROKEN_WORDS) == []
    if width == 1100:
        check_page(page, "plan-long-words")
    context.close()


# Words of the labels of radios side by side that the browser broke across two lines.
BROKEN_RADIO_LABELS = """() => [...document.querySelectorAll(".govuk-radios--inline label")]
  .filter((label) => {
    return [...label.textContent.matchAll(/\\S+/g)].some((m) => {
      const r = document.createRange();
      const text = label.firstChild;
      r.setStart(text, m.index);
      r.setEnd(text, m.index + m[0].length);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
    });
  })
  .map((label) => label.textContent.trim())"""


def test_radios_side_by_side_keep_their_words_whole(browser, live_server, settings):
    """The action statuses of a review: flexbox squeezed each option and the page's
    overflow-wrap broke "Done" into "D on e"."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    staff = make_staff()
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20), team=staff.team
    )
    outcome = plan_services.add_outcome(
        plan=journey.plan, text="Safe at home", acting_user=staff.iro
    )
    plan_services.add_action(
        plan=journey.plan, outcome=outcome, what="Go to the parenting course", who="Mum",
        by_when=date(2024, 8, 30), acting_user=staff.iro,
    )  # fmt: skip
    context, page = _signed_in(browser, live_server, staff.iro, 1280)
    page.goto(f"/plans/{journey.plan.public_id}/actions/review")
    assert page.locator(".govuk-radios--inline label").count() == 5
    assert page.evaluate(BROKEN_RADIO_LABELS) == []
    context.close()
