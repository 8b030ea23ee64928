"""The IRO's worries in a real browser: an IRO raises a dispute about a child's plan,
the IRO manager sees its response overdue, the social worker it was raised with answers
it in iro, the IRO escalates it to the team manager, who is told and answers, and the IRO
accepts the answer; an IRO raises a multi-agency challenge and a partnership officer, who sees
no child's record, forwards it and records the outcome. Each page is checked with
axe-core (WCAG 2.2 AA).

The clock is moved with time_machine (the services refuse future dates); the live
server runs in this process and sees the same day. Cookies are session cookies so
Chromium, on the real clock, keeps them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from iro.challenge.models import Dispute, MultiAgencyChallenge, Stage, StageTimescale
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, AgencyFactory, ChildFactory, PlanFactory, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


class Clock:
    """Moves "now" for the test and the live server together."""

    def __init__(self) -> None:
        self.traveller = None

    def set(self, day: date) -> None:
        self.stop()
        when = datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)
        self.traveller = time_machine.travel(when, tick=True)
        self.traveller.start()

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@pytest.fixture
def sign_in(browser, live_server, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    contexts = []

    def open_as(user):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1100, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: page.js_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.goto("/accounts/login/")
        page.fill("#id_login", user.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    yield open_as
    for context in contexts:
        context.close()


def fill_date(page, name: str, d: date) -> None:
    page.fill(f"#id_{name}_day", str(d.day))
    page.fill(f"#id_{name}_month", str(d.month))
    page.fill(f"#id_{name}_year", str(d.year))


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_dispute_raised_escalated_and_resolved(browser, live_server, sign_in, clock):
    staff = make_staff()
    StageTimescale.objects.create(stage=Stage.INFORMAL, working_days=5)
    StageTimescale.objects.create(stage=Stage.STAGE_2, working_days=10)
    child = ChildFactory(
        first_name="Ayla", last_name="Brackwater", la_child_id="BRA1001", team=staff.team,
        social_worker=staff.social_worker,
    )  # fmt: skip
    PlanFactory(child=child, start_date=date(2024, 1, 15))

    # ---- Monday 10 June 2024: the IRO raises the dispute from the child's journey -------
    clock.set(date(2024, 6, 10))
    iro = sign_in(staff.iro)
    iro.goto(f"/children/{child.public_id}/")
    iro.get_by_role("link", name="Disputes and multi-agency challenges for Ayla Brackwater").click()
    expect(iro.locator("h1")).to_have_text("Ayla Brackwater")
    check_page(iro, "w01-child-worries-empty")
    iro.get_by_role("link", name="Raise a dispute").click()
    fill_date(iro, "raised_on", date(2024, 6, 11))  # tomorrow: refused
    submit(iro, "Raise the dispute")
    summary = iro.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the main reason for the dispute.")
    expect(iro).to_have_title(re.compile(r"^Error: Raise a dispute"))
    check_page(iro, "w02-raise-dispute-errors")
    iro.get_by_label("Planning", exact=True).check()
    submit(iro, "Raise the dispute")
    expect(iro.locator(".govuk-error-summary")).to_contain_text(
        "The date the dispute was raised cannot be in the future."
    )
    fill_date(iro, "raised_on", date(2024, 6, 10))
    iro.fill("#id_detail", "No core group has met since the plan started in January.")
    iro.select_option("#id_addressed_to", str(staff.social_worker.pk))
    submit(iro, "Raise the dispute")
    expect(iro.locator("h1")).to_have_text("Dispute about Ayla Brackwater")
    expect(iro.locator("#stages")).to_contain_text("Awaiting response due by 17 Jun 2024")
    check_page(iro, "w03-dispute-raised")

    # ---- Monday 24 June: the manager sees the response overdue ---------------------------
    clock.set(date(2024, 6, 24))
    manager = sign_in(staff.iro_manager)
    manager.get_by_role("link", name="Disputes", exact=True).click()
    expect(manager.locator("h1")).to_have_text("Disputes")
    row = manager.locator("#open-disputes tbody tr").first
    expect(row).to_contain_text("Ayla Brackwater")
    expect(row).to_contain_text("Response overdue due by 17 Jun 2024, 5 working days ago")
    check_page(manager, "w04-open-disputes-overdue")

    # ---- the social worker answers it, late, in iro ----------------------------------------
    # (Sessions last eight hours: after the clock moves on, each person signs in again.)
    dispute_url = f"/disputes/{Dispute.objects.get().public_id}/"
    worker = sign_in(staff.social_worker)
    worker.get_by_role("link", name="Disputes for you").click()
    waiting = worker.locator("#queue-disputes_waiting_for_answer")
    expect(waiting).to_contain_text("Ayla Brackwater")
    expect(waiting).to_contain_text("5 working days late")
    check_page(worker, "w05-disputes-for-you")
    waiting.get_by_role("link", name=re.compile("^Answer")).click()
    expect(worker.locator("h1")).to_have_text("Dispute about Ayla Brackwater")
    submit(worker, "Send your answer")  # nothing said: refused
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Enter your answer.")
    check_page(worker, "w06-answer-errors")
    fill_date(worker, "responded_on", date(2024, 6, 21))
    worker.fill("#id_response", "The core group will meet next month.")
    submit(worker, "Send your answer")
    expect(worker.locator("main .govuk-notification-banner")).to_contain_text("Answer sent.")
    expect(worker.locator("#your-answer")).to_contain_text("The core group will meet next month.")

    # ---- the IRO does not accept it: escalates to the team manager -----------------------
    iro = sign_in(staff.iro)
    iro.goto(dispute_url)
    expect(iro.locator("#stages")).to_contain_text("The core group will meet next month.")
    expect(iro.locator("#stages")).to_contain_text(
        "Responded on 21 Jun 2024, late: it was due by 17 Jun 2024"
    )
    expect(iro.locator("#record-response")).to_have_count(0)  # nobody's answer is typed in
    # The child's team manager starts chosen, up the line; with nobody chosen, refused.
    expect(iro.locator("#id_addressed_to")).to_have_value(str(staff.team_manager.pk))
    iro.select_option("#id_addressed_to", "")
    submit(iro, "Escalate to the next stage")
    expect(iro.locator(".govuk-error-summary")).to_contain_text(
        "Select who the dispute is going to at the next stage."
    )
    iro.select_option("#id_addressed_to", str(staff.team_manager.pk))
    iro.fill("#id_note", "Next month is too late for Ayla.")
    fill_date(iro, "escalated_on", date(2024, 6, 24))
    submit(iro, "Escalate to the next stage")
    expect(iro.locator("main .govuk-notification-banner")).to_contain_text(
        "Dispute escalated to stage 2: team manager."
    )
    expect(iro.locator("#stages")).to_contain_text("Tess Larkmoor, Team manager")
    expect(iro.locator("#stages")).to_contain_text("Awaiting response due by 8 Jul 2024")
    expect(iro.locator("#dispute-notices")).to_contain_text("Kept on this machine, not sent")
    check_page(iro, "w07-dispute-escalated")

    # ---- the team manager is told, and answers stage 2 ------------------------------------
    clock.set(date(2024, 6, 26))
    manager_tm = sign_in(staff.team_manager)
    manager_tm.get_by_role("link", name="Messages").click()
    notices = manager_tm.locator("#notices")
    expect(notices).to_contain_text("A dispute is waiting for your answer")
    expect(notices).to_contain_text("Kept on this machine, not sent")
    assert "Ayla" not in notices.inner_text()
    check_page(manager_tm, "w08-messages")
    notices.get_by_role("link", name="A dispute is waiting for your answer").click()
    expect(manager_tm.locator("#earlier-stages")).to_contain_text("next month")
    check_page(manager_tm, "w09-answer-stage-2")
    manager_tm.fill("#id_response", "The core group meets on 26 June; the plan will be updated.")
    fill_date(manager_tm, "responded_on", date(2024, 6, 26))
    submit(manager_tm, "Send your answer")
    expect(manager_tm.locator("#your-answer")).to_contain_text("The core group meets on 26 June")
    check_page(manager_tm, "w10-answered")
    manager_tm.get_by_role("link", name="Messages").click()
    expect(manager_tm.locator("#notices")).to_contain_text("No longer waiting")
    expect(manager_tm.locator("#notices .govuk-tag--blue")).to_have_count(0)  # none waiting

    # ---- the IRO accepts the answer: the dispute is resolved at stage 2 -------------------
    clock.set(date(2024, 6, 27))
    iro = sign_in(staff.iro)
    iro.goto(dispute_url)
    expect(iro.locator("#answer-given")).to_be_visible()
    submit(iro, "Resolve at stage 2: team manager")  # nothing said about how: refused
    errors = iro.locator(".govuk-error-summary")
    expect(errors).to_contain_text("Enter how the dispute was resolved.")
    expect(errors).to_contain_text("Select whether the resolution addressed your concern.")
    check_page(iro, "w11-resolve-errors")
    iro.fill("#id_resolution", "The core group met on 26 June and the plan was updated.")
    iro.get_by_label("The concern was addressed", exact=True).check()
    fill_date(iro, "resolved_on", date(2024, 6, 27))
    submit(iro, "Resolve at stage 2: team manager")
    expect(iro.locator("#dispute-summary")).to_contain_text(
        "Resolved on 27 June 2024 at stage 2: team manager"
    )
    check_page(iro, "w12-dispute-resolved")
    dispute = Dispute.objects.get()
    assert (dispute.stage, dispute.resolved_on, dispute.resolved_at_key) == (
        Stage.STAGE_2,
        date(2024, 6, 27),
        "stage_2",
    )

    manager = sign_in(staff.iro_manager)
    manager.goto("/disputes/")
    expect(manager.locator("main")).to_contain_text("There are no open disputes.")


def test_a_partnership_officer_forwards_a_multi_agency_challenge(
    browser, live_server, sign_in, clock
):
    staff = make_staff()
    AgencyFactory(name="Northmoor Community Health", kind="health")
    child = ChildFactory(
        first_name="Brin", last_name="Coldharbour", la_child_id="COL2002", team=staff.team
    )

    clock.set(date(2024, 6, 10))
    iro = sign_in(staff.iro)
    iro.goto(f"/children/{child.public_id}/disputes/")
    iro.get_by_role("link", name="Raise a multi-agency challenge").click()
    check_page(iro, "m01-raise-challenge")
    iro.select_option("#id_agency", label="Northmoor Community Health")
    iro.fill("#id_professional", "Health visitor")
    iro.fill("#id_concern", "No health report was shared before the last two conferences.")
    submit(iro, "Raise the challenge")
    expect(iro.locator("h1")).to_have_text("Challenge to Northmoor Community Health")
    expect(iro.locator("#challenge-summary")).to_contain_text("Brin Coldharbour")

    clock.set(date(2024, 6, 12))
    partnership = sign_in(staff.partnership)
    partnership.get_by_role("link", name="Challenges", exact=True).click()
    to_forward = partnership.locator("#to-forward")
    expect(to_forward).to_contain_text("Child COL2002")
    expect(to_forward).to_contain_text("Health visitor")
    assert "Coldharbour" not in partnership.locator("main").inner_text()
    check_page(partnership, "m02-partnership-list")
    to_forward.get_by_role("link").first.click()
    expect(partnership.locator("#challenge-summary")).to_contain_text("Child COL2002")
    assert "Brin" not in partnership.locator("main").inner_text()
    submit(partnership, "Record that it was sent")  # no manager named: refused
    expect(partnership.locator(".govuk-error-summary")).to_contain_text(
        "Enter the manager the challenge went to."
    )
    check_page(partnership, "m03-forward-errors")
    partnership.fill("#id_forwarded_to", "Nell Brook, health visiting lead")
    submit(partnership, "Record that it was sent")
    expect(partnership.locator("#challenge-summary")).to_contain_text(
        "To Nell Brook, health visiting lead on 12 June 2024"
    )

    clock.set(date(2024, 6, 19))
    challenge_url = partnership.url
    partnership = sign_in(staff.partnership)
    partnership.goto(challenge_url)
    partnership.get_by_label("Concern upheld: action agreed").check()
    partnership.fill("#id_response", "Reports will be shared three days before each conference.")
    fill_date(partnership, "responded_on", date(2024, 6, 19))
    submit(partnership, "Record the response")
    expect(partnership.locator("#challenge-summary")).to_contain_text(
        "Concern upheld: action agreed"
    )
    check_page(partnership, "m04-challenge-answered")
    partnership.get_by_role("link", name="Multi-agency challenges").click()
    expect(partnership.locator("#answered")).to_contain_text("Child COL2002")
    challenge = MultiAgencyChallenge.objects.get()
    assert (challenge.forwarded_by, challenge.outcome) == (staff.partnership, "upheld")


def test_the_iro_manager_sets_a_target_with_its_reasoning(browser, live_server, sign_in, clock):
    staff = make_staff()
    clock.set(date(2024, 7, 1))
    manager = sign_in(staff.iro_manager)
    manager.get_by_role("link", name="Targets", exact=True).click()
    expect(manager.locator("h1")).to_have_text("Targets for 2024-25")
    check_page(manager, "t01-targets")
    icpc = manager.locator("#targets tr", has_text="Initial conferences within 15 working days")
    icpc.get_by_role("link", name=re.compile("^Set a target")).click()
    manager.get_by_label("At least").check()
    manager.fill("#id_value", "150")
    submit(manager, "Set the target")  # over 100% and no reasoning: refused
    summary = manager.locator(".govuk-error-summary")
    expect(summary).to_contain_text("A target for a percentage must be from 0 to 100.")
    expect(summary).to_contain_text("Enter the reasoning")
    check_page(manager, "t02-target-errors")
    manager.fill("#id_value", "85")
    manager.fill("#id_action", "Book the conference the day the Section 47 ends.")
    submit(manager, "Set the target")
    row = manager.locator("#targets tr", has_text="Initial conferences within 15 working days")
    expect(row).to_contain_text("At least 85%")
    expect(row).to_contain_text("No figure yet")
    row.get_by_role("link", name=re.compile("^Change")).click()
    expect(manager.locator("#target-history")).to_contain_text("Mona Greyfriar")
    check_page(manager, "t03-target-history")
