"""A parent whose language iro translates gets every email about the conference in it,
then in English: the invitation, and after it a change, a reminder, a cancellation or
being taken off the list. Professionals get English only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail

from iro.children.models import FamilyMember
from iro.journey import invitations, services
from iro.journey.checks import current_version
from iro.journey.models import CancellationReason, Invitation, InviteeRole
from tests.factories import make_staff
from tests.journey.conference_setup import book_icpc, sibling_group
from tests.journey.test_conference_arrangements import invite_family, invitees_mail

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def conference(staff):
    conference = book_icpc(staff, sibling_group(staff))
    FamilyMember.objects.create(
        family=conference.children.first().child.family, name="Hazel Brackwater",
        relationship="mother", preferred_language="Polish", email="hazel@example.org",
    )  # fmt: skip
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    return conference


def bodies() -> tuple[str, str]:
    """The email to Hazel (Polish, then English) and to the police officer."""
    to_hazel, to_police = invitees_mail()
    assert to_hazel.to == ["hazel@example.org"]
    return to_hazel.body, to_police.body


def test_a_change_is_said_in_her_language_with_the_letter_as_it_now_stands(
    conference, staff, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(datetime(2024, 6, 20, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reschedule_conference(
            conference=conference, scheduled_date=conference.scheduled_date,
            scheduled_time=time(14, 0), venue="Northmoor Civic Centre, Room 5",
            acting_user=staff.coordinator, expected_version=current_version(conference),
        )  # fmt: skip
    hazel, police = bodies()
    polish = hazel.split("-" * 40)[0]
    assert polish.startswith(
        "Spotkanie się zmieniło: godzina (wcześniej: piątek, 28 czerwca 2024 o godz. "
    )
    assert (
        "miejsce spotkania (wcześniej: Northmoor Civic Centre, Room 2). Nowe szczegóły są w "
        "liście poniżej." in polish
    )
    assert "Po tym liście jest ten sam list po angielsku." in polish
    assert "Northmoor Civic Centre, Room 5" in polish  # the letter as it is now
    english = hazel.split("-" * 40)[1]
    assert "The meeting has changed: the time (it was Friday 28 June 2024 at" in english
    assert police.startswith("Dear PC Rook Ashdown,")
    assert "Spotkanie" not in police


def test_a_reminder_says_so_in_her_language_first(conference, staff):
    invitations.send_reminders(today=date(2024, 6, 26))
    hazel, police = bodies()
    assert hazel.startswith(
        "Przypominamy: spotkanie odbędzie się wkrótce. Szczegóły są w liście poniżej."
    )
    assert hazel.index("Przypominamy") < hazel.index("This is a reminder: the meeting is soon.")
    assert "Przypominamy" not in police


def test_a_cancellation_is_the_cancellation_letter_in_her_language(
    conference, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations.cancel_and_notify(
            conference=conference, reason=CancellationReason.NOT_NEEDED,
            acting_user=staff.coordinator, expected_version=current_version(conference),
        )  # fmt: skip
    hazel, police = bodies()
    polish, english = hazel.split("-" * 40)
    assert "To spotkanie jest odwołane, więc nie muszą Państwo przychodzić." in polish
    # The same letter in English follows hers, as it says; then the English email says
    # the same as the letter.
    assert "That meeting is cancelled, so you do not need to come." in polish
    assert "If a new meeting is arranged, we will write to you again." in english
    assert "odwołane" not in police


def test_someone_taken_off_the_list_is_told_in_her_language_too(conference, staff):
    hazel = Invitation.objects.get(conference=conference, role=InviteeRole.PARENT,
                                   email="hazel@example.org")  # fmt: skip
    services.remove_invitee(invitation=hazel, acting_user=staff.coordinator, tell=True)
    (message,) = invitees_mail()
    polish, english = message.body.split("-" * 40)
    assert polish.strip() == (
        "Nie muszą już Państwo przychodzić na spotkanie w sprawie ochrony dziecka: "
        "piątek, 28 czerwca 2024 o godz. 10:00.\n\n"
        "Po tej wiadomości jest ta sama wiadomość po angielsku."
    )
    assert "You no longer need to come to the initial child protection conference" in english
