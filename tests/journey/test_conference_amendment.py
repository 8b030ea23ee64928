"""Correcting a held conference's record: by its chair or an IRO manager, with a reason,
never silently; the earlier version stays readable in the record's history."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from iro.access.scope import FREE_TEXT_WITHHELD
from iro.journey import services
from iro.journey.checks import STALE_RECORD, current_version
from iro.journey.models import (
    CinPlanPeriod,
    ConferenceAmendment,
    ConferenceKind,
    Decision,
    Plan,
    PlanEndReason,
)
from iro.journey.services import Subject
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, record_data, sibling_group

pytestmark = [pytest.mark.django_db]

HELD = date(2024, 6, 28)
REASON = "The worries were typed into the wrong box."


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


@pytest.fixture
def held(staff, siblings):
    """The sibling group's initial conference, held and recorded: a plan for each."""
    conference = book_icpc(staff, siblings)
    services.record_conference_held(
        conference=conference,
        held_on=HELD,
        outcomes={
            c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=HELD)
            for c in siblings.children
        },
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )
    conference.refresh_from_db()
    return conference


def same_record(conference, **changes_by_child):
    """Each child's outcome as recorded, with ``changes_by_child[<pk>]`` applied."""
    out = {}
    for row in conference.children.select_related("plan"):
        fields = {
            name: getattr(row, name)
            for name in services.PARTICIPATION_FIELDS
            if name not in {"first_core_group_on"}
        }
        fields["first_core_group_on"] = row.first_core_group_on
        fields |= changes_by_child.get(str(row.child_id), {})
        decision = fields.pop("decision", row.decision)
        fields.setdefault("category", row.category)
        out[row.child_id] = services.ChildOutcome(decision=decision, **fields)
    return out


def amend(conference, user, outcomes, reason=REASON, version=None):
    return services.amend_conference_record(
        conference=conference,
        outcomes=outcomes,
        reason=reason,
        acting_user=user,
        expected_version=current_version(conference) if version is None else version,
    )


def test_the_chair_corrects_the_worries_and_the_change_is_kept_with_its_reason(
    staff, siblings, held
):
    first = siblings.children[0]
    version = held.version
    amendment = amend(
        held, staff.iro, same_record(held, **{str(first.pk): {"worries": "Nobody feeds him."}})
    )
    assert (amendment.amended_by, amendment.reason) == (staff.iro, REASON)
    assert amendment.changes == [
        {
            "child": first.pk,
            "field": "What we are worried about",
            "before": "Nobody checks the home is warm.",
            "after": "Nobody feeds him.",
        }
    ]
    held.refresh_from_db()
    assert held.version == version + 1 == amendment.version
    row = held.children.get(child=first)
    assert row.worries == "Nobody feeds him."
    *_, as_recorded, as_amended = row.history.order_by("history_date")
    assert as_recorded.worries == "Nobody checks the home is warm."
    assert (as_amended.worries, as_amended.history_change_reason) == ("Nobody feeds him.", REASON)


def test_an_amendment_with_a_long_reason_is_saved_on_every_database(staff, siblings, held):
    first = siblings.children[0]
    why = "The worries were typed into the wrong box by the minute taker on the day. " * 6
    amend(held, staff.iro, same_record(held, **{str(first.pk): {"worries": "No heating."}}), why)
    assert ConferenceAmendment.objects.get().reason == why.strip()


def test_an_amendment_needs_a_reason(staff, held):
    with pytest.raises(ValidationError) as raised:
        amend(held, staff.iro, same_record(held), reason="  ")
    assert raised.value.message_dict["reason"] == [services.AMEND_REASON_REQUIRED]
    assert not ConferenceAmendment.objects.exists()


def test_an_amendment_that_changes_nothing_is_refused(staff, held):
    with pytest.raises(ValidationError) as raised:
        amend(held, staff.iro, same_record(held))
    assert raised.value.messages == [services.AMEND_NOTHING_CHANGED]


def test_an_amendment_from_a_stale_page_is_refused(staff, siblings, held):
    first = siblings.children[0]
    with pytest.raises(ValidationError) as raised:
        amend(
            held,
            staff.iro,
            same_record(held, **{str(first.pk): {"worries": "x"}}),
            version=held.version - 1,
        )
    assert raised.value.messages == [STALE_RECORD]


def test_an_iro_who_is_not_the_chair_may_not_amend(staff, siblings, held):
    first = siblings.children[0]
    with pytest.raises(PermissionDenied):
        amend(held, staff.other_iro, same_record(held, **{str(first.pk): {"worries": "x"}}))


