"""The conference pages: who may use them, what they record, and how they refuse."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from html import escape

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.journey import conference_views as views
from iro.journey import invitations, services
from iro.journey.checks import DATE_IN_FUTURE, STALE_RECORD, current_version
from iro.journey.conference_forms import (
    DATE_NOT_REAL,
    HELD_NOT_AS_BOOKED,
    TIME_REQUIRED,
    VENUE_OR_LINK,
)
from iro.journey.conference_views import NOT_SCHEDULED_TO_CANCEL
from iro.journey.models import (
    CancellationReason,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Invitation,
    InviteeAttendance,
    InviteeRole,
    Plan,
    Section47,
)
from tests.factories import LeaveFactory, complete_outcome, hold_conference, make_staff
from tests.journey.conference_setup import book_icpc, record_data, sibling_group

pytestmark = [pytest.mark.django_db]


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
    return book_icpc(staff, siblings)


def date_data(name: str, d: date) -> dict[str, str]:
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def conference_urls(conference) -> list[str]:
    row = conference.children.first()
    names = ["conference_detail", "conference_schedule", "conference_chair"]
    names += ["conference_invitations", "conference_attendance", "conference_pre_meetings"]
    names += ["conference_record", "conference_plans"]
    urls = [reverse(n, args=[conference.public_id]) for n in names]
    return [*urls, reverse("conference_pre_meeting", args=[conference.public_id, row.pk])]


# ------------------------------------------------------------------ access


def test_every_conference_page_refuses_a_social_worker_of_another_team(client, staff, conference):
    client.force_login(staff.outsider)
    for url in conference_urls(conference):
        assert client.get(url).status_code == 403, url


def test_a_partnership_officer_sees_no_conference(client, staff, conference):
    client.force_login(staff.partnership)
    assert client.get(reverse("conference_detail", args=[conference.public_id])).status_code == 403


def test_a_conference_with_one_child_out_of_reach_is_refused(client, staff, siblings, conference):
    siblings.children[1].team = staff.other_team
    siblings.children[1].save()
    client.force_login(staff.social_worker)
    assert client.get(reverse("conference_detail", args=[conference.public_id])).status_code == 403


def test_each_action_needs_its_capability(client, staff, siblings, conference):
    child = siblings.children[0]
    client.force_login(staff.social_worker)
    assert client.get(reverse("conference_detail", args=[conference.public_id])).status_code == 200
    assert client.get(reverse("conference_chair", args=[conference.public_id])).status_code == 403
    assert client.get(reverse("conference_record", args=[conference.public_id])).status_code == 403
    url = reverse("conference_new", args=[child.public_id]) + "?kind=initial"
    assert client.get(url).status_code == 403
    client.force_login(staff.iro)
    url = reverse("strategy_discussion_new", args=[child.public_id])
    assert client.get(url).status_code == 403


def test_an_iro_who_is_not_the_chair_cannot_record_the_conference(client, staff, conference):
    client.force_login(staff.other_iro)
    assert client.get(reverse("conference_record", args=[conference.public_id])).status_code == 403
    client.force_login(staff.iro)
    assert client.get(reverse("conference_record", args=[conference.public_id])).status_code == 200


def test_no_page_changes_anything_on_get(client, staff, conference):
    client.force_login(staff.iro_manager)
    before = (
        Conference.history.count(),
        Invitation.history.count(),
        Section47.history.count(),
    )
    for url in conference_urls(conference):
        client.get(url)
    assert client.get(reverse("conference_cancel", args=[conference.public_id])).status_code == 200
    after = (Conference.history.count(), Invitation.history.count(), Section47.history.count())
    assert before == after


def test_viewing_a_conference_is_logged_for_each_child(client, staff, conference, siblings):
    client.force_login(staff.coordinator)
    client.get(reverse("conference_detail", args=[conference.public_id]))
    rows = AccessLogEntry.objects.filter(what="conference_detail")
    logged = set(rows.values_list("child", flat=True))
    assert logged == {c.pk for c in siblings.children}


# ------------------------------------------------------------------ strategy discussion


def test_a_strategy_discussion_for_both_siblings_shows_the_icpc_due_date_at_once(client, staff):
    siblings = sibling_group(staff, surname="Dunmere", names=("Ione", "Jory"), enquiry=False)
    child = siblings.children[0]
    client.force_login(staff.social_worker)
    response = client.post(
        reverse("strategy_discussion_new", args=[child.public_id]),
        {
            **date_data("held_on", date(2024, 6, 19)),
            "start_section47": "yes",
            "also_for": [str(siblings.children[1].public_id)],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("child_protection", args=[child.public_id])
    # 15 working days from Wednesday 19 June 2024.
    assert "the initial child protection conference is due by 10 July 2024" in (
        response.content.decode()
    )
    for c in siblings.children:
        assert Section47.objects.filter(episode__child=c, start_date=date(2024, 6, 19)).exists()


def test_a_child_with_no_open_episode_is_asked_for_the_referral_in_the_open(client, staff):
    from iro.children.services import create_child

    child = create_child(
        acting_user=staff.coordinator, la_child_id="NEW1", first_name="Ione",
        last_name="Dunmere", date_of_birth=date(2018, 4, 2), team=staff.team,
    )  # fmt: skip
    url = reverse("strategy_discussion_new", args=[child.public_id])
    client.force_login(staff.social_worker)
    page = client.get(url).content.decode()
    assert '<details class="govuk-details" id="referral-details" open>' in page
    assert "Ione Dunmere has no open Child in Need episode" in page

    page = client.post(
        url, {**date_data("held_on", date(2024, 6, 19)), "start_section47": "yes"}
    ).content.decode()
    assert '<a href="#id_referral_date_day">' in page  # the error summary's link ...
    assert '<details class="govuk-details" id="referral-details" open>' in page  # ... is seen


def test_with_an_open_episode_the_referral_stays_folded_away(client, staff, siblings):
    client.force_login(staff.social_worker)
    url = reverse("strategy_discussion_new", args=[siblings.children[0].public_id])
    page = client.get(url).content.decode()
    assert '<details class="govuk-details" id="referral-details">' in page
    assert "No open Child in Need episode?" in page


def test_a_strategy_discussion_date_that_is_not_real_gets_a_field_error(client, staff, siblings):
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("strategy_discussion_new", args=[siblings.children[0].public_id]),
        {"held_on_day": "31", "held_on_month": "2", "held_on_year": "2024"},
    )
    page = response.content.decode()
    message = DATE_NOT_REAL.format(What="The date of the strategy discussion")
    assert '<a href="#id_held_on_day">' + message in page
    assert 'class="govuk-error-message"' in page
    assert "<title>Error: " in page
    assert "Select whether a Section 47 enquiry was started." in page


def test_an_empty_strategy_discussion_says_the_missing_referral_date_at_once(client, staff):
    from iro.children.services import create_child

    newcomer = create_child(
        acting_user=staff.coordinator, la_child_id="NEW3", first_name="Alicja",
        last_name="Coldridge", date_of_birth=date(2019, 3, 4), team=staff.team,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.post(reverse("strategy_discussion_new", args=[newcomer.public_id]), {}).text
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "Enter the date of the strategy discussion." in summary
    assert "Select whether a Section 47 enquiry was started." in summary
    assert "Alicja Coldridge has no open Child in Need episode" in summary


def test_a_two_digit_year_is_asked_for_in_four_numbers_not_called_unreal(client, staff, siblings):
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("strategy_discussion_new", args=[siblings.children[0].public_id]),
        {"held_on_day": "3", "held_on_month": "6", "held_on_year": "24"},
    )
    page = response.content.decode()
    assert (
        "The date of the strategy discussion must have a year of 4 numbers, "
        "for example 2024, not 24."
    ) in page
    assert DATE_NOT_REAL.format(What="The date of the strategy discussion") not in page
    assert not Section47.objects.filter(start_date__year__lt=2000).exists()


def test_a_strategy_discussion_in_the_future_is_refused_on_its_field(client, staff, siblings):
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("strategy_discussion_new", args=[siblings.children[0].public_id]),
        {**date_data("held_on", date(2024, 6, 21)), "start_section47": "yes"},
    )
    # Said of the date it is about: the form has two dates (the referral's too).
    assert (
        '<a href="#id_held_on_day">The date of the strategy discussion cannot be in the '
        "future.</a>" in response.content.decode()
    )


def test_a_future_date_is_said_with_a_siblings_missing_referral_in_one_go(client, staff, siblings):
    from iro.children.services import create_child

    newcomer = create_child(
        acting_user=staff.coordinator, la_child_id="NEW2", first_name="Kit",
        last_name="Brackwater", date_of_birth=date(2019, 4, 2), team=staff.team,
        family=siblings.children[0].family,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.post(
        reverse("strategy_discussion_new", args=[siblings.children[0].public_id]),
        {
            **date_data("held_on", date(2024, 6, 21)),
            "start_section47": "yes",
            "also_for": [str(newcomer.public_id)],
        },
    ).content.decode()
    assert "The date of the strategy discussion cannot be in the future.</a>" in page
    assert '<a href="#id_referral_date_day">' in page
    assert not Section47.objects.filter(start_date=date(2024, 6, 21)).exists()


def test_requesting_the_icpc_shows_its_due_date(client, staff, siblings):
    s47 = siblings.section47s[0]
    protection = reverse("child_protection", args=[siblings.children[0].public_id])
    # Before the request, the IRO service manager is told whose step it is.
    client.force_login(staff.iro_manager)
    assert "Waiting for the social worker to request it" in client.get(protection).text
    client.force_login(staff.coordinator)
    url = reverse("section47_icpc", args=[siblings.children[0].public_id, s47.pk])
    assert "Monday 1 July 2024" in client.get(url).content.decode()
    client.post(url, {"decision": "request", **date_data("requested_on", date(2024, 6, 20))})
    s47.refresh_from_db()
    assert s47.icpc_requested_on == date(2024, 6, 20)
    # The next step, for whoever looks: the coordinator books it; others see it waits.
    assert "Book the initial conference" in client.get(protection).text
    client.force_login(staff.social_worker)
    assert "Waiting for the conference coordinators to book it" in client.get(protection).text


def test_the_icpc_request_starts_dated_today(client, staff, siblings):
    s47 = siblings.section47s[0]
    client.force_login(staff.coordinator)
    url = reverse("section47_icpc", args=[siblings.children[0].public_id, s47.pk])
    page = client.get(url).content.decode()  # on 20 June 2024
    for part, value in (("day", "20"), ("month", "6"), ("year", "2024")):
        assert re.search(rf'id="id_requested_on_{part}"[^>]*value="{value}"', page), part


def test_requesting_the_icpc_asks_for_the_brothers_and_sisters_too(client, staff, siblings):
    wren, _alder = siblings.children
    wren_s47, alder_s47 = siblings.section47s
    client.force_login(staff.coordinator)
    url = reverse("section47_icpc", args=[wren.public_id, wren_s47.pk])
    page = client.get(url).content.decode()
    assert "Request it for their brothers and sisters too" in page
    assert re.search(rf'name="siblings" type="checkbox" value="{alder_s47.pk}"[^>]*checked', page)
    response = client.post(
        url,
        {
            "decision": "request",
            "siblings": [str(alder_s47.pk)],
            **date_data("requested_on", date(2024, 6, 20)),
        },
        follow=True,
    )
    assert (
        "Initial child protection conference requested for Wren Brackwater and Alder "
        "Brackwater: due by 1 July 2024." in response.content.decode()
    )
    for s47 in (wren_s47, alder_s47):
        s47.refresh_from_db()
        assert s47.icpc_requested_on == date(2024, 6, 20)
    # Once requested, Alder is no longer offered on Wren's page.
    assert "Request it for their brothers and sisters too" not in client.get(url).content.decode()


def test_a_request_for_a_sibling_ruled_out_since_requests_it_for_no_one(client, staff, siblings):
    wren, _alder = siblings.children
    wren_s47, alder_s47 = siblings.section47s
    client.force_login(staff.coordinator)
    url = reverse("section47_icpc", args=[wren.public_id, wren_s47.pk])
    assert str(alder_s47.pk) in client.get(url).content.decode()
    # Someone else records that Alder's enquiry needs no conference; this page is old.
    services.record_icpc_not_required(section47=alder_s47, acting_user=staff.social_worker)
    response = client.post(
        url,
        {
            "decision": "request",
            "siblings": [str(alder_s47.pk)],
            **date_data("requested_on", date(2024, 6, 20)),
        },
    )
    assert response.status_code == 200
    assert "A brother or sister ticked no longer waits" in response.content.decode()
    wren_s47.refresh_from_db()
    assert wren_s47.icpc_requested_on is None


def test_recording_that_no_icpc_is_needed(client, staff, siblings):
    s47 = siblings.section47s[1]
    client.force_login(staff.social_worker)
    client.post(
        reverse("section47_icpc", args=[siblings.children[1].public_id, s47.pk]),
        {"decision": "not_required"},
    )
    s47.refresh_from_db()
    assert s47.icpc_not_required


def test_a_requested_conference_found_not_needed_asks_why_and_tells_the_coordinators(
    client, staff, siblings
):
    from django.core import mail

    from iro.notices.models import Notice

    s47 = siblings.section47s[1]
    services.request_icpc(
        section47=s47, requested_on=date(2024, 6, 18), acting_user=staff.social_worker
    )
    url = reverse("section47_icpc", args=[siblings.children[1].public_id, s47.pk])
    client.force_login(staff.social_worker)
    assert 'name="reason"' in client.get(url).text

    refused = client.post(url, {"decision": "not_required"})
    assert "Say why no conference is needed now: one was requested on 18 June 2024" in (
        refused.text
    )
    s47.refresh_from_db()
    assert not s47.icpc_not_required
    assert not Notice.objects.exists()

    why = "The assessment found the risk was not significant."
    client.post(url, {"decision": "not_required", "reason": why})

    s47.refresh_from_db()
    assert s47.icpc_not_required
    assert s47.history.first().history_change_reason == why
    (notice,) = Notice.objects.all()
    assert notice.recipient == staff.coordinator
    assert notice.subject == "An initial conference requested on 18 Jun 2024 is no longer needed"
    assert siblings.children[1].first_name not in notice.subject
    assert staff.coordinator.email in [m.to[0] for m in mail.outbox]


# ------------------------------------------------------------------ booking, chair


def test_booking_a_sibling_icpc_with_the_proposed_chair(client, staff, siblings):
    child = siblings.children[0]
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + "?kind=initial"
    page = client.get(url).content.decode()
    assert "Wren Brackwater: due by 1 July 2024" in page
    assert "0 children on a plan, 0 conferences booked" in page
    response = client.post(
        url,
        {
            "children": [str(c.public_id) for c in siblings.children],
            **date_data("scheduled_date", date(2024, 6, 28)),
            "scheduled_time": "10:00",
            "venue": "Northmoor Civic Centre, Room 2",
            "chair": str(staff.iro.pk),
        },
    )
    conference = Conference.objects.get()
    assert response.url == reverse("conference_detail", args=[conference.public_id])
    assert conference.chair == staff.iro
    assert conference.children.count() == 2


def test_a_booking_starts_with_the_siblings_due_the_same_day_ticked(client, staff, siblings):
    wren, alder = siblings.children
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[wren.public_id]) + "?kind=initial"
    page = client.get(url).content.decode()
    ticked = re.findall(r'name="children" type="checkbox" value="([^"]+)"[^>]*checked', page)
    assert sorted(ticked) == sorted(str(c.public_id) for c in (wren, alder))
    assert "Those due on the same day are ticked: untick anyone whose conference" in page
    # Alder's enquiry started a week later: due another day, so left for the coordinator.
    alder_s47 = siblings.section47s[1]
    alder_s47.start_date = date(2024, 6, 17)
    alder_s47.save(update_fields=["start_date"])
    page = client.get(url).content.decode()
    ticked = re.findall(r'name="children" type="checkbox" value="([^"]+)"[^>]*checked', page)
    assert ticked == [str(wren.public_id)]


def test_booking_without_a_place_a_date_or_a_time_gets_field_errors(client, staff, siblings):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[siblings.children[0].public_id]) + "?kind=initial"
    page = client.post(url, {"children": [str(siblings.children[0].public_id)]}).content.decode()
    assert f'<a href="#id_venue">{VENUE_OR_LINK}</a>' in page
    assert '<a href="#id_scheduled_date_day">Enter the date of the conference.</a>' in page
    # The letters and the chair's diary need it.
    assert f'<a href="#id_scheduled_time">{TIME_REQUIRED}</a>' in page
    assert not Conference.objects.exists()


def test_a_chair_who_manages_the_childrens_team_is_refused_with_the_reason(client, staff, siblings):
    staff.team.manager = staff.iro_manager
    staff.team.save()
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[siblings.children[0].public_id]) + "?kind=initial"
    page = client.post(
        url,
        {
            "children": [str(siblings.children[0].public_id)],
            **date_data("scheduled_date", date(2024, 6, 28)),
            "scheduled_time": "10:00",
            "venue": "Room 2",
            "chair": str(staff.iro_manager.pk),
        },
    ).content.decode()
    reason = services.CHAIR_NOT_INDEPENDENT_TEAM.format(
        chair=staff.iro_manager, team=staff.team, child=siblings.children[0]
    )
    assert f'<a href="#id_chair">{reason.replace(chr(39), "&#x27;")}</a>' in page
    assert not Conference.objects.exists()


def test_allocating_a_chair_from_a_stale_page_is_refused_and_keeps_the_choice(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    url = reverse("conference_chair", args=[conference.public_id])
    stale = conference.version
    services.reschedule_conference(
        conference=conference,
        scheduled_date=date(2024, 6, 27),
        venue="Room 3",
        acting_user=staff.iro_manager,
        expected_version=stale,
    )
    page = client.post(url, {"chair": str(staff.other_iro.pk), "version": stale}).content.decode()
    assert STALE_RECORD.replace("'", "&#x27;") in page
    assert f'value="{staff.other_iro.pk}" checked' in page
    assert 'id="stale-record"' in page
    conference.refresh_from_db()
    assert conference.chair == staff.iro
    # Having read the other change, a second save goes through.
    client.post(url, {"chair": str(staff.other_iro.pk), "version": conference.version})
    conference.refresh_from_db()
    assert conference.chair == staff.other_iro


def test_the_chair_page_says_when_the_conference_is_booked_and_due(client, staff, conference):
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_chair", args=[conference.public_id])).content.decode()
    assert (
        "Booked for Friday 28 June 2024 at 10:00. Due by 1 July 2024 "
        "(the earliest of the children's due dates)."
    ) in page


def test_the_chair_page_says_why_a_chair_cannot_be_there_at_the_time_booked(
    client, staff, conference
):
    LeaveFactory(user=staff.other_iro, start_date=date(2024, 6, 28), end_date=date(2024, 7, 1))
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_chair", args=[conference.public_id])).content.decode()
    assert "Busy</strong> On leave that day" in page
    assert "Busy then: on leave that day." in page
    assert "Free at the time booked." in page  # Ivy, the chair booked


def _chair_page(client, user, conference) -> str:
    client.force_login(user)
    return client.get(reverse("conference_chair", args=[conference.public_id])).content.decode()


def test_the_chair_page_of_a_chair_on_leave_says_so_and_asks_to_change_them(
    client, staff, conference
):
    LeaveFactory(user=staff.iro, start_date=date(2024, 6, 27), end_date=date(2024, 6, 28))
    page = _chair_page(client, staff.coordinator, conference)
    assert '<h1 class="govuk-heading-xl">Change the chair</h1>' in page
    assert (
        f'<p class="govuk-body" id="booked-chair">{escape(str(staff.iro))} is booked to chair '
        "it, and cannot then: on leave that day.</p>"
    ) in page


def test_the_chair_page_names_the_chair_booked_who_can_still_come(client, staff, conference):
    page = _chair_page(client, staff.coordinator, conference)
    assert "<title>Change the chair:" in page
    assert f"{escape(str(staff.iro))} is booked to chair it.</p>" in page
    assert 'data-module="govuk-button">Change the chair</button>' in page


def test_the_chair_page_says_when_the_chair_booked_no_longer_chairs(client, staff, conference):
    staff.iro.is_active = False
    staff.iro.save()
    page = _chair_page(client, staff.coordinator, conference)
    assert f"{escape(str(staff.iro))} is booked to chair it, and no longer chairs conferences." in (
        page
    )


def test_the_chair_page_of_a_conference_with_no_chair_asks_to_allocate_one(
    client, staff, conference
):
    Conference.objects.filter(pk=conference.pk).update(chair=None)
    page = _chair_page(client, staff.coordinator, conference)
    assert '<h1 class="govuk-heading-xl">Allocate a chair</h1>' in page
    assert 'id="booked-chair"' not in page
    assert 'data-module="govuk-button">Allocate the chair</button>' in page


# ------------------------------------------------------------------ invitations


def test_a_conference_nobody_is_invited_to_yet_shows_inviting_as_the_next_step(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    detail = reverse("conference_detail", args=[conference.public_id])
    invite = reverse("conference_invitations", args=[conference.public_id])
    assert f'id="invite-next" href="{invite}"' in client.get(detail).content.decode()
    client.post(
        invite, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"}
    )
    # Listed but not sent: still the next step.
    assert 'id="invite-next"' in client.get(detail).content.decode()
    client.post(reverse("conference_invitations_send", args=[conference.public_id]))
    assert 'id="invite-next"' not in client.get(detail).content.decode()


def test_a_social_worker_is_not_shown_inviting_as_their_next_step(client, staff, conference):
    client.force_login(staff.social_worker)
    page = client.get(reverse("conference_detail", args=[conference.public_id])).content.decode()
    assert 'id="invite-next"' not in page


def test_invitations_are_added_emailed_and_printed(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(
        url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT, "address": "4 Mill Lane"}
    )
    client.post(url, {"name": "Rowan Brackwater", "role": InviteeRole.PARENT})
    response = client.post(
        reverse("conference_invitations_send", args=[conference.public_id]), follow=True
    )
    assert (
        "Invitations to 1 person queued to email. Print and post the letter to: Moss Brackwater."
        " No email or postal address is recorded for Rowan Brackwater: add one, or give them"
        " the letter another way."
    ) in response.content.decode()
    assert len(mail.outbox) == 1
    moss = Invitation.objects.get(name="Moss Brackwater")
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    )
    assert "We would like you to come to a child protection conference about Wren and Alder" in (
        letter.content.decode()
    )
    assert AccessLogEntry.objects.filter(what="conference invitation letter").exists()


def test_a_professional_is_told_the_childrens_full_names_a_parent_their_first_names(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Dr Ada Finch", "role": InviteeRole.HEALTH, "email": "ada@x.org"})
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(reverse("conference_invitations_send", args=[conference.public_id]))
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "for Wren Brackwater and Alder Brackwater." in bodies["ada@x.org"]
    assert "about Wren and Alder." in bodies["h@x.org"]


def test_the_letter_and_the_email_give_a_number_to_call(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT})
    client.post(reverse("conference_invitations_send", args=[conference.public_id]))
    phone = settings.IRO_SERVICE_PHONE
    assert phone == "01632 960 000"  # outside production: a number kept for drama
    assert f"If you have any questions, call us on {phone}, reply to this email" in (
        mail.outbox[0].body
    )
    moss = Invitation.objects.get(name="Moss Brackwater")
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    ).content.decode()
    assert f'<span lang="en-GB" dir="ltr">{phone}</span>' in letter  # under the service
    assert (
        f'If you have any questions, please call us on <bdi dir="ltr">{phone}</bdi> or write '
        f'to us at <bdi dir="ltr">{settings.DEFAULT_FROM_EMAIL}</bdi>.' in letter
    )


@override_settings(IRO_SERVICE_PHONE="")
def test_without_a_number_the_letter_gives_the_email_address_alone(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT})
    moss = Invitation.objects.get(name="Moss Brackwater")
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    ).content.decode()
    assert f'please contact us at <bdi dir="ltr">{settings.DEFAULT_FROM_EMAIL}</bdi>.' in letter
    assert "call us" not in letter and "01632" not in letter


def invitation_rows(page: str) -> dict[str, str]:
    """Each row of the invitations table, by the invitee's name (its first cell)."""
    table = page.split('id="invitations"', 1)[1].split("</table>", 1)[0]
    rows = table.split('<tr class="govuk-table__row">')[2:]  # after the header row
    return {row.split(">", 1)[1].split("<", 1)[0]: row for row in rows}


