"""The work queues of conferences and plans: each lists exactly the records waiting,
through the user's access, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iro.challenge.models import WorkingHours
from iro.children.models import Child, RestrictedAccess
from iro.journey import queues
from iro.journey.models import (
    ActionStatus,
    CalendarEntry,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Invitation,
    InviteeRole,
    LatenessReason,
    PlanAction,
)
from iro.journey.selectors import how_soon
from tests.factories import (
    ChildFactory,
    FamilyFactory,
    LeaveFactory,
    PlanFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)  # a Friday


@pytest.fixture
def staff():
    return make_staff()


def names(queue) -> list[str]:
    return [row.cells[0] for row in queue.rows]


def child(staff, first: str, *, team=None, **fields):
    return ChildFactory(first_name=first, last_name="Ashcombe", team=team or staff.team, **fields)


def booked(kid, *, kind=ConferenceKind.INITIAL, on=TODAY + timedelta(days=5), chair, **row):
    return hold_conference(kind=kind, children=[(kid, row)], chair=chair, scheduled_date=on)


# --- IRO service manager ------------------------------------------------------------------


def test_late_conferences_waiting_for_agreement_are_those_held_late_and_not_agreed(staff):
    late = child(staff, "Ayla")
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(late, {})], chair=staff.iro,
        held_on=date(2025, 9, 1), lateness_reason=LatenessReason.INTERPRETER,
    )  # fmt: skip
    agreed = child(staff, "Brin")
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(agreed, {})], chair=staff.iro,
        held_on=date(2025, 9, 2), lateness_reason=LatenessReason.OTHER,
        late_decision="agreed", late_decided_by=staff.iro_manager,
        late_decided_on=date(2025, 9, 3),
    )  # fmt: skip
    in_time = child(staff, "Cato")
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(in_time, {})], chair=staff.iro,
        held_on=date(2025, 9, 3),
    )  # fmt: skip
    hidden = child(staff, "Dela", restricted=True)
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(hidden, {})], chair=staff.iro,
        held_on=date(2025, 9, 4), lateness_reason=LatenessReason.INTERPRETER,
    )  # fmt: skip

    queue = queues.late_conferences_to_agree(staff.iro_manager, TODAY)

    assert names(queue) == ["Ayla Ashcombe"]
    (row,) = queue.rows
    assert row.cells[1:] == (
        "Initial child protection conference", "1 Sep 2025", str(staff.iro),
        "Interpreter availability",
    )  # fmt: skip
    assert row.href.endswith("#lateness")
    assert row.child_public_ids == (late.public_id,)


def test_conferences_with_no_chair_or_a_chair_on_leave_that_day_are_listed(staff):
    no_chair = child(staff, "Ayla")
    booked(no_chair, chair=None, on=date(2025, 10, 20))
    away = child(staff, "Brin")
    booked(away, chair=staff.iro, on=date(2025, 10, 15))
    LeaveFactory(user=staff.iro, start_date=date(2025, 10, 14), end_date=date(2025, 10, 16))
    back = child(staff, "Cato")
    booked(back, chair=staff.iro, on=date(2025, 10, 17))
    cancelled = child(staff, "Dela")
    booked(cancelled, chair=None, on=date(2025, 10, 21)).__class__.objects.filter(
        children__child=cancelled
    ).update(status=ConferenceStatus.CANCELLED)
    past = child(staff, "Emrys")
    booked(past, chair=None, on=date(2025, 10, 1))

    queue = queues.conferences_without_a_chair(staff.iro_manager, TODAY)

    assert names(queue) == ["Brin Ashcombe", "Ayla Ashcombe"]
    brin, ayla = queue.rows
    assert brin.cells[3] == f"{staff.iro} is on leave 14 Oct 2025 to 16 Oct 2025"
    assert brin.action == "Change the chair"
    assert ayla.cells[3] == "No chair"
    assert ayla.href == reverse(
        "conference_chair", args=[no_chair.conference_rows.get().conference.public_id]
    )


def test_icpcs_requested_and_not_booked_are_listed_by_days_left(staff):
    def s47(first: str, strategy: date, **kw):
        kid = child(staff, first)
        enquiry = s47_for(kid, referral=strategy - timedelta(days=1), strategy=strategy)
        enquiry.icpc_requested_on = kw.get("requested", strategy)
        enquiry.icpc_not_required = kw.get("not_required", False)
        enquiry.save()
        return kid, enquiry

    soon, _ = s47("Ayla", date(2025, 10, 1))  # due 22 October
    overdue, _ = s47("Brin", date(2025, 9, 1))  # due 22 September
    not_requested, _ = s47("Cato", date(2025, 10, 2), requested=None)
    booked_kid, booked_s47 = s47("Dela", date(2025, 10, 2))
    booked(booked_kid, chair=staff.iro, section47=booked_s47)
    cancelled_kid, cancelled_s47 = s47("Emrys", date(2025, 10, 3))
    booked(cancelled_kid, chair=staff.iro, section47=cancelled_s47).__class__.objects.filter(
        children__child=cancelled_kid
    ).update(status=ConferenceStatus.CANCELLED)
    held_kid, held_s47 = s47("Fenna", date(2025, 9, 20))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(held_kid, {"section47": held_s47})],
        chair=staff.iro, held_on=date(2025, 10, 6),
    )  # fmt: skip
    s47("Galen", date(2025, 10, 3), not_required=True)

    queue = queues.icpcs_requested_not_booked(staff.iro_manager, TODAY)

    assert names(queue) == ["Brin Ashcombe", "Ayla Ashcombe", "Emrys Ashcombe"]
    brin, ayla, _ = queue.rows
    assert brin.cells[4:] == ("22 Sep 2025", "14 working days overdue")
    assert (brin.flag, brin.tone) == ("Overdue", "red")
    assert ayla.cells[4:] == ("22 Oct 2025", "8 working days left")
    assert ayla.href == reverse("conference_new", args=[soon.public_id]) + "?kind=initial"
    # The coordinator also sees the enquiry not yet requested.
    coordinator = queues.section47s_to_book(staff.coordinator, TODAY)
    assert "Cato Ashcombe" in names(coordinator)
    assert "Dela Ashcombe" not in names(coordinator)
    assert not_requested and overdue


def test_the_enquiries_waiting_are_counted_all_but_made_into_rows_only_when_shown(
    staff, monkeypatch
):
    for n, day in enumerate((3, 1, 2)):
        kid = child(staff, f"Wait{n}")
        s47_for(kid, referral=date(2025, 9, day), strategy=date(2025, 9, day))
    made = []
    name = queues.display_name
    monkeypatch.setattr(queues, "display_name", lambda user, c: made.append(c) or name(user, c))

    queue = queues.section47s_to_book(staff.coordinator, TODAY)

    assert queue.count == 3 and made == []
    first = queue.rows[:1]
    assert [row.cells[0] for row in first] == ["Wait1 Ashcombe"]  # the earliest due
    assert len(made) == 1


def test_reviews_overdue_or_at_risk_are_grouped_by_chair(staff):
    # Overdue first review (due 24 April), chaired by Otto.
    otto = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Ayla", team=staff.team,
    ).child  # fmt: skip
    # Review due 20 October (at risk), not booked, chaired by Ivy.
    ivy = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Brin", team=staff.team,
    ).child  # fmt: skip
    # At risk but booked in time: nothing to do.
    in_hand = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Cato", team=staff.team,
    )  # fmt: skip
    booked(in_hand.child, kind=ConferenceKind.REVIEW, chair=staff.iro, plan=in_hand.plan,
           on=date(2025, 10, 17))  # fmt: skip
    # Not yet at risk, and an ended plan.
    child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 6, 20),), first_name="Dela",
    )  # fmt: skip
    child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 24),
        ended_on=date(2024, 3, 1), end_reason="closed", first_name="Emrys",
    )  # fmt: skip

    queue = queues.reviews_overdue_or_at_risk(staff.iro_manager, TODAY)

    assert [row.cells[:2] for row in queue.rows] == [
        (str(staff.iro), ivy.full_name),
        (str(staff.other_iro), otto.full_name),
    ]
    assert queue.rows[1].cells[2:] == ("24 Apr 2025", "118 working days overdue", "Not booked")
    assert queue.rows[1].flag == "Overdue"
    assert queue.rows[0].flag == "At risk"
    # Each link says whose review it is, not whose chair (the first cell).
    assert [row.about for row in queue.rows] == [ivy.full_name, otto.full_name]


def test_a_review_booked_after_it_is_due_is_flagged_under_the_chair_booked(staff):
    # Chaired so far by Otto; the review due 20 October is booked with Ivy on 3 November.
    late = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Fenn", team=staff.team,
    )  # fmt: skip
    review = booked(late.child, kind=ConferenceKind.REVIEW, chair=staff.iro, plan=late.plan,
                    on=date(2025, 11, 3))  # fmt: skip

    (row,) = queues.reviews_overdue_or_at_risk(staff.iro_manager, TODAY).rows

    assert row.cells[0] == str(staff.iro)  # the chair to ask, not the last one
    assert row.cells[4] == "3 Nov 2025"
    assert (row.flag, row.tone) == ("Booked late", "red")
    # To the review booked, where its date is moved or its lateness agreed.
    assert (row.action, row.href) == (
        "See the booking",
        reverse("conference_detail", args=[review.public_id]),
    )


def test_each_iros_load_counts_children_and_the_next_four_weeks(staff):
    for first in ("Ayla", "Brin"):
        child_on_plan(
            chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
            first_name=first,
        )  # fmt: skip
    kid = child(staff, "Cato")
    booked(kid, chair=staff.iro, on=date(2025, 10, 20))
    booked(kid, chair=staff.iro, on=date(2025, 12, 1), kind=ConferenceKind.REVIEW)
    LeaveFactory(user=staff.other_iro, start_date=date(2025, 10, 27), end_date=date(2025, 10, 31))

    queue = queues.iro_loads(staff.iro_manager, TODAY)

    rows = {row.cells[0]: row.cells[1:] for row in queue.rows}
    assert rows[str(staff.iro)] == ("2", "1", "Not recorded", "2", "None")
    assert rows[str(staff.other_iro)] == (
        "0", "0", "Not recorded", "0", "27 Oct 2025 to 31 Oct 2025",
    )  # fmt: skip
    assert queue.rows[0].cells[0] == str(staff.iro)  # heaviest first
    # The link lists the children the figure counts: on a plan under that chair.
    assert queue.rows[0].href == reverse("caseload") + f"?chair={staff.iro.pk}&on_plan=yes"
    assert not queue.counted


def test_a_part_time_iros_load_is_weighed_for_their_working_time(staff):
    """Three children at half time is a heavier load than four at full time."""
    for n, chair in enumerate([staff.iro] * 3 + [staff.other_iro] * 4):
        child_on_plan(
            chair=chair, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
            first_name=f"Kid{n}",
        )  # fmt: skip
    WorkingHours.objects.create(
        person=staff.iro, starts_on=date(2025, 4, 1), fte=Decimal("0.50"),
        recorded_by=staff.iro_manager, recorded_on=date(2025, 4, 1),
    )  # fmt: skip

    queue = queues.iro_loads(staff.iro_manager, TODAY)

    assert [row.cells[0] for row in queue.rows][:2] == [str(staff.iro), str(staff.other_iro)]
    assert queue.rows[0].cells[1:5] == ("3", "0", "0.5", "6")


# --- Conference coordinator ---------------------------------------------------------------


def invite(conference, name: str, *, email: str = "", sent_sequence=None):
    return Invitation.objects.create(
        conference=conference, name=name, role=InviteeRole.PARENT, email=email,
        address="" if email else "4 Fen Lane, Northmoor",  # a letter goes to an address
        sent_at=None if sent_sequence is None else "2025-10-01T10:00:00Z",
        sent_sequence=sent_sequence,
    )  # fmt: skip


def test_conferences_booked_without_invitations_sent(staff):
    # Booked three weeks away first, then for Tuesday: the list goes by the date.
    unsent = booked(child(staff, "Brin"), chair=staff.iro, on=date(2025, 10, 31))
    invite(unsent, "Hollis Brackwater", email="h@example.org")
    invite(unsent, "Ione Brackwater")
    nobody = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 14))
    sent = booked(child(staff, "Cato"), chair=staff.iro, on=date(2025, 10, 16))
    invite(sent, "Jory Coldharbour", email="j@example.org", sent_sequence=0)
    booked(child(staff, "Dela"), chair=staff.iro, on=date(2025, 10, 1))  # in the past
    booked(child(staff, "Emrys"), chair=staff.iro, on=date(2025, 11, 10))  # invited later

    queue = queues.conferences_without_invitations(staff.coordinator, TODAY)

    assert queue.columns == ("Children", "Conference", "Date", "How soon", "Invitations")
    assert [row.cells[2:] for row in queue.rows] == [
        ("14 Oct 2025 10:00", "In 4 days", "Nobody invited yet"),
        ("31 Oct 2025 10:00", "In 21 days", "2 people listed, none sent"),
    ]
    assert names(queue) == ["Ayla Ashcombe", "Brin Ashcombe"]
    assert queue.rows[0].href == reverse("conference_invitations", args=[nobody.public_id])


def test_a_conference_is_said_to_be_today_tomorrow_or_in_so_many_days():
    assert [how_soon(TODAY + timedelta(days=n), TODAY) for n in (0, 1, 3, -1, -2)] == [
        "Today",
        "Tomorrow",
        "In 3 days",
        "Yesterday",
        "2 days ago",
    ]


def test_initial_conferences_overdue_or_booked_late_are_at_risk_for_the_manager(staff):
    """Overdue (booked or not), or due within 10 working days and not booked by then: a
    booking after the due date is no comfort (it was missing from the manager's page)."""

    def s47(first: str, strategy: date):
        kid = child(staff, first)
        return kid, s47_for(kid, referral=strategy - timedelta(days=1), strategy=strategy)

    late_kid, late_s47 = s47("Ayla", date(2025, 9, 26))  # due 17 October
    booked(late_kid, chair=staff.iro, section47=late_s47, on=date(2025, 10, 20))
    in_time_kid, in_time_s47 = s47("Brin", date(2025, 9, 26))
    booked(in_time_kid, chair=staff.iro, section47=in_time_s47, on=date(2025, 10, 15))
    s47("Cato", date(2025, 10, 1))  # due 22 October, not booked
    overdue_kid, overdue_s47 = s47("Dela", date(2025, 9, 1))  # due 22 September
    dela_booking = booked(overdue_kid, chair=staff.iro, section47=overdue_s47,
                          on=date(2025, 10, 14))  # fmt: skip
    s47("Emrys", date(2025, 10, 9))  # due 30 October: not yet at risk

    queue = queues.icpcs_overdue_or_at_risk(staff.iro_manager, TODAY)

    assert names(queue) == ["Dela Ashcombe", "Ayla Ashcombe", "Cato Ashcombe"]
    dela, ayla, cato = queue.rows
    assert dela.cells[2:] == (
        "22 Sep 2025",
        "14 working days overdue",
        "14 Oct 2025",
        str(staff.iro),
    )
    assert (dela.flag, dela.action) == ("Overdue", "See the booking")
    assert dela.href == reverse("conference_detail", args=[dela_booking.public_id])
    assert ayla.cells[4] == "20 Oct 2025" and (ayla.flag, ayla.tone) == ("Booked late", "red")
    assert cato.cells[4:] == ("Not booked", "")
    assert (cato.action, cato.flag) == ("Book the conference", "At risk")


def test_invitations_to_post_are_letters_not_posted_or_posted_before_a_change(staff):
    later = booked(child(staff, "Cato"), chair=staff.iro, on=date(2025, 10, 31))
    invite(later, "Moss Coldharbour")  # three weeks away, added first
    conference = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 10))
    CalendarEntry.objects.create(conference=conference, uid="a@iro", sequence=1)
    invite(conference, "Hollis Brackwater")  # never posted
    invite(conference, "Ione Brackwater", sent_sequence=0)  # posted before the change
    invite(conference, "Jory Brackwater", sent_sequence=1)  # posted, still current
    invite(conference, "Kestrel Brackwater", email="k@example.org")  # emailed instead
    past = booked(child(staff, "Brin"), chair=staff.iro, on=date(2025, 10, 1))
    invite(past, "Linnet Brackwater")

    queue = queues.invitations_to_post(staff.coordinator, TODAY)

    assert queue.columns == (
        "Invited", "Role", "Children", "Conference date", "How soon", "Letter",
    )  # fmt: skip
    assert names(queue) == ["Hollis Brackwater", "Ione Brackwater", "Moss Coldharbour"]
    assert [row.cells[3:] for row in queue.rows] == [
        ("10 Oct 2025 10:00", "Today", "Not posted"),
        ("10 Oct 2025 10:00", "Today", "Changed since posted: post the new letter"),
        ("31 Oct 2025 10:00", "In 21 days", "Not posted"),
    ]
    assert queue.rows[0].cells[2] == "Ayla Ashcombe"
    # The analyst's view of the same rows would not name the family (no names).
    assert names(queues.invitations_to_post(staff.analyst, TODAY)) == ["Parent or carer"] * 3