def test_an_iro_manager_may_amend_any_conference(staff, siblings, held):
    first = siblings.children[0]
    amend(held, staff.iro_manager, same_record(held, **{str(first.pk): {"worries": "x"}}))
    assert ConferenceAmendment.objects.get().amended_by == staff.iro_manager


def test_a_new_plans_category_is_corrected_on_the_plan(staff, siblings, held):
    first = siblings.children[0]
    amend(held, staff.iro, same_record(held, **{str(first.pk): {"category": "EMO"}}))
    plan = Plan.objects.get(child=first)
    assert (plan.initial_category, plan.latest_category) == ("EMO", "EMO")


def test_a_decision_to_start_a_plan_cannot_be_amended_away(staff, siblings, held):
    first = siblings.children[0]
    with pytest.raises(ValidationError) as raised:
        amend(
            held,
            staff.iro,
            same_record(held, **{str(first.pk): {"decision": Decision.NO_PLAN, "category": ""}}),
        )
    assert raised.value.message_dict[f"decision_{first.pk}"] == [
        services.DECISION_CHANGE_REFUSED.format(
            child=first, before="Child protection plan", after="No child protection plan"
        )
    ]
    assert Plan.objects.get(child=first).end_date is None


def held_review(staff, child, plan, on):
    review = services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=child, plan=plan)],
        scheduled_date=on,
        chair=staff.iro,
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )
    services.record_conference_held(
        conference=review,
        held_on=on,
        outcomes={child.pk: complete_outcome(Decision.CONTINUE, category="NEG")},
        acting_user=staff.iro,
        expected_version=current_version(review),
    )
    review.refresh_from_db()
    return review


def test_continue_corrected_to_end_ends_the_plan_with_the_reason_chosen(staff, siblings, held):
    first = siblings.children[0]
    plan = Plan.objects.get(child=first)
    with time_machine.travel(date(2024, 9, 30), tick=False):
        review = held_review(staff, first, plan, date(2024, 9, 27))
        with pytest.raises(ValidationError) as raised:
            amend(review, staff.iro, same_record(review, **{str(first.pk): {"decision": "end"}}))
        assert raised.value.message_dict[f"end_reason_{first.pk}"] == [
            services.PLAN_END_REASON_REQUIRED.format(child=first)
        ]
        amend(
            review,
            staff.iro,
            same_record(review, **{str(first.pk): {"decision": "end", "end_reason": "closed"}}),
        )
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (date(2024, 9, 27), PlanEndReason.CLOSED)
    changes = ConferenceAmendment.objects.get().changes
    assert {"child": first.pk, "field": "Decision", "before": "Continue the plan",
            "after": "End the plan"} in changes  # fmt: skip
    assert {"child": first.pk, "field": "What happens next", "before": "",
            "after": "Case closed"} in changes  # fmt: skip


def test_a_reviewed_plans_category_is_corrected_at_its_latest_review_only(staff, siblings, held):
    first = siblings.children[0]
    plan = Plan.objects.get(child=first)
    with time_machine.travel(date(2024, 9, 30), tick=False):
        held_review(staff, first, plan, date(2024, 9, 27))
        with pytest.raises(ValidationError) as raised:
            amend(held, staff.iro, same_record(held, **{str(first.pk): {"category": "PHY"}}))
    assert raised.value.message_dict[f"category_{first.pk}"] == [
        services.LATER_CONFERENCE.format(child=first, what="category")
    ]


def test_a_wrong_end_reason_is_corrected_and_the_step_down_follows_it(staff, siblings, held):
    first = siblings.children[0]
    plan = Plan.objects.get(child=first)
    with time_machine.travel(date(2024, 9, 30), tick=False):
        review = services.schedule_conference(
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=first, plan=plan)],
            scheduled_date=date(2024, 9, 27),
            chair=staff.iro,
            confirm_reason="Recorded after the event",
            acting_user=staff.coordinator,
        )
        services.record_conference_held(
            conference=review,
            held_on=date(2024, 9, 27),
            outcomes={
                first.pk: complete_outcome(
                    Decision.END, category="NEG", end_reason=PlanEndReason.STEP_DOWN_CIN
                )
            },
            acting_user=staff.iro,
            expected_version=current_version(review),
        )
        assert CinPlanPeriod.objects.filter(start_date=date(2024, 9, 27)).exists()
        amend(review, staff.iro, same_record(review, **{str(first.pk): {"end_reason": "closed"}}))
    plan.refresh_from_db()
    assert plan.end_reason == PlanEndReason.CLOSED
    assert not CinPlanPeriod.objects.filter(start_date=date(2024, 9, 27)).exists()