def test_a_parent_with_no_email_address_is_shown_invited_by_letter_not_none(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(
        url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT, "address": "4 Mill Lane"}
    )
    client.post(url, {"name": "Rue Brackwater", "role": InviteeRole.PARENT})
    rows = invitation_rows(client.get(url).content.decode())
    assert '<td class="govuk-table__cell">h@x.org</td>' in rows["Hazel Brackwater"]
    assert (
        '<td class="govuk-table__cell">No email address recorded: invited by letter</td>'
        in rows["Moss Brackwater"]
    )
    assert (
        '<td class="govuk-table__cell">No email or postal address recorded</td>'
        in rows["Rue Brackwater"]
    )
    assert not any(">None<" in row for row in rows.values())


def test_once_a_letter_is_recorded_as_posted_the_page_says_so_and_offers_it_no_more(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(
        url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT, "address": "2 Quay Lane"}
    )
    moss = Invitation.objects.get(name="Moss Brackwater")
    posted = reverse("conference_invitation_posted", args=[conference.public_id, moss.pk])
    before = invitation_rows(client.get(url).content.decode())["Moss Brackwater"]
    assert "Record as posted" in before

    page = client.post(posted, follow=True).content.decode()

    assert "Recorded: the letter to Moss Brackwater was posted." in page
    row = invitation_rows(page)["Moss Brackwater"]
    assert '<td class="govuk-table__cell">Letter posted 20 Jun 2024 by Cora Dunmere</td>' in row
    assert "Record as posted" not in row
    # A second click (an old tab, a double submit) is refused, and says why.
    again = client.post(posted, follow=True).content.decode()
    assert "The letter to Moss Brackwater is already recorded as posted, on 20 Jun 2024." in again
    assert moss.history.count() == 2


