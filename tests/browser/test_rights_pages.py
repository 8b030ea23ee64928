"""The data rights pages in a real browser, checked with axe-core: the manager
restricts a child's record, and reads the retention report."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from iro.children.models import RestrictedAccess
from tests.browser.conftest import check_page
from tests.browser.test_pages import sign_in
from tests.factories import PASSWORD, ChildFactory, EpisodeFactory, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_restricts_a_record_and_reads_the_retention_report(page):
    staff = make_staff()
    child = ChildFactory(first_name="Alder", last_name="Brackwater", team=staff.team)
    old = ChildFactory(la_child_id="OLD001", date_of_birth=date(1990, 1, 1))
    EpisodeFactory(child=old, referral_date=date(2001, 1, 10), closure_date=date(2002, 1, 10))

    page.goto("/")
    sign_in(page, staff.iro_manager.username, PASSWORD)
    page.wait_for_url("**/work/service/")
    page.goto(f"/children/{child.public_id}/")
    page.get_by_role("link", name="Who may see this record").click()
    expect(page.locator("h1")).to_have_text("Restricted record")
    check_page(page, "rights-01-restriction")

    page.get_by_label("Restrict this record to the people named below").check()
    page.get_by_label(f"{staff.iro} (Independent Reviewing Officer)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Only these people can see it")
    check_page(page, "rights-02-restricted")
    assert set(RestrictedAccess.objects.values_list("user", flat=True)) == {
        staff.iro_manager.pk,
        staff.iro.pk,
    }

    page.goto("/reports/")
    page.get_by_role("link", name="Records past the retention period").click()
    expect(page.locator("table")).to_contain_text("OLD001")
    check_page(page, "rights-03-retention")
