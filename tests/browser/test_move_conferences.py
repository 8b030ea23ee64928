"""Moving an absent IRO's conferences in a real browser: from the leave page to the page
that moves them all at once (checked with axe-core and screenshotted), then saved."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro.journey.models import Conference, ConferenceKind
from tests.browser.conftest import check_page
from tests.browser.test_work_pages import sign_in
from tests.factories import LeaveFactory, child_on_plan, hold_conference, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_moves_an_absent_iros_conferences_from_the_leave_page(page):
    today = timezone.localdate()
    staff = make_staff()
    for days, first in ((10, "Ayla"), (11, "Brin")):
        journey = child_on_plan(
            chair=staff.iro, strategy=today - timedelta(days=60),
            icpc_on=today - timedelta(days=40), first_name=first, last_name="Kettlewick",
            team=staff.team,
        )  # fmt: skip
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(journey.child, {"plan": journey.plan})],
            chair=staff.iro, scheduled_date=today + timedelta(days=days), scheduled_time=time(10),
        )  # fmt: skip
    LeaveFactory(
        user=staff.iro, start_date=today + timedelta(days=9), end_date=today + timedelta(days=12)
    )
    sign_in(page, staff.iro_manager.username)
    page.goto("/staff/leave/")
    page.get_by_role("link", name="Move all 2 at once").click()
    expect(page.locator("h1")).to_have_text("Move Ivy Coldharbour's conferences")
    main = page.locator("main").inner_text()
    assert "Ayla Kettlewick" in main and "Brin Kettlewick" in main
    check_page(page, "move-conferences-01")
    page.get_by_role("button", name="Move the conferences").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("2 conferences moved")
    check_page(page, "move-conferences-02-moved")
    chairs = set(
        Conference.objects.filter(kind=ConferenceKind.REVIEW).values_list("chair", flat=True)
    )
    assert chairs == {staff.other_iro.pk, staff.iro_manager.pk}
