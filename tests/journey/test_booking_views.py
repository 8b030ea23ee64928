"""The booking pages ask for the confirmation the service needs: the warning, a box to
tick and the reason, for the date it was shown for; the lists flag the booking."""

from __future__ import annotations

from datetime import date, time
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from iro.journey import services
from iro.journey.conference_forms import TIME_REQUIRED, VENUE_OR_LINK
from iro.journey.models import Conference, ConferenceKind
from iro.journey.services import Subject
from tests.factories import ChildFactory, LeaveFactory, make_staff, s47_for

pytestmark = [pytest.mark.django_db]

TODAY = date(2026, 12, 14)  # a Monday
SATURDAY = date(2026, 12, 19)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def child(staff):
    child = ChildFactory(first_name="Rae", last_name="Holt", team=staff.team)
    s47_for(child, referral=date(2026, 12, 9), strategy=date(2026, 12, 10))
    return child


def booking(child, day: date, **extra) -> dict:
    return {
        "children": [str(child.public_id)],
        "scheduled_date_day": str(day.day),
        "scheduled_date_month": str(day.month),
        "scheduled_date_year": str(day.year),
        "scheduled_time": "10:00",
        "venue": "Civic Centre",
        "chair": "",
    } | extra


def test_a_saturday_is_refused_with_the_warning_and_the_confirmation_asked(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, SATURDAY)).content.decode()
    assert "19 December 2026 is a Saturday, not a working day." in page
    assert 'id="booking-warning"' in page
    assert 'name="confirmed_date" value="2026-12-19"' in page
    assert not Conference.objects.exists()


def test_a_confirmation_given_for_another_date_does_not_count(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    confirmed = {
        "confirm_booking": "on",
        "confirm_reason": "The family can only come at weekends",
        "confirmed_date": "2026-12-12",
    }
    page = client.post(url, booking(child, SATURDAY, **confirmed)).content.decode()
    assert "19 December 2026 is a Saturday, not a working day." in page
    assert not Conference.objects.exists()


def test_a_confirmed_saturday_is_booked_and_flagged_in_the_childs_list(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    confirmed = {
        "confirm_booking": "on",
        "confirm_reason": "The family can only come at weekends",
        "confirmed_date": "2026-12-19",
        "duration_minutes": "90",
    }
    response = client.post(url, booking(child, SATURDAY, **confirmed))
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert conference.duration_minutes == 90
    assert conference.booking_reason == "The family can only come at weekends"
    page = client.get(reverse("child_protection", args=[child.public_id])).content.decode()
    assert "Booked anyway" in page
    assert "Reason: The family can only come at weekends" in page


def test_my_work_flags_a_booking_confirmed_despite_a_warning(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    confirmed = {
        "confirm_booking": "on",
        "confirm_reason": "The family can only come at weekends",
        "confirmed_date": "2026-12-19",
        "chair": str(staff.iro.pk),
    }
    assert client.post(url, booking(child, SATURDAY, **confirmed)).status_code == 302
    client.force_login(staff.iro)
    page = client.get(reverse("my_work")).content.decode()
    assert "Booked anyway" in page
    assert "19 December 2026 is a Saturday, not a working day." in page


def test_moving_a_booking_past_its_due_date_asks_for_the_confirmation(client, staff, child):
    s47 = child.episodes.get().section47s.get()
    conference = services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=child, section47=s47)],
        scheduled_date=date(2027, 1, 4),
        venue="Civic Centre",
        acting_user=staff.coordinator,
    )
    client.force_login(staff.coordinator)
    url = reverse("conference_schedule", args=[conference.public_id])
    move = {
        "scheduled_date_day": "6",
        "scheduled_date_month": "1",
        "scheduled_date_year": "2027",
        "scheduled_time": "10:00",
        "duration_minutes": "120",
        "venue": "Civic Centre",
        "version": str(conference.version),
    }
    page = client.post(url, move).content.decode()
    assert "6 January 2027 is after the conference is due on 5 January 2027." in page
    assert 'name="confirmed_date" value="2027-01-06"' in page
    confirmed = {
        "confirm_booking": "on",
        "confirm_reason": "The police officer is away until then",
        "confirmed_date": "2027-01-06",
    }
    assert client.post(url, move | confirmed).status_code == 302
    conference.refresh_from_db()
    assert (conference.scheduled_date, conference.booking_reason) == (
        date(2027, 1, 6),
        "The police officer is away until then",
    )


def test_a_booking_confirmed_without_its_reason_asks_for_the_reason(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    ticked = {"confirm_booking": "on", "confirm_reason": "", "confirmed_date": "2026-12-19"}
    page = client.post(url, booking(child, SATURDAY, **ticked)).content.decode()
    assert "Enter why the conference is booked on this date anyway." in page
    assert 'name="confirmed_date" value="2026-12-19"' in page  # the box is still there
    assert 'name="confirm_booking" type="checkbox" value="on" checked>' in page  # as ticked
    assert not Conference.objects.exists()


def test_a_length_of_nought_minutes_is_refused_not_made_two_hours(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, date(2026, 12, 16), duration_minutes="0"))
    assert "The conference length must be from" in page.content.decode()
    assert not Conference.objects.exists()
    empty = client.post(url, booking(child, date(2026, 12, 16), duration_minutes=""))
    assert empty.status_code == 302
    assert Conference.objects.get().duration_minutes == 120  # left empty: the usual two hours


# --- Who is free at the time chosen ------------------------------------------------------

WEDNESDAY = date(2026, 12, 16)


