"""Census returns in a real browser: the analyst checks the records of a year, reads the
findings, makes the year's return and downloads it; a return being made is followed by
its page until it is ready; axe on each page."""

from __future__ import annotations

import gzip

import pytest
from django.utils import timezone

from iro.census.models import CensusReturn, ReturnKind, ReturnState
from iro.census.reader import CensusStream
from iro.journey.models import ConferenceKind, Decision
from tests.browser.conftest import check_page
from tests.browser.test_report_pages import sign_in
from tests.census.authority import small_authority
from tests.factories import hold_conference, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_analyst_checks_the_records_and_makes_the_return(page, tmp_path):
    staff = make_staff()
    records = small_authority(staff)
    hold_conference(  # a review on the day the plan started breaks rule 8841
        kind=ConferenceKind.REVIEW, chair=staff.iro, held_on=records.plan.start_date,
        children=[(records.child, {"plan": records.plan, "decision": Decision.CONTINUE})],
    )  # fmt: skip
    sign_in(page, staff.analyst.username)
    page.get_by_role("link", name="Census returns").click()
    assert page.locator("h1").inner_text() == "Census returns"
    check_page(page, "census-returns-empty")

    page.get_by_label("Census year").select_option("2023-24")
    page.get_by_label("LA code (for the return)").fill("99")
    page.get_by_role("button", name="Make the return").click()
    assert "The LA code is three digits" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, "census-returns-bad-lea")

    page.get_by_label("LA code (for the return)").fill("")
    page.get_by_role("button", name="Check the records").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Records checked"
    assert "8841" in page.locator("#findings").inner_text()
    assert "A001" in page.locator("#finding-list").inner_text()
    check_page(page, "census-return-check-done")

    page.get_by_role("link", name="All census returns").click()
    page.get_by_label("Census year").select_option("2023-24")
    page.get_by_label("LA code (for the return)").fill("999")
    page.get_by_role("button", name="Make the return").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Return made"
    check_page(page, "census-return-made")
    with page.expect_download() as fetched:
        page.get_by_role("link", name="Download the return (cin-2023-24-999.xml)").click()
    path = tmp_path / "return.xml"
    fetched.value.save_as(path)
    assert CensusStream(path).header.lea == "999"

    page.get_by_role("link", name="All census returns").click()
    assert page.locator("#returns tbody tr").count() == 2
    check_page(page, "census-returns-two")


def test_a_return_being_made_is_followed_until_it_is_ready(page):
    staff = make_staff()
    job = CensusReturn.objects.create(
        kind=ReturnKind.RETURN, period="2023-24", requested_by=staff.analyst,
        state=ReturnState.RUNNING,
    )  # fmt: skip
    sign_in(page, staff.analyst.username)
    page.goto(f"/census/returns/{job.public_id}/")
    assert "Reading the records" in page.locator("[role=status]").inner_text()
    check_page(page, "census-return-running")
    CensusReturn.objects.filter(pk=job.pk).update(
        state=ReturnState.DONE, children=3, summary={"errors": 0, "queries": 0, "by_rule": {}},
        finished_at=timezone.now(), content=gzip.compress(b"<Message/>"),
    )  # fmt: skip
    page.wait_for_selector(".govuk-panel__title >> text=Return made", timeout=10_000)
    check_page(page, "census-return-followed-to-ready")