def test_a_parent_with_no_email_or_address_is_not_offered_as_posted(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT})
    row = invitation_rows(client.get(url).content.decode())["Moss Brackwater"]
    assert "No email or postal address recorded" in row
    assert "No email or address: add one to invite them" in row
    assert "Record as posted" not in row


def test_the_invitations_page_says_how_soon_the_conference_is(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    assert (
        '<p class="govuk-body" id="conference-when">The conference is on Friday 28 June 2024 '
        "at 10:00am: in 8 days.</p>"
    ) in client.get(url).content.decode()
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.coordinator)  # a new day, a new session
        assert ": today.</p>" in client.get(url).content.decode()


def test_an_invitee_without_a_name_gets_field_errors(client, staff, conference):
    client.force_login(staff.coordinator)
    page = client.post(
        reverse("conference_invitations", args=[conference.public_id]),
        {"name": "", "role": "", "email": "not-an-address"},
    ).content.decode()
    assert "Enter an email address like name@example.org." in page
    assert not Invitation.objects.exists()


# ------------------------------------------------------------------ recording


def outcome_data(conference, decision=Decision.PLAN, category="NEG", **extra) -> dict:
    """Each child's record, complete as ``services.record_errors`` asks."""
    data = {}
    for row in conference.children.all():
        prefix = f"child{row.pk}-"
        data |= {prefix + "decision": decision, prefix + "category": category}
        data |= record_data(row.pk, core_group_on=date(2024, 7, 5))
        data |= {prefix + k: v for k, v in extra.items()}
    return data


def test_recording_the_icpc_starts_a_plan_for_each_child(client, staff, siblings, conference):
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        response = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2024, 6, 28)),
                "version": conference.version,
                **outcome_data(conference, attendance="in_person", scaling_score="4"),
            },
        )
    assert response.status_code == 302
    assert Plan.objects.filter(child__in=siblings.children, start_date=date(2024, 6, 28)).count()
    assert Plan.objects.count() == 2
    assert set(conference.children.values_list("scaling_score", flat=True)) == {4}


