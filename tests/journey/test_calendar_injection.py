"""Review finding 10: no name, place or address can start a line of its own in the
calendar file, and line breaks are refused before they are stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.exceptions import ValidationError

from iro.journey import invitations, services
from iro.journey.checks import CONTROL_CHARACTERS
from iro.journey.models import ConferenceKind, Invitation, InviteeRole
from tests.factories import make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]

HOSTILE_NAME = 'Hazel "Q" Brackwater\r\nATTENDEE;CN=Eve:mailto:eve@example.org\rX\nY'
HOSTILE_VENUE = "Room 2\rLOCATION:Elsewhere\nDESCRIPTION:spoof\r\n\x01\x0b\u2028END:VEVENT"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def conference(staff):
    return book_icpc(staff, sibling_group(staff))


def unfolded_lines(ics: str) -> list[str]:
    assert ics.endswith("\r\n")
    return ics.replace("\r\n ", "")[: -len("\r\n")].split("\r\n")


def test_a_hostile_name_and_place_stored_earlier_leave_exactly_the_expected_lines(
    conference, staff
):
    # As if stored before the services refused them (or written by hand).
    conference.venue = HOSTILE_VENUE
    conference.save()
    invitation = Invitation.objects.create(
        conference=conference,
        name=HOSTILE_NAME,
        role=InviteeRole.PARENT,
        email="hazel@example.org\r\nATTENDEE:mailto:eve@example.org",
    )
    entry = services.calendar_entry(conference, staff.coordinator)
    ics = invitations.calendar_text(
        conference=conference,
        entry=entry,
        method="REQUEST",
        attendee=invitation,
        now=datetime(2024, 6, 20, 12, tzinfo=UTC),
    )
    # No bare CR or LF anywhere: every line ends CRLF, and folding adds CRLF + space only.
    assert ics.count("\r") == ics.count("\n") == ics.count("\r\n")
    lines = unfolded_lines(ics)
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
    assert names == [
        "BEGIN",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "METHOD",
        "BEGIN",
        "UID",
        "SEQUENCE",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
        "DESCRIPTION",
        "ORGANIZER",
        "ATTENDEE",
        "STATUS",
        "END",
        "END",
    ]
    location = next(line for line in lines if line.startswith("LOCATION"))
    assert location == "LOCATION:Room 2\\nLOCATION:Elsewhere\\nDESCRIPTION:spoof\\n\\n\\nEND:VEVENT"
    attendee = next(line for line in lines if line.startswith("ATTENDEE"))
    assert attendee == (
        'ATTENDEE;CN="Hazel Q Brackwater ATTENDEE;CN=Eve:mailto:eve@example.org X Y";'
        "ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:"
        "mailto:hazel@example.orgATTENDEE:mailto:eve@example.org"
    )


@pytest.mark.parametrize("name", ["Hazel\r\nBrackwater", "Hazel\rBrackwater", "Hazel\n", "A\x00B"])
def test_an_invitee_name_with_a_line_break_or_control_character_is_refused(conference, staff, name):
    with pytest.raises(ValidationError) as raised:
        services.add_invitee(
            conference=conference,
            name=name,
            role=InviteeRole.PARENT,
            acting_user=staff.coordinator,
        )
    assert raised.value.message_dict == {"name": [CONTROL_CHARACTERS]}
    assert not conference.invitations.exists()


def test_an_invitee_email_with_a_line_break_is_refused(conference, staff):
    with pytest.raises(ValidationError) as raised:
        services.add_invitee(
            conference=conference,
            name="Hazel Brackwater",
            role=InviteeRole.PARENT,
            email="hazel@example.org\r\nBcc: eve@example.org",
            acting_user=staff.coordinator,
        )
    assert raised.value.message_dict == {"email": [CONTROL_CHARACTERS]}


def test_a_postal_address_may_still_have_several_lines(conference, staff):
    invitation = services.add_invitee(
        conference=conference,
        name="Moss Brackwater",
        role=InviteeRole.PARENT,
        address="4 Fen Lane\nNorthmoor",
        acting_user=staff.coordinator,
    )
    assert invitation.address == "4 Fen Lane\nNorthmoor"


@pytest.mark.parametrize("venue", ["Room 2\rLOCATION:Elsewhere", "Room 2\nX", "Room\u20282"])
def test_a_venue_with_a_line_break_is_refused_when_booking(staff, venue):
    siblings = sibling_group(staff)
    with pytest.raises(ValidationError) as raised:
        services.schedule_conference(
            kind=ConferenceKind.INITIAL,
            subjects=[
                services.Subject(child=c, section47=s)
                for c, s in zip(siblings.children, siblings.section47s, strict=True)
            ],
            scheduled_date=date(2024, 6, 28),
            scheduled_time=time(10),
            chair=staff.iro,
            venue=venue,
            acting_user=staff.coordinator,
        )
    assert raised.value.message_dict == {"venue": [CONTROL_CHARACTERS]}


def test_a_venue_with_a_line_break_is_refused_when_rescheduling(conference, staff):
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(10),
            venue="Room 5\r\nLOCATION:Elsewhere",
            acting_user=staff.coordinator,
            expected_version=conference.version,
        )
    assert raised.value.message_dict == {"venue": [CONTROL_CHARACTERS]}
    conference.refresh_from_db()
    assert conference.venue == "Northmoor Civic Centre, Room 2"