def test_a_conference_cancelled_after_its_letter_was_posted_lists_the_cancellation(staff):
    cancelled = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 14))
    invite(cancelled, "Hollis Brackwater", sent_sequence=0)  # posted: a cancellation to post
    invite(cancelled, "Ione Brackwater")  # never posted: nothing to take back
    told = invite(cancelled, "Jory Brackwater", sent_sequence=0)
    told.cancellation_posted_at = "2025-10-09T10:00:00Z"
    told.save()
    gone_by = booked(child(staff, "Brin"), chair=staff.iro, on=date(2025, 10, 1))
    invite(gone_by, "Linnet Brackwater", sent_sequence=0)
    Conference.objects.filter(pk__in=[cancelled.pk, gone_by.pk]).update(
        status=ConferenceStatus.CANCELLED
    )

    queue = queues.invitations_to_post(staff.coordinator, TODAY)

    assert names(queue) == ["Hollis Brackwater"]
    (row,) = queue.rows
    assert row.cells[5] == "Cancelled since posted: post the cancellation letter"
    assert (row.action, row.flag) == ("Print and post the cancellation letter", "Cancelled")


def test_minutes_to_send_after_a_conference(staff):
    waiting = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Ayla"), {})], chair=staff.iro,
        held_on=date(2025, 10, 6),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Brin"), {})], chair=staff.iro,
        held_on=date(2025, 10, 7), minutes_sent_on=date(2025, 10, 8),
    )  # fmt: skip
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Cato"), {})], chair=staff.iro,
        held_on=date(2025, 6, 1),
    )  # fmt: skip
    booked(child(staff, "Dela"), chair=staff.iro)

    queue = queues.minutes_to_send(staff.coordinator, TODAY)

    assert names(queue) == ["Ayla Ashcombe"]
    assert queue.rows[0].cells[4] == "4 working days ago"
    assert queue.rows[0].href == (
        reverse("conference_detail", args=[waiting.public_id]) + "#minutes"
    )


