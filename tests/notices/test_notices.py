"""The outbox: a notice is kept for its recipient and emailed to them (queued, sent by
the worker), and the Messages page shows each user their own only, with its email's state."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iro.journey.checks import as_at, one_day
from iro.notices.models import Notice
from iro.notices.selectors import notices_about, notices_for
from iro.notices.services import notify, settle
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return make_staff()


def test_notify_records_the_notice_with_its_history_and_queues_its_email(staff):
    notice = notify(
        recipient=staff.team_manager,
        subject="A dispute is waiting for your answer",
        link="/disputes/x/answer",
        acting_user=staff.iro,
    )
    assert (notice.sender, notice.sent_at, notice.is_sent) == (staff.iro, None, False)
    assert notice.body == (
        "A dispute is waiting for your answer.\n\nOpen it in iro: /disputes/x/answer\n"
    )
    assert notice.history.get().history_user == staff.iro
    # Tests run tasks at once, into Django's memory backend: kept here, not sent.
    [sent] = mail.outbox
    assert sent.to == [staff.team_manager.email]
    assert sent.subject == "iro: A dispute is waiting for your answer"
    assert "Open it in iro: http://127.0.0.1:8000/disputes/x/answer" in sent.body
    [outgoing] = notice.mails.all()
    assert (outgoing.state, outgoing.kind, outgoing.attempts) == ("kept", "notice", 1)
    notice.refresh_from_db()
    assert notice.sent_at is None  # kept on this machine is never "sent"


def test_a_recipient_without_an_email_address_gets_the_notice_only(staff):
    staff.team_manager.email = ""
    staff.team_manager.save(update_fields=["email"])
    notice = notify(
        recipient=staff.team_manager, subject="Waiting", link="/a", acting_user=staff.iro
    )
    assert not notice.mails.exists()
    assert mail.outbox == []


def test_a_subject_longer_than_a_notice_keeps_is_cut_with_an_ellipsis(staff):
    long = "A multi-agency challenge is waiting to be forwarded: to " + "Agency " * 30
    notice = notify(recipient=staff.partnership, subject=long, link="/a", acting_user=staff.iro)
    notice.refresh_from_db()
    assert len(notice.subject) == 200 and notice.subject.endswith("…")
    assert notice.subject.startswith("A multi-agency challenge is waiting to be forwarded: to ")


def test_each_user_sees_only_their_own_messages(client, staff):
    notify(recipient=staff.team_manager, subject="For Tess", link="/a", acting_user=staff.iro)
    notify(recipient=staff.senior_manager, subject="For Seren", link="/b", acting_user=staff.iro)
    assert [n.subject for n in notices_for(staff.team_manager)] == ["For Tess"]
    assert [n.subject for n in notices_about("/a", "/b")] == ["For Tess", "For Seren"]
    client.force_login(staff.team_manager)
    page = client.get(reverse("notice_list")).content.decode()
    assert "For Tess" in page and "For Seren" not in page
    assert "Kept on this machine, not sent" in page
    assert ">Sent" not in page


def test_a_user_with_no_messages_is_told_so(client, staff):
    client.force_login(staff.admin)
    page = client.get(reverse("notice_list"))
    assert page.status_code == 200
    assert 'id="no-notices"' in page.content.decode()
    assert not Notice.objects.exists()


def test_a_notice_written_into_synthetic_history_is_dated_that_day(staff):
    with as_at(date(2025, 10, 6)):  # the demo writing October 2025 as it happened
        old = notify(recipient=staff.iro, subject="S", link="/l", acting_user=staff.iro)
    assert old.created_at == timezone.make_aware(datetime.combine(date(2025, 10, 6), time(12)))
    before = timezone.now()
    with one_day():  # long work fixing today (an import): now, not midday
        new = notify(recipient=staff.iro, subject="S", link="/l", acting_user=staff.iro)
    assert new.created_at >= before


def test_the_messages_page_says_which_are_still_waiting(client, staff):
    notify(recipient=staff.team_manager, subject="Old", link="/done", acting_user=staff.iro)
    notify(recipient=staff.team_manager, subject="New", link="/open", acting_user=staff.iro)
    assert settle("/done", acting_user=staff.team_manager) == 1
    assert settle("/done", acting_user=staff.team_manager) == 0  # settled once only
    client.force_login(staff.team_manager)
    page = client.get(reverse("notice_list")).content.decode()
    rows = page.split('<tr class="govuk-table__row">')[2:]
    assert [("New" in row, "Waiting</strong>" in row) for row in rows] == [
        (True, True),
        (False, False),
    ]
    assert "No longer waiting</strong>" in rows[1]
    assert f"since {timezone.localdate():%-d %b %Y}" in rows[1]
