"""Mail is really sent: through a real SMTP server started by the test, read back as it
arrived (the calendar attachment parsed); a refusing server leaves the message failed
with its answer after the bounded tries; mail that never left the machine says so."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey import corrections, invitations, services
from iro.journey.models import InviteeRole
from iro.notices.mail import recorded_only
from iro.notices.models import MailState, OutgoingMail
from iro.notices.services import notify
from tests.factories import make_staff
from tests.journey.conference_setup import book_icpc, sibling_group
from tests.notices.smtp_server import SmtpServer, calendar_of

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 6, 20), tick=True):
        yield


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = settings.SMTP_BACKEND
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        settings.IRO_MAIL_ATTEMPTS = 3
        yield server


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def conference(staff):
    conference = book_icpc(staff, sibling_group(staff))
    for name, role, email in (
        ("Hazel Brackwater", InviteeRole.PARENT, "hazel@example.org"),
        ("PC Rook Ashdown", InviteeRole.POLICE, "rook.ashdown@police.example"),
    ):
        services.add_invitee(
            conference=conference, name=name, role=role, email=email, acting_user=staff.coordinator
        )
    return conference


def invitations_page(client, staff, conference) -> str:
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", kwargs={"public_id": conference.public_id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_invitations_arrive_at_the_mail_server_with_their_calendar_request(
    smtp, staff, conference, client
):
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    arrived = smtp.mailbox.arrived
    assert [a.rcpt_tos for a in arrived] == [["hazel@example.org"], ["rook.ashdown@police.example"]]
    message = arrived[0].message
    assert (
        message["Subject"]
        == "Invitation: a meeting about Wren and Alder on Friday 28 June 2024 at 10:00am"
    )
    assert message["From"] == "iro-service@northmoor.example"
    assert "Wren and Alder" in message.get_body(("plain",)).get_content()
    ics = calendar_of(message)
    assert ics["METHOD"] == ["REQUEST"]
    assert ics["UID"] == [f"conference-{conference.public_id}@iro.invalid"]
    assert ics["SEQUENCE"] == ["0"]
    assert ics["DTSTART"] == ["20240628T090000Z"]  # 10:00 in London is 09:00 UTC in June
    assert ics["ATTENDEE"] == ["mailto:hazel@example.org"]
    assert [m.state for m in OutgoingMail.objects.order_by("pk")] == [MailState.SENT] * 2
    page = invitations_page(client, staff, conference)
    assert page.count("Sent 20 Jun 2024") == 2
    assert "Kept on this machine" not in page


def test_a_reschedule_and_then_voiding_the_booking_send_an_update_and_a_cancellation(
    smtp, staff, conference, django_capture_on_commit_callbacks
):
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_conference(
            conference=conference,
            scheduled_date=date(2024, 7, 1),
            scheduled_time=conference.scheduled_time,
            venue=conference.venue,
            acting_user=staff.coordinator,
            expected_version=conference.version,
        )
    conference.refresh_from_db()
    corrections.void_conference(
        conference=conference, reason="Booked for the wrong family", acting_user=staff.iro_manager
    )
    to_hazel = [a.message for a in smtp.mailbox.arrived if a.rcpt_tos == ["hazel@example.org"]]
    assert [m["Subject"].split(":")[0] for m in to_hazel] == ["Invitation", "Changed", "Cancelled"]
    assert [calendar_of(m)["METHOD"] for m in to_hazel] == [["REQUEST"], ["REQUEST"], ["CANCEL"]]
    assert [calendar_of(m)["SEQUENCE"] for m in to_hazel] == [["0"], ["1"], ["2"]]
    assert calendar_of(to_hazel[2])["STATUS"] == ["CANCELLED"]
    assert calendar_of(to_hazel[1])["DTSTART"] == ["20240701T090000Z"]
    kinds = list(OutgoingMail.objects.filter(to="hazel@example.org").values_list("kind", "state"))
    assert sorted(kinds) == sorted(
        [("invitation", "sent"), ("update", "sent"), ("cancellation", "sent")]
    )


def test_reminders_go_two_days_before_once_per_version_of_the_invitation(
    smtp, staff, conference, client
):
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert invitations.send_reminders(today=date(2024, 6, 25)) == 0  # the 28th: too early
    assert invitations.send_reminders(today=date(2024, 6, 26)) == 2
    assert invitations.send_reminders(today=date(2024, 6, 27)) == 0  # already reminded
    reminders = [a.message for a in smtp.mailbox.arrived[2:]]
    assert [m["To"] for m in reminders] == ["hazel@example.org", "rook.ashdown@police.example"]
    assert reminders[0]["Subject"].startswith("Reminder: a meeting about Wren and Alder")
    assert "This is a reminder" in reminders[0].get_body(("plain",)).get_content()
    assert calendar_of(reminders[0])["SEQUENCE"] == ["0"]  # the same calendar entry
    assert "Reminder: Sent" in invitations_page(client, staff, conference)


def test_a_refusing_server_leaves_the_invitation_failed_with_its_answer_after_three_tries(
    smtp, staff, conference, client
):
    smtp.mailbox.refuse = "550 5.1.1 No such mailbox here"
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert smtp.mailbox.arrived == []
    assert smtp.mailbox.tries == 6  # two messages, each tried three times
    failed = OutgoingMail.objects.get(to="hazel@example.org")
    assert (failed.state, failed.attempts) == (MailState.FAILED, 3)
    assert failed.answer == "refused the address: 550 5.1.1 No such mailbox here"
    page = invitations_page(client, staff, conference)
    assert "Failed after 3 tries: refused the address: 550 5.1.1 No such mailbox here" in page
    assert "Sent 20 Jun" not in page


def test_a_server_that_refuses_once_is_tried_again_and_the_message_sent(smtp, staff):
    smtp.mailbox.refuse, smtp.mailbox.refusals = "451 4.3.0 Try again later", 1
    notice = notify(
        recipient=staff.team_manager, subject="A dispute waits", link="/d", acting_user=staff.iro
    )
    [outgoing] = notice.mails.all()
    assert (outgoing.state, outgoing.attempts, smtp.mailbox.tries) == (MailState.SENT, 2, 2)
    [arrived] = smtp.mailbox.arrived
    assert arrived.message["Subject"] == "iro: A dispute waits"
    notice.refresh_from_db()
    assert notice.sent_at is not None


def test_an_unreachable_server_is_failed_with_why(settings, staff):
    from tests.notices.smtp_server import free_port

    settings.EMAIL_BACKEND = settings.SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.IRO_MAIL_ATTEMPTS = 2
    notice = notify(recipient=staff.team_manager, subject="Waiting", link="/d", acting_user=None)
    [outgoing] = notice.mails.all()
    assert (outgoing.state, outgoing.attempts) == (MailState.FAILED, 2)
    assert outgoing.answer.startswith("could not reach the mail server (")


def test_mail_kept_on_this_machine_is_never_called_sent(settings, tmp_path, staff, client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    notify(recipient=staff.team_manager, subject="Waiting", link="/d", acting_user=staff.iro)
    [written] = list(tmp_path.iterdir())
    assert "Subject: iro: Waiting" in written.read_text()
    client.force_login(staff.team_manager)
    page = client.get(reverse("notice_list")).content.decode()
    assert "Kept on this machine, not sent" in page
    assert ">Sent" not in page


def test_the_daily_command_queues_the_reminders_due(staff, conference):
    from io import StringIO

    from django.core.management import call_command

    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    out = StringIO()
    with time_machine.travel(date(2024, 6, 26), tick=True):
        call_command("send_reminders", stdout=out)
    assert out.getvalue() == "2 reminders queued\n"
    kinds = OutgoingMail.objects.filter(kind="reminder").values_list("state", flat=True)
    assert list(kinds) == [MailState.KEPT] * 2  # the tests' memory backend: kept here


def test_invitations_sent_while_the_demo_is_built_are_recorded_and_never_emailed(
    smtp, staff, conference, client
):
    with recorded_only():
        sent = invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert len(sent.emailed) == 2
    assert smtp.mailbox.arrived == [] and not OutgoingMail.objects.exists()
    assert all(i.sent_at is not None for i in conference.invitations.all())
    page = invitations_page(client, staff, conference)
    assert page.count("Recorded as sent 20 Jun 2024") == 2
    assert "Not sent" not in page
