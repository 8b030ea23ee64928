"""The report's words in a real browser: the IRO service manager writes them (the live
plain-language check, a refused name shown as an error), the report shows them in both
editions, and the analyst reads the published edition; axe-core on each page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page
from tests.browser.test_report_pages import sign_in
from tests.challenge.factories import TargetFactory
from tests.factories import make_staff
from tests.reports.conftest import build_authority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTEXT = (
    "We had six chairs this year. Two joined in the autumn, so each chair had fewer "
    "children to look after by the spring."
)


def test_the_iro_manager_writes_the_words_and_the_analyst_reads_them_published(page):
    staff = make_staff()
    build_authority(staff, 6)
    TargetFactory(year="2019-20", measure="reviews_on_time", value=95, action="Book early.")
    sign_in(page, staff.iro_manager.username)
    page.goto("/reports/annual/2018-19/")
    page.get_by_role("link", name="Write the report’s words").click()
    assert page.locator("h1").inner_text() == "The report’s words"
    check_page(page, "narrative-empty")

    page.fill("#id_context", CONTEXT)
    page.fill("#id_was_hard", "The ICPC reports came late. Ivy Coldharbour chased them.")
    page.wait_for_selector("#id_was_hard-plain >> text=the first child protection meeting")
    page.get_by_role("button", name="Save the report’s words").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "“Ivy” and “Coldharbour”" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, "narrative-name-refused")

    page.fill("#id_was_hard", "The ICPC reports came late. The chairs chased them.")
    page.fill("#id_next_steps", "We will book every review early and meet each family first.")
    page.get_by_role("button", name="Save the report’s words").click()
    assert "words are saved" in page.locator("main .govuk-notification-banner").inner_text()
    assert page.locator("#narrative-history tbody tr").count() == 1
    check_page(page, "narrative-saved")

    page.goto("/reports/annual/2018-19/")
    assert page.locator("#context").is_visible()
    assert "Ivy Coldharbour" in page.locator("main").inner_text()  # the by-chair table
    page.get_by_role("link", name="Show the published edition").click()
    main = page.locator("main").inner_text()
    assert CONTEXT in main
    assert "Coldharbour" not in main
    check_page(page, "report-published-as-iro-manager")

    page.context.clear_cookies()  # signed out
    sign_in(page, staff.analyst.username)
    page.goto("/reports/annual/2018-19/")
    main = page.locator("main").inner_text()
    assert "This is the published edition of the report" in main
    assert CONTEXT in main
    assert "Coldharbour" not in main and "Fallowfield" not in main
    assert page.locator('select[name="chair"]').count() == 0
    check_page(page, "report-published-as-analyst")
