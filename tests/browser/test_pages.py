"""The first pages in a real browser: signed in through the real form, each page
checked with axe-core for WCAG 2.2 AA and screenshotted for a person to look at."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro.journey.models import ConferenceKind, Decision, PlanEndReason
from tests.browser.conftest import SHOTS, check_page
from tests.factories import (
    PASSWORD,
    ChildFactory,
    FamilyFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_caseload():
    """A small authority around today: siblings with a joint review booked, an overdue
    review, an ICPC at risk, an ended plan, and other children of another chair."""
    today = timezone.localdate()
    staff = make_staff()
    family = FamilyFactory(name="Brackwater family")
    start = today - timedelta(days=200)
    siblings = [
        ChildFactory(first_name=first, last_name="Brackwater", family=family, team=staff.team,
                     social_worker=staff.social_worker, date_of_birth=born)
        for first, born in (("Ayla", today.replace(year=today.year - 7)),
                            ("Brin", today.replace(year=today.year - 4)))
    ]  # fmt: skip
    s47s = {c: s47_for(c, referral=start - timedelta(days=3), strategy=start) for c in siblings}
    plans = {c: PlanFactory(child=c, episode=s47s[c].episode, start_date=start + timedelta(days=14))
             for c in siblings}  # fmt: skip
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(c, {"section47": s47s[c], "plan": plans[c], "decision": Decision.PLAN,
                       "category": "NEG"}) for c in siblings],
        chair=staff.iro,
        held_on=start + timedelta(days=14),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(c, {"plan": plans[c], "decision": Decision.CONTINUE}) for c in siblings],
        chair=staff.iro,
        held_on=start + timedelta(days=100),
    )
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(c, {"plan": plans[c]}) for c in siblings],
        chair=staff.iro,
        scheduled_date=today + timedelta(days=20),
    )
    child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=140), icpc_on=today - timedelta(days=125),
        team=staff.team, first_name="Cato", last_name="Elmstead", category="EMO",
    )  # fmt: skip
    waiting = ChildFactory(first_name="Dela", last_name="Fallowfield", team=staff.team)
    s47 = s47_for(waiting, referral=today - timedelta(days=6), strategy=today - timedelta(days=5))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(waiting, {"section47": s47})], chair=staff.iro,
        scheduled_date=today + timedelta(days=9),
    )  # fmt: skip
    child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=500), icpc_on=today - timedelta(days=485),
        reviews=(today - timedelta(days=400),), ended_on=today - timedelta(days=400),
        end_reason=PlanEndReason.STEP_DOWN_CIN, team=staff.team, first_name="Emrys",
        last_name="Greyfriar",
    )  # fmt: skip
    for i in range(8):
        child_on_plan(
            chair=staff.other_iro, strategy=today - timedelta(days=60 + i),
            icpc_on=today - timedelta(days=45 + i), team=staff.other_team, category="PHY",
        )  # fmt: skip
    return staff


def sign_in(page, username: str, password: str) -> None:
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_the_first_pages_are_accessible_from_sign_in_to_a_childs_journey(page):
    staff = build_caseload()

    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")
    check_page(page, "01-sign-in")

    sign_in(page, staff.iro.username, "not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("not correct")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    check_page(page, "02-sign-in-error")

    sign_in(page, staff.iro.username, PASSWORD)
    page.wait_for_url("**/my-work/")
    assert "Ayla Brackwater" in page.locator("main").inner_text()
    check_page(page, "03-my-work")

    page.get_by_role("link", name="Children", exact=True).click()
    page.wait_for_url(f"**/children/?chair={staff.iro.pk}&on_plan=open")  # an IRO's open cases
    page.select_option("#id_chair", label=str(staff.iro))
    page.select_option("#id_on_plan", label="Yes")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/children/?*")
    table = page.locator("table").inner_text()
    assert "Ayla Brackwater" in table and "Cato Elmstead" in table
    assert "Emrys" not in table  # plan ended
    check_page(page, "04-caseload-filtered")

    page.get_by_role("link", name="Ayla Brackwater").click()
    expect(page.locator("h1")).to_have_text("Ayla Brackwater")
    main = page.locator("main").inner_text()
    assert "With Brin Brackwater" in main
    assert "Initial child protection conference" in main
    check_page(page, "05-journey")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "06-journey-phone.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
