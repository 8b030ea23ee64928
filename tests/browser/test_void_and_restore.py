"""A manager voids a wrongly entered initial conference in a real browser, sees a report
figure change, restores it and sees the figure change back. Each page is checked with
axe-core (WCAG 2.2 AA), the refusal of a void without a reason too."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from iro.journey.corrections import VOID_REASON_REQUIRED
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_staff
from tests.reports.conftest import a_child, an_icpc, an_s47

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = "/reports/annual/2018-19/"
ICPC_FIGURE = 'a[href="/reports/annual/2018-19/icpc_within_15_working_days/"]'


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def icpc_figure(page) -> str:
    page.goto(REPORT)
    return page.locator(ICPC_FIGURE).first.text_content()


def test_a_void_and_a_restore_change_a_report_figure_and_change_it_back(page):
    staff = make_staff()
    an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 6, 25), chair=staff.iro)  # in time
    child = a_child(staff, first_name="Rowan", last_name="Elderfield")
    late = an_icpc(an_s47(staff, date(2018, 6, 4), child=child), date(2018, 7, 30), chair=staff.iro)
    sign_in(page, staff.iro_manager.username)

    before = icpc_figure(page)
    assert before.startswith("50")

    page.goto(f"/conferences/{late.public_id}/")
    page.get_by_role("link", name="Void this conference").click()
    expect(page.locator("h1")).to_have_text("Void this record")
    check_page(page, "void-conference")

    page.get_by_role("button", name="Void the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(VOID_REASON_REQUIRED)
    check_page(page, "void-conference-no-reason")

    page.get_by_label("Why is this record being voided?").fill(
        "Recorded against the wrong child: this conference was for another family."
    )
    page.get_by_role("button", name="Void the record").click()
    expect(page.locator("h1")).to_contain_text("Initial child protection conference held")
    expect(page.locator("main")).to_contain_text("Voided by")
    expect(page.locator("main")).to_contain_text("Recorded against the wrong child")
    check_page(page, "voided-conference")

    voided = icpc_figure(page)
    assert voided.startswith("100")
    page.locator(ICPC_FIGURE).first.click()
    expect(page.locator("main")).to_contain_text("1 row behind this figure")

    page.goto(f"/children/{child.public_id}/")
    expect(page.locator("#voided-records")).to_be_visible()
    check_page(page, "child-with-voided-record")
    page.get_by_role("link", name="Restore Initial child protection conference").click()
    page.get_by_label("Why is this record being restored?").fill(
        "Checked with the team: it was the right family after all."
    )
    page.get_by_role("button", name="Restore the record").click()
    expect(page.locator("h1")).to_contain_text("Initial child protection conference for")

    assert icpc_figure(page) == before
    check_page(page, "report-after-restore")