def test_the_minutes_waiting_are_counted_all_but_made_into_rows_only_when_shown(staff, monkeypatch):
    for n, day in enumerate((8, 6, 7)):
        hold_conference(
            kind=ConferenceKind.REVIEW, children=[(child(staff, f"Wait{n}"), {})],
            chair=staff.iro, held_on=date(2025, 10, day),
        )  # fmt: skip
    made = []
    name = queues.display_name
    monkeypatch.setattr(queues, "display_name", lambda user, c: made.append(c) or name(user, c))

    queue = queues.minutes_to_send(staff.coordinator, TODAY)

    assert queue.count == 3 and made == []
    first = queue.rows[:1]
    assert [row.cells[0] for row in first] == ["Wait1 Ashcombe"]  # the oldest held
    assert len(made) == 1


def test_conferences_booked_before_today_and_not_recorded_are_to_record(staff):
    oldest = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 2))
    booked(child(staff, "Brin"), chair=staff.other_iro, on=date(2025, 10, 9))
    booked(child(staff, "Cato"), chair=staff.iro, on=TODAY)  # today's: still to happen
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Dela"), {})], chair=staff.iro,
        held_on=date(2025, 10, 3),
    )  # fmt: skip
    cancelled = booked(child(staff, "Esme"), chair=staff.iro, on=date(2025, 10, 6))
    cancelled.status = ConferenceStatus.CANCELLED
    cancelled.save()

    queue = queues.conferences_to_record(staff.iro_manager, TODAY)

    assert names(queue) == ["Ayla Ashcombe", "Brin Ashcombe"]  # the oldest first
    assert queue.rows[0].cells[1:] == (
        "Initial child protection conference",
        "2 Oct 2025 10:00",
        str(staff.iro),
        "6 working days ago",
    )
    assert (queue.rows[0].flag, queue.rows[0].tone) == ("Not recorded", "red")
    assert queue.rows[1].cells[4] == "1 working day ago"
    assert queue.rows[1].tone == "orange"  # a day to write it up
    # The manager may record any conference; the chair their own, from My work.
    assert queue.rows[0].action == "Record it"
    assert queue.rows[0].href == reverse("conference_record", args=[oldest.public_id])
    mine = queues.conferences_to_record(staff.iro, TODAY, chaired_by=staff.iro)
    assert names(mine) == ["Ayla Ashcombe"]
    assert mine.rows[0].action == "Record it"
    assert "record what was decided, or, if it did not take place" in queue.hint
    # The chair cannot move or cancel a booking: they are told who can.
    assert "ask a conference coordinator to move or cancel it" in mine.hint
    # The coordinator cannot record it, but can move or cancel it from its page.
    theirs = queues.conferences_to_record(staff.coordinator, TODAY)
    assert "if it took place, its chair records it; if not, move or cancel it" in theirs.hint
    (row, _) = theirs.rows
    assert (row.action, row.href) == (
        "See it",
        reverse("conference_detail", args=[oldest.public_id]),
    )


