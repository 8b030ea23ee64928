"""The census import in a real browser: the analyst uploads a return and reads what it
did; a running import's page follows it by itself until it is done; axe on each page."""

from __future__ import annotations

import pytest

from iro.census.jobs import record_command_import
from iro.census.models import CensusImport
from iro.census.synthetic import write_synthetic_file
from tests.browser.conftest import check_page
from tests.browser.test_report_pages import sign_in
from tests.census.builders import child
from tests.census.test_import import details, ids, plan_block, s47_block
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_analyst_imports_a_return_and_reads_what_it_did(page, tmp_path):
    staff = make_staff()
    sign_in(page, staff.analyst.username)
    page.get_by_role("link", name="Census import").click()
    assert page.locator("h1").inner_text() == "Census import"
    check_page(page, "census-imports-empty")

    page.get_by_role("button", name="Import the files").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose a CIN census file to import." in summary
    check_page(page, "census-imports-no-file")

    path = tmp_path / "cin-2023-24.xml"
    write_synthetic_file(path, 25, seed=11)
    bad = child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX")))  # fmt: skip
    text = path.read_text()
    path.write_text(text.replace("</Children>", bad + "</Children>"))
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Import the files").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Imported"
    assert "26 children read, 1 skipped" in page.locator(".govuk-panel__body").inner_text()
    assert "B2" in page.locator("#skipped").inner_text()
    assert page.locator("#findings tbody tr").count() > 0
    check_page(page, "census-import-done")

    page.get_by_role("link", name="All census imports").click()
    assert page.locator("#imports tbody tr").count() == 1
    check_page(page, "census-imports-one")


def test_a_running_import_is_followed_until_it_is_done(page):
    staff = make_staff()
    job = record_command_import(path="/nowhere/cin.xml", acting_user=staff.analyst)
    CensusImport.objects.filter(pk=job.pk).update(
        state="running", size=1000, bytes_done=300, children_read=90
    )
    sign_in(page, staff.analyst.username)
    page.goto(f"/census/imports/{job.public_id}/")
    assert "30% of the file read: 90 children so far." in page.locator("[role=status]").inner_text()
    check_page(page, "census-import-running")

    CensusImport.objects.filter(pk=job.pk).update(bytes_done=700, children_read=210)
    page.wait_for_selector("[role=status] >> text=70% of the file read: 210 children so far.")
    CensusImport.objects.filter(pk=job.pk).update(
        state="done", summary={"children_read": 300, "added": {"children": 300}}
    )
    page.wait_for_selector(".govuk-panel__title >> text=Imported", timeout=10_000)
    check_page(page, "census-import-followed-to-done")
