"""Other formats in a real browser: the social worker asks for the plan in large print
from the plan's page and downloads it; a request being made is followed until it is
ready; an unavailable format says why; axe on each page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from iro.documents.models import FormatRequest, FormatState
from iro.journey import plan_services
from iro.journey.models import InviteeRole
from tests.browser.conftest import check_page
from tests.browser.test_report_pages import sign_in
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def plan(staff):
    with time_machine.travel(date(2024, 6, 20), tick=False):
        journey = child_on_plan(
            chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20),
            team=staff.team, first_name="Quilla", last_name="Ashcombe",
            social_worker=staff.social_worker,
        )  # fmt: skip
        plan_services.add_core_group_member(
            plan=journey.plan, name="Fern Oakley", role=InviteeRole.SCHOOL,
            joined_on=date(2024, 3, 20), acting_user=staff.iro,
        )  # fmt: skip
    return journey.plan


def test_the_social_worker_asks_for_the_plan_in_large_print_and_downloads_it(
    page, staff, plan, settings
):
    settings.IRO_FORMAT_PROGRAMS = {"espeak-ng": "/nowhere/espeak-ng"}
    sign_in(page, staff.social_worker.username)
    page.goto(f"/plans/{plan.public_id}/")
    section = page.locator("#other-formats")
    assert "Audio: unavailable." in section.inner_text()
    assert "the program espeak-ng is not installed on this server" in section.inner_text()
    check_page(page, "plan-other-formats")

    page.get_by_role("button", name="Make it in large print").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Ready"
    check_page(page, "format-request-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.endswith("-large-print.pdf")

    page.get_by_role("link", name="Back to the document").click()
    assert "Large print, asked for" in page.locator("#other-formats-requests").inner_text()
    check_page(page, "plan-other-formats-asked")


def test_a_request_being_made_is_followed_until_it_is_ready(page, staff, plan):
    job = FormatRequest.objects.create(
        kind="family_plan", document={"plan": str(plan.public_id)},
        key=f'{{"plan": "{plan.public_id}"}}', format="audio",
        title="Quilla's child protection plan", requested_by=staff.social_worker,
        state=FormatState.RUNNING, progress=30,
    )  # fmt: skip
    sign_in(page, staff.social_worker.username)
    page.goto(f"/documents/other-formats/{job.public_id}")
    assert page.locator("[role=status]").inner_text() == "30% made."
    check_page(page, "format-request-running")

    FormatRequest.objects.filter(pk=job.pk).update(progress=70)
    page.wait_for_selector("[role=status] >> text=70% made.")
    FormatRequest.objects.filter(pk=job.pk).update(
        state=FormatState.DONE, progress=100, content=b"OggS", seconds=61.0,
        content_type="audio/ogg", file_name="plan-audio.ogg",
    )  # fmt: skip
    page.wait_for_selector(".govuk-panel__title >> text=Ready", timeout=10_000)
    assert "61 seconds long" in page.locator(".govuk-panel__body").inner_text()
    check_page(page, "format-request-followed-to-ready")


def test_the_invitation_letter_offers_its_other_formats(page, staff):
    from iro.journey import services
    from tests.journey.conference_setup import book_icpc, sibling_group

    with time_machine.travel(date(2024, 6, 20), tick=False):
        conference = book_icpc(staff, sibling_group(staff))
        invitation = services.add_invitee(
            conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
            acting_user=staff.coordinator,
        )  # fmt: skip
    sign_in(page, staff.coordinator.username)
    page.goto(f"/conferences/{conference.public_id}/invitations/{invitation.pk}/letter")
    assert page.get_by_role("button", name="Make it in Braille").is_visible()
    check_page(page, "letter-other-formats")