def test_a_first_core_group_recorded_for_after_it_is_due_is_said_when_saved(
    client, staff, siblings, conference
):
    """Due 10 working days after 28 June 2024: 12 July. The plan page said so later."""
    data = outcome_data(conference, attendance="in_person")
    for row in conference.children.all():
        data |= date_data(f"child{row.pk}-first_core_group_on", date(2024, 7, 16))
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        response = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {**date_data("held_on", date(2024, 6, 28)), "version": conference.version, **data},
            follow=True,
        )
    assert (
        "The first core group meeting (16 July 2024) is after it is due, by 12 July 2024: "
        "bring it forward if you can."
    ) in response.content.decode()


def test_the_recorded_conference_says_when_the_next_review_is_due_and_the_child_came(
    client, staff, siblings, conference
):
    wren = siblings.children[0]
    invitation = services.add_invitee(
        conference=conference,
        name=wren.first_name,
        role=InviteeRole.CHILD,
        acting_user=staff.coordinator,
    )
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        response = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2024, 6, 28)),
                "version": conference.version,
                **outcome_data(conference, attendance="in_person", scaling_score="4"),
            },
            follow=True,
        )
    assert "The next review is due by 28 September 2024: it is not booked yet." in response.text
    invitation.refresh_from_db()
    assert invitation.attendance == InviteeAttendance.ATTENDED  # as the record says


def test_a_conference_still_ahead_is_not_offered_its_booked_day_as_held(client, staff, conference):
    url = reverse("conference_record", args=[conference.public_id])
    with time_machine.travel(conference.scheduled_date, tick=False):
        client.force_login(staff.iro)
        on_the_day = client.get(url).content.decode()
    with time_machine.travel(date(2024, 6, 20), tick=False):
        client.force_login(staff.iro)
        before = client.get(url).content.decode()
        # A date in the future is said with the other errors, not on a second try.
        page = client.post(
            url, {**date_data("held_on", date(2024, 6, 28)), "version": conference.version}
        ).content.decode()
    day = f'value="{conference.scheduled_date.day}"'
    assert day in on_the_day.split('id="id_held_on_day"')[1][:80]
    assert 'value=""' in before.split('id="id_held_on_day"')[1][:80]
    assert f'<a href="#id_held_on_day">{DATE_IN_FUTURE}</a>' in page


def test_a_late_conference_needs_a_reason_shown_against_its_field(client, staff, conference):
    with time_machine.travel(date(2024, 7, 3), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2024, 7, 2)),
                "version": conference.version,
                **outcome_data(conference),
            },
        ).content.decode()
    message = services.LATENESS_REASON_REQUIRED.format(due=date(2024, 7, 1))
    assert f'<a href="#id_lateness_reason">{message}</a>' in page
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


def test_a_date_held_other_than_the_day_booked_is_taken_once_confirmed(client, staff, conference):
    # Booked for Friday 28 June 2024; a slip of the day box gives Saturday 22 June.
    url = reverse("conference_record", args=[conference.public_id])
    slip = {
        **date_data("held_on", date(2024, 6, 22)),
        "version": conference.version,
        **outcome_data(conference),
    }
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        page = client.post(url, slip).content.decode()
        message = HELD_NOT_AS_BOOKED.format(
            booked="Friday 28 June 2024", held="Saturday 22 June 2024", day=", a Saturday"
        )
        assert f'<a href="#id_confirm_held_on">{message}</a>' in page
        assert 'name="confirmed_held_on" value="2024-06-22"' in page
        assert Conference.objects.get().status == ConferenceStatus.SCHEDULED
        # A tick given for another date does not count.
        page = client.post(
            url, slip | {"confirm_held_on": "on", "confirmed_held_on": "2024-06-21"}
        ).content.decode()
        assert Conference.objects.get().status == ConferenceStatus.SCHEDULED
        # The day booked needs nothing; the other day, confirmed for it, is taken.
        response = client.post(
            url, slip | {"confirm_held_on": "on", "confirmed_held_on": "2024-06-22"}
        )
    assert response.status_code == 302
    assert Conference.objects.get().held_on == date(2024, 6, 22)


def test_a_date_held_years_out_is_refused_once_and_not_offered_to_confirm(
    client, staff, siblings, conference
):
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2000, 1, 3)),
                "version": conference.version,
                **outcome_data(conference),
            },
        ).content.decode()
    assert "check the year." in page
    assert 'href="#id_confirm_held_on"' not in page  # nothing to confirm: the date is wrong
    assert 'name="confirm_held_on"' not in page
    assert page.count('href="#id_held_on_day"') == 1  # one message for the date
    assert Conference.objects.get(pk=conference.pk).status == ConferenceStatus.SCHEDULED


def test_a_date_held_years_out_is_not_offered_to_confirm_with_the_rest_left_blank(
    client, staff, siblings, conference
):
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {**date_data("held_on", date(2000, 1, 3)), "version": conference.version},
        ).text
    assert "check the year." in page
    assert 'name="confirm_held_on"' not in page


def test_the_date_confirmation_comes_with_everything_else_the_record_lacks(
    client, staff, conference
):
    with time_machine.travel(date(2024, 7, 3), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2024, 7, 2)),
                "version": conference.version,
                **outcome_data(conference),
            },
        ).content.decode()
    assert 'href="#id_confirm_held_on"' in page
    late = services.LATENESS_REASON_REQUIRED.format(due=date(2024, 7, 1))
    assert f'<a href="#id_lateness_reason">{late}</a>' in page


def test_a_plan_decision_without_a_category_is_refused_for_that_child(
    client, staff, siblings, conference
):
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_record", args=[conference.public_id]),
            {
                **date_data("held_on", date(2024, 6, 28)),
                "version": conference.version,
                **outcome_data(conference, category="", scaling_score="11"),
            },
        ).content.decode()
    row = conference.children.get(child=siblings.children[0])
    assert f'href="#id_child{row.pk}-scaling_score">The scaling judgement' in page
    assert not Plan.objects.exists()


def test_checking_the_wording_saves_nothing_and_lists_the_jargon(client, staff, conference):
    client.force_login(staff.iro)
    row = conference.children.first()
    page = client.post(
        reverse("conference_record", args=[conference.public_id]),
        {
            **date_data("held_on", date(2024, 6, 20)),
            "version": conference.version,
            f"child{row.pk}-worries": "The S47 found significant harm.",
            "check_wording": "1",
        },
    ).content.decode()
    assert "“S47”: try" in page
    assert "“significant harm”: try “serious harm”" in page
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


