"""The chair corrects the date a late initial conference was held in a real browser: a
date before the enquiry is refused on the page, the right date is taken, the report's
figure for conferences in time changes and the record's history shows the change. Each
page is checked with axe-core (WCAG 2.2 AA), the refusal too."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page
from tests.browser.test_void_and_restore import ICPC_FIGURE, icpc_figure, sign_in
from tests.factories import make_staff
from tests.reports.conftest import a_child, an_icpc, an_s47

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, d: date) -> None:
    page.fill(f"input[name={name}_day]", str(d.day))
    page.fill(f"input[name={name}_month]", str(d.month))
    page.fill(f"input[name={name}_year]", str(d.year))


def test_a_corrected_date_held_changes_the_figure_and_shows_in_the_history(page):
    staff = make_staff()
    an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 6, 25), chair=staff.iro)  # in time
    child = a_child(staff, first_name="Rowan", last_name="Elderfield")
    late = an_icpc(an_s47(staff, date(2018, 6, 4), child=child), date(2018, 7, 30), chair=staff.iro)
    sign_in(page, staff.iro.username)
    assert icpc_figure(page).startswith("50")

    page.goto(f"/conferences/{late.public_id}/")
    page.get_by_role("link", name="Correct the date held").click()
    expect(page.locator("h1")).to_have_text("Correct the date held")
    check_page(page, "held-date")

    fill_date(page, "held_on", date(2018, 6, 1))
    page.get_by_label("Why are you correcting the date?").fill(
        "The record was made from the first booking; it met on 25 June."
    )
    page.get_by_role("button", name="Correct the date").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The conference cannot be before the strategy discussion on 4 June 2018."
    )
    check_page(page, "held-date-refused")

    fill_date(page, "held_on", date(2018, 6, 25))
    page.get_by_role("button", name="Correct the date").click()
    expect(page.locator("main .govuk-notification-banner")).to_contain_text(
        "The record now says it was held on 25 June 2018."
    )
    expect(page.locator("main")).to_contain_text("Held on")
    check_page(page, "held-date-corrected")
    page.get_by_role("link", name="See what changed").click()
    history = page.locator("main table").inner_text()
    assert "Date held" in history and "30 July 2018" in history and "25 June 2018" in history

    assert icpc_figure(page).startswith("100")
    page.locator(ICPC_FIGURE).first.click()
    expect(page.locator("main")).to_contain_text("2 rows behind this figure")
