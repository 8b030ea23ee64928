"""Correcting the date a held conference was held: the plan it started or ended moves with
it, its lateness is decided again against the same due date, the next review's lateness
follows, and nothing may pass another of the children's conferences."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey import held_date, services
from iro.journey.checks import DATE_IN_FUTURE, STALE_RECORD, current_version
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceAmendment,
    ConferenceKind,
    Decision,
    LateDecision,
    LatenessReason,
    Plan,
    PlanEndReason,
)
from iro.journey.services import Subject
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]

HELD = date(2024, 6, 28)  # the initial conference, due by 1 July (S47 from 10 June)
REVIEW = "review child protection conference"
REASON = "The record was made from the booking: the conference moved to the day before."


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 10, 10), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


@pytest.fixture
def held(staff, siblings):
    """The sibling group's initial conference, held on 28 June: a plan for each child."""
    conference = book_icpc(staff, siblings, on=HELD)
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


def review(staff, children, on, *, decision=Decision.CONTINUE, held=True, **record):
    """A review of the children's plans booked for ``on`` and, if ``held``, held then."""
    conference = services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=c, plan=Plan.objects.get(child=c)) for c in children],
        scheduled_date=on,
        chair=staff.iro,
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )
    if held:
        services.record_conference_held(
            conference=conference,
            held_on=on,
            outcomes={
                c.pk: complete_outcome(decision, category="NEG", **record.pop("outcome", {}))
                for c in children
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
            **record,
        )
    conference.refresh_from_db()
    return conference


def correct(conference, held_on, *, user, reason=REASON, version=None, **lateness):
    return held_date.correct_held_date(
        conference=conference,
        held_on=held_on,
        reason=reason,
        acting_user=user,
        expected_version=current_version(conference) if version is None else version,
        **lateness,
    )


def refused(conference, held_on, *, user, field="held_on", **kwargs) -> list[str]:
    before = Conference.objects.get(pk=conference.pk).held_on
    with pytest.raises(ValidationError) as raised:
        correct(conference, held_on, user=user, **kwargs)
    assert Conference.objects.get(pk=conference.pk).held_on == before  # nothing written
    assert not ConferenceAmendment.objects.exists()
    return raised.value.message_dict[field]


# -------------------------------------------------------------- what moves with it


def test_the_initial_conference_moves_and_the_plans_it_started_start_that_day(
    staff, siblings, held
):
    result = correct(held, date(2024, 6, 27), user=staff.iro)
    held.refresh_from_db()
    assert held.held_on == date(2024, 6, 27)
    assert {p.start_date for p in Plan.objects.filter(child__in=siblings.children)} == {
        date(2024, 6, 27)
    }
    first = siblings.children[0]
    changes = result.amendment.changes
    assert {"child": first.pk, "field": "Date held", "before": "28 June 2024",
            "after": "27 June 2024"} in changes  # fmt: skip
    assert {"child": first.pk, "field": "Plan started", "before": "28 June 2024",
            "after": "27 June 2024"} in changes  # fmt: skip
    assert result.amendment.reason == REASON
    assert result.moved_plans == [
        "the plans of Wren Brackwater and Alder Brackwater now start on 27 June 2024"
    ]


def test_a_date_after_the_due_date_needs_a_reason_and_waits_for_a_manager(staff, held):
    due = date(2024, 7, 1)
    assert refused(held, date(2024, 7, 2), user=staff.iro, field="lateness_reason") == [
        services.LATENESS_REASON_REQUIRED.format(due=due)
    ]
    assert refused(
        held,
        date(2024, 7, 2),
        user=staff.iro,
        field="lateness_detail",
        lateness_reason=LatenessReason.OTHER,
    ) == [services.LATENESS_DETAIL_REQUIRED]
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    assert (held.held_on, held.lateness_reason, held.late_decision) == (
        date(2024, 7, 2),
        LatenessReason.UNAVAILABLE,
        "",
    )


def test_a_late_conference_moved_into_time_loses_its_reason_and_decision(staff, held):
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    services.decide_late_conference(
        conference=held,
        decision=LateDecision.AGREED,
        decided_on=date(2024, 7, 3),
        comment="",
        acting_user=staff.iro_manager,
    )
    correct(held, date(2024, 7, 1), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    assert (held.lateness_reason, held.late_decision, held.late_decided_by) == ("", "", None)


def test_a_changed_reason_for_lateness_alone_is_agreed_again(staff, held):
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    services.decide_late_conference(
        conference=held,
        decision=LateDecision.AGREED,
        decided_on=date(2024, 7, 3),
        comment="",
        acting_user=staff.iro_manager,
    )
    held.refresh_from_db()
    result = correct(
        held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.INTERPRETER
    )
    held.refresh_from_db()
    assert (held.lateness_reason, held.late_decision) == (LatenessReason.INTERPRETER, "")
    assert {c["field"] for c in result.amendment.changes} == {
        "Reason for lateness",
        "Manager's decision on the lateness",
    }
    first = held.children.order_by("pk").first().child_id
    assert {
        "child": first,
        "field": "Manager's decision on the lateness",
        "before": "Agreed by Mona Greyfriar on 3 July 2024",
        "after": "Waiting for a manager's decision",
    } in result.amendment.changes


def test_a_reason_not_accepted_is_kept_in_the_history_when_the_chair_gives_another(staff, held):
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    services.decide_late_conference(
        conference=held,
        decision=LateDecision.NOT_AGREED,
        decided_on=date(2024, 7, 3),
        comment="The family were free on 28 June.",
        acting_user=staff.iro_manager,
    )
    held.refresh_from_db()
    result = correct(
        held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.INTERPRETER
    )
    said = {c["before"] for c in result.amendment.changes if "decision" in c["field"]}
    assert said == {"Reason not accepted by Mona Greyfriar on 3 July 2024: The family were "
                    "free on 28 June."}  # fmt: skip


def test_a_late_date_moved_later_still_is_agreed_again(staff, held):
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    services.decide_late_conference(
        conference=held,
        decision=LateDecision.AGREED,
        decided_on=date(2024, 7, 3),
        comment="",
        acting_user=staff.iro_manager,
    )
    held.refresh_from_db()
    correct(held, date(2024, 7, 4), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    assert (held.held_on, held.late_decision) == (date(2024, 7, 4), "")


def test_moving_the_initial_conference_later_clears_the_first_reviews_lateness(
    staff, siblings, held
):
    # Held 30 September, due 28 September (three months from 28 June): late, with a reason.
    first_review = review(
        staff,
        siblings.children,
        date(2024, 9, 30),
        lateness_reason=LatenessReason.REPORTS_NOT_READY,
    )
    result = correct(held, date(2024, 7, 1), user=staff.iro)
    first_review.refresh_from_db()
    assert first_review.lateness_reason == ""  # due 1 October now: in time
    assert result.cleared == [first_review]
    kept = ConferenceAmendment.objects.get(conference=first_review)
    assert kept.changes[0]["before"] == "Reports not ready"
    assert "corrected from 28 June 2024 to 1 July 2024" in kept.reason


def test_moving_the_initial_conference_earlier_can_make_the_first_review_late(
    staff, siblings, held
):
    first_review = review(staff, siblings.children, date(2024, 9, 27))  # due 28 September
    result = correct(held, date(2024, 6, 25), user=staff.iro)
    assert [(n.conference, n.due) for n in result.now_late] == [(first_review, date(2024, 9, 25))]
    # Its chair gives the reason on the same page, the date unchanged.
    first_review.refresh_from_db()
    correct(
        first_review,
        date(2024, 9, 27),
        user=staff.iro,
        lateness_reason=LatenessReason.UNAVAILABLE,
    )
    first_review.refresh_from_db()
    assert first_review.lateness_reason == LatenessReason.UNAVAILABLE


def test_the_review_that_ended_a_plan_moves_its_end_and_the_step_down_with_it(
    staff, siblings, held
):
    first = siblings.children[0]
    ending = review(
        staff,
        [first],
        date(2024, 9, 27),
        decision=Decision.END,
        outcome={"end_reason": PlanEndReason.STEP_DOWN_CIN},
    )
    result = correct(ending, date(2024, 9, 26), user=staff.iro)
    assert result.moved_plans == [
        "Wren Brackwater's plan now ends on 26 September 2024, and the Child in Need plan "
        "after it starts that day"
    ]
    assert {"child": first.pk, "field": "Child in Need plan started",
            "before": "27 September 2024", "after": "26 September 2024"} in (
        result.amendment.changes
    )  # fmt: skip
    plan = Plan.objects.get(child=first)
    assert plan.end_date == date(2024, 9, 26)
    assert CinPlanPeriod.objects.get(episode__child=first).start_date == date(2024, 9, 26)


# ----------------------------------------------------------------- what it refuses


def test_it_cannot_pass_another_conference_of_the_children(staff, siblings, held):
    first_review = review(staff, siblings.children, date(2024, 9, 27))
    said = refused(held, date(2024, 9, 30), user=staff.iro)
    for name in ("Wren Brackwater", "Alder Brackwater"):
        assert (
            held_date.PAST_CONFERENCE.format(child=name, what=REVIEW, on=date(2024, 9, 27)) in said
        )
    assert refused(first_review, date(2024, 6, 20), user=staff.iro)[-1] == (
        held_date.PAST_CONFERENCE.format(
            child="Alder Brackwater", what="initial child protection conference", on=HELD
        )
    )


def test_it_cannot_pass_a_booking_of_the_children(staff, siblings, held):
    review(staff, siblings.children, date(2024, 7, 2), held=False)
    assert refused(
        held, date(2024, 7, 3), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE
    ) == [
        held_date.PAST_BOOKING.format(child=name, what=REVIEW, on=date(2024, 7, 2))
        for name in ("Wren Brackwater", "Alder Brackwater")
    ]


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (date(2024, 6, 9), services.BEFORE_S47.format(date=date(2024, 6, 10))),
        (date(2024, 10, 11), DATE_IN_FUTURE),
    ],
)
def test_the_date_follows_the_rules_of_recording_it(staff, held, held_on, message):
    assert message in refused(held, held_on, user=staff.iro)


def test_it_cannot_move_after_the_minutes_were_sent(staff, held):
    services.record_minutes_sent(
        conference=held,
        sent_on=date(2024, 7, 1),
        acting_user=staff.coordinator,
        expected_version=current_version(held),
    )
    assert refused(
        held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE
    ) == [held_date.AFTER_MINUTES.format(date=date(2024, 7, 1))]


def test_it_cannot_move_after_the_first_core_group_meeting(staff, siblings, held):
    core_group = held.children.first().first_core_group_on
    assert refused(
        held,
        core_group + timedelta(days=1),
        user=staff.iro,
        lateness_reason=LatenessReason.UNAVAILABLE,
    )[0] == held_date.AFTER_CORE_GROUP.format(child="Wren Brackwater", date=core_group)


def test_a_correction_needs_a_reason_and_a_change(staff, held):
    assert refused(held, date(2024, 6, 27), user=staff.iro, reason=" ", field="reason") == [
        held_date.REASON_REQUIRED
    ]
    assert refused(held, HELD, user=staff.iro, field="__all__") == [held_date.NOTHING_CHANGED]


def test_a_correction_from_a_stale_page_is_refused(staff, held):
    with pytest.raises(ValidationError) as raised:
        correct(held, date(2024, 6, 27), user=staff.iro, version=held.version - 1)
    assert raised.value.messages == [STALE_RECORD]


@pytest.mark.parametrize("who", ["other_iro", "coordinator", "social_worker", "analyst"])
def test_only_the_chair_or_an_iro_manager_corrects_the_date(staff, held, who):
    with pytest.raises(PermissionDenied):
        correct(held, date(2024, 6, 27), user=getattr(staff, who))
    correct(held, date(2024, 6, 27), user=staff.iro_manager)


# ---------------------------------------------------------------------- the page


def page_data(conference, held_on, **extra) -> dict[str, str]:
    return {
        "held_on_day": str(held_on.day),
        "held_on_month": str(held_on.month),
        "held_on_year": str(held_on.year),
        "lateness_reason": "",
        "lateness_detail": "",
        "reason": REASON,
        "version": str(conference.version),
    } | extra


def test_the_chair_corrects_the_date_from_the_conference_page(client, staff, held):
    client.force_login(staff.iro)
    url = reverse("conference_held_date", args=[held.public_id])
    detail = client.get(reverse("conference_detail", args=[held.public_id])).text
    assert url in detail
    page = client.get(url).text
    assert (
        "The plans of Wren Brackwater and Alder Brackwater start on the day the conference "
        "was held." in page
    )
    assert "A date after 1 July 2024 needs a reason" in page
    assert (
        "It can be corrected to a day from <strong>10 June 2024</strong> (the day the "
        "Section 47 enquiry began) up to <strong>5 July 2024</strong> (the day of Wren "
        "Brackwater&#x27;s first core group meeting)." in page
    )
    response = client.post(url, page_data(held, date(2024, 6, 27)), follow=True)
    assert response.redirect_chain[-1][0] == reverse("conference_detail", args=[held.public_id])
    assert "The record now says it was held on 27 June 2024." in response.text
    history = client.get(reverse("conference_history", args=[held.public_id])).text
    assert "Plan started" in history and "27 June 2024" in history
    assert "Recorded as held on 27 June 2024 (first recorded as 28 June 2024)." in history


def test_a_review_made_late_is_the_next_page(client, staff, siblings, held):
    first_review = review(staff, siblings.children, date(2024, 9, 27))
    client.force_login(staff.iro)
    response = client.post(
        reverse("conference_held_date", args=[held.public_id]),
        page_data(held, date(2024, 6, 25)),
    )
    assert response.headers["Location"] == reverse(
        "conference_held_date", args=[first_review.public_id]
    )


def test_a_refused_date_is_said_on_the_page_and_nothing_changes(client, staff, held):
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_held_date", args=[held.public_id]),
        page_data(held, date(2024, 7, 2)),
    ).text
    assert "There is a problem" in page
    assert "select why it is late" in page
    held.refresh_from_db()
    assert held.held_on == HELD


