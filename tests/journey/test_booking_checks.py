"""Booking a conference: a chair is never booked for two conferences whose times
overlap, nor on a day of their leave; a date that is not a working day, in the past or
after the due date needs a confirmation with its reason, kept on the booking."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from iro.journey import chairs, services
from iro.journey.checks import Errors, current_version
from iro.journey.models import ConferenceKind
from iro.journey.services import Subject
from tests.factories import (
    ChildFactory,
    ClosureDayFactory,
    LeaveFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = [pytest.mark.django_db]

TODAY = date(2026, 12, 14)  # a Monday
DAY = date(2026, 12, 17)  # a Thursday


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def on_plan(staff, first_name: str):
    return child_on_plan(
        chair=staff.iro,
        strategy=date(2026, 10, 5),
        icpc_on=date(2026, 10, 26),
        first_name=first_name,
        last_name="Marlow",
        team=staff.team,
    )


def book_review(staff, journey, *, at, venue="Civic Centre", day=DAY, **kwargs):
    return services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=journey.child, plan=journey.plan)],
        scheduled_date=day,
        scheduled_time=at,
        chair=staff.iro,
        venue=venue,
        acting_user=staff.coordinator,
        **kwargs,
    )


# ------------------------------------------------------------------ chair clashes


def test_a_chair_cannot_chair_two_conferences_whose_times_overlap(staff):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30))
    with pytest.raises(ValidationError) as raised:
        book_review(staff, on_plan(staff, "Oli"), at=time(10), venue="Town Hall")
    assert raised.value.message_dict == {
        "chair": [
            "Ivy Coldharbour is already chairing the review child protection conference for "
            "Nia Marlow at Civic Centre, 09:30–11:30 on 17 December 2026; this one would run "
            "10:00–12:00."
        ]
    }


def test_the_length_of_each_conference_decides_the_overlap(staff):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), duration_minutes=60)
    # 10:30 starts as the first ends: no overlap.
    second = book_review(staff, on_plan(staff, "Oli"), at=time(10, 30))
    assert second.duration_minutes == services.DEFAULT_DURATION_MINUTES
    with pytest.raises(ValidationError) as raised:
        book_review(staff, on_plan(staff, "Pip"), at=time(12), duration_minutes=90)
    (message,) = raised.value.message_dict["chair"]
    assert "for Oli Marlow at Civic Centre, 10:30–12:30 on 17 December 2026" in message
    assert message.endswith("this one would run 12:00–13:30.")


def test_a_conference_with_no_time_holds_the_chair_for_the_day(staff):
    book_review(staff, on_plan(staff, "Nia"), at=None)
    with pytest.raises(ValidationError) as raised:
        book_review(staff, on_plan(staff, "Oli"), at=time(15))
    assert raised.value.message_dict["chair"] == [
        "Ivy Coldharbour is already chairing the review child protection conference for "
        "Nia Marlow at Civic Centre, at a time not yet set (which holds the chair for the "
        "whole day) on 17 December 2026; this one would run 15:00–17:00."
    ]


def test_a_clash_does_not_name_a_child_the_person_booking_may_not_see(staff):
    hidden = ChildFactory(first_name="Sol", last_name="Quist", team=staff.team, restricted=True)
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(hidden, {})],
        chair=staff.iro,
        scheduled_date=DAY,
        scheduled_time=time(9, 30),
        venue="Civic Centre",
    )
    with pytest.raises(ValidationError) as raised:
        book_review(staff, on_plan(staff, "Oli"), at=time(10))
    (message,) = raised.value.message_dict["chair"]
    assert "Sol" not in message
    assert message.startswith(
        "Ivy Coldharbour is already chairing the initial child protection conference for "
        "a child whose record you cannot open at Civic Centre, 09:30–11:30"
    )


def test_a_chair_on_leave_that_day_cannot_be_booked_or_allocated(staff):
    LeaveFactory(
        user=staff.iro, start_date=date(2026, 12, 16), end_date=date(2026, 12, 18),
        description="Annual leave",
    )  # fmt: skip
    expected = (
        "Ivy Coldharbour is on leave on 17 December 2026 (recorded leave 16 December 2026 "
        "to 18 December 2026: Annual leave)."
    )
    with pytest.raises(ValidationError) as raised:
        book_review(staff, on_plan(staff, "Nia"), at=time(9, 30))
    assert raised.value.message_dict == {"chair": [expected]}
    journey = on_plan(staff, "Oli")
    conference = services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=journey.child, plan=journey.plan)],
        scheduled_date=DAY,
        scheduled_time=time(9, 30),
        venue="Civic Centre",
        acting_user=staff.coordinator,
    )
    with pytest.raises(ValidationError) as raised:
        services.allocate_chair(
            conference=conference,
            chair=staff.iro,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert raised.value.message_dict == {"chair": [expected]}


def test_proposals_leave_out_slots_on_leave_and_slots_that_overlap_a_booking(staff):
    LeaveFactory(user=staff.iro, start_date=date(2026, 12, 15), end_date=date(2026, 12, 15))
    book_review(staff, on_plan(staff, "Nia"), at=time(10), day=date(2026, 12, 16))
    children = chairs.children_with_relations([on_plan(staff, "Oli").child])
    options = chairs.propose_chairs(children=children, today=TODAY, due=date(2026, 12, 18))
    (ivy,) = [o for o in options if o.chair == staff.iro]
    # Tuesday: on leave. Wednesday 09:30 overlaps the 10:00 review; 13:30 is free.
    assert [(s.day, s.at) for s in ivy.slots] == [
        (date(2026, 12, 16), time(13, 30)),
        (date(2026, 12, 17), time(9, 30)),
        (date(2026, 12, 17), time(13, 30)),
        (date(2026, 12, 18), time(9, 30)),
    ]


# ----------------------------------------------------------- confirmations


@pytest.fixture
def s47(staff):
    child = ChildFactory(first_name="Rae", last_name="Holt", team=staff.team)
    return s47_for(child, referral=date(2026, 12, 9), strategy=date(2026, 12, 10))


def book_icpc(staff, s47, day, at=time(10), **kwargs):
    return services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=s47.episode.child, section47=s47)],
        scheduled_date=day,
        scheduled_time=at,
        acting_user=staff.coordinator,
        **({"venue": "Civic Centre"} | kwargs),
    )


def confirmation_needed(warning: str) -> dict[str, list[str]]:
    return {
        "confirm_reason": [
            "Confirm the booking and give the reason, or choose another date, time or place: "
            f"{warning}"
        ]
    }


@pytest.mark.parametrize(
    ("day", "warning"),
    [
        (
            date(2026, 12, 25),
            "25 December 2026 is a bank holiday (Christmas Day), not a working day.",
        ),
        (date(2026, 12, 19), "19 December 2026 is a Saturday, not a working day."),
        (date(2026, 12, 11), "11 December 2026 is in the past."),
        (date(2027, 1, 6), "6 January 2027 is after the conference is due on 5 January 2027."),
    ],
)
def test_a_date_that_needs_a_confirmation_is_refused_without_one(staff, s47, day, warning):
    with pytest.raises(ValidationError) as raised:
        book_icpc(staff, s47, day)
    assert raised.value.message_dict == confirmation_needed(warning)


def test_a_local_closure_day_needs_a_confirmation_too(staff, s47):
    ClosureDayFactory(date=date(2026, 12, 22))
    with pytest.raises(ValidationError) as raised:
        book_icpc(staff, s47, date(2026, 12, 22))
    assert raised.value.message_dict == confirmation_needed(
        "22 December 2026 is a local closure day, not a working day."
    )


def test_a_confirmed_booking_keeps_its_warnings_and_reason_in_the_record_and_history(staff, s47):
    conference = book_icpc(
        staff, s47, date(2026, 12, 19), confirm_reason="The family can only come at weekends"
    )
    assert conference.booking_warnings == "19 December 2026 is a Saturday, not a working day."
    assert conference.booking_reason == "The family can only come at weekends"
    assert conference.history.get().booking_reason == "The family can only come at weekends"


def test_a_booking_on_a_working_day_in_time_needs_no_confirmation(staff, s47):
    conference = book_icpc(staff, s47, date(2026, 12, 17), confirm_reason="Not needed")
    assert (conference.booking_warnings, conference.booking_reason) == ("", "")


def test_moving_an_icpc_past_its_due_date_needs_a_confirmation(staff, s47):
    conference = book_icpc(staff, s47, date(2027, 1, 4))
    move = {
        "conference": conference,
        "scheduled_date": date(2027, 1, 6),
        "scheduled_time": time(10),
        "venue": "Civic Centre",
        "acting_user": staff.coordinator,
    }
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(**move, expected_version=current_version(conference))
    assert raised.value.message_dict == confirmation_needed(
        "6 January 2027 is after the conference is due on 5 January 2027."
    )
    moved = services.reschedule_conference(
        **move,
        expected_version=current_version(conference),
        confirm_reason="The police officer cannot attend before",
    )
    assert moved.booking_reason == "The police officer cannot attend before"
    # A later change of place on the same date keeps the confirmation.
    again = services.reschedule_conference(
        **(move | {"venue": "Town Hall"}), expected_version=current_version(conference)
    )
    assert again.booking_reason == "The police officer cannot attend before"


def test_a_message_that_holds_for_every_child_is_given_once():
    errors = Errors()
    for _child in range(3):  # three brothers and sisters, the same date too early for each
        errors.add("scheduled_date", "The conference cannot be before the strategy discussion.")
    errors.add("scheduled_date", "17 May 2026 is a Sunday, not a working day.")
    assert errors.by_field == {
        "scheduled_date": [
            "The conference cannot be before the strategy discussion.",
            "17 May 2026 is a Sunday, not a working day.",
        ]
    }


def test_a_start_outside_the_working_day_needs_a_confirmation(staff, s47):
    # "1:30" typed for the afternoon is 01:30 in the morning.
    with pytest.raises(ValidationError) as raised:
        book_icpc(staff, s47, date(2026, 12, 17), at=time(1, 30))
    assert raised.value.message_dict == confirmation_needed(
        "A start at 01:30 is outside the working day (08:00 to 18:00)."
    )
    evening = book_icpc(
        staff, s47, date(2026, 12, 17), at=time(18, 30), confirm_reason="Both parents work days"
    )
    assert (
        evening.booking_warnings == "A start at 18:30 is outside the working day (08:00 to 18:00)."
    )


# ----------------------------------------------------------- a room booked twice


# The place is free text, which may name a family's home: the warning kept on the booking,
# shown to every reader of it, does not repeat it.
ROOM_TAKEN = (
    "The place given is already booked for another conference 09:30–11:30 on "
    "17 December 2026 (chair: Ivy Coldharbour)."
)


def test_a_room_already_booked_at_that_time_needs_a_confirmation(staff, s47):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue="Civic Centre, Room 2")
    with pytest.raises(ValidationError) as raised:
        book_icpc(staff, s47, DAY, at=time(10), chair=staff.other_iro, venue="Civic Centre, Room 2")
    assert raised.value.message_dict == confirmation_needed(ROOM_TAKEN)
    booked = book_icpc(
        staff, s47, DAY, at=time(10), chair=staff.other_iro, venue="Civic Centre, Room 2",
        confirm_reason="Room 2 is split into two for the day",
    )  # fmt: skip
    assert booked.booking_warnings == ROOM_TAKEN


def test_a_room_warning_kept_on_a_booking_never_repeats_the_place_as_typed(staff, s47):
    home = "Holt family home (Rae's nan), 4 Fen Lane"
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue=home)
    booked = book_icpc(
        staff, s47, DAY, at=time(10), chair=staff.other_iro, venue=home, confirm_reason="Both"
    )
    assert booked.booking_warnings.startswith("The place given is already booked")
    assert "Fen Lane" not in booked.booking_warnings and "nan" not in booked.booking_warnings


@pytest.mark.parametrize(
    "venue", ["civic centre room 2", "Civic Centre,  Room 2.", " CIVIC CENTRE - ROOM 2 "]
)
def test_the_same_room_typed_another_way_is_the_same_room(staff, s47, venue):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue="Civic Centre, Room 2")
    with pytest.raises(ValidationError) as raised:
        book_icpc(staff, s47, DAY, at=time(11), chair=staff.other_iro, venue=venue)
    (message,) = raised.value.message_dict["confirm_reason"]
    assert "is already booked for another conference 09:30–11:30" in message


@pytest.mark.parametrize(
    ("venue", "at"),
    [
        ("Civic Centre, Room 3", time(10)),  # another room
        ("Civic Centre, Room 2", time(11, 30)),  # starts as the other ends
        ("", time(10)),  # online only: no room
    ],
)
def test_another_room_another_time_or_online_needs_no_confirmation(staff, s47, venue, at):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue="Civic Centre, Room 2")
    booked = book_icpc(
        staff, s47, DAY, at=at, chair=staff.other_iro, venue=venue,
        virtual_link="https://meet.example/abc",
    )  # fmt: skip
    assert booked.booking_warnings == ""


def test_a_cancelled_conference_no_longer_holds_its_room(staff, s47):
    first = book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue="Civic Centre, Room 2")
    services.cancel_conference(
        conference=first,
        reason="not_needed",
        acting_user=staff.coordinator,
        expected_version=current_version(first),
    )
    booked = book_icpc(
        staff, s47, DAY, at=time(10), chair=staff.other_iro, venue="Civic Centre, Room 2"
    )
    assert booked.booking_warnings == ""


def test_moving_a_conference_into_a_booked_room_needs_a_confirmation(staff, s47):
    book_review(staff, on_plan(staff, "Nia"), at=time(9, 30), venue="Civic Centre, Room 2")
    conference = book_icpc(staff, s47, DAY, at=time(13), chair=staff.other_iro, venue="Room 5")
    move = {
        "conference": conference,
        "scheduled_date": DAY,
        "scheduled_time": time(10),
        "venue": "Civic Centre, Room 2",
        "acting_user": staff.coordinator,
    }
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(**move, expected_version=current_version(conference))
    assert raised.value.message_dict == confirmation_needed(ROOM_TAKEN)
    # Its own booking of a room is no clash: a change of time within it asks nothing more.
    moved = services.reschedule_conference(
        **move, expected_version=current_version(conference), confirm_reason="Shared room"
    )
    again = services.reschedule_conference(
        **(move | {"scheduled_time": time(10, 15)}), expected_version=current_version(moved)
    )
    assert again.booking_reason == "Shared room"


def test_a_time_already_gone_today_needs_a_confirmation_like_a_day_gone_by(staff, s47):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at_two = datetime.combine(TODAY, time(14), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at_two, tick=False):
        with pytest.raises(ValidationError) as raised:
            book_icpc(staff, s47, TODAY, at=time(9, 30))
        assert raised.value.message_dict == confirmation_needed("09:30 today has passed.")
        booked = book_icpc(staff, s47, TODAY, at=time(15))  # still to come: no question
    assert booked.booking_warnings == ""