def book_chair_elsewhere(staff, chair, day: date, at: str = "10:00") -> Conference:
    other = ChildFactory(first_name="Lou", last_name="Dunmere", team=staff.team)
    s47 = s47_for(other, referral=date(2026, 12, 9), strategy=date(2026, 12, 10))
    return services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=other, section47=s47)],
        scheduled_date=day,
        scheduled_time=time.fromisoformat(at),
        chair=chair,
        venue="Civic Centre",
        acting_user=staff.coordinator,
    )


def chair_order(page: str, *names: str) -> list[str]:
    return sorted(names, key=page.index)


def test_showing_who_is_free_books_nothing_and_puts_the_free_chairs_first(client, staff, child):
    book_chair_elsewhere(staff, staff.iro, WEDNESDAY, "09:30")
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    check = booking(child, WEDNESDAY, venue="", check_chairs="1")
    page = client.post(url, check).content.decode()
    assert Conference.objects.count() == 1  # only the other booking
    assert "The chairs free on Wednesday 16 December 2026 at 10:00 (2 hours) come first" in page
    assert "Busy then: chairing another conference 09:30–11:30." in page
    assert "Free at the time chosen." in page
    ivy, otto = f'value="{staff.iro.pk}"', f'value="{staff.other_iro.pk}"'
    assert chair_order(page, ivy, otto) == [otto, ivy]  # Otto is free then
    # The booking itself goes to the page, not to the chairs: its errors are at the top.
    assert f'<form method="post" action="{url}" novalidate>' in page
    # The check comes back at the chairs (its button's formaction ends in #who-will-chair).
    assert f'formaction="{url}#who-will-chair"' in page
    assert '<h2 class="govuk-heading-m" id="who-will-chair">Who will chair</h2>' in page
    # Only the time's own problems are said: the venue can wait for the booking.
    assert "There is a problem" not in page
    assert VENUE_OR_LINK not in page


def test_showing_who_is_free_on_a_bank_holiday_says_it_is_not_a_working_day(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, date(2026, 12, 25), check_chairs="1")).text
    assert (
        "25 December 2026 is a bank holiday (Christmas Day), not a working day. A booking then "
        "asks for the reason." in page
    )
    on_a_wednesday = client.post(url, booking(child, WEDNESDAY, check_chairs="1")).text
    assert 'id="not-a-working-day"' not in on_a_wednesday


def test_showing_who_is_free_asks_for_the_time_first(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, WEDNESDAY, scheduled_time="", check_chairs="1"))
    page = page.content.decode()
    assert "There is a problem" in page
    assert TIME_REQUIRED in page
    assert "come first;" not in page
    assert not Conference.objects.exists()
    # The page is asked for at #who-will-chair, but with an error there is no such place:
    # the browser stays at the top, where the error summary is seen and takes the focus.
    assert 'id="who-will-chair"' not in page
    assert page.index('class="govuk-error-summary"') < page.index("<h1")


def test_a_chair_on_leave_that_day_is_said_to_be_on_leave(client, staff, child):
    LeaveFactory(user=staff.other_iro, start_date=WEDNESDAY, end_date=WEDNESDAY)
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, WEDNESDAY, check_chairs="1")).content.decode()
    assert "Busy then: on leave that day." in page


def test_a_booking_refused_for_a_busy_chair_shows_who_is_free_then(client, staff, child):
    book_chair_elsewhere(staff, staff.iro, WEDNESDAY, "11:00")
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, WEDNESDAY, chair=str(staff.iro.pk))).content.decode()
    assert "is already chairing" in page
    assert "Busy then: chairing another conference 11:00–13:00." in page
    assert "Free at the time chosen." in page  # Otto
    assert Conference.objects.count() == 1


def test_a_held_conference_keeps_how_it_was_booked_as_history_not_a_warning(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    confirmed = {
        "confirm_booking": "on",
        "confirm_reason": "The family can only come at weekends",
        "confirmed_date": "2026-12-19",
    }
    client.post(url, booking(child, SATURDAY, **confirmed))
    conference = Conference.objects.get()
    detail = reverse("conference_detail", args=[conference.public_id])
    assert "Booked anyway</strong>" in client.get(detail).content.decode()
    Conference.objects.filter(pk=conference.pk).update(status="held", held_on=SATURDAY)
    page = client.get(detail).content.decode()
    assert "Booked despite a warning</dt>" in page
    assert "Booked anyway: 19 December 2026 is a Saturday" in page
    assert "Booked anyway</strong>" not in page


def test_a_venue_too_long_is_said_once_not_also_as_missing(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    page = client.post(url, booking(child, WEDNESDAY, venue="Room " * 50)).content.decode()
    assert Conference.objects.count() == 0
    assert "200" in page
    assert VENUE_OR_LINK not in page


def test_booking_again_what_is_already_booked_goes_to_the_booking_and_says_so(client, staff, child):
    client.force_login(staff.coordinator)
    url = reverse("conference_new", args=[child.public_id]) + f"?kind={ConferenceKind.INITIAL}"
    client.post(url, booking(child, date(2026, 12, 22)))
    booked = Conference.objects.get()
    response = client.get(url, follow=True)  # the booking page opened again
    assert response.redirect_chain[-1][0] == booked.get_absolute_url()
    assert (
        "There is nothing to book: Rae Holt's initial child protection conference is already "
        "booked, on Tue 22 Dec 2026 at 10:00. Here it is."
    ) in unescape(response.content.decode())
    # With nothing booked or waiting, it says there is nothing waiting, as before.
    other = ChildFactory(first_name="Sol", team=staff.team)
    response = client.get(
        reverse("conference_new", args=[other.public_id]) + "?kind=review", follow=True
    )
    assert "There is nothing to book: Sol" in unescape(response.content.decode())
    assert "has no open plan waiting for a conference." in response.content.decode()