def test_a_conference_to_record_of_a_restricted_child_is_not_listed_for_others(staff):
    kid = child(staff, "Ayla", restricted=True)
    booked(kid, chair=staff.iro, on=date(2025, 10, 2))
    assert names(queues.conferences_to_record(staff.iro_manager, TODAY)) == []
    RestrictedAccess.objects.create(child=kid, user=staff.iro_manager, added_by=staff.iro_manager)
    assert names(queues.conferences_to_record(staff.iro_manager, TODAY)) == ["Ayla Ashcombe"]


def test_plan_actions_overdue_can_be_narrowed_to_some_children(staff):
    ayla = child_on_plan(
        chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20), first_name="Ayla",
    )  # fmt: skip
    brin = child_on_plan(
        chair=staff.other_iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Brin",
    )  # fmt: skip
    for journey in (ayla, brin):
        PlanAction.objects.create(
            plan=journey.plan, what="Visit", who="SW", by_when=date(2025, 10, 1)
        )
    queue = queues.plan_actions_overdue(
        staff.iro, TODAY, children=Child.objects.filter(pk=ayla.child.pk)
    )
    assert [row.child_public_ids for row in queue.rows] == [(ayla.child.public_id,)]


def test_reviews_to_book_in_the_next_eight_weeks(staff):
    # First reviews due 3 months after these plan starts.
    due = {
        "Ayla": date(2025, 8, 1),  # due 1 November: listed
        "Brin": date(2025, 7, 1),  # due 1 October: overdue, listed
        "Cato": date(2025, 8, 20),  # due 20 November: booked
        "Dela": date(2025, 9, 20),  # due 20 December: beyond eight weeks
    }
    plans = {
        first: child_on_plan(
            chair=staff.iro, strategy=start - timedelta(days=20), icpc_on=start, first_name=first,
            last_name="Ashcombe",
        )
        for first, start in due.items()
    }  # fmt: skip
    booked(plans["Cato"].child, kind=ConferenceKind.REVIEW, chair=staff.iro,
           plan=plans["Cato"].plan, on=date(2025, 11, 18))  # fmt: skip

    queue = queues.reviews_to_book(staff.coordinator, TODAY)

    assert names(queue) == ["Brin Ashcombe", "Ayla Ashcombe"]
    assert queue.rows[1].href == (
        reverse("conference_new", args=[plans["Ayla"].child.public_id]) + "?kind=review"
    )


