"""The landing pages of work in a real browser: each role signs in, lands on its page
(checked with axe-core and screenshotted), and reaches a queue's action in one click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iro.journey.models import (
    ConferenceKind,
    Invitation,
    InviteeRole,
    LatenessReason,
    PlanAction,
)
from iro.people.models import Team
from tests.browser.conftest import check_page
from tests.challenge.factories import MultiAgencyChallengeFactory
from tests.factories import (
    PASSWORD,
    ChildFactory,
    FamilyFactory,
    LeaveFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_service():
    """A small authority around today with some of every kind of waiting work."""
    today = timezone.localdate()
    staff = make_staff()
    east = Team.objects.create(name="Eastfield Safeguarding Team")

    # Late conferences waiting for the manager's agreement.
    for first, last, reason, ago in (
        ("Ayla", "Brackwater", LatenessReason.INTERPRETER, 12),
        ("Hollis", "Inchbrook", LatenessReason.REPORTS_NOT_READY, 5),
    ):
        kid = ChildFactory(first_name=first, last_name=last, team=staff.team)
        hold_conference(
            kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
            held_on=today - timedelta(days=ago), lateness_reason=reason,
        )  # fmt: skip

    # Conferences with no chair, or whose chair is away that day.
    family = FamilyFactory(name="Coldharbour family")
    siblings = [
        ChildFactory(first_name=first, last_name="Coldharbour", family=family, team=staff.team)
        for first in ("Brin", "Cato")
    ]
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(c, {"plan": PlanFactory(child=c, start_date=today - timedelta(days=80))})
                  for c in siblings],
        chair=None, scheduled_date=today + timedelta(days=9),
    )  # fmt: skip
    away = ChildFactory(first_name="Dela", last_name="Fallowfield", team=east)
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(away, {})], chair=staff.other_iro,
        scheduled_date=today + timedelta(days=14),
    )  # fmt: skip
    LeaveFactory(
        user=staff.other_iro, start_date=today + timedelta(days=12),
        end_date=today + timedelta(days=16),
    )  # fmt: skip

    # Section 47 enquiries waiting for an initial conference.
    for first, last, days_ago, requested in (
        ("Emrys", "Greyfriar", 18, True),
        ("Fenna", "Hartwell", 6, True),
        ("Galen", "Juniperhill", 2, False),
    ):
        kid = ChildFactory(first_name=first, last_name=last, team=staff.team)
        s47 = s47_for(kid, referral=today - timedelta(days=days_ago + 1),
                      strategy=today - timedelta(days=days_ago))  # fmt: skip
        if requested:
            s47.icpc_requested_on = today - timedelta(days=days_ago - 1)
            s47.save()

    # Reviews overdue and at risk, across two chairs.
    for first, last, chair, started in (
        ("Ione", "Kettlewick", staff.iro, 100),
        ("Jory", "Larkmoor", staff.other_iro, 85),
        ("Kestrel", "Millbeck", staff.iro, 75),
    ):
        child_on_plan(
            chair=chair, strategy=today - timedelta(days=started + 20),
            icpc_on=today - timedelta(days=started), first_name=first, last_name=last,
            team=staff.team,
        )  # fmt: skip

    # A booked conference without invitations, and one with a letter to post.
    booked = ChildFactory(first_name="Linnet", last_name="Northolme", team=staff.team)
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(booked, {})], chair=staff.iro,
        scheduled_date=today + timedelta(days=20),
    )  # fmt: skip
    posted = ChildFactory(first_name="Marlo", last_name="Ashcombe", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(posted, {})], chair=staff.iro,
        scheduled_date=today + timedelta(days=22),
    )  # fmt: skip
    Invitation.objects.create(
        conference=conference, name="Nyra Ashcombe", role=InviteeRole.PARENT,
        address="1 Moor Lane, Northmoor",
    )  # fmt: skip
    Invitation.objects.create(
        conference=conference, name="Police officer", role=InviteeRole.POLICE,
        email="police@northmoor.example", sent_at=timezone.now(), sent_sequence=0,
    )  # fmt: skip

    # A conference held last week whose minutes have not gone out.
    minutes = ChildFactory(first_name="Orrin", last_name="Dunmere", team=staff.team)
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(minutes, {})], chair=staff.iro,
        held_on=today - timedelta(days=7),
    )  # fmt: skip

    # A new plan, with an overdue action, waiting for its first core group.
    fresh = child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=20), icpc_on=today - timedelta(days=4),
        first_name="Perrin", last_name="Elmstead", team=staff.team,
    )  # fmt: skip
    PlanAction.objects.create(
        plan=fresh.plan, what="Health visitor to visit Perrin at home every week",
        who="Health visitor", by_when=today - timedelta(days=2),
    )  # fmt: skip
    # Another team's child: never on the social worker's page.
    child_on_plan(
        chair=staff.iro, strategy=today - timedelta(days=140), icpc_on=today - timedelta(days=120),
        first_name="Quilla", last_name="Greyfriar", team=staff.other_team,
    )  # fmt: skip
    return staff


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_service_manager_lands_on_the_services_work_and_agrees_a_late_conference(page):
    staff = build_service()
    sign_in(page, staff.iro_manager.username)
    page.wait_for_url("**/work/service/")
    expect(page.locator("h1")).to_have_text("The service's work")
    main = page.locator("main").inner_text()
    assert "Ayla Brackwater" in main and "Brin Coldharbour" in main
    assert "Emrys Greyfriar" in main and "Galen" not in main  # Galen's ICPC is not requested
    check_page(page, "work-01-service-manager")

    page.locator("#counts").get_by_role("link", name="Late conferences waiting").click()
    page.wait_for_url("**/work/service/#late-to-agree")
    page.get_by_role("link", name="Read the reason and decide for Ayla Brackwater").click()
    expect(page.get_by_role("button", name="Record the decision")).to_be_visible()

    page.go_back()
    page.get_by_role("link", name="Allocate a chair for Brin Coldharbour, Cato Coldharbour").click()
    expect(page.locator("h1")).to_have_text("Allocate a chair")


def test_the_coordinator_lands_on_bookings_and_books_an_initial_conference(page):
    staff = build_service()
    sign_in(page, staff.coordinator.username)
    page.wait_for_url("**/work/bookings/")
    main = page.locator("main").inner_text()
    assert "Galen Juniperhill" in main  # not yet requested: still to book
    assert "Nyra Ashcombe" in main  # a letter to post
    assert "Orrin Dunmere" in main  # minutes to send
    check_page(page, "work-02-coordinator")

    page.get_by_role("link", name="Book the conference for Emrys Greyfriar").click()
    expect(page.locator("h1")).to_have_text("Book an initial child protection conference")

    page.go_back()
    page.get_by_role("link", name="Record the minutes sent for Orrin Dunmere").click()
    expect(page.get_by_role("button", name="Record the minutes and plan as sent")).to_be_visible()
    page.get_by_role("button", name="Record the minutes and plan as sent").click()
    expect(page.locator("main")).to_contain_text("Recorded: the minutes and plan have been sent.")
    page.get_by_role("link", name="Work", exact=True).click()
    expect(page.locator("main")).not_to_contain_text("Orrin Dunmere")

    page.get_by_role("link", name="Print and post the letter for Nyra Ashcombe").click()
    expect(page.locator("h1")).to_have_text("Invitations")
    check_page(page, "work-06-letter-to-post")
    page.get_by_role("button", name="Record as posted for Nyra Ashcombe").click()
    expect(page.locator("main")).to_contain_text("the letter to Nyra Ashcombe was posted")
    page.get_by_role("link", name="Work", exact=True).click()
    expect(page.locator("#letters-to-post")).to_contain_text("0")
    expect(page.locator("main")).not_to_contain_text("Nyra Ashcombe")


def test_the_social_worker_lands_on_the_teams_work_and_opens_an_overdue_actions_plan(page):
    staff = build_service()
    sign_in(page, staff.social_worker.username)
    page.wait_for_url("**/work/team/")
    main = page.locator("main").inner_text()
    assert "Perrin Elmstead" in main and "Quilla" not in main
    check_page(page, "work-03-social-worker")

    page.get_by_role("link", name="Record progress for Perrin Elmstead").first.click()
    expect(page.locator("main")).to_contain_text("Health visitor to visit Perrin at home")
    check_page(page, "work-03b-record-progress")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label("Progress").fill("The health visitor came on Monday and will come weekly.")
    page.get_by_role("button", name="Save the progress").click()
    expect(page.locator("main .govuk-notification-banner")).to_contain_text("Progress recorded")
    page.wait_for_url("**/work/team/")  # back to the page it came from, at its top
    expect(page.locator("main .govuk-notification-banner")).to_be_in_viewport()
    expect(page.locator("section.iro-queue:has(#actions-overdue)")).to_contain_text("In progress")


def test_the_team_manager_lands_on_the_teams_work_and_opens_a_plan_awaiting_its_core_group(page):
    staff = build_service()
    sign_in(page, staff.team_manager.username)
    page.wait_for_url("**/work/team/")
    check_page(page, "work-04-team-manager")
    page.locator("#core-groups-due-list").get_by_role(
        "link", name="See the plan for Perrin Elmstead"
    ).click()
    expect(page.locator("main")).to_contain_text("Core group")


def test_the_senior_manager_lands_on_the_services_figures(page):
    staff = build_service()
    sign_in(page, staff.senior_manager.username)
    page.wait_for_url("**/work/figures/")
    expect(page.locator("#headline-figures")).to_contain_text(
        "On the day: today, and the same day last year."
    )
    check_page(page, "work-05-senior-manager")


def test_the_partnership_officer_lands_on_challenges_to_forward_and_opens_one(page):
    staff = build_service()
    child = ChildFactory(first_name="Rowan", last_name="Quillfeather", team=staff.team)
    MultiAgencyChallengeFactory(child=child, raised_by=staff.iro, raised_on=timezone.localdate())
    sign_in(page, staff.partnership.username)
    page.wait_for_url("**/work/challenges/")
    main = page.locator("main")
    expect(main).to_contain_text("Challenges to forward")
    # The partnership officer sees no child's name, only the LA child ID.
    assert "Quillfeather" not in main.inner_text()
    check_page(page, "work-06-partnership")

    forward = re.compile(rf"^Forward for .*{re.escape(child.la_child_id)}$")
    page.get_by_role("link", name=forward).click()
    expect(page.locator("#forward")).to_contain_text("Send it to the professional's manager")