# ------------------------------------------------------------------------ the pages


def amend_data(conference, reason=REASON, **changes) -> dict:
    data = {"version": str(conference.version), "reason": reason}
    for row in conference.children.all():
        prefix = f"child{row.pk}-"
        data |= {prefix + "decision": row.decision, prefix + "category": row.category}
        data |= record_data(row.pk, core_group_on=row.first_core_group_on)
        data[prefix + "worries"] = row.worries
        data[prefix + "wishes_feelings"] = row.wishes_feelings
        data[prefix + "working_well"] = row.working_well
        data[prefix + "needs_to_happen"] = row.needs_to_happen
        data[prefix + "outline_plan"] = row.outline_plan
    return data | changes


def test_the_chair_amends_the_record_and_the_page_says_so(client, staff, siblings, held):
    first_row = held.children.get(child=siblings.children[0])
    client.force_login(staff.iro)
    detail = reverse("conference_detail", args=[held.public_id])
    assert reverse("conference_amend", args=[held.public_id]) in client.get(detail).text
    response = client.post(
        reverse("conference_amend", args=[held.public_id]),
        amend_data(held, **{f"child{first_row.pk}-worries": "Nobody feeds him."}),
    )
    assert response.status_code == 302, response.text[:2000]
    page = client.get(detail).text
    assert "Amended on 1 July 2024 by" in page
    assert f". The reason given: {REASON}" in page
    assert f"{REASON}." not in page  # the reason's own full stop, not a second one
    history = client.get(reverse("conference_history", args=[held.public_id])).text
    assert "Nobody checks the home is warm." in history
    assert "Nobody feeds him." in history


def test_the_amend_form_links_to_correcting_the_date_held(client, staff, held):
    client.force_login(staff.iro)
    page = client.get(reverse("conference_amend", args=[held.public_id])).text
    assert "are corrected on their own page" in page
    assert reverse("conference_held_date", args=[held.public_id]) in page


def test_the_amend_form_without_a_reason_shows_the_error_summary(client, staff, held):
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_amend", args=[held.public_id]), amend_data(held, reason="")
    ).text
    assert "There is a problem" in page
    assert services.AMEND_REASON_REQUIRED in page
    assert not ConferenceAmendment.objects.exists()