# --- Social worker and team manager -------------------------------------------------------


def test_conferences_due_are_the_teams_childrens_only(staff):
    ours = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Ayla", last_name="Ashcombe", team=staff.team,
    ).child  # fmt: skip
    theirs = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Brin", last_name="Ashcombe", team=staff.other_team,
    ).child  # fmt: skip
    waiting = child(staff, "Cato")
    s47 = s47_for(waiting, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))

    for who in (staff.social_worker, staff.team_manager):
        queue = queues.conferences_due(who, TODAY)
        assert names(queue) == ["Ayla Ashcombe", "Cato Ashcombe"]
    cato = queue.rows[1]
    assert cato.action == "Request the conference"
    assert cato.href == reverse("section47_icpc", args=[waiting.public_id, s47.pk])
    assert names(queues.conferences_due(staff.outsider, TODAY)) == ["Brin Ashcombe"]
    assert ours and theirs


def test_plan_actions_overdue_are_open_actions_past_their_date(staff):
    plan = child_on_plan(
        chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Ayla", last_name="Ashcombe", team=staff.team,
    ).plan  # fmt: skip
    other = child_on_plan(
        chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 6, 20),
        first_name="Brin", team=staff.other_team,
    ).plan  # fmt: skip

    def action(p, what: str, by_when: date, status=ActionStatus.NOT_STARTED):
        return PlanAction.objects.create(
            plan=p, what=what, who="Social worker", by_when=by_when, status=status
        )

    late = action(plan, "Visit the family weekly", date(2025, 10, 1))
    action(plan, "Parenting course", date(2025, 10, 2), ActionStatus.IN_PROGRESS)
    action(plan, "Health check", date(2025, 9, 1), ActionStatus.DONE)
    action(plan, "School meeting", date(2025, 10, 20))
    action(other, "Another team's action", date(2025, 9, 1))

    queue = queues.plan_actions_overdue(staff.social_worker, TODAY)

    assert [row.cells[1] for row in queue.rows] == ["Visit the family weekly", "Parenting course"]
    # The social worker carries out the plan: one click to record the action's progress.
    assert queue.rows[0].href == reverse("plan_action_progress", args=[plan.public_id, late.pk])
    assert queue.rows[0].action == "Record progress"
    # Ayla has two: each link says which action it is for, not only whose.
    assert [row.about for row in queue.rows] == [
        "Ayla Ashcombe: Visit the family weekly",
        "Ayla Ashcombe: Parenting course",
    ]
    # A chair (who may change the actions) goes straight to the action.
    (chairs,) = [r for r in queues.plan_actions_overdue(staff.iro, TODAY).rows if r.cells[1] ==
                 "Visit the family weekly"]  # fmt: skip
    assert chairs.href == reverse("plan_action", args=[plan.public_id, late.pk])
    # From My work, a save goes back there.
    (back,) = [
        r
        for r in queues.plan_actions_overdue(
            staff.iro, TODAY, back="/my-work/#actions-overdue"
        ).rows
        if r.cells[1] == "Visit the family weekly"
    ]
    assert back.href == (
        reverse("plan_action", args=[plan.public_id, late.pk])
        + "?next=%2Fmy-work%2F%23actions-overdue"
    )


