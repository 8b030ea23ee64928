"""Recording that the minutes and plan went out, and that a letter was posted: the facts
that clear the coordinator's lists."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from iro.journey import invitations, services
from iro.journey.models import CalendarEntry, Conference, ConferenceKind, Invitation, InviteeRole
from iro.journey.queues import invitations_to_post, minutes_to_send
from tests.factories import AgencyFactory, ChildFactory, child_on_plan, hold_conference, make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def held(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    return hold_conference(
        kind=ConferenceKind.REVIEW, children=[(kid, {})], chair=staff.iro,
        held_on=date(2025, 10, 6),
    )  # fmt: skip


@time_machine.travel(TODAY, tick=False)
def test_recording_the_minutes_sent_takes_the_conference_off_the_list(staff, held):
    assert minutes_to_send(staff.coordinator, TODAY).count == 1
    services.record_minutes_sent(
        conference=held, sent_on=date(2025, 10, 8), acting_user=staff.coordinator,
        expected_version=held.version,
    )  # fmt: skip
    held.refresh_from_db()
    assert held.minutes_sent_on == date(2025, 10, 8)
    (recorded,) = held.history.filter(minutes_sent_on__isnull=False)
    assert recorded.history_user == staff.coordinator
    assert minutes_to_send(staff.coordinator, TODAY).count == 0


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("sent_on", "message"),
    [
        (date(2025, 10, 5), services.MINUTES_BEFORE_HELD.format(date=date(2025, 10, 6))),
        (date(2025, 10, 11), "future"),
    ],
)
def test_the_minutes_cannot_be_sent_before_the_conference_or_in_the_future(
    staff, held, sent_on, message
):
    with pytest.raises(ValidationError) as error:
        services.record_minutes_sent(
            conference=held, sent_on=sent_on, acting_user=staff.coordinator,
            expected_version=held.version,
        )  # fmt: skip
    assert message in " ".join(error.value.message_dict["minutes_sent_on"])
    assert Conference.objects.get(pk=held.pk).minutes_sent_on is None


@time_machine.travel(TODAY, tick=False)
def test_minutes_are_only_for_a_held_conference_and_only_by_those_who_book(staff):
    kid = ChildFactory(team=staff.team)
    booked = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="has been held"):
        services.record_minutes_sent(
            conference=booked, sent_on=TODAY, acting_user=staff.coordinator,
            expected_version=booked.version,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.record_minutes_sent(
            conference=booked, sent_on=TODAY, acting_user=staff.social_worker,
            expected_version=booked.version,
        )  # fmt: skip


def test_the_minutes_section_links_to_what_to_send(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 9, 1), icpc_on=date(2025, 9, 19), team=staff.team
    )
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_detail", args=[journey.icpc.public_id]))
    to_send = page.content.decode().split('id="what-to-send"')[1].split("</ul>")[0]
    assert reverse("plan_detail", args=[journey.plan.public_id]) in to_send
    assert reverse("family_plan_pdf", args=[journey.plan.public_id]) in to_send


def test_the_conference_page_records_the_minutes_sent(client, staff, held):
    client.force_login(staff.coordinator)
    url = reverse("conference_detail", args=[held.public_id])
    assert 'id="minutes"' in client.get(url).content.decode()
    today = date.today()
    response = client.post(
        reverse("conference_minutes_sent", args=[held.public_id]),
        {
            "sent_on_day": today.day, "sent_on_month": today.month, "sent_on_year": today.year,
            "version": held.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.minutes_sent_on == today
    assert "Record the minutes and plan as sent" not in client.get(url).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_conference_loaded_from_a_census_return_asks_for_no_minutes(client, staff, held):
    Conference.objects.filter(pk=held.pk).update(from_return=True)

    assert minutes_to_send(staff.coordinator, TODAY).count == 0
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_detail", args=[held.public_id])).content.decode()
    assert "Held before iro (loaded from a census return): not recorded here" in page
    assert "Record the minutes and plan as sent" not in page  # nothing to ask of it


def test_an_empty_minutes_form_shows_the_error_and_saves_nothing(client, staff, held):
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("conference_minutes_sent", args=[held.public_id]), {"version": held.version}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    held.refresh_from_db()
    assert held.minutes_sent_on is None


ADDRESS = "4 Tanner Row\nExton\nEX1 4TR"


@time_machine.travel(TODAY, tick=False)
def test_a_posted_letter_leaves_the_list_until_the_conference_changes(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    letter = Invitation.objects.create(
        conference=conference, name="Hollis Ashcombe", role=InviteeRole.PARENT, address=ADDRESS
    )
    assert invitations_to_post(staff.coordinator, TODAY).count == 1

    invitations.record_letter_posted(invitation=letter, acting_user=staff.coordinator)
    letter.refresh_from_db()
    assert letter.sent_at is not None
    entry = CalendarEntry.objects.get(conference=conference)
    assert letter.sent_sequence == entry.sequence
    assert invitations.invitation_state(letter, entry).startswith("Letter posted")
    assert invitations_to_post(staff.coordinator, TODAY).count == 0

    entry.sequence += 1  # as rescheduling does
    entry.save()
    (row,) = invitations_to_post(staff.coordinator, TODAY).rows
    assert row.flag == "Post again"
    assert invitations.invitation_state(letter, entry) == (
        "Changed since posted: post the new letter"
    )


@time_machine.travel(TODAY, tick=False)
def test_a_letter_recorded_as_posted_is_not_recorded_again_until_the_conference_changes(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    letter = Invitation.objects.create(
        conference=conference, name="Hollis Ashcombe", role=InviteeRole.PARENT, address=ADDRESS
    )
    invitations.record_letter_posted(invitation=letter, acting_user=staff.coordinator)
    posted_at = Invitation.objects.get(pk=letter.pk).sent_at

    with pytest.raises(ValidationError) as refused:
        invitations.record_letter_posted(invitation=letter, acting_user=staff.coordinator)
    assert refused.value.messages == [
        "The letter to Hollis Ashcombe is already recorded as posted, on 10 Oct 2025. It "
        "needs posting again only if the conference's date, time or place changes: it is "
        "then listed to post again."
    ]
    assert Invitation.objects.get(pk=letter.pk).sent_at == posted_at
    assert letter.history.count() == 2  # made, posted: the refusal wrote nothing

    entry = CalendarEntry.objects.get(conference=conference)
    entry.sequence += 1  # as rescheduling does
    entry.save()
    again = invitations.record_letter_posted(invitation=letter, acting_user=staff.coordinator)
    assert again.sent_sequence == entry.sequence


@time_machine.travel(TODAY, tick=False)
def test_a_posted_letter_says_when_and_by_whom_it_was_recorded(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    letter = Invitation.objects.create(
        conference=conference, name="Hollis Ashcombe", role=InviteeRole.PARENT, address=ADDRESS
    )
    emailed = Invitation.objects.create(
        conference=conference, name="Jory", role=InviteeRole.POLICE, email="j@example.org"
    )
    assert invitations.posted_by([letter, emailed]) == {}
    invitations.record_letter_posted(invitation=letter, acting_user=staff.coordinator)
    letter.refresh_from_db()
    letter.attendance = "attended"  # a later save keeps who posted it
    letter.save()
    entry = CalendarEntry.objects.get(conference=conference)

    by = invitations.posted_by([letter, emailed])

    assert by == {letter.pk: "Cora Dunmere"}
    assert invitations.invitation_state(letter, entry, by[letter.pk]) == (
        "Letter posted 10 Oct 2025 by Cora Dunmere"
    )
    assert not invitations.letter_to_post(letter, entry)
    assert not invitations.letter_to_post(emailed, entry)


def test_an_emailed_invitation_is_not_recorded_as_posted(staff):
    kid = ChildFactory(team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2030, 10, 20),
    )  # fmt: skip
    emailed = Invitation.objects.create(
        conference=conference, name="Jory", role=InviteeRole.POLICE, email="j@example.org"
    )
    with pytest.raises(ValidationError, match="by email"):
        invitations.record_letter_posted(invitation=emailed, acting_user=staff.coordinator)
    with pytest.raises(PermissionDenied):
        invitations.record_letter_posted(invitation=emailed, acting_user=staff.social_worker)


def test_an_invitation_never_sent_asks_for_nothing_once_the_conference_is_over(staff, held):
    letter = Invitation.objects.create(
        conference=held, name="Hollis Ashcombe", role=InviteeRole.PARENT
    )
    email = Invitation.objects.create(
        conference=held, name="Dr Pell", role=InviteeRole.HEALTH, email="pell@example.org"
    )
    # Held: too late to post or send, so the list says what happened and asks nothing.
    assert invitations.invitation_state(letter, None) == invitations.NOT_POSTED_BEFORE
    assert invitations.invitation_state(email, None) == invitations.NOT_SENT_BEFORE
    Conference.objects.filter(pk=held.pk).update(status="cancelled")
    for invitation in (letter, email):
        invitation.refresh_from_db()
        assert invitations.invitation_state(invitation, None) == invitations.NOT_SENT_CANCELLED


@time_machine.travel(TODAY, tick=False)
def test_a_letter_with_no_address_to_post_to_is_not_recorded_as_posted(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    nowhere = Invitation.objects.create(
        conference=conference, name="Hollis Ashcombe", role=InviteeRole.PARENT
    )
    entry = services.calendar_entry(conference, staff.coordinator)
    assert invitations.invitation_state(nowhere, entry) == invitations.NO_WAY_TO_INVITE
    with pytest.raises(ValidationError) as refused:
        invitations.record_letter_posted(invitation=nowhere, acting_user=staff.coordinator)
    assert refused.value.messages == [
        "There is no postal address for Hollis Ashcombe, so the letter cannot have been "
        "posted. Remove them from the list and add them again with their address or email "
        "address."
    ]
    nowhere.refresh_from_db()
    assert nowhere.sent_at is None and nowhere.history.count() == 1
    # Still on the coordinator's list: someone has to find a way to invite them.
    assert invitations_to_post(staff.coordinator, TODAY).count == 1


@time_machine.travel(TODAY, tick=False)
def test_a_professionals_letter_goes_to_their_agency_without_an_address_of_their_own(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    interpreter = Invitation.objects.create(
        conference=conference, name="Sami Underhill", role=InviteeRole.INTERPRETER,
        agency=AgencyFactory(name="Northmoor Language Service"),
    )  # fmt: skip
    invitations.record_letter_posted(invitation=interpreter, acting_user=staff.coordinator)
    interpreter.refresh_from_db()
    assert interpreter.sent_at is not None


@time_machine.travel(TODAY, tick=False)
def test_someone_with_no_address_is_listed_to_add_one_not_to_post_a_letter(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(kid, {})], chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )  # fmt: skip
    Invitation.objects.create(
        conference=conference, name="Hollis Ashcombe", role=InviteeRole.PARENT
    )
    (row,) = invitations_to_post(staff.coordinator, TODAY).rows
    assert row.action == "Add their address"
    hollis = Invitation.objects.get(name="Hollis Ashcombe")
    assert row.href == reverse(
        "conference_invitation_contact", args=[conference.public_id, hollis.pk]
    )
    assert row.cells[-1] == "No email or address: add one to invite them"
    assert row.flag == "No address"


@time_machine.travel(TODAY, tick=False)
def test_a_conference_held_today_says_under_a_working_day_as_the_other_lists_do(staff):
    kid = ChildFactory(first_name="Ayla", team=staff.team)
    hold_conference(
        kind=ConferenceKind.REVIEW, children=[(kid, {})], chair=staff.iro, held_on=TODAY
    )
    (row,) = minutes_to_send(staff.coordinator, TODAY).rows
    assert row.cells[-1] == "Under a working day"


def test_a_change_not_sent_before_the_conference_asks_for_nothing_once_it_is_held(staff, held):
    posted = Invitation.objects.create(
        conference=held, name="Hollis Ashcombe", role=InviteeRole.PARENT,
        sent_at=timezone.now(), sent_sequence=0,
    )  # fmt: skip
    entry = CalendarEntry(conference=held, uid="x@iro", sequence=1)  # changed since posted
    assert invitations.invitation_state(posted, entry) == invitations.CHANGE_NOT_SENT_BEFORE