@pytest.mark.parametrize("who", ["other_iro", "analyst", "coordinator", "social_worker"])
def test_only_the_chair_or_an_iro_manager_may_open_the_amend_form(client, staff, held, who):
    client.force_login(getattr(staff, who))
    url = reverse("conference_amend", args=[held.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, amend_data(held)).status_code == 403
    assert not ConferenceAmendment.objects.exists()


def test_a_conference_not_yet_held_cannot_be_amended(client, staff, siblings):
    conference = book_icpc(staff, siblings)
    client.force_login(staff.iro)
    response = client.get(reverse("conference_amend", args=[conference.public_id]))
    assert response.status_code == 302


def test_the_analyst_reads_the_history_without_the_familys_names(client, staff, siblings, held):
    first = siblings.children[0]
    amend(
        held,
        staff.iro,
        same_record(held, **{str(first.pk): {"worries": f"{first.first_name} is hungry."}}),
    )
    client.force_login(staff.analyst)
    page = client.get(reverse("conference_history", args=[held.public_id])).text
    assert "is hungry." not in page  # free text is not shown to the analyst at all
    assert escape(FREE_TEXT_WITHHELD) in page
    assert first.first_name not in page
    assert first.last_name not in page


def test_opening_the_record_form_of_a_held_conference_leads_to_amending_it(client, staff, held):
    client.force_login(staff.iro)
    response = client.get(reverse("conference_record", args=[held.public_id]))
    assert response.status_code == 302
    assert response.url == reverse("conference_amend", args=[held.public_id])


def test_an_amendment_after_the_minutes_were_sent_asks_for_them_again_saying_they_replace(
    client, staff, siblings, held
):
    from iro.journey.queues import minutes_to_send

    services.record_minutes_sent(
        conference=held, sent_on=HELD, acting_user=staff.coordinator,
        expected_version=current_version(held),
    )  # fmt: skip
    first = siblings.children[0]
    amend(held, staff.iro, same_record(held, **{str(first.pk): {"category": "EMO"}}))
    held.refresh_from_db()
    assert (held.minutes_sent_on, held.minutes_replaced_sent_on) == (None, HELD)
    queue = minutes_to_send(staff.coordinator, date(2024, 7, 1))
    assert [row.action for row in queue.rows] == ["Send the amended minutes"]
    client.force_login(staff.coordinator)
    detail = client.get(reverse("conference_detail", args=[held.public_id])).text
    assert "The record was amended after the minutes were sent on 28 June 2024" in detail
    minutes = client.get(reverse("conference_minutes", args=[held.public_id])).text
    assert (
        "These minutes were amended on 1 July 2024. They replace the minutes sent on "
        "28 June 2024." in minutes
    )
    services.record_minutes_sent(
        conference=held, sent_on=date(2024, 7, 1), acting_user=staff.coordinator,
        expected_version=current_version(held),
    )  # fmt: skip
    detail = client.get(reverse("conference_detail", args=[held.public_id])).text
    assert "Sent on 1 July 2024 (amended minutes, replacing those sent on 28 June 2024)" in detail
    assert not minutes_to_send(staff.coordinator, date(2024, 7, 1)).rows


def test_correcting_who_attended_a_held_conference_needs_a_reason_and_is_kept(
    client, staff, siblings, held
):
    from iro.journey.models import Invitation, InviteeAttendance, InviteeRole

    hazel = Invitation.objects.create(
        conference=held, name="Hazel Brackwater", role=InviteeRole.PARENT,
        attendance=InviteeAttendance.ATTENDED,
    )  # fmt: skip
    services.record_minutes_sent(
        conference=held, sent_on=HELD, acting_user=staff.coordinator,
        expected_version=current_version(held),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    url = reverse("conference_attendance", args=[held.public_id])
    data = {"version": current_version(held), f"attendance_{hazel.pk}": "did_not_attend"}
    page = client.post(url, data).text
    assert "Enter why who attended is being corrected" in page
    hazel.refresh_from_db()
    assert hazel.attendance == InviteeAttendance.ATTENDED  # nothing saved
    data["attendance_reason"] = "She sent apologies; ticked by mistake."
    assert client.post(url, data).status_code == 302
    hazel.refresh_from_db()
    held.refresh_from_db()
    assert hazel.attendance == InviteeAttendance.DID_NOT_ATTEND
    assert (held.minutes_sent_on, held.minutes_replaced_sent_on) == (None, HELD)
    history = client.get(reverse("conference_history", args=[held.public_id])).text
    assert "She sent apologies; ticked by mistake." in history
    assert "Hazel Brackwater: Attended" in history
    assert "Hazel Brackwater: Did not attend" in history


def test_someone_listed_by_mistake_is_taken_off_a_held_conferences_record(
    client, staff, siblings, held
):
    from iro.journey.models import Invitation, InviteeAttendance, InviteeRole

    oakes = services.add_attendee(
        conference=held, name="Mr P Oakes", role=InviteeRole.SCHOOL,
        attendance=InviteeAttendance.ATTENDED, acting_user=staff.iro,
    )  # fmt: skip
    sent = Invitation.objects.create(
        conference=held, name="Hazel Brackwater", role=InviteeRole.PARENT,
        attendance=InviteeAttendance.ATTENDED, sent_at=timezone.now(),
    )  # fmt: skip
    client.force_login(staff.iro)
    url = reverse("conference_attendance", args=[held.public_id])
    form = client.get(url).text
    assert form.count("Not there: listed by mistake, take them off") == 1  # not Hazel: sent
    data = {"version": current_version(held), f"attendance_{oakes.pk}": "take_off",
            f"attendance_{sent.pk}": "attended"}  # fmt: skip
    assert "Enter why who attended is being corrected" in client.post(url, data).text
    assert Invitation.objects.filter(pk=oakes.pk).exists()
    data["attendance_reason"] = "He was not there: recorded on the wrong conference."
    response = client.post(url, data, follow=True)
    assert "Mr P Oakes taken off the record." in response.text
    assert not Invitation.objects.filter(pk=oakes.pk).exists()
    assert "Mr P Oakes" not in client.get(reverse("conference_minutes", args=[held.public_id])).text
    history = client.get(reverse("conference_history", args=[held.public_id])).text
    assert "Mr P Oakes: taken off the record (listed by mistake)" in history
    # Someone sent an invitation stays on the record: not offered, and refused.
    with pytest.raises(ValidationError) as refused:
        services.record_attendance(
            conference=held, attendance={sent.pk: "take_off"}, acting_user=staff.iro,
            expected_version=current_version(held), reason="x",
        )  # fmt: skip
    assert refused.value.message_dict[f"attendance_{sent.pk}"] == [
        services.SENT_NOT_TAKEN_OFF.format(name="Hazel Brackwater")
    ]
    assert Invitation.objects.filter(pk=sent.pk).exists()