def test_first_core_groups_due_are_listed_for_recent_plans_with_no_date_recorded(staff):
    recent = PlanFactory(child=child(staff, "Ayla"), start_date=date(2025, 10, 6))
    PlanFactory(child=child(staff, "Brin"), start_date=date(2025, 7, 1))
    PlanFactory(child=child(staff, "Cato", team=staff.other_team), start_date=date(2025, 10, 6))
    dated = child(staff, "Dela")
    dated_plan = PlanFactory(child=dated, start_date=date(2025, 10, 6))
    hold_conference(
        kind=ConferenceKind.INITIAL, chair=staff.iro, held_on=date(2025, 10, 6),
        children=[(dated, {"plan": dated_plan, "decision": "plan",
                           "first_core_group_on": date(2025, 10, 16)})],
    )  # fmt: skip

    queue = queues.core_groups_due(staff.social_worker, TODAY)

    assert names(queue) == ["Ayla Ashcombe"]
    assert queue.rows[0].cells[2:] == ("20 Oct 2025", "6 working days left")
    assert queue.rows[0].href == reverse("plan_detail", args=[recent.public_id])


def test_a_restricted_child_is_listed_only_for_the_people_on_its_list(staff):
    kid = child(staff, "Ayla", restricted=True)
    booked(kid, chair=None, on=date(2025, 10, 20))
    assert names(queues.conferences_without_a_chair(staff.iro_manager, TODAY)) == []
    RestrictedAccess.objects.create(child=kid, user=staff.iro_manager, added_by=staff.iro_manager)
    assert names(queues.conferences_without_a_chair(staff.iro_manager, TODAY)) == ["Ayla Ashcombe"]


def test_the_teams_conferences_coming_up_say_when_the_reports_are_due(staff):
    # Today is Friday 10 October 2025: reports are due 3 working days before each one.
    soon = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 14))  # Tuesday
    booked(child(staff, "Brin"), chair=staff.iro, on=date(2025, 10, 15))  # due today
    booked(child(staff, "Cato"), chair=staff.iro, on=date(2025, 10, 31))
    booked(child(staff, "Dela"), chair=staff.iro, on=date(2025, 11, 20))  # beyond 4 weeks
    booked(child(staff, "Emrys"), chair=staff.iro, on=date(2025, 10, 9))  # gone by
    booked(child(staff, "Fenn", team=staff.other_team), chair=staff.iro, on=date(2025, 10, 20))

    queue = queues.conferences_coming_up(staff.social_worker, TODAY)

    assert names(queue) == ["Ayla Ashcombe", "Brin Ashcombe", "Cato Ashcombe"]
    assert [(row.cells[4], row.flag) for row in queue.rows] == [
        ("9 Oct 2025", "Report was due"),
        ("10 Oct 2025", "Report due today"),
        ("28 Oct 2025", ""),
    ]
    assert queue.rows[0].href == reverse("conference_detail", args=[soon.public_id])
    assert queue.rows[0].cells[3] == str(staff.iro)
    # Once the report reached the chair the list says so instead.
    Conference.objects.filter(pk=soon.pk).update(report_received_on=date(2025, 10, 9))
    first = queues.conferences_coming_up(staff.social_worker, TODAY).rows[0]
    assert (first.flag, first.tone) == ("Report with the chair", "")


