"""The journey for the family in a real browser, with axe-core (WCAG 2.2 AA) and
screenshots: the staff page that chooses the version, each version's leaflet, and the
PDF leaflets turned into pictures for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from iro.documents.family_journey import AUDIENCES
from tests.browser.conftest import SHOTS, check_page
from tests.browser.test_report_pages import sign_in
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quilla():
    staff = make_staff()
    today = timezone.localdate()
    journey = child_on_plan(
        chair=staff.iro,
        strategy=today - timedelta(days=40),
        icpc_on=today - timedelta(days=20),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
        date_of_birth=date(today.year - 6, 1, 1),
        social_worker=staff.social_worker,
    )
    return staff, journey.child


def test_a_social_worker_opens_each_version_of_the_journey_for_the_family(page, quilla):
    staff, child = quilla
    sign_in(page, staff.social_worker.username)
    page.goto(f"/children/{child.public_id}/")
    page.get_by_role("link", name="Journey for the family").click()
    assert page.locator("h1").inner_text() == "Journey for the family"
    assert page.locator("#audience-under-8").is_checked()
    check_page(page, "family-journey-choose")

    for audience, label in AUDIENCES.items():
        page.goto(f"/children/{child.public_id}/family-journey/")
        page.get_by_label(str(label)).check()
        page.get_by_role("button", name="Choose this version").click()
        page.get_by_role("link", name="Open the leaflet in English (web page)").click()
        assert "Quilla" in page.locator("h1").inner_text()
        assert "Ivy Coldharbour" in page.locator("main").inner_text()
        check_page(page, f"family-journey-{audience}")
        for img in page.locator("img").all():
            assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")

        pdf = page.request.get(
            f"/children/{child.public_id}/family-journey/leaflet.pdf?audience={audience}"
        )
        assert pdf.ok and pdf.body().startswith(b"%PDF-")
        path = SHOTS / f"family-journey-{audience}.pdf"
        path.write_bytes(pdf.body())
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(path), str(path.with_suffix(""))], check=True
            )


def test_the_choice_page_explains_an_unknown_version_without_an_axe_violation(page, quilla):
    staff, child = quilla
    sign_in(page, staff.iro.username)
    page.goto(f"/children/{child.public_id}/family-journey/?audience=adults")
    assert (
        "Choose who the leaflet is for from the list."
        in page.locator(".govuk-error-summary").inner_text()
    )
    check_page(page, "family-journey-choose-error")


def test_the_analyst_is_refused_the_journey_for_the_family(page, quilla):
    staff, child = quilla
    sign_in(page, staff.analyst.username)
    response = page.goto(f"/children/{child.public_id}/family-journey/leaflet")
    assert response.status == 403
    assert "Quilla" not in page.locator("body").inner_text()
