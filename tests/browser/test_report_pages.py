"""The report pages in a real browser: axe-core (WCAG 2.2 AA) on the report, the
children behind a figure and the choice of report, with screenshots to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page
from tests.factories import PASSWORD, make_staff
from tests.reports.conftest import build_authority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_report_pages_pass_axe_and_link_to_the_children(page):
    staff = make_staff()
    build_authority(staff, 6)
    sign_in(page, staff.senior_manager.username)
    page.goto("/reports/")
    check_page(page, "reports-index")
    page.get_by_role("link", name="Reports").first.click()
    page.goto("/reports/annual/2018-19/")
    check_page(page, "report-annual-2018-19")
    page.locator('a[href="/reports/annual/2018-19/icpc_within_15_working_days/"]').first.click()
    assert page.locator("h1").inner_text() == "Initial conferences within 15 working days"
    check_page(page, "report-children-icpc")
    page.goto("/reports/monthly/2018-06/")
    check_page(page, "report-monthly-2018-06")


def test_the_pickers_a_provisional_report_and_a_refused_period_pass_axe(page):
    from datetime import timedelta

    from django.utils import timezone

    from iro import timescales
    from tests.reports.conftest import a_plan

    staff = make_staff()
    today = timezone.localdate()
    a_plan(staff, today - timedelta(days=400))
    this_year = timescales.period_containing(timescales.ANNUAL, today)
    next_year = timescales.period_containing(
        timescales.ANNUAL, timescales.add_months(this_year.first_day, 12)
    )
    sign_in(page, staff.senior_manager.username)
    page.goto("/reports/")
    check_page(page, "reports-index-pickers")
    page.get_by_role("link", name=f"Annual report {this_year.label}").click()
    assert "Provisional: year to date" in page.locator("main").inner_text()
    check_page(page, "report-annual-provisional")
    response = page.goto(f"/reports/annual/{next_year.label}/")
    assert response.status == 404
    # The browser logs the page's own 404 status as a console error; nothing else may be.
    page.js_errors.clear()
    assert page.locator("h1").inner_text() == f"There is no report yet for {next_year.label}"
    check_page(page, "report-not-begun")


def test_the_analyst_reads_the_annual_report_summary_from_the_full_report(page):
    staff = make_staff()
    build_authority(staff, 6)
    sign_in(page, staff.analyst.username)
    page.goto("/reports/annual/2018-19/")
    page.get_by_role("link", name="Annual report summary 2018-19").click()
    assert page.locator("h1").inner_text() == "Annual report summary 2018-19"
    for heading in ("What an IRO does", "The child's journey", "What needs to be done next"):
        assert page.get_by_role("heading", name=heading).count() == 1
    check_page(page, "report-summary")


def test_a_report_made_a_little_earlier_says_so_and_passes_axe(page):
    from datetime import date

    import time_machine
    from django.utils import timezone

    from iro.operations.code import code_fingerprint
    from iro.operations.models import WorkerHeartbeat
    from iro.reports import keeping
    from tests.reports.conftest import a_plan

    staff = make_staff()
    with time_machine.travel(date(2019, 2, 14), tick=True):
        a_plan(staff, date(2018, 5, 1))
        keeping.keep_reports()
        a_plan(staff, date(2018, 6, 1))  # the records change after the reports were kept
        WorkerHeartbeat.objects.create(
            worker_id="w", beat_at=timezone.now(), host="h", pid=1, code=code_fingerprint()
        )
        sign_in(page, staff.iro_manager.username)
        page.goto("/reports/annual/2018-19/")
        assert "These figures were made at" in page.locator("#figures-at").inner_text()
        check_page(page, "report-made-a-little-earlier")


def test_a_report_being_worked_out_passes_axe_and_opens_by_itself_when_ready(page, monkeypatch):
    from types import SimpleNamespace

    from django.core.cache import caches
    from django.utils import timezone
    from playwright.sync_api import expect

    from iro.operations.code import code_fingerprint
    from iro.operations.models import WorkerHeartbeat
    from iro.reports import keeping

    staff = make_staff()
    build_authority(staff, 2)
    caches["reports"].clear()  # no copy of this report an earlier test built
    WorkerHeartbeat.objects.create(
        worker_id="w1", beat_at=timezone.now(), host="h", pid=1, code=code_fingerprint()
    )
    asked = []
    task = keeping.prepare_report
    monkeypatch.setattr(
        keeping, "prepare_report", SimpleNamespace(enqueue=lambda *a: asked.append(a))
    )
    sign_in(page, staff.iro_manager.username)
    response = page.goto("/reports/annual/2018-19/")
    assert response.status == 202
    assert "being worked out" in page.locator("main").inner_text()
    check_page(page, "report-being-worked-out")
    assert asked == [("annual", "2018-19", None, None, "internal")]

    task.call(*asked[0])  # the worker builds it; the page looks again by itself
    expect(page.locator("main")).not_to_contain_text("being worked out", timeout=15000)
    assert page.url.endswith("/reports/annual/2018-19/")
    assert page.locator("h1").inner_text().startswith("Annual report 2018-19")


def test_a_management_list_cut_short_links_to_the_files_that_hold_it_all_and_passes_axe(
    page, monkeypatch
):
    from iro.reports import views

    monkeypatch.setattr(views, "LIST_ROWS_SHOWN", 1)
    staff = make_staff()
    build_authority(staff, 6)
    sign_in(page, staff.iro_manager.username)
    page.goto("/reports/monthly/2018-06/")
    more = page.locator('p[id^="list-"][id$="-more"]').first
    assert more.count() == 1
    links = more.get_by_role("link")
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        "spreadsheet",
        "CSV",
        "PDF",
    ]
    more.scroll_into_view_if_needed()
    check_page(page, "report-monthly-list-cut-short")


def test_the_manager_signs_off_the_annual_report_and_the_pages_pass_axe(page):
    staff = make_staff()
    build_authority(staff, 4)
    sign_in(page, staff.iro_manager.username)
    page.goto("/reports/annual/2018-19/")
    page.get_by_role("link", name="Sign off for publication").click()
    check_page(page, "report-sign-off")
    page.get_by_label("Statement (optional)").fill("Agreed by the partnership board.")
    page.get_by_role("button", name="Sign off the annual report 2018-19").click()
    page.wait_for_url("**/reports/annual/2018-19/sign-off/")
    assert "Annual report 2018-19 is signed off." in page.get_by_role("alert").inner_text()
    assert page.locator("#standing").is_visible()  # and its files, at once
    check_page(page, "report-sign-off-standing")
    page.goto("/reports/annual/2018-19/")
    assert page.locator("#signed-off").is_visible()
    check_page(page, "report-signed-off")