def test_a_conference_started_earlier_today_is_offered_to_its_chair_to_record(staff):
    started = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Ayla"), {})], chair=staff.iro,
        scheduled_date=TODAY, scheduled_time=time(10),
    )  # fmt: skip
    later = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child(staff, "Brin"), {})], chair=staff.iro,
        scheduled_date=TODAY, scheduled_time=time(16, 30),
    )  # fmt: skip
    with time_machine.travel(datetime(2025, 10, 10, 14, 0, tzinfo=UTC), tick=False):  # 15:00
        chairs = {r.href: r for r in queues.conferences_coming_up(staff.iro, TODAY).rows}
        workers = queues.conferences_coming_up(staff.social_worker, TODAY).rows
    record = reverse("conference_record", args=[started.public_id])
    assert (chairs[record].action, chairs[record].flag) == ("Record it", queues.STARTED)
    assert chairs[later.get_absolute_url()].flag != queues.STARTED  # not yet begun
    # Others are told it has started, and see it.
    assert (workers[0].action, workers[0].flag) == ("See it", queues.STARTED)


def test_the_coordinator_is_given_the_reports_due_with_the_chair_and_not_there(staff):
    # Today is Friday 10 October 2025: reports are due 3 working days before each one.
    soon = booked(child(staff, "Ayla"), chair=staff.iro, on=date(2025, 10, 14))  # was due
    booked(child(staff, "Brin"), chair=staff.iro, on=date(2025, 10, 15))  # due today
    booked(child(staff, "Cato"), chair=staff.iro, on=date(2025, 10, 31))  # not yet due
    booked(child(staff, "Emrys"), chair=staff.iro, on=date(2025, 10, 9))  # gone by
    received = booked(child(staff, "Fenn"), chair=staff.iro, on=date(2025, 10, 14))
    Conference.objects.filter(pk=received.pk).update(report_received_on=date(2025, 10, 8))

    queue = queues.reports_not_with_the_chair(staff.coordinator, TODAY)

    assert names(queue) == ["Ayla Ashcombe", "Brin Ashcombe"]
    assert [(row.cells[4], row.flag) for row in queue.rows] == [
        ("9 Oct 2025", "Report was due"),
        ("10 Oct 2025", "Report due today"),
    ]
    assert queue.rows[0].href == reverse("conference_report", args=[soon.public_id])
    assert queues.reports_not_with_the_chair(staff.outsider, TODAY).rows == ()


# --- A fixed number of queries ------------------------------------------------------------


def _populate(staff, n: int, offset: int) -> None:
    """``n`` children of the team with one of every kind of waiting work."""
    for i in range(offset, offset + n):
        journey = child_on_plan(
            chair=staff.iro, strategy=date(2025, 6, 2), icpc_on=date(2025, 7, 1),
            first_name=f"Kid{i}", team=staff.team,
        )  # fmt: skip
        PlanAction.objects.create(
            plan=journey.plan, what="Visit", who="SW", by_when=date(2025, 10, 1)
        )
        late = hold_conference(
            kind=ConferenceKind.REVIEW, children=[(journey.child, {})],
            chair=staff.iro, held_on=date(2025, 10, 1), lateness_reason=LatenessReason.OTHER,
        )  # fmt: skip
        assert late
        waiting = child(staff, f"Wait{i}")
        enquiry = s47_for(waiting, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
        enquiry.icpc_requested_on = date(2025, 10, 3)
        enquiry.save()
        other = child(staff, f"Book{i}")
        conference = booked(other, chair=None if i % 2 else staff.iro, on=date(2025, 10, 20))
        invite(conference, f"Parent {i}")
        PlanFactory(child=other, start_date=date(2025, 10, 6))
        LeaveFactory(user=staff.iro, start_date=date(2025, 10, 20), end_date=date(2025, 10, 20))
        booked(child(staff, f"Past{i}"), chair=staff.iro, on=date(2025, 10, 8))


QUEUES = [
    ("iro_manager", queues.late_conferences_to_agree),
    ("iro_manager", queues.conferences_without_a_chair),
    ("iro_manager", queues.conferences_to_record),
    ("iro_manager", queues.icpcs_requested_not_booked),
    ("iro_manager", queues.reviews_overdue_or_at_risk),
    ("iro_manager", queues.iro_loads),
    ("coordinator", queues.section47s_to_book),
    ("coordinator", queues.conferences_without_invitations),
    ("coordinator", queues.invitations_to_post),
    ("coordinator", queues.minutes_to_send),
    ("coordinator", queues.reviews_to_book),
    ("social_worker", queues.conferences_due),
    ("team_manager", queues.plan_actions_overdue),
    ("team_manager", queues.core_groups_due),
]


@pytest.mark.parametrize(("who", "queue"), QUEUES, ids=[q.__name__ for _, q in QUEUES])
def test_each_queue_costs_the_same_queries_for_2_or_10_children(staff, who, queue):
    user = getattr(staff, who)
    _populate(staff, 2, 0)
    with CaptureQueriesContext(connection) as few:
        small = queue(user, TODAY)
    _populate(staff, 8, 2)
    with CaptureQueriesContext(connection) as many:
        large = queue(user, TODAY)
    assert len(many) == len(few)
    if queue is not queues.iro_loads:
        assert large.count > small.count > 0


def test_a_review_booked_at_a_set_time_shows_its_time(staff):
    kid = child(staff, "Ayla")
    booked(kid, chair=None, on=date(2025, 10, 20)).__class__.objects.update(
        scheduled_time=time(9, 30)
    )
    (row,) = queues.conferences_without_a_chair(staff.iro_manager, TODAY).rows
    assert row.cells[2] == "20 Oct 2025 09:30"


@pytest.mark.parametrize(
    ("booked_on", "shown", "flag"),
    [
        (date(2025, 10, 17), "17 Oct 2025", ""),  # in time: nothing to worry about
        # Still 6 working days left, but booked for after the due date: it will be late.
        (date(2025, 11, 3), "3 Nov 2025", "Booked late"),
    ],
)
def test_a_conference_due_is_flagged_by_whether_it_is_booked_by_its_due_date(
    staff, booked_on, shown, flag
):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Ayla", last_name="Ashcombe", team=staff.team,
    )  # fmt: skip
    booked(journey.child, kind=ConferenceKind.REVIEW, chair=staff.iro, plan=journey.plan,
           on=booked_on)  # fmt: skip
    (row,) = queues.conferences_due(staff.social_worker, TODAY).rows
    assert row.cells[2:] == ("20 Oct 2025", "6 working days left", shown)
    assert (row.flag, row.tone) == (flag, "red" if flag else "")


