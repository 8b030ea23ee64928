"""Adding a brother or sister to a booked conference: by the booking's own rules, with a
confirmation when the child added is due before the day booked, and the update sent to
everyone invited (the invitation names the children)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from iro.children.services import create_child
from iro.journey import invitations, queues, services
from iro.journey.checks import current_version
from iro.journey.conference_forms import CHOOSE_CHILDREN_TO_ADD
from iro.journey.models import CalendarEntry, ConferenceChild, ConferenceKind, InviteeRole
from iro.journey.services import Subject
from tests.factories import make_staff
from tests.journey.conference_setup import sibling_group

pytestmark = [pytest.mark.django_db]

BOOKED_FOR = date(2024, 6, 28)  # both enquiries from 10 June: due by 1 July


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


@pytest.fixture
def conference(staff, siblings):
    """An initial conference booked for the elder child only."""
    return services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=siblings.children[0], section47=siblings.section47s[0])],
        scheduled_date=BOOKED_FOR,
        chair=staff.iro,
        venue="Northmoor Civic Centre, Room 2",
        acting_user=staff.coordinator,
    )


def add(staff, conference, subject, **kw):
    return services.add_children_to_conference(
        conference=conference,
        subjects=[subject],
        acting_user=kw.pop("acting_user", staff.coordinator),
        expected_version=current_version(conference),
        **kw,
    )


def younger(siblings) -> Subject:
    return Subject(child=siblings.children[1], section47=siblings.section47s[1])


def test_a_brother_or_sister_with_an_enquiry_waiting_is_added(staff, siblings, conference):
    add(staff, conference, younger(siblings))
    assert [r.child for r in conference.children.order_by("pk")] == siblings.children
    assert conference.children.get(child=siblings.children[1]).section47 == siblings.section47s[1]


def test_a_child_of_another_family_or_without_an_enquiry_is_refused(staff, siblings, conference):
    other = sibling_group(staff, surname="Fenwick", names=("Ash", "Birch"))
    with pytest.raises(ValidationError) as refused:
        add(staff, conference, Subject(child=other.children[0], section47=other.section47s[0]))
    assert services.ONE_FAMILY in refused.value.messages
    with pytest.raises(ValidationError) as refused:
        add(staff, conference, Subject(child=siblings.children[1]))
    assert services.INITIAL_NEEDS_S47 in refused.value.messages
    with pytest.raises(ValidationError) as refused:
        add(
            staff, conference, Subject(child=siblings.children[0], section47=siblings.section47s[0])
        )
    assert services.SAME_CHILD_TWICE in refused.value.messages
    assert conference.children.count() == 1


def test_a_social_worker_cannot_add_a_child(staff, siblings, conference):
    with pytest.raises(PermissionDenied):
        add(staff, conference, younger(siblings), acting_user=staff.social_worker)
    assert conference.children.count() == 1


def test_a_child_due_before_the_day_booked_needs_a_confirmation(staff, siblings, conference):
    family = siblings.children[0].family
    baby = create_child(
        acting_user=staff.coordinator, la_child_id="BRA9", first_name="Rowan",
        last_name="Brackwater", date_of_birth=date(2023, 1, 5), family=family, team=staff.team,
    )  # fmt: skip
    episode = services.open_episode(
        child=baby, referral_date=date(2024, 6, 3), acting_user=staff.coordinator
    )
    s47 = services.record_strategy_discussion(
        episode=episode, held_on=date(2024, 6, 3), acting_user=staff.coordinator
    ).section47  # due by 24 June, before the day booked
    with pytest.raises(ValidationError) as asked:
        add(staff, conference, Subject(child=baby, section47=s47))
    assert asked.value.message_dict["confirm_reason"] == [
        "Rowan Brackwater is due by 24 June 2024, before the day booked (28 June 2024): say "
        "why the conference stays on that day, or change its date first."
    ]
    add(staff, conference, Subject(child=baby, section47=s47), confirm_reason="Mother's surgery")
    conference.refresh_from_db()
    assert conference.booking_warnings == (
        "28 June 2024 is after the conference is due on 24 June 2024."
    )
    assert conference.booking_reason == "Mother's surgery"


def test_everyone_sent_the_invitation_is_sent_the_update(
    staff, siblings, conference, django_capture_on_commit_callbacks
):
    services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2024, 6, 20, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        add(staff, conference, younger(siblings))
    assert CalendarEntry.objects.get(conference=conference).sequence == 1
    assert len(mail.outbox) == 1
    assert "The meeting has changed: a child was added." in mail.outbox[0].body
    assert "Alder" in mail.outbox[0].body


def test_the_page_offers_and_adds_the_brother_or_sister_waiting(
    client, staff, siblings, conference
):
    client.force_login(staff.coordinator)
    detail = reverse("conference_detail", args=[conference.public_id])
    page = client.get(detail).content.decode()
    assert "Add a brother or sister</a>: Alder Brackwater is waiting for one too" in page
    url = reverse("conference_add_children", args=[conference.public_id])
    form = client.get(url).content.decode()
    assert "Alder Brackwater: due by 1 July 2024" in form
    assert "Wren Brackwater" in form  # at the conference already, with their due date

    refused = client.post(url, {"version": conference.version}).content.decode()
    assert CHOOSE_CHILDREN_TO_ADD in refused and conference.children.count() == 1
    response = client.post(
        url,
        {"version": conference.version, "children": [str(siblings.children[1].public_id)]},
        follow=True,
    )
    assert "Alder Brackwater added to the conference." in response.content.decode()
    assert conference.children.count() == 2
    # Nobody else is waiting: the page no longer offers it, and the address says so.
    assert url not in client.get(detail).content.decode()
    again = client.get(url, follow=True).content.decode()
    assert "No brother or sister you can see is waiting" in again


def test_a_social_worker_cannot_open_the_page(client, staff, conference):
    client.force_login(staff.social_worker)
    url = reverse("conference_add_children", args=[conference.public_id])
    assert client.get(url).status_code == 403


# --------------------------------------------------------------------- taking a child off


def take_off(staff, conference, child, reason="Added by mistake.", **kw):
    return services.remove_child_from_conference(
        conference=conference,
        row=conference.children.get(child=child),
        reason=reason,
        acting_user=kw.pop("acting_user", staff.coordinator),
        expected_version=current_version(conference),
    )


def test_a_child_added_by_mistake_is_taken_off_and_waits_to_be_booked_again(
    staff, siblings, conference
):
    add(staff, conference, younger(siblings))
    take_off(staff, conference, siblings.children[1])
    assert [r.child for r in conference.children.all()] == siblings.children[:1]
    gone = ConferenceChild.history.filter(conference_id=conference.pk, history_type="-").get()
    assert gone.history_change_reason == "Added by mistake."
    assert gone.history_user == staff.coordinator
    waiting = {s.episode.child for s in queues._s47s_not_booked(staff.coordinator, date.today())}
    assert siblings.children[1] in waiting and siblings.children[0] not in waiting


def test_taking_off_needs_a_reason_a_second_child_and_a_booked_conference(
    staff, siblings, conference
):
    with pytest.raises(ValidationError) as refused:
        take_off(staff, conference, siblings.children[0])
    assert refused.value.message_dict["reason"] == [
        services.ONLY_CHILD_TO_TAKE_OFF.format(child="Wren Brackwater")
    ]
    add(staff, conference, younger(siblings))
    with pytest.raises(ValidationError) as refused:
        take_off(staff, conference, siblings.children[1], reason="  ")
    assert refused.value.message_dict["reason"] == [services.TAKE_OFF_REASON_REQUIRED]
    with pytest.raises(PermissionDenied):
        take_off(staff, conference, siblings.children[1], acting_user=staff.social_worker)
    assert conference.children.count() == 2


def test_everyone_sent_the_invitation_is_told_a_child_was_taken_off(
    staff, siblings, conference, django_capture_on_commit_callbacks
):
    add(staff, conference, younger(siblings))
    services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2024, 6, 20, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        take_off(staff, conference, siblings.children[1])
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "The meeting has changed: a child was taken off." in body
    assert "Alder" not in body and "Wren" in body


def test_the_page_takes_a_child_off_with_the_reason(client, staff, siblings, conference):
    client.force_login(staff.coordinator)
    detail = reverse("conference_detail", args=[conference.public_id])
    url = reverse("conference_remove_child", args=[conference.public_id])
    assert url not in client.get(detail).text  # one child: cancel instead
    assert "cancel the conference instead" in client.get(url, follow=True).text
    add(staff, conference, younger(siblings))
    assert url in client.get(detail).text
    alder = conference.children.get(child=siblings.children[1])
    refused = client.post(url, {"version": current_version(conference), "child": str(alder.pk)})
    assert escape(services.TAKE_OFF_REASON_REQUIRED) in refused.text
    assert conference.children.count() == 2
    response = client.post(
        url,
        {"version": current_version(conference), "child": str(alder.pk), "reason": "Mistake."},
        follow=True,
    )
    assert "Alder Brackwater has been taken off the conference" in response.text
    assert conference.children.count() == 1


def test_a_social_worker_cannot_take_a_child_off(client, staff, siblings, conference):
    add(staff, conference, younger(siblings))
    client.force_login(staff.social_worker)
    url = reverse("conference_remove_child", args=[conference.public_id])
    assert client.get(url).status_code == 403
    row = conference.children.get(child=siblings.children[1])
    assert client.post(url, {"version": 9, "child": row.pk, "reason": "x"}).status_code == 403
    assert conference.children.count() == 2
