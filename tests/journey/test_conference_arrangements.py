"""Rescheduling, invitations by email with a calendar file, attendance, pre-meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro.journey import invitations, services
from iro.journey.checks import STALE_RECORD, current_version
from iro.journey.models import (
    CalendarEntry,
    CancellationReason,
    Conference,
    ConferenceStatus,
    InviteeAttendance,
    InviteeRole,
    PreMeeting,
)
from tests.factories import make_staff
from tests.journey.conference_setup import Siblings, book_icpc, sibling_group

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
    return book_icpc(staff, sibling_group(staff))


def invitees_mail() -> list:
    """The mail sent to those invited (a chair is also told of changes: ``iro: ...``)."""
    return [m for m in mail.outbox if not m.subject.startswith("iro: ")]


def invite_family(conference, staff):
    services.add_invitee(
        conference=conference,
        name="Hazel Brackwater",
        role=InviteeRole.PARENT,
        email="hazel@example.org",
        acting_user=staff.coordinator,
    )
    services.add_invitee(
        conference=conference,
        name="PC Rook Ashdown",
        role=InviteeRole.POLICE,
        email="rook.ashdown@police.example",
        acting_user=staff.coordinator,
    )
    services.add_invitee(
        conference=conference,
        name="Moss Brackwater",
        role=InviteeRole.PARENT,
        address="4 Fen Lane, Northmoor",
        acting_user=staff.coordinator,
    )


def ics_of(message) -> str:
    (part,) = [a for a in message.attachments if a.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True).decode()


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


# ------------------------------------------------------------------ invitations


def test_invitations_go_by_email_with_a_calendar_request(conference, staff):
    invite_family(conference, staff)
    sent = invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert [m.to for m in invitees_mail()] == [
        ["hazel@example.org"],
        ["rook.ashdown@police.example"],
    ]
    assert [i.name for i in sent.without_email] == ["Moss Brackwater"]
    ics = unfolded(ics_of(invitees_mail()[0]))
    assert ics.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "METHOD:REQUEST\r\n" in ics
    assert f"UID:conference-{conference.public_id}@iro.invalid\r\n" in ics
    assert "SEQUENCE:0\r\n" in ics
    # 10:00 in London in June is 09:00 UTC (British Summer Time).
    assert "DTSTART:20240628T090000Z\r\n" in ics
    assert "DTEND:20240628T110000Z\r\n" in ics
    assert "LOCATION:Northmoor Civic Centre\\, Room 2\r\n" in ics
    assert "mailto:hazel@example.org" in ics
    assert ics.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_the_calendar_entry_lasts_as_long_as_the_conference_is_booked_for(conference, staff):
    conference.duration_minutes = 90
    conference.save(update_fields=["duration_minutes"])
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    ics = unfolded(ics_of(invitees_mail()[0]))
    assert "DTSTART:20240628T090000Z\r\n" in ics
    assert "DTEND:20240628T103000Z\r\n" in ics


def test_the_calendar_entry_speaks_to_a_professional_as_one_and_to_a_parent_as_family(
    conference, staff
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    to_parent, to_police = (unfolded(ics_of(m)) for m in invitees_mail())
    assert "your family and the people who work with your children" in to_parent
    assert "your family" not in to_police
    assert "DESCRIPTION:An initial child protection conference: the family and the" in to_police


def test_the_calendar_part_says_it_is_a_request(conference, staff):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    (part,) = [a for a in invitees_mail()[0].attachments if a.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "conference.ics"


def test_a_parent_is_written_to_in_plain_words_and_the_police_as_a_professional(conference, staff):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    to_parent, to_police = invitees_mail()
    assert "how to keep them safe" in to_parent.body
    assert "Wren and Alder" in to_parent.body
    assert "Friday 28 June 2024 at 10:00am" in to_parent.body
    assert "send your report" in to_police.body
    assert "Brackwater" not in to_parent.subject
    assert (
        "Please send your report to the chair by Tuesday 25 June 2024 (3 working days before "
        "the meeting)" in to_police.body
    )
    assert "send your report" not in to_parent.body


def test_a_professional_invited_after_their_report_was_due_is_asked_for_it_at_once(
    conference, staff
):
    invite_family(conference, staff)
    with time_machine.travel(date(2024, 6, 26), tick=False):  # due on the 25th
        invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    _to_parent, to_police = invitees_mail()
    assert "The meeting is at short notice: please send your report to the chair as soon as " in (
        to_police.body
    )
    assert "by Tuesday 25 June" not in to_police.body


def invite_wren(conference, staff, name="wren  BRACKWATER"):
    return services.add_invitee(
        conference=conference,
        name=name,
        role=InviteeRole.CHILD,
        email="wren@example.org",
        acting_user=staff.coordinator,
    )


def test_a_child_is_written_to_about_them_and_their_brother_not_by_their_own_name(
    conference, staff
):
    invite_wren(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    (to_child,) = invitees_mail()
    assert "come to a child protection conference about you and Alder." in to_child.body
    assert "the people who work with you talk together about how to keep you safe" in (
        to_child.body
    )
    assert "Wren" not in to_child.body and "your children" not in to_child.body
    assert "how to keep you safe" in unfolded(ics_of(to_child)).replace("\\,", ",")


def test_a_childs_cancellation_says_the_meeting_about_them_is_cancelled(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_wren(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.cancel_and_notify(
            conference=conference,
            reason=CancellationReason.NOT_NEEDED,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    (to_child,) = invitees_mail()
    assert "conference about you and Alder on Friday 28 June 2024" in to_child.body


def test_a_child_not_found_by_name_among_several_is_written_to_about_the_children_by_name(
    conference, staff
):
    invitation = invite_wren(conference, staff, name="Wrenny")
    context = invitations.letter_context(invitation)
    assert (context["about_you"], context["children"]) == (False, "Wren and Alder")
    assert "keep you safe" in str(context["purpose"])  # still written to a child


def test_the_only_child_of_a_conference_is_written_to_about_them_whatever_the_name(staff):
    siblings = sibling_group(staff, surname="Fenwick", names=("Ash", "Elm"))
    only_ash = Siblings(children=siblings.children[:1], section47s=siblings.section47s[:1])
    conference = book_icpc(staff, only_ash)
    invitation = invite_wren(conference, staff, name="Ashy")
    context = invitations.letter_context(invitation)
    assert (context["about_you"], context["others"]) == (True, "")
    assert invitations.invited_child(invitation) == siblings.children[0]


def test_a_second_send_emails_no_one_twice(conference, staff):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    with pytest.raises(ValidationError) as raised:
        invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert raised.value.message_dict["invitations"] == [invitations.NO_ONE_TO_SEND_TO]
    assert len(invitees_mail()) == 2


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character(conference, staff):
    conference.venue = "Ystafell Gynadledda Ŵ, " * 6
    conference.save()
    entry = services.calendar_entry(conference, staff.coordinator)
    ics = invitations.calendar_text(conference=conference, entry=entry, method="REQUEST")
    lines = ics.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "Ŵ" in unfolded(ics)


def test_an_invitee_needs_a_name_and_a_role(conference, staff):
    with pytest.raises(ValidationError) as raised:
        services.add_invitee(
            conference=conference, name=" ", role="", acting_user=staff.coordinator
        )
    assert raised.value.message_dict == {
        "name": [services.INVITEE_NAME_REQUIRED],
        "role": [services.INVITEE_ROLE_REQUIRED],
    }


# ------------------------------------------------------------------ rescheduling


def test_rescheduling_sends_everyone_invited_an_update_with_a_higher_sequence(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(14, 0),
            venue="Northmoor Civic Centre, Room 5",
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert len(invitees_mail()) == 2
    assert invitees_mail()[0].subject.startswith("Changed: ")
    ics = unfolded(ics_of(invitees_mail()[0]))
    assert f"UID:conference-{conference.public_id}@iro.invalid\r\n" in ics
    assert "SEQUENCE:1\r\n" in ics
    assert "DTSTART:20240701T130000Z\r\n" in ics
    assert CalendarEntry.objects.get(conference=conference).sequence == 1
    states = {
        i.name: invitations.invitation_state(i, conference.calendar_entry)
        for i in conference.invitations.all()
    }
    # The tests' memory backend keeps mail here: the list never calls it sent.
    assert states["Hazel Brackwater"] == (
        "Changed invitation: Kept on this machine, not sent (mail is not set up to leave it)"
    )
    assert states["Moss Brackwater"] == "No email: post the letter"


def test_rescheduling_from_a_stale_page_is_refused_and_changes_nothing(conference, staff):
    stale_version = conference.version
    services.allocate_chair(
        conference=conference,
        chair=staff.other_iro,
        acting_user=staff.iro_manager,
        expected_version=stale_version,
    )
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 2),
            acting_user=staff.coordinator,
            expected_version=stale_version,
        )
    assert raised.value.messages == [STALE_RECORD]
    conference.refresh_from_db()
    assert conference.scheduled_date == date(2024, 6, 28)
    assert conference.chair == staff.other_iro


def test_rescheduling_onto_the_chairs_other_conference_is_a_clash(conference, staff):
    book_icpc(staff, sibling_group(staff, surname="Dunmere"), on=date(2024, 7, 1), at=time(10))
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(10, 0),
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    (other,) = raised.value.message_dict["chair"]
    assert other.startswith(f"{staff.iro} is already chairing the initial child protection ")
    assert "10:00–12:00 on 1 July 2024; this one would run 10:00–12:00." in other


def test_rescheduling_can_give_the_conference_a_chair_free_at_the_new_time(conference, staff):
    book_icpc(staff, sibling_group(staff, surname="Dunmere"), on=date(2024, 7, 1), at=time(10))
    services.reschedule_conference(
        conference=conference,
        scheduled_date=date(2024, 7, 1),
        scheduled_time=time(10, 0),
        chair=staff.other_iro,
        acting_user=staff.coordinator,
        expected_version=current_version(conference),
    )
    conference.refresh_from_db()
    assert (conference.scheduled_date, conference.chair) == (date(2024, 7, 1), staff.other_iro)


def test_a_new_chair_busy_at_the_new_time_is_refused_too(conference, staff):
    book_icpc(
        staff, sibling_group(staff, surname="Dunmere"), on=date(2024, 7, 1), at=time(10),
        chair=staff.other_iro,
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(10, 0),
            chair=staff.other_iro,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    (busy,) = raised.value.message_dict["chair"]
    assert busy.startswith(f"{staff.other_iro} is already chairing")
    conference.refresh_from_db()
    assert (conference.scheduled_date, conference.chair) == (date(2024, 6, 28), staff.iro)


def test_rescheduling_into_the_past_or_before_the_strategy_discussion_is_refused(conference, staff):
    with pytest.raises(ValidationError) as raised:
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 6, 7),
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert raised.value.message_dict["scheduled_date"] == [
        services.DATE_IN_PAST,
        services.BEFORE_S47.format(date=date(2024, 6, 10)),  # once, for both children
    ]


def test_a_cancellation_sends_a_calendar_cancel(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.cancel_and_notify(
            conference=conference,
            reason=CancellationReason.NOT_NEEDED,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert Conference.objects.get(pk=conference.pk).status == ConferenceStatus.CANCELLED
    assert len(invitees_mail()) == 2
    ics = unfolded(ics_of(invitees_mail()[0]))
    assert "METHOD:CANCEL\r\n" in ics
    assert "STATUS:CANCELLED\r\n" in ics
    assert "SEQUENCE:1\r\n" in ics
    assert invitees_mail()[0].subject.startswith("Cancelled: ")


def test_a_cancellation_names_the_meeting_they_were_sent_not_a_move_never_sent(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    services.reschedule_conference(
        conference=conference, scheduled_date=date(2024, 7, 1), scheduled_time=time(14),
        acting_user=staff.coordinator, expected_version=current_version(conference),
        send_updates=False,
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.cancel_and_notify(
            conference=conference,
            reason=CancellationReason.NOT_NEEDED,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    body = invitees_mail()[0].body
    assert "on Friday 28 June 2024 at 10:00am" in body
    assert "1 July" not in body


def test_a_move_to_a_time_already_gone_today_emails_nobody(
    conference, staff, django_capture_on_commit_callbacks
):
    """A meeting held at short notice, recorded as it happened: the family is not asked
    to come to a meeting that is over."""
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2024, 6, 28, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reschedule_conference(
            conference=conference, scheduled_date=date(2024, 6, 28), scheduled_time=time(9, 30),
            confirm_reason="Held at short notice: the family could come early.",
            acting_user=staff.coordinator, expected_version=current_version(conference),
        )  # fmt: skip
        assert services.time_passed(date(2024, 6, 28), time(9, 30))
        assert not services.time_passed(date(2024, 6, 28), time(16, 30))
    assert invitees_mail() == []


# ------------------------------------------------------------------ attendance


def test_attendance_cannot_be_recorded_before_the_day(conference, staff):
    invite_family(conference, staff)
    first = conference.invitations.first()
    with pytest.raises(ValidationError) as raised:
        services.record_attendance(
            conference=conference,
            attendance={first.pk: InviteeAttendance.ATTENDED},
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert raised.value.message_dict["attendance"] == [services.ATTENDANCE_TOO_EARLY]


def test_attendance_is_recorded_per_invitee_on_the_day(conference, staff):
    invite_family(conference, staff)
    hazel, rook, moss = conference.invitations.order_by("pk")
    with time_machine.travel(date(2024, 6, 28), tick=False):
        services.record_attendance(
            conference=conference,
            attendance={
                hazel.pk: InviteeAttendance.ATTENDED,
                rook.pk: InviteeAttendance.APOLOGIES,
                moss.pk: "",
            },
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert [i.attendance for i in conference.invitations.order_by("pk")] == [
        "attended",
        "apologies",
        "",
    ]


def test_an_unknown_attendance_is_refused_on_its_field(conference, staff):
    invite_family(conference, staff)
    hazel = conference.invitations.first()
    with time_machine.travel(date(2024, 6, 28), tick=False), pytest.raises(ValidationError) as e:
        services.record_attendance(
            conference=conference,
            attendance={hazel.pk: "maybe"},
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert list(e.value.message_dict) == [f"attendance_{hazel.pk}"]


# ------------------------------------------------------------------ before the conference


def test_a_pre_meeting_sets_the_facts_the_reports_count(conference, staff):
    row = conference.children.order_by("pk").first()
    services.record_pre_meeting(
        conference_child=row,
        child_met_on=date(2024, 6, 18),
        parents_met_on=date(2024, 6, 19),
        advocate_involved=True,
        advocate_organisation="NYAS",
        interpreter_needed=True,
        interpreter_language="Polish",
        acting_user=staff.iro,
        expected_version=0,
    )
    row.refresh_from_db()
    assert (row.pre_meeting_child, row.pre_meeting_parents) == (True, True)
    assert (row.advocacy_offered, row.advocate_involved, row.interpreter_needed) == (
        True,
        True,
        True,
    )
    meeting = PreMeeting.objects.get(conference_child=row)
    assert (meeting.advocate_organisation, meeting.interpreter_language, meeting.version) == (
        "NYAS",
        "Polish",
        1,
    )


def test_a_pre_meeting_refuses_what_cannot_be_true(conference, staff):
    row = conference.children.first()
    with pytest.raises(ValidationError) as raised:
        services.record_pre_meeting(
            conference_child=row,
            child_met_on=date(2024, 6, 18),
            child_too_young=True,
            parents_met_on=date(2024, 6, 21),
            interpreter_needed=True,
            acting_user=staff.iro,
            expected_version=0,
        )
    assert raised.value.message_dict == {
        "child_met_on": [services.CHILD_MET_AND_TOO_YOUNG],
        "parents_met_on": [
            "The date cannot be in the future.",
        ],
        "interpreter_language": [services.INTERPRETER_LANGUAGE_REQUIRED],
    }
    assert not PreMeeting.objects.exists()


def test_a_pre_meeting_years_before_the_conference_is_refused_as_a_typo(conference, staff):
    row = conference.children.first()
    with pytest.raises(ValidationError) as raised:
        services.record_pre_meeting(
            conference_child=row, child_met_on=date(2020, 1, 1), parents_met_on=date(2019, 1, 1),
            acting_user=staff.iro, expected_version=0,
        )  # fmt: skip
    assert raised.value.message_dict == {
        "child_met_on": [
            services.PRE_MEETING_TOO_EARLY.format(who="child", date=date(2024, 6, 28))
        ],
        "parents_met_on": [
            services.PRE_MEETING_TOO_EARLY.format(who="parents", date=date(2024, 6, 28))
        ],
    }
    assert not PreMeeting.objects.exists()


def test_a_pre_meeting_after_the_conference_is_refused(conference, staff):
    row = conference.children.first()
    with time_machine.travel(date(2024, 7, 5), tick=False), pytest.raises(ValidationError) as e:
        services.record_pre_meeting(
            conference_child=row,
            parents_met_on=date(2024, 7, 1),
            acting_user=staff.iro,
            expected_version=0,
        )
    assert e.value.message_dict["parents_met_on"] == [
        "The chair's meeting with the parents cannot be after the conference on 28 June 2024."
    ]


def test_a_pre_meeting_date_in_the_future_is_refused_once_naming_the_date(
    client, conference, staff
):
    row = conference.children.first()
    url = reverse("conference_pre_meeting", args=[conference.public_id, row.pk])
    client.force_login(staff.iro)
    page = unescape(
        client.post(
            url,
            {
                "version": "0",
                "parents_met_on_day": "1", "parents_met_on_month": "1",
                "parents_met_on_year": "2030",
                "child_met_on_day": "1", "child_met_on_month": "1", "child_met_on_year": "1926",
            },
        ).content.decode()
    )  # fmt: skip
    assert "The date the chair met the parents cannot be in the future." in page
    assert "The date the chair met the child cannot be before 1 January 1990." in page
    assert "cannot be after the conference" not in page  # the one message for each date
    assert not PreMeeting.objects.exists()


def test_a_second_editor_of_a_pre_meeting_is_refused(conference, staff):
    row = conference.children.first()
    services.record_pre_meeting(
        conference_child=row, parents_met_on=date(2024, 6, 19), acting_user=staff.iro,
        expected_version=0,
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        services.record_pre_meeting(
            conference_child=row, child_too_young=True, acting_user=staff.iro_manager,
            expected_version=0,
        )  # fmt: skip
    assert raised.value.messages == [STALE_RECORD]
    row.refresh_from_db()
    assert row.pre_meeting_parents and not row.pre_meeting_child_not_applicable


def test_changing_the_chair_sends_everyone_invited_an_update_and_asks_for_letters_again(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    moss = conference.invitations.get(name="Moss Brackwater")
    invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.allocate_chair(
            conference=conference,
            chair=staff.other_iro,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert len(invitees_mail()) == 2  # the letters name the chair, and so do the emails
    assert all(m.subject.startswith("Changed: ") for m in invitees_mail())
    to_hazel, to_police = invitees_mail()
    assert "Leading the meeting: Otto Fallowfield, an Independent Reviewing Officer" in (
        to_hazel.body
    )
    assert "Chair: Otto Fallowfield, Independent Reviewing Officer" in to_police.body
    # And both chairs are told: the one given it and the one it went from.
    told = {m.to[0]: m.subject for m in mail.outbox if m.subject.startswith("iro: ")}
    when = services.chair_notice("", conference)
    assert told == {
        staff.other_iro.email: f"iro: {services.CHAIR_GIVEN}{when}",
        staff.iro.email: f"iro: {services.CHAIR_TAKEN_OFF}{when}",
    }
    moss.refresh_from_db()
    assert (
        invitations.invitation_state(moss, conference.calendar_entry)
        == "Changed since posted: post the new letter"
    )


def test_a_first_chair_allocated_after_the_invitations_is_sent_to_everyone_invited(
    staff, django_capture_on_commit_callbacks
):
    conference = book_icpc(staff, sibling_group(staff))
    Conference.objects.filter(pk=conference.pk).update(chair=None)
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert "Chair:" not in invitees_mail()[1].body
    assert "Leading the meeting" not in invitees_mail()[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.allocate_chair(
            conference=conference,
            chair=staff.iro,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert len(invitees_mail()) == 2
    assert "Leading the meeting: Ivy Coldharbour" in invitees_mail()[0].body
    assert CalendarEntry.objects.get(conference=conference).sequence == 1


def test_the_same_chair_again_sends_no_update(staff, django_capture_on_commit_callbacks):
    conference = book_icpc(staff, sibling_group(staff))
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    conference.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.allocate_chair(
            conference=conference,
            chair=conference.chair,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert invitees_mail() == []
    assert CalendarEntry.objects.get(conference=conference).sequence == 0


def test_an_update_says_what_changed_since_it_was_sent(
    conference, staff, django_capture_on_commit_callbacks
):
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2024, 6, 20, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(14, 0),
            venue="Northmoor Civic Centre, Room 2",
            chair=staff.other_iro,
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    assert (
        "The meeting has changed: the day and time (it was Friday 28 June 2024 at 10:00am) and "
        "who leads the meeting. The new details are below."
    ) in invitees_mail()[0].body
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2024, 6, 21, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=time(14, 0),
            venue="Northmoor Civic Centre, Room 5",
            acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )
    # Only what changed since the update: the room.
    assert (
        "The meeting has changed: where it is held (it was Northmoor Civic Centre, Room 2). "
        "The new" in invitees_mail()[0].body
    )


def test_an_interpreter_is_not_asked_for_a_report(conference, staff):
    services.add_invitee(
        conference=conference, name="Tigrinya interpreter", role=InviteeRole.INTERPRETER,
        email="interpreting@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    (message,) = invitees_mail()
    assert "Please tell us if you cannot come." in message.body
    assert "send your report" not in message.body


def test_an_interpreter_is_told_for_whom_and_in_which_language_by_email_and_letter(
    client, conference, staff
):
    from iro.children.models import FamilyMember

    FamilyMember.objects.create(
        family=conference.children.first().child.family, name="Hazel Brackwater",
        relationship="mother", preferred_language="Polish", interpreter_needed=True,
    )  # fmt: skip
    services.add_invitee(
        conference=conference, name="Marta Zielinska", role=InviteeRole.INTERPRETER,
        email="marta@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    post = services.add_invitee(
        conference=conference, name="Olek Nowak", role=InviteeRole.INTERPRETER,
        address="Interpreting Ltd, 1 High Street", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    (message,) = invitees_mail()
    said = "Brackwater, for Hazel Brackwater (Polish). Please tell us if you cannot come."
    body = " ".join(message.body.split())
    assert "You are invited to interpret at the initial child protection conference for " in body
    assert said in body
    client.force_login(staff.coordinator)
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, post.pk])
    ).text
    assert said in " ".join(unescape(letter).split())
    assert "send your report" not in letter


def test_a_parent_with_a_language_we_translate_is_emailed_in_it_then_in_english(conference, staff):
    from iro.children.models import FamilyMember

    family = conference.children.first().child.family
    FamilyMember.objects.create(
        family=family, name="Hazel Brackwater", relationship="mother",
        preferred_language="Urdu", email="hazel@example.org",
    )  # fmt: skip
    invite_family(conference, staff)
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    to_hazel, to_police = invitees_mail()
    body = to_hazel.body
    assert body.index("کب اور کہاں") < body.index("When: ")  # "When and where", in Urdu first
    assert "4 Fen Lane" not in body and "<" not in body.split("----")[0]
    assert to_police.body.startswith("Dear PC Rook Ashdown,")


def test_a_letter_posted_again_after_a_change_says_what_changed_and_replaces_the_first(
    client, staff
):
    with time_machine.travel(datetime(2024, 6, 20, 9, 0, tzinfo=UTC), tick=False):
        conference = book_icpc(staff, sibling_group(staff))
        invite_family(conference, staff)
        moss = conference.invitations.get(name="Moss Brackwater")
        url = reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
        client.force_login(staff.coordinator)
        assert 'id="changed"' not in client.get(url).text  # the first letter
        invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
    with time_machine.travel(datetime(2024, 6, 20, 15, 0, tzinfo=UTC), tick=False):
        services.reschedule_conference(
            conference=conference, scheduled_date=date(2024, 7, 1), scheduled_time=time(14, 0),
            venue="Northmoor Civic Centre, Room 7", acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )  # fmt: skip
        client.force_login(staff.coordinator)  # (a session left idle since the morning ends)
        said = (
            "The meeting has changed: the day and time (it was Friday 28 June 2024 at 10:00am)"
            " and where it is held (it was Northmoor Civic Centre, Room 2). This letter replaces"
            " our earlier letter: please go by the details below."
        )
        assert said in " ".join(unescape(client.get(url).text).split())
        moss.refresh_from_db()
        invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
        # Printed again once posted, it still says so.
        assert said in " ".join(unescape(client.get(url).text).split())


def test_a_parent_who_needs_an_interpreter_is_told_one_is_asked_to_come_once_invited(
    client, conference, staff
):
    from iro.children.models import FamilyMember

    FamilyMember.objects.create(
        family=conference.children.first().child.family, name="Moss Brackwater",
        relationship="father", preferred_language="Polish", interpreter_needed=True,
    )  # fmt: skip
    invite_family(conference, staff)
    moss = conference.invitations.get(name="Moss Brackwater")
    url = reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    client.force_login(staff.coordinator)
    before = " ".join(unescape(client.get(url + "?lang=en-gb").text).split())
    assert "If you need an interpreter, or help to get to the meeting" in before
    services.add_invitee(
        conference=conference, name="Marta Zielinska", role=InviteeRole.INTERPRETER,
        acting_user=staff.coordinator,
    )  # fmt: skip
    after = " ".join(unescape(client.get(url).text).split())
    assert (
        "We have asked an interpreter who speaks Polish to come to the meeting. If you need "
        "help to get there, please tell us as soon as you can."
    ) in after  # the English part
    assert "język: polski" in after and "język: Polish" not in after  # his, in Polish
    assert "If you need an interpreter" not in after
    # The letter is still about the children, not about the parent.
    children = invitations.plain_list(invitations.children_names(conference))
    for text in (before, after):
        assert f"An invitation to a meeting about {children}" in text
        assert "about you" not in text


def test_a_meeting_about_one_child_is_about_your_child_not_your_children(staff):
    from iro.journey.models import ConferenceKind
    from tests.factories import ChildFactory, hold_conference

    one = hold_conference(kind=ConferenceKind.REVIEW, children=[(ChildFactory(), {})],
                          chair=staff.iro, scheduled_date=date(2024, 6, 28))  # fmt: skip
    two = hold_conference(kind=ConferenceKind.REVIEW,
                          children=[(ChildFactory(), {}), (ChildFactory(), {})],
                          chair=staff.iro, scheduled_date=date(2024, 6, 28))  # fmt: skip
    assert "the people who work with your child look at" in str(invitations.plain_purpose(one))
    assert "the people who work with your children look at" in str(invitations.plain_purpose(two))


def test_a_relative_the_family_asked_for_is_invited_as_family_about_the_children_by_name(
    client, conference, staff
):
    from iro.children.models import FamilyMember

    FamilyMember.objects.create(
        family=conference.children.first().child.family, name="Halina Nowak",
        relationship="grandparent", preferred_language="Polish",
    )  # fmt: skip
    gran = services.add_invitee(
        conference=conference, name="Halina Nowak", role=InviteeRole.RELATIVE,
        acting_user=staff.coordinator,
    )  # fmt: skip
    context = invitations.letter_context(gran)
    assert context["family_member"] is True
    assert "the people who work with Wren and Alder talk together" in str(context["purpose"])
    assert "your children" not in str(context["purpose"])
    client.force_login(staff.coordinator)
    url = reverse("conference_invitation_letter", args=[conference.public_id, gran.pk])
    letter = " ".join(unescape(client.get(url).text).split())
    assert "An invitation to a meeting about Wren and Alder" in letter
    assert 'lang="pl"' in client.get(url).text  # her own recorded language first