def test_a_conference_due_whose_booked_day_has_passed_unrecorded_says_so(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        reviews=(date(2025, 4, 20),), first_name="Ayla", last_name="Ashcombe", team=staff.team,
    )  # fmt: skip
    # Booked in time for a day now gone by, and not recorded as held.
    booked(journey.child, kind=ConferenceKind.REVIEW, chair=staff.iro, plan=journey.plan,
           on=TODAY - timedelta(days=3))  # fmt: skip
    (row,) = queues.conferences_due(staff.social_worker, TODAY).rows
    assert row.cells[4] == f"{TODAY - timedelta(days=3):%-d %b %Y}"
    assert (row.flag, row.tone) == ("Day passed, not recorded", "red")


def test_a_child_with_two_open_plans_is_listed_once_by_the_later_plan(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 1, 6), icpc_on=date(2025, 1, 24),
        first_name="Ayla", last_name="Ashcombe", team=staff.team,
    )  # fmt: skip
    PlanFactory(child=journey.child, start_date=date(2025, 7, 1))  # a data error
    (row,) = queues.reviews_to_book(staff.coordinator, TODAY).rows
    assert row.cells[2:4] == ("1 Jul 2025", "1 Oct 2025")


def test_a_due_date_passed_only_by_a_weekend_reads_overdue_since_not_nought_days():
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert queues._days_left(saturday, friday, frozenset()) == (
        "Overdue since 4 Dec 2026",
        queues.OVERDUE,
        queues.RED,
    )
    assert queues._days_left(date(2026, 12, 7), friday, frozenset())[0] == "1 working day overdue"


def test_conferences_needing_an_interpreter_are_listed_until_one_is_invited(staff):
    from iro.children.models import FamilyMember

    def family_needing(first: str, language: str, on: date, *, team=None):
        kid = child(staff, first, team=team, family=FamilyFactory())
        FamilyMember.objects.create(
            family=kid.family, name=f"{first}'s mother", relationship="mother",
            preferred_language=language, interpreter_needed=True,
        )  # fmt: skip
        return booked(kid, chair=staff.iro, on=on)

    kurdish = family_needing("Ayla", "Kurdish", date(2025, 10, 14))
    family_needing("Brin", "Polish", date(2025, 11, 20))  # beyond four weeks
    family_needing("Cato", "Tigrinya", date(2025, 10, 15), team=staff.other_team)  # not seen
    booked(child(staff, "Dela"), chair=staff.iro, on=date(2025, 10, 16))  # nobody needs one
    invited = family_needing("Emrys", "Arabic", date(2025, 10, 17))
    Invitation.objects.create(conference=invited, name="Arabic interpreter",
                              role=InviteeRole.INTERPRETER)  # fmt: skip

    with CaptureQueriesContext(connection) as done:
        queue = queues.interpreters_to_book(staff.social_worker, TODAY)
    assert len(done) == 3
    assert [row.cells for row in queue.rows] == [
        ("Ayla Ashcombe", "Initial child protection conference", "14 Oct 2025 10:00", "In 4 days",
         "Kurdish"),
    ]  # fmt: skip
    assert queue.rows[0].href == reverse("conference_invitations", args=[kurdish.public_id])
    everyone = queues.interpreters_to_book(staff.coordinator, TODAY)
    assert names(everyone) == ["Ayla Ashcombe", "Cato Ashcombe"]
