"""A sibling group's whole child protection journey in a real browser: a coordinator, an
IRO and a manager take it from the strategy discussion through the initial conference,
two reviews and the end of the plan. Each main page is checked with axe-core.

The clock is moved with time_machine (services refuse future dates): the live server
runs in this process, so it sees the same day. Cookies are made session cookies so
Chromium, on the real clock, keeps them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from iro.journey.checks import STALE_RECORD
from iro.journey.models import (
    ActionStatus,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Plan,
    PlanEndReason,
)
from tests.browser.conftest import check_page
from tests.factories import PASSWORD, AgencyFactory, ChildFactory, FamilyFactory, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")


class Clock:
    """Moves "now" for the test and the live server together."""

    def __init__(self) -> None:
        self.traveller = None

    def set(self, day: date, hour: int = 9) -> None:
        self.stop()
        when = datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
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
def session_cookies(settings):
    # Chromium runs on the real clock; cookies dated by the travelled clock would
    # arrive already expired.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None


@pytest.fixture
def sign_in(browser, live_server, session_cookies):
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


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def complete_the_record(page, prefix: str, *, core_group_on: date | None = None) -> None:
    """Fill what a record must hold and the test has not (``services.record_errors``)."""
    if not page.locator(f"input[name={prefix[4:]}-attendance]:checked").count():
        page.check(f"{prefix}-attendance-3")  # did not attend
    page.fill(f"{prefix}-wishes_feelings", "Told her advocate she wants to stay with Mum.")
    for field, text in (
        ("worries", "There is not always food at home."),
        ("working_well", "Gran lives close by."),
        ("needs_to_happen", "Breakfast every day."),
    ):
        if not page.input_value(f"{prefix}-{field}"):
            page.fill(f"{prefix}-{field}", text)
    if core_group_on is not None:
        page.fill(f"{prefix}-outline_plan", "School every day; food in the house.")
        fill_date(page, f"{prefix[4:]}-first_core_group_on", core_group_on)


def rows_of(conference: Conference) -> dict[str, ConferenceChild]:
    return {r.child.first_name: r for r in conference.children.select_related("child")}


def test_a_sibling_group_from_strategy_discussion_to_the_end_of_the_plan(
    browser, live_server, sign_in, clock
):
    staff = make_staff()
    police = AgencyFactory(name="Northmoor Police", kind="police")
    family = FamilyFactory(name="Brackwater family")
    wren, alder = (
        ChildFactory(
            first_name=first, last_name="Brackwater", family=family, team=staff.team,
            social_worker=staff.social_worker, date_of_birth=born,
        )
        for first, born in (("Wren", date(2015, 4, 2)), ("Alder", date(2022, 1, 9)))
    )  # fmt: skip

    # ---- Monday 10 June 2024: the coordinator records the strategy discussion ----------
    clock.set(date(2024, 6, 10))
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/children/{wren.public_id}/")
    coordinator.get_by_role(
        "link", name="Enquiries, conferences and plans for Wren Brackwater"
    ).click()
    expect(coordinator.locator("h1")).to_have_text("Wren Brackwater")
    check_page(coordinator, "c01-protection-empty")
    coordinator.get_by_role("link", name="Record a strategy discussion").click()
    submit(coordinator, "Save the strategy discussion")  # nothing filled in
    summary = coordinator.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the strategy discussion.")
    expect(coordinator).to_have_title(re.compile(r"^Error: Record a strategy discussion"))
    check_page(coordinator, "c02-strategy-discussion-errors")
    fill_date(coordinator, "held_on", date(2024, 6, 10))
    coordinator.get_by_label(
        "Yes: the Section 47 enquiry starts on the day of the discussion"
    ).check()
    coordinator.get_by_label("Alder Brackwater").check()
    # The child has no open episode: the referral that opens one is asked for in the open.
    expect(coordinator.locator("#referral-details")).to_have_attribute("open", "")
    fill_date(coordinator, "referral_date", date(2024, 6, 7))
    submit(coordinator, "Save the strategy discussion")
    expect(coordinator.locator("main .govuk-notification-banner")).to_contain_text(
        "the initial child protection conference is due by 1 July 2024"
    )
    assert "1 Jul 2024" in coordinator.locator("#section47s").inner_text()

    # Requested once for both: Alder, from the same discussion, is offered and ticked.
    coordinator.goto(f"/children/{wren.public_id}/protection/")
    coordinator.get_by_role("link", name=re.compile("Request the initial conference")).click()
    expect(coordinator.locator("#icpc-due")).to_contain_text("Monday 1 July 2024")
    coordinator.get_by_label("Yes: request an initial child protection conference").check()
    fill_date(coordinator, "requested_on", date(2024, 6, 10))
    expect(coordinator.get_by_label("Alder Brackwater")).to_be_checked()
    check_page(coordinator, "c02b-request-icpc-for-both")
    submit(coordinator, "Save")
    expect(coordinator.locator("main .govuk-notification-banner")).to_contain_text(
        "requested for Wren Brackwater and Alder Brackwater"
    )
    for child in (wren, alder):
        coordinator.goto(f"/children/{child.public_id}/protection/")
        expect(coordinator.locator("#section47s")).to_contain_text("requested on 10 Jun 2024")

    # Book one conference for both, with the chair the proposals put first.
    coordinator.get_by_role("link", name="Book the initial conference").click()
    book = main_text(coordinator)
    assert "Wren Brackwater: due by 1 July 2024" in book
    assert "Alder Brackwater: due by 1 July 2024" in book
    check_page(coordinator, "c03-book-icpc")
    coordinator.get_by_label("Wren Brackwater: due by 1 July 2024").check()
    fill_date(coordinator, "scheduled_date", date(2024, 6, 26))
    coordinator.fill("#id_scheduled_time", "10:00")
    # Who is free then, before the venue is known: nothing is booked, the page comes back
    # at the chairs with the time kept.
    submit(coordinator, "Show who is free at this time")
    assert coordinator.url.endswith("#who-will-chair")
    expect(coordinator.locator("#chairs-when")).to_contain_text(
        "The chairs free on Wednesday 26 June 2024 at 10:00 (2 hours) come first"
    )
    expect(coordinator.locator(".govuk-error-summary")).to_have_count(0)
    assert not Conference.objects.filter(kind=ConferenceKind.INITIAL).exists()
    check_page(coordinator, "c03a-who-is-free")
    coordinator.fill("#id_venue", "Northmoor Civic Centre, Room 2")
    coordinator.check(f"input[name=chair][value='{staff.iro.pk}']")
    submit(coordinator, "Book the conference")
    assert "#who-will-chair" not in coordinator.url  # the check's place is not kept
    icpc = Conference.objects.get(kind=ConferenceKind.INITIAL)
    assert icpc.children.count() == 2
    expect(coordinator.locator("h1")).to_have_text(
        "Initial child protection conference for Wren Brackwater and Alder Brackwater"
    )
    children_table = coordinator.locator("#conference-children").inner_text()
    assert children_table.count("1 Jul 2024") == 2
    expect(coordinator.locator("#conference-children .govuk-tag--green")).to_have_count(2)
    check_page(coordinator, "c04-conference-booked")

    # Invitations: two by email with a calendar file, one by post.
    coordinator.get_by_role("link", name="Invitations").click()
    for name, role, email, agency in (
        ("Hazel Brackwater", "Parent or carer", "hazel@example.org", None),
        ("PC Rook Ashdown", "Police", "rook.ashdown@police.example", police.name),
        ("Moss Brackwater", "Parent or carer", "", None),
    ):
        coordinator.fill("#id_name", name)
        coordinator.select_option("#id_role", label=role)
        if agency:
            coordinator.select_option("#id_agency", label=agency)
        coordinator.fill("#id_email", email)
        if not email:
            coordinator.fill("#id_address", "4 Mill Lane\nNorthmoor")
        submit(coordinator, "Add to the list")
    submit(coordinator, "Email the invitations")
    expect(coordinator.locator("main .govuk-notification-banner")).to_contain_text(
        "Invitations to 2 people queued to email. Print and post the letter to: Moss Brackwater"
    )
    # (the chair was told of the booking too: a notice, "iro: ...")
    invited = [m for m in mail.outbox if not m.subject.startswith("iro: ")]
    assert len(invited) == 2
    assert "METHOD:REQUEST" in invited[0].attachments[0].get_payload(decode=True).decode()
    check_page(coordinator, "c05-invitations")
    coordinator.get_by_role("link", name="Letter for Moss Brackwater").click()
    expect(coordinator.locator("h1")).to_have_text(
        "An invitation to a meeting about Wren and Alder"
    )
    check_page(coordinator, "c06-parent-letter")

    # Two people change the arrangements at once: the second is refused, loses nothing.
    manager = sign_in(staff.iro_manager)
    schedule_url = f"/conferences/{icpc.public_id}/schedule"
    manager.goto(schedule_url)
    coordinator.goto(schedule_url)
    manager.fill("#id_venue", "Northmoor Civic Centre, Room 5")
    submit(manager, "Save and send updates")
    fill_date(coordinator, "scheduled_date", date(2024, 6, 27))
    submit(coordinator, "Save and send updates")
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(STALE_RECORD)
    expect(coordinator.locator("#id_scheduled_date_day")).to_have_value("27")
    expect(coordinator.locator("#stale-record")).to_contain_text("Room 5")
    check_page(coordinator, "c07-stale-record")
    coordinator.fill("#id_venue", "Northmoor Civic Centre, Room 5")
    mail.outbox.clear()
    submit(coordinator, "Save and send updates")
    expect(coordinator.locator("main .govuk-notification-banner")).to_contain_text(
        "An update to 2 people was queued to email."
    )
    icpc.refresh_from_db()
    assert (icpc.scheduled_date, icpc.venue) == (
        date(2024, 6, 27),
        "Northmoor Civic Centre, Room 5",
    )
    (update, _) = [m for m in mail.outbox if not m.subject.startswith("iro: ")]
    assert "SEQUENCE:2" in update.attachments[0].get_payload(decode=True).decode()
    assert [m.subject for m in mail.outbox if m.subject.startswith("iro: ")] == [
        "iro: A conference you chair has a new day, time or place: initial child protection "
        "conference on Thu 27 Jun 2024 at 10:00"
    ]

    # ---- Tuesday 25 June: the chair meets the children and the parents beforehand -------
    clock.set(date(2024, 6, 25))
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{icpc.public_id}/")
    iro.get_by_role("link", name="Before the conference").click()
    iro.get_by_role("link", name="Change for Wren Brackwater").click()
    fill_date(iro, "child_met_on", date(2024, 6, 24))
    fill_date(iro, "parents_met_on", date(2024, 6, 24))
    iro.get_by_label("An advocate was offered").check()
    iro.get_by_label("An advocate is involved").check()
    check_page(iro, "i01-pre-meeting")
    submit(iro, "Save")
    expect(iro.locator(".govuk-error-summary")).to_contain_text("Enter who the advocate is from")
    iro.fill("#id_advocate_organisation", "NYAS")
    submit(iro, "Save")
    iro.get_by_role("link", name="Change for Alder Brackwater").click()
    iro.get_by_label("The child is too young to meet the chair").check()
    fill_date(iro, "parents_met_on", date(2024, 6, 24))
    submit(iro, "Save")
    pre = iro.locator("#pre-meetings").inner_text()
    assert "Chair met the child on 24 Jun 2024" in pre and "Advocate involved (NYAS)" in pre
    assert "Too young to meet the chair" in pre

    # ---- Thursday 27 June: the chair records the initial conference ----------------------
    clock.set(date(2024, 6, 27), hour=14)
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{icpc.public_id}/record")
    rows = rows_of(icpc)
    w, a = f"#id_child{rows['Wren'].pk}", f"#id_child{rows['Alder'].pk}"
    iro.fill(f"{w}-scaling_score", "12")
    submit(iro, "Save the conference record")
    errors = iro.locator(".govuk-error-summary").inner_text()
    assert "Select the decision for Wren Brackwater." in errors
    assert "Select the decision for Alder Brackwater." in errors
    assert "The scaling judgement must be a whole number from 0 to 10." in errors
    check_page(iro, "i02-record-errors")
    for prefix in (w, a):
        iro.check(f"{prefix}-decision")  # Child protection plan
        iro.select_option(f"{prefix}-category", "NEG")
    iro.check(f"{w}-attendance")  # attended in person
    iro.get_by_label("The child's written views were shared").first.check()
    iro.fill(f"{w}-scaling_score", "3")
    # The plain-language check runs while the chair writes.
    iro.fill(f"{w}-worries", "The S47 found a risk of significant harm to Wren at home.")
    expect(iro.locator(f"{w}-worries-plain")).to_contain_text("“significant harm”: try")
    check_page(iro, "i03-record-plain-language")
    iro.fill(f"{w}-worries", "Wren has missed a lot of school. There is not always food at home.")
    iro.fill(f"{w}-working_well", "Wren loves her gran, who lives close by.")
    iro.fill(f"{w}-needs_to_happen", "Wren needs to be at school every day, with breakfast.")
    for prefix in (w, a):
        complete_the_record(iro, prefix, core_group_on=date(2024, 7, 5))
    submit(iro, "Save the conference record")
    expect(iro.locator("main .govuk-notification-banner")).to_contain_text(
        "Next: write each plan's outcomes and actions."
    )
    plans = {p.child.first_name: p for p in Plan.objects.select_related("child")}
    assert set(plans) == {"Wren", "Alder"}
    assert all(p.start_date == date(2024, 6, 27) for p in plans.values())
    recorded = main_text(iro)
    assert "Wren has missed a lot of school." in recorded and "3 out of 10" in recorded
    check_page(iro, "i04-conference-held")

    iro.get_by_role("link", name=re.compile("(Record|Change) who attended")).click()
    hazel = icpc.invitations.get(name="Hazel Brackwater")
    iro.check(f"#id_attendance_{hazel.pk}-1")  # attended
    submit(iro, "Save attendance")
    assert "Attended" in iro.locator("#invited").inner_text()

    # The plan: an outcome, an action, the core group, the family document.
    iro.get_by_role("link", name="Plan from 27 Jun 2024 for Wren Brackwater").click()
    expect(iro.locator("h1")).to_have_text("Wren Brackwater")
    iro.get_by_role("link", name="Add an outcome").click()
    iro.fill("#id_text", "Wren goes to school every day")
    submit(iro, "Save the outcome")
    iro.get_by_role("link", name="Add an action").click()
    iro.fill("#id_what", "Walk Wren to school each morning")
    iro.fill("#id_who", "Mum")
    fill_date(iro, "by_when", date(2024, 7, 31))
    iro.select_option("#id_outcome", label="Wren goes to school every day")
    check_page(iro, "i05-add-action")
    submit(iro, "Save the action")
    iro.get_by_role("link", name="Change the core group").click()
    iro.fill("#id_name", "Fern Oakley")
    iro.select_option("#id_role", label="School or education")
    submit(iro, "Add to the core group")
    iro.get_by_role("link", name="Back to the plan").click()
    plan_page = main_text(iro)
    assert "Walk Wren to school each morning" in plan_page and "31 Jul 2024" in plan_page
    assert "Fern Oakley, school or education" in plan_page
    assert "Due by 27 September 2024" in plan_page
    check_page(iro, "i06-plan")
    iro.get_by_role("link", name="The plan for the family (web page)").click()
    family_doc = main_text(iro)
    assert "This is called neglect." in family_doc
    assert "Walk Wren to school each morning" in family_doc
    check_page(iro, "i07-family-plan")

    # ---- Monday 16 September: the coordinator books the first review -------------------
    clock.set(date(2024, 9, 16))
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/children/{wren.public_id}/protection/")
    coordinator.get_by_role("link", name="Book the review").click()
    book = main_text(coordinator)
    assert "Wren Brackwater: due by 27 September 2024" in book
    assert "Chaired these children before (last on 27 Jun 2024)" in book
    chairs = coordinator.locator("input[name=chair]")
    assert chairs.nth(1).get_attribute("value") == str(staff.iro.pk)  # continuity first
    coordinator.get_by_label("Alder Brackwater: due by 27 September 2024").check()
    fill_date(coordinator, "scheduled_date", date(2024, 9, 30))
    coordinator.fill("#id_scheduled_time", "10:00")
    coordinator.fill("#id_venue", "Northmoor Civic Centre, Room 2")
    coordinator.check(f"input[name=chair][value='{staff.iro.pk}']")
    submit(coordinator, "Book the conference")
    # After the due date: booked only once confirmed, with the reason.
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text(
        "30 September 2024 is after the conference is due on 27 September 2024."
    )
    coordinator.check("#id_confirm_booking")
    coordinator.fill("#id_confirm_reason", "The police officer is away until then")
    submit(coordinator, "Book the conference")
    review1 = Conference.objects.get(kind=ConferenceKind.REVIEW)
    assert review1.booking_reason == "The police officer is away until then"
    expect(coordinator.locator("#conference-children .govuk-tag--red")).to_have_count(2)

    # ---- Monday 30 September: the first review, three days late -------------------------
    clock.set(date(2024, 9, 30), hour=15)
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{review1.public_id}/record")
    rows = rows_of(review1)
    w, a = f"#id_child{rows['Wren'].pk}", f"#id_child{rows['Alder'].pk}"
    for prefix in (w, a):
        iro.check(f"{prefix}-decision")  # Continue the plan
        complete_the_record(iro, prefix)
    assert "carried from the conference of 27 June 2024" in main_text(iro)
    iro.select_option(f"{a}-category", "EMO")
    submit(iro, "Save the conference record")
    expect(iro.locator(".govuk-error-summary")).to_contain_text(
        "The conference is outside timescale (due 27 September 2024): select why it is late."
    )
    expect(iro.locator("#id_lateness_reason-error")).to_be_visible()
    iro.get_by_label("Family or professional unavailable").check()
    submit(iro, "Save the conference record")
    expect(iro.locator("main .govuk-notification-banner")).to_contain_text(
        "a manager needs to agree it"
    )
    assert Plan.objects.get(child=alder).latest_category == "EMO"
    iro.goto(f"/plans/{plans['Wren'].public_id}/")
    iro.get_by_role("link", name="Review the actions").click()
    check_page(iro, "i08-review-actions")
    iro.get_by_label("Done", exact=True).check()
    iro.get_by_role("textbox", name="Progress").fill("At school every day since July.")
    submit(iro, "Save the review of the actions")
    assert plans["Wren"].actions.get().status == ActionStatus.DONE

    # ---- Tuesday 1 October: the manager agrees the late review ---------------------------
    clock.set(date(2024, 10, 1))
    manager = sign_in(staff.iro_manager)
    manager.goto(f"/conferences/{review1.public_id}/")
    expect(manager.locator("#lateness")).to_contain_text("Waiting for a manager's decision")
    check_page(manager, "m01-late-review")
    manager.get_by_label("Agree: the reason for the lateness is accepted").check()
    submit(manager, "Record the decision")
    expect(manager.locator("#lateness")).to_contain_text(
        "Agreed by Mona Greyfriar on 1 October 2024"
    )

    # ---- Wednesday 2 October: the chair corrects the first review's record --------------
    clock.set(date(2024, 10, 2))
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{review1.public_id}/")
    iro.get_by_role("link", name="Amend the record").click()
    w = f"#id_child{rows_of(review1)['Wren'].pk}"
    said = "Told her advocate she wants to stay with Mum."
    assert iro.input_value(f"{w}-wishes_feelings") == said
    words = "Wren told her advocate: I want to live with Mum and see Gran every week."
    iro.fill(f"{w}-wishes_feelings", words)
    submit(iro, "Save the amended record")
    expect(iro.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the record is being amended."
    )
    check_page(iro, "i10-amend-errors")
    iro.fill("#id_reason", "The advocate sent Wren's own words after the conference.")
    submit(iro, "Save the amended record")
    expect(iro.locator("#amended")).to_contain_text(
        f"Amended on 2 October 2024 by {staff.iro}. The reason given: "
        "The advocate sent Wren's own words"
    )
    assert words in main_text(iro)
    iro.get_by_role("link", name="See what changed").click()
    history = iro.locator("main table").inner_text()
    assert "The child's wishes and feelings" in history
    assert said in history and words in history
    check_page(iro, "i11-record-history")

    # ---- March 2025: the second review ends the plans -----------------------------------
    clock.set(date(2025, 3, 10))
    coordinator = sign_in(staff.coordinator)
    coordinator.goto(f"/children/{alder.public_id}/conferences/new?kind=review")
    assert "Alder Brackwater: due by 30 March 2025" in main_text(coordinator)
    coordinator.get_by_label("Wren Brackwater: due by 30 March 2025").check()
    fill_date(coordinator, "scheduled_date", date(2025, 3, 24))
    coordinator.fill("#id_scheduled_time", "13:30")
    coordinator.fill("#id_venue", "Northmoor Civic Centre, Room 2")
    coordinator.check(f"input[name=chair][value='{staff.iro.pk}']")
    submit(coordinator, "Book the conference")
    review2 = Conference.objects.get(kind=ConferenceKind.REVIEW, status=ConferenceStatus.SCHEDULED)

    clock.set(date(2025, 3, 24), hour=16)
    iro = sign_in(staff.iro)
    iro.goto(f"/conferences/{review2.public_id}/record")
    rows = rows_of(review2)
    for row in rows.values():
        iro.check(f"#id_child{row.pk}-decision-1")  # End the plan
        iro.check(f"#id_child{row.pk}-end_reason")  # Stepped down to a Child in Need plan
        complete_the_record(iro, f"#id_child{row.pk}")
    submit(iro, "Save the conference record")
    expect(iro.locator("h1")).to_contain_text("Review child protection conference")
    for plan in Plan.objects.all():
        assert (plan.end_date, plan.end_reason) == (date(2025, 3, 24), PlanEndReason.STEP_DOWN_CIN)
    iro.goto(f"/plans/{plans['Alder'].public_id}/")
    summary = iro.locator("#plan-summary").inner_text()
    assert "24 March 2025: Stepped down to a Child in Need plan" in summary
    assert "Emotional abuse (at the start: Neglect)" in summary

    # The child's journey page reflects everything recorded.
    iro.goto(f"/children/{alder.public_id}/")
    journey = main_text(iro)
    for expected in (
        "Strategy discussion",
        "Initial child protection conference",
        "27 Jun 2024",
        "30 Sep 2024",
        "24 Mar 2025",
        "Family or professional unavailable",
        "Stepped down to a Child in Need plan",
    ):
        assert expected in journey, expected
    protection = iro.goto(f"/children/{alder.public_id}/protection/")
    assert protection.ok
    assert iro.locator("#conferences").inner_text().count("Held") == 3
    check_page(iro, "i09-protection-ended")

    # Someone of another team is refused every page of it.
    outsider = sign_in(staff.outsider)
    for url in (
        f"/conferences/{icpc.public_id}/",
        f"/plans/{plans['Wren'].public_id}/",
        f"/children/{wren.public_id}/protection/",
    ):
        assert outsider.goto(url).status == 403, url
