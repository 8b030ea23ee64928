"""The record form: what it asks, what a review starts from, and what the plan shows."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import ConferenceKind, Decision, InviteeRole, Plan
from iro.journey.plan_selectors import first_core_group
from iro.journey.services import ChildOutcome, Subject
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, record_data, sibling_group

pytestmark = [pytest.mark.django_db]

HELD = date(2024, 6, 28)  # a Friday: the first core group is due by Friday 12 July


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


def hold_icpc(staff, siblings, *, imported=False, **fields):
    conference = book_icpc(staff, siblings)
    outcome = (
        ChildOutcome(decision=Decision.PLAN, category="NEG")
        if imported
        else complete_outcome(Decision.PLAN, category="NEG", held_on=HELD, **fields)
    )
    services.record_conference_held(
        conference=conference,
        held_on=HELD,
        outcomes={c.pk: outcome for c in siblings.children},
        acting_user=staff.iro,
        expected_version=current_version(conference),
        imported=imported,
    )
    conference.refresh_from_db()
    return conference


def test_a_review_starts_from_the_last_conferences_worries_and_strengths(client, staff, siblings):
    hold_icpc(staff, siblings)
    child = siblings.children[0]
    plan = Plan.objects.get(child=child)
    review = services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=child, plan=plan)],
        scheduled_date=date(2024, 7, 1),
        chair=staff.iro,
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )
    client.force_login(staff.iro)
    page = client.get(reverse("conference_record", args=[review.public_id])).text
    assert "carried from the conference of 28 June 2024: keep them or change them" in page
    assert "Nobody checks the home is warm." in page
    assert "Her grandmother visits every day." in page
    assert "A health visitor calls each week." in page


def test_each_invited_agency_is_asked_for_its_recommendation(client, staff, siblings):
    conference = book_icpc(staff, siblings)
    services.add_invitee(
        conference=conference,
        name="PC Dana Holt",
        role=InviteeRole.POLICE,
        acting_user=staff.coordinator,
    )
    client.force_login(staff.iro)
    url = reverse("conference_record", args=[conference.public_id])
    assert "Police: recommendation" in client.get(url).text
    data = {"version": conference.version, "held_on_day": "28", "held_on_month": "6",
            "held_on_year": "2024"}  # fmt: skip
    for row in conference.children.all():
        p = f"child{row.pk}-"
        data |= {p + "decision": Decision.PLAN, p + "category": "NEG", p + "rec_0": "plan",
                 p + "rec_comment_0": "Repeated call-outs.", p + "dissent": "",
                 **record_data(row.pk, core_group_on=date(2024, 7, 8))}  # fmt: skip
    assert client.post(url, data).status_code == 302
    row = conference.children.first()
    assert [(r.agency, r.recommendation, r.comment) for r in row.recommendations.all()] == [
        ("Police", Decision.PLAN, "Repeated call-outs.")
    ]
    detail = client.get(reverse("conference_detail", args=[conference.public_id])).text
    assert "Police: Child protection plan (Repeated call-outs.)" in detail
    assert "Wants to stay at home with her brother." in detail


def test_the_record_form_says_the_family_reads_the_minutes_and_keeps_what_they_must_not(
    client, staff, siblings
):
    conference = book_icpc(staff, siblings)
    client.force_login(staff.iro)
    url = reverse("conference_record", args=[conference.public_id])
    page = client.get(url).text
    assert "The minutes go to everyone invited, the family too" in page
    assert "It is in the minutes the family receives." in page
    data = {"version": conference.version, "held_on_day": "28", "held_on_month": "6",
            "held_on_year": "2024"}  # fmt: skip
    rows = list(conference.children.all())
    for row in rows:
        p = f"child{row.pk}-"
        data |= {p + "decision": Decision.PLAN, p + "category": "NEG",
                 **record_data(row.pk, core_group_on=date(2024, 7, 8))}  # fmt: skip
    data[f"child{rows[0].pk}-kept_from_family"] = "Police intelligence on a visitor."
    assert client.post(url, data).status_code == 302
    rows[0].refresh_from_db()
    assert rows[0].kept_from_family == "Police intelligence on a visitor."
    # An amendment that takes it out is shown on the record's history, as any change is.
    amend = reverse("conference_amend", args=[conference.public_id])
    assert "Information kept from the family" in client.get(amend).text
    data = {"version": current_version(conference),
            "reason": "Shared in confidence: kept in the police's own record instead."}  # fmt: skip
    for row in rows:
        p = f"child{row.pk}-"
        data |= {p + "decision": Decision.PLAN, p + "category": "NEG",
                 **record_data(row.pk, core_group_on=date(2024, 7, 8))}  # fmt: skip
    assert client.post(amend, data).status_code == 302
    rows[0].refresh_from_db()
    assert rows[0].kept_from_family == ""
    history = client.get(reverse("conference_history", args=[conference.public_id])).text
    assert "Kept from the family" in history
    assert "Police intelligence on a visitor." in history


def test_a_team_manager_gives_social_cares_recommendation_only_without_a_social_worker(
    client, staff, siblings
):
    conference = book_icpc(staff, siblings)
    services.add_invitee(
        conference=conference,
        name="Tess Larkmoor",
        role=InviteeRole.TEAM_MANAGER,
        acting_user=staff.coordinator,
    )
    client.force_login(staff.iro)
    url = reverse("conference_record", args=[conference.public_id])
    assert "Team manager: recommendation" in client.get(url).text
    # Social care gives one recommendation: with its social worker invited, they give it.
    services.add_invitee(
        conference=conference,
        name="Sam Oakridge",
        role=InviteeRole.SOCIAL_WORKER,
        acting_user=staff.coordinator,
    )
    page = client.get(url).text
    assert "Social worker: recommendation" in page
    assert "Team manager: recommendation" not in page


def test_the_record_form_refuses_a_plan_end_with_no_reason_chosen(client, staff, siblings):
    hold_icpc(staff, siblings)
    child = siblings.children[0]
    plan = Plan.objects.get(child=child)
    review = services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=child, plan=plan)],
        scheduled_date=date(2024, 7, 1),
        chair=staff.iro,
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )
    row = review.children.get()
    client.force_login(staff.iro)
    data = {"version": review.version, "held_on_day": "1", "held_on_month": "7",
            "held_on_year": "2024", f"child{row.pk}-decision": "end",
            f"child{row.pk}-category": "NEG", **record_data(row.pk)}  # fmt: skip
    page = client.post(reverse("conference_record", args=[review.public_id]), data).text
    assert "There is a problem" in page
    assert services.PLAN_END_REASON_REQUIRED.format(child=child).replace("'", "&#x27;") in page
    plan.refresh_from_db()
    assert plan.end_date is None


def test_the_plan_shows_its_first_core_group_in_time(client, staff, siblings):
    hold_icpc(staff, siblings)
    plan = Plan.objects.get(child=siblings.children[0])
    client.force_login(staff.iro)
    page = client.get(reverse("plan_detail", args=[plan.public_id])).text
    assert "First core group meeting: 5 July 2024 (due by 12 July 2024" in page
    assert "In time" in page


def test_a_plan_with_no_first_core_group_date_is_overdue_after_ten_working_days(
    client, staff, siblings
):
    hold_icpc(staff, siblings, imported=True)
    plan = Plan.objects.get(child=siblings.children[0])
    with time_machine.travel(date(2024, 7, 15), tick=False):
        client.force_login(staff.iro)
        page = client.get(reverse("plan_detail", args=[plan.public_id])).text
    assert "First core group meeting: no date set (due by 12 July 2024" in page
    assert "Overdue" in page


def test_an_old_plan_with_no_first_core_group_date_is_not_recorded_not_overdue(
    client, staff, siblings
):
    """Six weeks on, as the coordinator's queue judges it: a record from before iro,
    not a meeting to chase (a red "Overdue" on a plan reviewed six times taught users
    to ignore red)."""
    conference = hold_icpc(staff, siblings, imported=True)
    row = conference.children.first()
    assert first_core_group(row, day=date(2024, 8, 9)).status == "overdue"  # 6 weeks
    assert first_core_group(row, day=date(2024, 8, 10)).status == "not_recorded"
    plan = Plan.objects.get(child=siblings.children[0])
    with time_machine.travel(date(2025, 3, 3), tick=False):
        client.force_login(staff.iro)
        page = client.get(reverse("plan_detail", args=[plan.public_id])).text
    assert "First core group meeting: no date recorded (due by 12 July 2024" in page
    assert "Overdue" not in page.split('id="first-core-group"')[1].split("</p>")[0]


def test_the_first_core_group_is_late_when_set_after_its_due_date(staff, siblings):
    conference = hold_icpc(staff, siblings, first_core_group_on=date(2024, 7, 16))
    row = conference.children.first()
    shown = first_core_group(row, day=date(2024, 7, 2))
    assert (shown.on, shown.due, shown.status) == (date(2024, 7, 16), date(2024, 7, 12), "late")


def test_a_record_with_no_date_also_says_what_each_childs_record_lacks(client, staff, siblings):
    conference = book_icpc(staff, siblings)
    first, second = (conference.children.get(child=c) for c in siblings.children)
    client.force_login(staff.iro)
    data = {"version": conference.version}
    for row in (first, second):
        data |= {f"child{row.pk}-decision": "plan", f"child{row.pk}-category": "NEG"}
    page = client.post(reverse("conference_record", args=[conference.public_id]), data).text
    assert "Enter the date the conference was held." in page
    for child in siblings.children:  # the first try says it all, not a second round
        wishes = services.WISHES_REQUIRED.format(child=child).replace("'", "&#x27;")
        assert wishes in page
        assert services.OUTLINE_PLAN_REQUIRED.format(child=child).replace("'", "&#x27;") in page
    conference.refresh_from_db()
    assert conference.held_on is None


def test_an_empty_record_says_at_once_what_any_record_needs(client, staff, siblings):
    conference = book_icpc(staff, siblings)
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_record", args=[conference.public_id]), {"version": conference.version}
    ).text
    child = siblings.children[0]
    for message in (
        "Enter the date the conference was held.",
        f"Select the decision for {child}.",
        services.ATTENDANCE_REQUIRED.format(child=child),
        services.WISHES_REQUIRED.format(child=child),
    ):
        assert message.replace("'", "&#x27;") in page, message
    # Said once each: in the summary and on the field, never twice on the field.
    assert page.count(services.WISHES_REQUIRED.format(child=child).replace("'", "&#x27;")) == 2


def test_the_error_summary_lists_the_problems_in_the_order_the_page_asks(client, staff, siblings):
    conference = book_icpc(staff, siblings)
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_record", args=[conference.public_id]), {"version": conference.version}
    ).text
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    first, second = siblings.children[:2]
    said = [
        summary.index(message.replace("'", "&#x27;"))
        for message in (
            "Enter the date the conference was held.",
            services.ATTENDANCE_REQUIRED.format(child=first),
            services.WISHES_REQUIRED.format(child=first),
            f"Select the decision for {first}.",
            services.ATTENDANCE_REQUIRED.format(child=second),
            f"Select the decision for {second}.",
        )
    ]
    assert said == sorted(said), summary