def test_a_manager_agrees_a_late_conference(client, staff, conference):
    with time_machine.travel(date(2024, 7, 3), tick=False):
        services.record_conference_held(
            conference=conference,
            held_on=date(2024, 7, 2),
            outcomes={
                r.child_id: complete_outcome(
                    Decision.PLAN, category="NEG", held_on=date(2024, 7, 2)
                )
                for r in conference.children.all()
            },
            lateness_reason="interpreter",
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
        client.force_login(staff.iro)
        url = reverse("conference_agree_late", args=[conference.public_id])
        assert client.post(url, agreed_on(date(2024, 7, 3))).status_code == 403
        client.force_login(staff.iro_manager)
        client.post(url, agreed_on(date(2024, 7, 3)))
    conference.refresh_from_db()
    assert conference.late_decided_by == staff.iro_manager
    assert conference.late_decision == "agreed"


def agreed_on(d: date) -> dict[str, str]:
    """The late conference form's data: agreed, on ``d``."""
    return {**date_data("decided_on", d), "decision": "agreed"}


def held_late(staff, conference) -> None:
    services.record_conference_held(
        conference=conference,
        held_on=date(2024, 7, 2),
        outcomes={
            r.child_id: complete_outcome(Decision.PLAN, category="NEG", held_on=date(2024, 7, 2))
            for r in conference.children.all()
        },
        lateness_reason="interpreter",
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )


def test_a_manager_who_agrees_a_late_conference_is_led_back_to_the_others(
    client, staff, conference
):
    siblings = sibling_group(staff, surname="Coldharbour", names=("Brin", "Cato"))
    other = book_icpc(staff, siblings, at=time(14, 0))
    with time_machine.travel(date(2024, 7, 3), tick=False):
        held_late(staff, conference)
        held_late(staff, other)
        client.force_login(staff.iro_manager)
        url = reverse("conference_agree_late", args=[conference.public_id])
        page = client.post(url, agreed_on(date(2024, 7, 3)), follow=True)
        html = page.content.decode()
        assert "You have agreed the late conference." in html
        assert (
            f'<a class="govuk-link" href="{reverse("service_work")}#late-to-agree">'
            "1 other late conference waiting for your decision</a>"
        ) in html
        # The senior manager may agree too, but has no service work page to go back to.
        client.force_login(staff.senior_manager)
        detail = client.get(reverse("conference_detail", args=[other.public_id]))
        assert 'id="late-waiting"' not in detail.content.decode()


def test_changing_the_chair_says_who_is_sent_the_update_and_which_letters_to_post_again(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(
        url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT, "address": "4 Fen Lane"}
    )
    client.post(reverse("conference_invitations_send", args=[conference.public_id]))
    moss = Invitation.objects.get(name="Moss Brackwater")
    invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
    conference.refresh_from_db()
    response = client.post(
        reverse("conference_chair", args=[conference.public_id]),
        {"chair": str(staff.other_iro.pk), "version": conference.version},
        follow=True,
    )
    assert (
        "Otto Fallowfield will chair the conference. An update to 1 person was queued to "
        "email. The letter already posted must be posted again: see Invitations to post."
    ) in response.content.decode()


def test_the_pre_meeting_form_says_everything_wrong_at_once(client, staff, conference):
    row = conference.children.order_by("pk").first()
    with time_machine.travel(date(2024, 6, 25), tick=False):
        client.force_login(staff.iro)
        page = client.post(
            reverse("conference_pre_meeting", args=[conference.public_id, row.pk]),
            {
                **{
                    "child_met_on_day": "31",
                    "child_met_on_month": "11",
                    "child_met_on_year": "2024",
                },
                "advocate_involved": "on",
                "interpreter_needed": "on",
                "version": "0",
            },
        ).content.decode()
    assert 'href="#id_child_met_on' in page  # the date that is no date
    assert services.ADVOCATE_ORGANISATION_REQUIRED.replace("'", "&#x27;") in page
    assert services.INTERPRETER_LANGUAGE_REQUIRED.replace("'", "&#x27;") in page


def test_cancelling_names_those_posted_a_letter_to_post_a_cancellation(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_invitations", args=[conference.public_id])
    client.post(url, {"name": "Hazel Brackwater", "role": InviteeRole.PARENT, "email": "h@x.org"})
    client.post(
        url, {"name": "Moss Brackwater", "role": InviteeRole.PARENT, "address": "4 Fen Lane"}
    )
    client.post(reverse("conference_invitations_send", args=[conference.public_id]))
    moss = Invitation.objects.get(name="Moss Brackwater")
    invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
    conference.refresh_from_db()
    url = reverse("conference_cancel", args=[conference.public_id])
    asked = client.get(url).content.decode()
    assert "1 person was sent an invitation by email" in asked
    assert "Posted a letter: Moss Brackwater. Once it is cancelled, the invitations page" in asked
    response = client.post(
        url,
        {"version": conference.version, "reason": CancellationReason.MOVED_AWAY},
        follow=True,
    )
    assert (
        "The conference has been cancelled. A cancellation to 1 person was queued to email. "
        "Moss Brackwater was posted a letter inviting them: print and post the cancellation "
        "letter from Invitations."
    ) in response.content.decode()


def test_a_move_the_chair_cannot_make_offers_who_can_chair_then(client, staff, conference):
    book_icpc(staff, sibling_group(staff, surname="Dunmere"), on=date(2024, 7, 1), at=time(10))
    client.force_login(staff.coordinator)
    url = reverse("conference_schedule", args=[conference.public_id])
    move = {
        "version": conference.version,
        **date_data("scheduled_date", date(2024, 7, 1)),
        "scheduled_time": "10:00",
        "venue": "Northmoor Civic Centre, Room 3",
    }
    page = client.post(url, move).content.decode()
    assert f"{staff.iro} is already chairing" in page
    assert "Who will chair at the new time" in page
    assert f'value="{staff.other_iro.pk}"' in page
    assert "Free at the new time" in page  # the other IRO's hint
    response = client.post(url, move | {"chair": str(staff.other_iro.pk)}, follow=True)
    assert "The conference has been moved." in response.content.decode()
    conference.refresh_from_db()
    assert (conference.scheduled_date, conference.chair) == (date(2024, 7, 1), staff.other_iro)


def test_a_move_to_a_time_gone_today_says_nobody_was_emailed(client, staff, conference):
    services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    conference.refresh_from_db()
    url = reverse("conference_schedule", args=[conference.public_id])
    move = {
        "version": conference.version,
        **date_data("scheduled_date", date(2024, 6, 28)),
        "scheduled_time": "09:30",
        "venue": "Northmoor Civic Centre, Room 2",
        "confirm_booking": "on",
        "confirm_reason": "Held at short notice: the family could come early.",
        "confirmed_date": "2024-06-28",
    }
    with time_machine.travel(datetime(2024, 6, 28, 14, 0, tzinfo=UTC), tick=False):  # 15:00
        client.force_login(staff.coordinator)  # signed in that day
        page = client.post(url, move, follow=True).text
    assert views.TIME_PASSED_NOT_SENT.replace("'", "&#x27;") in page
    assert "was queued to email" not in page
    conference.refresh_from_db()
    assert conference.scheduled_time == time(9, 30)


def test_a_new_place_alone_is_not_called_a_move(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_schedule", args=[conference.public_id])
    same_time = {
        "version": conference.version,
        **date_data("scheduled_date", conference.scheduled_date),
        "scheduled_time": "10:00",
        "duration_minutes": str(conference.duration_minutes),
        "venue": "Moorside Family Centre",
    }
    response = client.post(url, same_time, follow=True)
    page = response.content.decode()
    assert "The conference&#x27;s place has been changed." in page
    assert "has been moved" not in page


def test_a_move_the_chair_can_make_asks_no_chair(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_schedule", args=[conference.public_id])
    page = client.post(
        url,
        {"version": conference.version, **date_data("scheduled_date", date(2024, 7, 1)),
         "scheduled_time": "99:00"},
    ).content.decode()  # fmt: skip
    assert "Who will chair at the new time" not in page


def test_a_conference_is_cancelled_only_with_a_reason_kept_on_its_page(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_cancel", args=[conference.public_id])
    detail = reverse("conference_detail", args=[conference.public_id])
    assert f'href="{url}"' in client.get(detail).content.decode()  # offered from the page

    page = client.post(url, {"version": conference.version}).content.decode()
    assert '<a href="#id_reason">' + services.CANCELLATION_REASON_REQUIRED in page
    other = {"version": conference.version, "reason": CancellationReason.OTHER, "detail": " "}
    page = client.post(url, other).content.decode()
    assert services.CANCELLATION_DETAIL_REQUIRED in page
    assert Conference.objects.get(pk=conference.pk).status == ConferenceStatus.SCHEDULED

    with time_machine.travel(date(2024, 6, 20), tick=False):
        client.post(url, other | {"detail": "The court made an order; the plan is set there."})
    cancelled = Conference.objects.get(pk=conference.pk)
    assert (cancelled.status, cancelled.cancelled_on, cancelled.cancelled_by) == (
        ConferenceStatus.CANCELLED,
        date(2024, 6, 20),
        staff.coordinator,
    )
    page = client.get(detail).content.decode()
    assert (
        f"Cancelled on 20 June 2024 by {staff.coordinator}: "
        "The court made an order; the plan is set there."
    ) in page
    assert f'href="{url}"' not in page  # nothing left to cancel
    assert "In time</strong>" not in page  # never held: neither in time nor late
    again = client.post(url, {"version": cancelled.version, "reason": "mistake"}, follow=True)
    assert NOT_SCHEDULED_TO_CANCEL in again.content.decode()


def test_attendance_is_offered_from_the_conferences_day(client, staff, conference):
    url = reverse("conference_detail", args=[conference.public_id])
    with time_machine.travel(date(2024, 6, 27), tick=False):
        client.force_login(staff.coordinator)
        page = client.get(url).content.decode()
        assert "Change the date, time or place" in page  # the actions are offered
        assert "Record who attended" not in page
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.coordinator)
        assert "Record who attended" in client.get(url).content.decode()


def test_once_held_what_to_do_moves_on_to_the_plans_and_the_minutes(
    client, staff, siblings, conference
):
    services.add_invitee(
        conference=conference, name="PC Rook Ashdown", role=InviteeRole.POLICE,
        acting_user=staff.coordinator,
    )  # fmt: skip
    url = reverse("conference_detail", args=[conference.public_id])
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        assert "Record who attended" in client.get(url).text
        services.record_attendance(
            conference=conference,
            attendance={conference.invitations.get().pk: InviteeAttendance.ATTENDED},
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
        services.record_conference_held(
            conference=conference,
            held_on=date(2024, 6, 28),
            outcomes={
                r.child_id: complete_outcome(
                    Decision.PLAN, category="NEG", held_on=date(2024, 6, 28)
                )
                for r in conference.children.all()
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
        client.force_login(staff.iro)
        page = client.get(url).text
    actions = page.split('id="conference-actions"')[1].split("</ul>")[0]
    assert "Change who attended" in actions
    for row in conference.children.select_related("child", "plan"):
        assert (
            f'href="{reverse("plan_detail", args=[row.plan.public_id])}">Revisit the actions '
            f"of the plan for {row.child.full_name}</a>" in actions
        )
    assert '<a class="govuk-link" href="#minutes-document">The minutes</a>' in actions


def test_the_chair_records_someone_who_came_without_being_on_the_list(client, staff, conference):
    services.add_invitee(
        conference=conference, name="PC Rook Ashdown", role=InviteeRole.POLICE,
        acting_user=staff.coordinator,
    )  # fmt: skip
    rook = conference.invitations.get()
    url = reverse("conference_attendance", args=[conference.public_id])
    came = {
        "version": str(current_version(conference)),
        f"attendance_{rook.pk}": InviteeAttendance.APOLOGIES,
        "attendee_name": "Ivy Brackwater",
        "attendee_role": InviteeRole.PARENT,
        "attendee_attendance": InviteeAttendance.ATTENDED,
    }
    with time_machine.travel(date(2024, 6, 27), tick=False):  # the day before: too early
        client.force_login(staff.iro)
        page = client.post(url, came).text
        assert services.ATTENDANCE_TOO_EARLY in page
        assert conference.invitations.count() == 1
    with time_machine.travel(date(2024, 6, 28), tick=False):
        client.force_login(staff.iro)
        page = client.post(url, came | {"attendee_name": " "}).text
        assert services.ATTENDEE_NAME_REQUIRED in page
        rook.refresh_from_db()
        assert rook.attendance == ""  # nothing half saved
        done = client.post(url, came, follow=True).text
        assert "Attendance recorded. Ivy Brackwater added as attending." in done
        ivy = conference.invitations.get(name="Ivy Brackwater")
        assert (ivy.role, ivy.attendance, ivy.sent_at) == ("parent", "attended", None)
        rook.refresh_from_db()
        assert rook.attendance == InviteeAttendance.APOLOGIES
        client.force_login(staff.outsider)
        assert client.post(url, came).status_code in {403, 404}
    with time_machine.travel(date(2024, 7, 1), tick=False):
        Conference.objects.filter(pk=conference.pk).update(
            status=ConferenceStatus.HELD,
            held_on=date(2024, 6, 28),
            minutes_sent_on=date(2024, 7, 1),
        )
        conference.refresh_from_db()
        # Once the minutes are sent, who came is as they say: no one is added.
        with pytest.raises(ValidationError) as raised:
            services.add_attendee(
                conference=conference, name="Ash Brackwater", role=InviteeRole.PARENT,
                attendance=InviteeAttendance.ATTENDED, acting_user=staff.iro,
            )  # fmt: skip
        assert "The minutes were sent on 1 July 2024" in str(raised.value)
        client.force_login(staff.iro)
        assert "Someone else who came" not in client.get(url).text


def test_a_childs_attendance_recorded_on_their_invitation_starts_the_record_form(
    client, staff, conference
):
    """Who came is asked once: the record form starts from the attendance list."""
    services.add_invitee(
        conference=conference, name="Wren Brackwater", role=InviteeRole.CHILD,
        acting_user=staff.coordinator,
    )  # fmt: skip
    wren = conference.invitations.get(name="Wren Brackwater")
    with time_machine.travel(date(2024, 6, 28), tick=False):
        services.record_attendance(
            conference=conference,
            attendance={wren.pk: InviteeAttendance.VIRTUAL},
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
        client.force_login(staff.iro)
        page = client.get(reverse("conference_record", args=[conference.public_id]))
    row = conference.children.get(child__first_name="Wren")
    other = conference.children.exclude(pk=row.pk).get()
    html = page.content.decode()
    assert re.search(rf'name="child{row.pk}-attendance" type="radio" value="virtual" checked', html)
    assert not re.search(
        rf'name="child{other.pk}-attendance" type="radio" value="[a-z_]+" checked', html
    )


# ------------------------------------------------------- a day gone by, not recorded


def test_a_conference_whose_day_has_gone_by_asks_to_be_recorded_not_invited(
    client, staff, conference
):
    url = reverse("conference_detail", args=[conference.public_id])
    with time_machine.travel(date(2024, 7, 1), tick=False):
        client.force_login(staff.iro)  # its chair
        page = client.get(url).content.decode()
        assert "Booked for Friday 28 June 2024, a day gone by, and not recorded yet." in page
        record = reverse("conference_record", args=[conference.public_id])
        assert f'id="record-next" href="{record}"' in page
        assert "ask a conference coordinator to change the date or cancel it" in page
        client.force_login(staff.coordinator)
        page = client.get(url).content.decode()
        assert f"If it took place, its chair, {staff.iro}, records it; if not" in page
        assert 'id="record-next"' not in page
        assert "Invite the people who should come" not in page  # nobody is invited yet
        invitations_page = client.get(
            reverse("conference_invitations", args=[conference.public_id])
        ).content.decode()
        assert "a day gone by" in invitations_page
        assert "Email the invitations" not in invitations_page


def test_invitations_are_not_sent_for_a_day_gone_by(staff, conference):
    services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    with (
        time_machine.travel(date(2024, 7, 1), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert refused.value.messages == [invitations.DAY_GONE_BY.format(day="28 Jun 2024")]
    assert not mail.outbox


def post_a_letter_to_moss(conference, staff, *, then_move: bool = False) -> Invitation:
    """A parent with no email is posted a letter; ``then_move``: the conference is then
    moved to 1 July, so the letter is out of date."""
    services.add_invitee(
        conference=conference, name="Moss Brackwater", role=InviteeRole.PARENT,
        address="4 Fen Lane", acting_user=staff.coordinator,
    )  # fmt: skip
    moss = Invitation.objects.get(name="Moss Brackwater")
    invitations.record_letter_posted(invitation=moss, acting_user=staff.coordinator)
    if then_move:
        conference.refresh_from_db()
        services.reschedule_conference(
            conference=conference, scheduled_date=date(2024, 7, 1), scheduled_time=time(10),
            venue="Northmoor Civic Centre, Room 2", acting_user=staff.coordinator,
            expected_version=current_version(conference),
        )  # fmt: skip
    return moss


def test_a_letter_to_post_again_is_the_coordinators_step_not_the_social_workers(
    client, staff, conference
):
    """The social worker reads the conference page but does not post letters: they are
    told what is to be done, not asked to do it."""
    post_a_letter_to_moss(conference, staff, then_move=True)
    url = reverse("conference_detail", args=[conference.public_id])

    client.force_login(staff.social_worker)
    page = client.get(url).text
    assert "Changed since posted: a new letter is to be posted" in page
    assert "post the new letter" not in page
    client.force_login(staff.coordinator)
    assert "Changed since posted: post the new letter" in client.get(url).text


def test_the_social_worker_reads_the_letter_the_family_was_sent(client, staff, conference):
    moss = post_a_letter_to_moss(conference, staff)
    letter = reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    client.force_login(staff.social_worker)

    page = client.get(reverse("conference_detail", args=[conference.public_id])).text
    assert f'href="{letter}"' in page
    read = client.get(letter)

    assert read.status_code == 200
    assert "Dear Moss Brackwater" in read.text
    assert "Back to the conference" in read.text
    client.force_login(staff.analyst)  # sees no names: no letters
    assert client.get(letter).status_code == 403


def test_a_letter_posted_for_a_cancelled_conference_is_followed_by_a_cancellation_letter(
    client, staff, conference
):
    """A letter cannot be taken back: a second one says the meeting is cancelled, printed
    from the invitations page and recorded as posted like the first."""
    moss = post_a_letter_to_moss(conference, staff, then_move=True)
    invitations.cancel_and_notify(
        conference=conference, reason=CancellationReason.NOT_NEEDED,
        acting_user=staff.coordinator, expected_version=current_version(conference),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_detail", args=[conference.public_id])).content.decode()
    assert invitations.LETTER_CANCELLED in page
    assert "post the new letter" not in page
    listed = client.get(
        reverse("conference_invitations", args=[conference.public_id])
    ).content.decode()
    assert "Cancellation letter<span" in listed
    assert "Record the cancellation as posted" in listed
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    ).content.decode()
    assert "The meeting about Wren and Alder is cancelled" in letter
    # The letter posted gave 28 June: the move to 1 July was never posted, so the
    # cancellation names the meeting Moss expects.
    assert (
        "We wrote to invite you to a child protection conference on Friday 28 June 2024 at "
        "10:00am" in letter
    )
    assert "1 July" not in letter
    assert "That meeting is cancelled, so you do not need to come." in letter
    assert "We would like you to come" not in letter
    pdf = client.get(
        reverse("conference_invitation_letter_pdf", args=[conference.public_id, moss.pk])
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert "cancellation-2024-07-01" in pdf["Content-Disposition"]
    posted = client.post(
        reverse("conference_invitation_posted", args=[conference.public_id, moss.pk]),
        follow=True,
    ).content.decode()
    assert "Recorded: the cancellation letter to Moss Brackwater was posted." in posted
    assert "Cancellation letter posted 20 Jun 2024" in posted
    assert "Record the cancellation as posted" not in posted
    again = client.post(
        reverse("conference_invitation_posted", args=[conference.public_id, moss.pk]),
        follow=True,
    ).content.decode()
    assert "already recorded as posted, on 20 Jun 2024" in again


def test_a_cancellation_letter_is_in_the_familys_language_then_english(client, staff, conference):
    services.add_invitee(
        conference=conference, name="Rowan Brackwater", role=InviteeRole.PARENT,
        address="4 Fen Lane", acting_user=staff.coordinator,
    )  # fmt: skip
    rowan = Invitation.objects.get(name="Rowan Brackwater")
    invitations.record_letter_posted(invitation=rowan, acting_user=staff.coordinator)
    invitations.cancel_and_notify(
        conference=conference, reason=CancellationReason.NOT_NEEDED,
        acting_user=staff.coordinator, expected_version=current_version(conference),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    letter = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, rowan.pk]),
        {"lang": "pl"},
    ).content.decode()
    assert "Odwołujemy spotkanie w sprawie: Wren i Alder" in letter
    assert letter.index("Odwołujemy") < letter.index("The meeting about Wren and Alder is")


def test_no_cancellation_letter_is_offered_to_someone_never_posted_one(client, staff, conference):
    services.add_invitee(
        conference=conference, name="Moss Brackwater", role=InviteeRole.PARENT,
        address="4 Fen Lane", acting_user=staff.coordinator,
    )  # fmt: skip
    moss = Invitation.objects.get(name="Moss Brackwater")
    invitations.cancel_and_notify(
        conference=conference, reason=CancellationReason.NOT_NEEDED,
        acting_user=staff.coordinator, expected_version=current_version(conference),
    )  # fmt: skip
    client.force_login(staff.coordinator)
    listed = client.get(
        reverse("conference_invitations", args=[conference.public_id])
    ).content.decode()
    assert "Cancellation letter" not in listed
    refused = client.post(
        reverse("conference_invitation_posted", args=[conference.public_id, moss.pk]),
        follow=True,
    ).content.decode()
    assert "No invitation was posted to Moss Brackwater" in refused


def test_booking_a_child_whose_family_has_one_booked_offers_to_add_them_to_it(client, staff):
    siblings = sibling_group(staff)
    first, second = siblings.children
    booked = services.schedule_conference(
        kind="initial",
        subjects=[services.Subject(child=first, section47=siblings.section47s[0])],
        scheduled_date=date(2024, 6, 28), scheduled_time=time(10), chair=staff.iro,
        venue="Northmoor Civic Centre", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(
        reverse("conference_new", args=[second.public_id]), {"kind": "initial"}
    ).content.decode()
    add = reverse("conference_add_children", args=[booked.public_id])
    assert (
        "Initial child protection conference already booked for Wren Brackwater, on "
        "Friday 28 June 2024 at 10:00."
    ) in page
    assert f'<a class="govuk-link" href="{add}">Add Alder Brackwater to it</a>' in page


def test_a_brother_or_sister_already_under_enquiry_is_offered_saying_so(client, staff, siblings):
    client.force_login(staff.coordinator)
    page = client.get(
        reverse("strategy_discussion_new", args=[siblings.children[0].public_id])
    ).content.decode()
    assert "Alder Brackwater (an enquiry from 10 June 2024 is still open)" in page


def test_a_letter_for_a_conference_held_online_only_says_join_online_not_also(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    services.add_invitee(
        conference=conference, name="Moss Brackwater", role=InviteeRole.PARENT,
        address="4 Fen Lane", acting_user=staff.coordinator,
    )  # fmt: skip
    moss = Invitation.objects.get(name="Moss Brackwater")
    url = reverse("conference_invitation_letter", args=[conference.public_id, moss.pk])
    Conference.objects.filter(pk=conference.pk).update(virtual_link="https://meet.example/a")
    assert "You can also join online:" in client.get(url).content.decode()  # a room too
    Conference.objects.filter(pk=conference.pk).update(venue="")
    letter = client.get(url).content.decode()
    assert "Join online:" in letter and "also join online" not in letter


def test_a_move_to_another_late_day_offers_the_reason_given_before(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_schedule", args=[conference.public_id])
    move = {
        "scheduled_time": "10:00",
        "venue": "Northmoor Civic Centre, Room 2",
        "confirm_booking": "on",
        "confirm_reason": "Mother in hospital until then.",
        "confirmed_date": "2024-07-03",
        **date_data("scheduled_date", date(2024, 7, 3)),  # due by 1 July
    }
    client.post(url, move | {"version": conference.version})
    conference.refresh_from_db()
    assert conference.booking_reason == "Mother in hospital until then."
    again = {
        "version": conference.version,
        "scheduled_time": "10:00",
        "venue": "Northmoor Civic Centre, Room 2",
        **date_data("scheduled_date", date(2024, 7, 4)),
    }
    page = client.post(url, again).content.decode()
    assert "Thursday 4 July 2024 needs your confirmation" in page
    assert ">Mother in hospital until then.</textarea>" in page


# ------------------------------------------------------------ contact details of invitees


def contact_url(conference, invitation) -> str:
    return reverse("conference_invitation_contact", args=[conference.public_id, invitation.pk])


def test_someone_invited_without_an_address_is_given_one_and_their_letter_can_be_posted(
    client, staff, conference
):
    moss = services.add_invitee(
        conference=conference, name="Moss Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    invitations_page = client.get(reverse("conference_invitations", args=[conference.public_id]))
    assert f'href="{contact_url(conference, moss)}">Add their address' in (
        invitations_page.content.decode()
    )
    page = client.get(contact_url(conference, moss)).content.decode()
    assert "Contact details of Moss Brackwater" in page
    response = client.post(
        contact_url(conference, moss),
        {"email": "", "address": "4 Mill Lane\nNorthmoor", "seen": services.contact_seen(moss)},
        follow=True,
    )
    assert "Contact details of Moss Brackwater saved. Print and post their letter" in (
        response.content.decode()
    )
    moss.refresh_from_db()
    assert moss.address == "4 Mill Lane\nNorthmoor"
    assert invitations.has_postal_address(moss)


def test_a_new_email_address_is_sent_the_invitation_afresh(client, staff, conference):
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="old@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    client.force_login(staff.coordinator)
    response = client.post(
        contact_url(conference, hazel),
        {"email": "new@example.org", "address": "", "seen": services.contact_seen(hazel)},
        follow=True,
    )
    assert "Email the invitations to send them theirs." in response.content.decode()
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert hazel.history.count() >= 3  # added, sent, changed: the old address is kept


def test_a_parents_corrected_email_goes_on_the_family_record_and_the_wrong_one_is_flagged(
    client, staff, siblings, conference
):
    from iro.children.models import FamilyMember, Relationship

    family = siblings.children[0].family
    hazel_adult = FamilyMember.objects.create(
        family=family, name="Hazel Brackwater", relationship=Relationship.MOTHER,
        email="hazel@exmaple.org", phone="01632 960000",
    )  # fmt: skip
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@exmaple.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    client.force_login(staff.coordinator)
    page = client.get(contact_url(conference, hazel)).text
    assert "family record (mother) has the email address hazel@exmaple.org" in page
    assert "Also change them on the family&#x27;s record" in page
    response = client.post(
        contact_url(conference, hazel),
        {
            "email": "hazel@example.org",
            "address": "",
            "family_record_too": "on",
            "seen": services.contact_seen(hazel),
            "family_version": hazel_adult.version,
        },
        follow=True,
    )
    said = response.text
    assert "Their family record has the new details too." in said
    assert "The invitation was already emailed to hazel@exmaple.org" in said
    assert "information governance lead" in said
    hazel_adult.refresh_from_db()
    assert (hazel_adult.email, hazel_adult.phone) == ("hazel@example.org", "01632 960000")
    assert hazel_adult.history.first().history_user == staff.coordinator


def test_contact_details_changed_meanwhile_are_not_overwritten_from_a_stale_page(
    client, staff, conference
):
    kai = services.add_invitee(
        conference=conference, name="Kai Brackwater", role=InviteeRole.PARENT,
        address="126 Rook Street\nElmstead", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    seen_by_tab_b = services.contact_seen(kai)  # tab B opened the page
    moved = {"email": "", "address": "Flat 2, 5 New Road\nElmstead", "seen": seen_by_tab_b}
    assert client.post(contact_url(conference, kai), moved).status_code == 302  # tab A
    page = client.post(
        contact_url(conference, kai),
        {"email": "kai@example.org", "address": "126 Rook Street\nElmstead", "seen": seen_by_tab_b},
    ).text
    assert STALE_RECORD.replace("'", "&#x27;") in page
    assert "Saved now on the invitation: no email address, and the postal address Flat 2" in page
    assert 'value="kai@example.org"' in page  # what was typed stays on the form
    kai.refresh_from_db()
    assert kai.address == "Flat 2, 5 New Road\nElmstead"
    # Saved again from that page, knowing what is saved now, it goes through.
    again = {"email": "kai@example.org", "address": kai.address, "seen": services.contact_seen(kai)}
    assert f'value="{again["seen"]}"' in page
    assert client.post(contact_url(conference, kai), again).status_code == 302
    kai.refresh_from_db()
    assert kai.email == "kai@example.org"


def test_a_change_that_does_not_say_what_it_saw_is_refused(client, staff, conference):
    kai = services.add_invitee(
        conference=conference, name="Kai Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.post(contact_url(conference, kai), {"email": "kai@example.org"}).text
    assert "The page did not say which version of the record you were editing" in page
    kai.refresh_from_db()
    assert kai.email == ""


def test_a_family_record_changed_meanwhile_is_not_overwritten_from_the_invitation(
    client, staff, siblings, conference
):
    from iro.children.models import FamilyMember, Relationship
    from iro.children.services import change_family_member

    hazel_adult = FamilyMember.objects.create(
        family=siblings.children[0].family, name="Hazel Brackwater",
        relationship=Relationship.MOTHER, email="hazel@example.org",
    )  # fmt: skip
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    shown_version = hazel_adult.version
    change_family_member(
        member=hazel_adult, acting_user=staff.coordinator, name=hazel_adult.name,
        relationship=hazel_adult.relationship, phone="", email="hazel@example.org",
        address="9 Quay Road", preferred_language="", interpreter_needed=False,
        expected_version=shown_version,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.post(
        contact_url(conference, hazel),
        {
            "email": "hazel@example.org",
            "address": "2 Old Lane",
            "family_record_too": "on",
            "seen": services.contact_seen(hazel),
            "family_version": shown_version,
        },
    ).text
    assert STALE_RECORD.replace("'", "&#x27;") in page
    hazel.refresh_from_db()
    hazel_adult.refresh_from_db()
    assert (hazel.address, hazel_adult.address) == ("", "9 Quay Road")  # neither changed


def test_the_contact_page_warns_when_a_parents_details_are_kept_from_the_family(
    client, staff, siblings, conference
):
    from iro.children.models import FamilyMember, Relationship

    FamilyMember.objects.create(
        family=siblings.children[0].family, name="Hazel Brackwater",
        relationship=Relationship.MOTHER, address="Refuge address", contact_withheld=True,
    )  # fmt: skip
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        address="Refuge address", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(contact_url(conference, hazel)).text
    assert 'id="contact-withheld"' in page
    assert "are kept from the rest of the family" in page


def test_a_professionals_contact_page_offers_no_family_record(client, staff, conference):
    visitor = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.HEALTH,
        email="hv@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    assert "family_record_too" not in client.get(contact_url(conference, visitor)).text


def test_a_bad_email_address_is_said_and_nothing_is_changed(client, staff, conference):
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    response = client.post(contact_url(conference, hazel), {"email": "not an address"})
    assert response.status_code == 200
    assert "Error:" in response.content.decode()
    hazel.refresh_from_db()
    assert hazel.email == "hazel@example.org"


def test_contact_details_are_refused_to_roles_that_do_not_book(client, staff, conference):
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    for user in (staff.social_worker, staff.outsider, staff.analyst):
        client.force_login(user)
        assert client.get(contact_url(conference, hazel)).status_code == 403
        assert client.post(contact_url(conference, hazel), {"email": "x@y.org"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.change_invitee_contact(
            invitation=hazel,
            email="x@y.org",
            address="",
            acting_user=staff.social_worker,
            seen=services.contact_seen(hazel),
        )
    hazel.refresh_from_db()
    assert hazel.email == ""


def remove_url(conference, invitation) -> str:
    return reverse("conference_invitation_remove", args=[conference.public_id, invitation.pk])


@pytest.fixture
def hazel_emailed(staff, conference):
    hazel = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        email="hazel@example.org", acting_user=staff.coordinator,
    )  # fmt: skip
    invitations.send_invitations(conference=conference, acting_user=staff.coordinator)
    mail.outbox.clear()
    hazel.refresh_from_db()
    return hazel


def test_taking_off_someone_emailed_asks_whether_to_tell_them_first(
    client, staff, conference, hazel_emailed
):
    client.force_login(staff.coordinator)
    page = client.post(remove_url(conference, hazel_emailed)).content.decode()
    assert "Take Hazel Brackwater off the list" in page
    assert "was emailed the invitation on 20 June 2024" in page
    assert conference.invitations.filter(pk=hazel_emailed.pk).exists()
    page = client.post(remove_url(conference, hazel_emailed), {"tell": "maybe"}).content.decode()
    assert "Choose whether to email them a cancellation." in page
    page = client.post(remove_url(conference, hazel_emailed), {"asked": "1"}).text  # no choice
    assert "Choose whether to email them a cancellation." in page
    assert conference.invitations.filter(pk=hazel_emailed.pk).exists()
    assert mail.outbox == []


def test_someone_taken_off_the_list_and_told_gets_a_cancellation_for_their_calendar(
    client, staff, conference, hazel_emailed
):
    client.force_login(staff.coordinator)
    response = client.post(remove_url(conference, hazel_emailed), {"tell": "yes"}, follow=True)
    assert "Hazel Brackwater taken off the list. A cancellation was queued" in (
        response.content.decode()
    )
    assert not conference.invitations.filter(pk=hazel_emailed.pk).exists()
    (message,) = mail.outbox
    assert message.to == ["hazel@example.org"]
    assert message.subject.startswith("No longer invited: ")
    assert "You no longer need to come to the initial child protection conference" in message.body
    ics = message.attachments[0].get_payload(decode=True).decode()
    assert "METHOD:CANCEL" in ics and f"UID:conference-{conference.public_id}@" in ics


def test_someone_taken_off_the_list_and_not_told_is_sent_nothing(
    client, staff, conference, hazel_emailed
):
    client.force_login(staff.coordinator)
    client.post(remove_url(conference, hazel_emailed), {"tell": "no"})
    assert not conference.invitations.filter(pk=hazel_emailed.pk).exists()
    assert mail.outbox == []


def test_the_conference_page_says_who_needs_an_interpreter_until_one_is_invited(
    client, staff, siblings, conference
):
    from iro.children.models import FamilyMember

    FamilyMember.objects.create(
        family=siblings.children[0].family, name="Selam Brackwater", relationship="mother",
        preferred_language="Tigrinya", interpreter_needed=True,
    )  # fmt: skip
    url = reverse("conference_detail", args=[conference.public_id])
    client.force_login(staff.coordinator)
    page = client.get(url).content.decode()
    assert "Selam Brackwater needs an interpreter (Tigrinya)." in page
    assert "No interpreter is invited yet: <a" in page
    services.add_invitee(
        conference=conference, name="Tigrinya interpreter", role=InviteeRole.INTERPRETER,
        acting_user=staff.coordinator,
    )  # fmt: skip
    assert "An interpreter is invited." in client.get(url).content.decode()
    client.force_login(staff.analyst)  # who sees no names reads the relationship
    page = client.get(url).content.decode()
    assert "Selam" not in page
    # The language is free text ("Tigrinya, for Selam"): withheld as the name is.
    assert "Mother needs an interpreter ([free text not shown])." in page
    assert "Tigrinya" not in page


# A grandparent comes when the family asks, and counts as a parent does.
@pytest.mark.parametrize(
    ("relationship", "invited_as", "role_label"),
    [("mother", InviteeRole.PARENT, "Parent or carer"),
     ("grandparent", InviteeRole.OTHER, "Other professional")],
)  # fmt: skip
def test_the_invitations_page_marks_the_family_adult_who_needs_an_interpreter(
    client, staff, siblings, conference, relationship, invited_as, role_label
):
    from iro.children.models import FamilyMember

    FamilyMember.objects.create(
        family=siblings.children[0].family, name="Selam Brackwater", relationship=relationship,
        preferred_language="Kurdish", interpreter_needed=True,
    )  # fmt: skip
    services.add_invitee(
        conference=conference, name="selam  brackwater", role=invited_as,
        acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    page = client.get(reverse("conference_invitations", args=[conference.public_id])).text
    assert "Selam Brackwater needs an interpreter (Kurdish)." in page
    assert "No interpreter is invited yet: add one below, with the role Interpreter." in page
    assert f'{role_label}<br><span class="govuk-body-s">Needs an interpreter (Kurdish)</span>' in (
        page
    )


def test_what_the_chair_typed_about_the_advocate_and_interpreter_is_withheld_from_the_analyst(
    client, staff, siblings, conference
):
    row = conference.children.first()
    services.record_pre_meeting(
        conference_child=row, acting_user=staff.iro, expected_version=0,
        advocacy_offered=True, advocate_involved=True,
        advocate_organisation="Nadia Brackwater (grandmother), not NYAS",
        interpreter_needed=True, interpreter_language="Polish, for Ellie Brackwater",
    )  # fmt: skip
    pages = [
        reverse("conference_detail", args=[conference.public_id]),
        reverse("conference_pre_meetings", args=[conference.public_id]),
    ]
    for url in pages:
        client.force_login(staff.iro)
        page = client.get(url).text
        assert "Nadia Brackwater (grandmother), not NYAS" in page
        assert "Polish, for Ellie Brackwater" in page
        client.force_login(staff.analyst)
        page = client.get(url).text
        assert client.get(url).status_code == 200
        assert "Nadia" not in page and "Ellie" not in page and "Polish" not in page
        assert "Advocate involved ([free text not shown])" in page


def test_what_happened_before_a_held_conference_can_still_be_changed_by_its_chair(
    client, staff, siblings
):
    """The record's "Change what happened before the conference" leads to a list whose
    rows can be changed: the advocacy figures come from them."""
    held = hold_conference(
        kind=ConferenceKind.INITIAL, children=[(siblings.children[0], {})], chair=staff.iro,
        held_on=date(2024, 6, 18),
    )  # fmt: skip
    row = held.children.get()
    client.force_login(staff.iro)
    page = client.get(reverse("conference_pre_meetings", args=[held.public_id])).text
    change = reverse("conference_pre_meeting", args=[held.public_id, row.pk])
    assert f'href="{change}">Change' in page
    Conference.objects.filter(pk=held.pk).update(status=ConferenceStatus.CANCELLED)
    page = client.get(reverse("conference_pre_meetings", args=[held.public_id])).text
    assert f'href="{change}">Change' not in page


def test_recording_a_discussion_for_a_child_under_enquiry_warns_of_the_open_one(
    client, staff, siblings
):
    client.force_login(staff.social_worker)
    url = reverse("strategy_discussion_new", args=[siblings.children[0].public_id])
    page = client.get(url).content.decode()
    assert "already has a Section 47 enquiry open, from 10 June 2024" in page
    other = sibling_group(staff, surname="Dunmere", names=("Ione", "Jory"))
    Section47.objects.filter(episode__child=other.children[0]).delete()
    page = client.get(
        reverse("strategy_discussion_new", args=[other.children[0].public_id])
    ).content.decode()
    assert "already has a Section 47 enquiry open" not in page


def test_the_record_is_offered_from_the_day_the_conference_is_booked_for(client, staff, conference):
    url = reverse("conference_detail", args=[conference.public_id])
    record = reverse("conference_record", args=[conference.public_id])
    client.force_login(staff.iro)
    before = client.get(url).content.decode()
    assert f'href="{record}"' not in before
    day = conference.scheduled_date
    assert (
        f"Record the conference from {day:%A} {day.day} {day:%B %Y}, the day it is booked for"
        in before
    )
    with time_machine.travel(day, tick=False):
        client.force_login(staff.iro)  # a new session on the day
        assert f'href="{record}">Record the conference</a>' in client.get(url).content.decode()