@pytest.mark.parametrize("who", ["other_iro", "analyst", "coordinator", "social_worker"])
def test_the_page_refuses_who_may_not_correct_it(client, staff, held, who):
    client.force_login(getattr(staff, who))
    url = reverse("conference_held_date", args=[held.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, page_data(held, date(2024, 6, 27))).status_code == 403
    held.refresh_from_db()
    assert held.held_on == HELD


def test_the_page_says_a_reason_given_for_a_date_in_time_is_not_kept(client, staff, held):
    client.force_login(staff.iro)
    response = client.post(
        reverse("conference_held_date", args=[held.public_id]),
        page_data(held, date(2024, 6, 27), lateness_reason=LatenessReason.INTERPRETER),
        follow=True,
    )
    assert "It was held in time, so no reason for lateness is kept." in response.text


def test_the_page_says_when_only_the_reason_for_lateness_changed(client, staff, held):
    correct(held, date(2024, 7, 2), user=staff.iro, lateness_reason=LatenessReason.UNAVAILABLE)
    held.refresh_from_db()
    client.force_login(staff.iro)
    response = client.post(
        reverse("conference_held_date", args=[held.public_id]),
        page_data(held, date(2024, 7, 2), lateness_reason=LatenessReason.INTERPRETER),
        follow=True,
    )
    assert "The reason for lateness is now: Interpreter availability." in response.text
    assert "a manager needs to agree it" in response.text


def test_a_review_booked_after_its_due_date_is_no_longer_flagged_once_the_date_moves(
    client, staff, siblings, held
):
    with time_machine.travel(date(2024, 9, 20), tick=False):
        booked = services.schedule_conference(
            kind=ConferenceKind.REVIEW,
            subjects=[Subject(child=c, plan=Plan.objects.get(child=c)) for c in siblings.children],
            scheduled_date=date(2024, 10, 1),  # due 28 September
            chair=staff.iro,
            confirm_reason="The family asked for after the school holiday.",
            acting_user=staff.coordinator,
        )
        assert booked.booking_warnings == (
            "1 October 2024 is after the conference is due on 28 September 2024."
        )
        client.force_login(staff.iro)
        page = reverse("conference_detail", args=[booked.public_id])
        child_page = reverse("child_protection", args=[siblings.children[0].public_id])
        assert "Booked anyway" in client.get(page).text
        assert "Booked anyway" in client.get(child_page).text
        correct(held, date(2024, 7, 1), user=staff.iro)  # the review is due 1 October now
        assert "Booked anyway" not in client.get(page).text
        assert "Booked anyway" not in client.get(child_page).text


def test_a_page_sent_from_a_stale_copy_shows_the_record_now_and_saves_on_a_second_try(
    client, staff, held
):
    page = page_data(held, date(2024, 6, 27))  # made from the version before the next save
    correct(held, date(2024, 6, 26), user=staff.iro_manager, reason="Checked the diary.")
    client.force_login(staff.iro)
    url = reverse("conference_held_date", args=[held.public_id])
    first = client.post(url, page)
    assert first.status_code == 200 and 'id="stale-record"' in first.text
    held.refresh_from_db()
    assert held.held_on == date(2024, 6, 26)  # the other change stands until saved over
    second = client.post(url, page | {"version": str(held.version)})
    assert second.status_code == 302
    held.refresh_from_db()
    assert held.held_on == date(2024, 6, 27)


def test_a_date_held_corrected_to_a_weekend_is_taken_and_said(client, staff, held):
    client.force_login(staff.iro)
    response = client.post(
        reverse("conference_held_date", args=[held.public_id]),
        page_data(held, date(2024, 6, 23)),  # a Sunday
        follow=True,
    )
    assert "That was a Sunday: check it is the day it met." in response.text


def test_a_long_reason_is_kept_whole_in_the_history_on_every_database(staff, siblings, held):
    # The history rows' own change reason is a text column: the whole reason, on any database.
    review(staff, siblings.children, date(2024, 9, 30), lateness_reason="reports_not_ready")
    why = "The chair's diary and the invitations both say the conference met a day later. " * 5
    result = correct(held, date(2024, 7, 1), user=staff.iro, reason=why)
    assert result.amendment.reason == why.strip()
    assert held.history.latest().history_change_reason == why.strip()
