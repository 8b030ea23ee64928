"""Booking a transfer-in conference: the date the authority was told starts the clock
(15 working days), chairs are proposed as for any conference, and the conference is
recorded like an initial one."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey.checks import DATE_IN_FUTURE
from iro.journey.conference_forms import DATE_NOT_REAL
from iro.journey.conference_views import NO_TRANSFER_IN
from iro.journey.models import Conference, ConferenceKind, Decision, Plan
from iro.journey.services import BEFORE_NOTIFICATION, CHAIR_NOT_INDEPENDENT_TEAM
from tests.factories import ChildFactory, FamilyFactory, PlanFactory, make_staff, s47_for
from tests.journey.conference_setup import record_data

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 20)  # a Thursday
NOTIFIED = date(2024, 6, 17)  # Monday: 15 working days later is Monday 8 July
DUE = date(2024, 7, 8)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    family = FamilyFactory(name="Larkmoor household")
    return [
        ChildFactory(
            family=family, team=staff.team, social_worker=staff.social_worker,
            first_name=first, last_name="Larkmoor", date_of_birth=date(2014 + n, 3, 9),
        )
        for n, first in enumerate(("Sable", "Tamsin"))
    ]  # fmt: skip


def book_url(child, **dates: date) -> str:
    url = reverse("conference_new", args=[child.public_id]) + "?kind=transfer_in"
    for name, d in dates.items():
        url += f"&{name}_day={d.day}&{name}_month={d.month}&{name}_year={d.year}"
    return url


def booking(siblings, staff, **fields) -> dict:
    return {
        "children": [str(c.public_id) for c in siblings],
        "scheduled_date_day": "4",
        "scheduled_date_month": "7",
        "scheduled_date_year": "2024",
        "scheduled_time": "13:30",
        "venue": "Northmoor Civic Centre, Room 4",
        "chair": str(staff.iro.pk),
    } | fields


def test_the_child_protection_page_offers_a_transfer_in_to_whoever_books(client, staff, siblings):
    url = reverse("child_protection", args=[siblings[0].public_id])
    client.force_login(staff.coordinator)
    assert book_url(siblings[0]) in client.get(url).content.decode().replace("&amp;", "&")
    client.force_login(staff.social_worker)
    assert "transfer_in" not in client.get(url).content.decode()


def test_it_asks_first_when_the_authority_was_told(client, staff, siblings):
    client.force_login(staff.coordinator)
    page = client.get(book_url(siblings[0])).content.decode()
    assert "When was the authority told the child had moved here?" in page
    assert 'name="notified_on_day"' in page
    assert "govuk-error-summary" not in page


def test_a_notification_date_in_the_future_or_not_real_is_refused(client, staff, siblings):
    client.force_login(staff.coordinator)
    page = client.get(book_url(siblings[0], notified_on=date(2024, 6, 21))).content.decode()
    assert f'<a href="#id_notified_on_day">{DATE_IN_FUTURE}</a>' in page
    url = book_url(siblings[0]) + "&notified_on_day=30&notified_on_month=2&notified_on_year=2024"
    page = client.get(url).content.decode()
    message = DATE_NOT_REAL.format(What="The date the authority was told of the transfer")
    assert f'<a href="#id_notified_on_day">{message}</a>' in page
    assert "<title>Error: " in page


def test_the_booking_shows_the_due_date_and_proposes_chairs(client, staff, siblings):
    staff.team.manager = staff.iro_manager
    staff.team.save()
    client.force_login(staff.coordinator)
    page = client.get(book_url(siblings[0], notified_on=NOTIFIED)).content.decode()
    assert "the conference is due by <strong>8 July 2024</strong>" in page
    assert "Sable Larkmoor: due by 8 July 2024" in page
    assert "Tamsin Larkmoor: due by 8 July 2024" in page
    assert "0 children on a plan, 0 conferences booked" in page
    assert "Free: Fri 21 Jun 2024 09:30" in page
    refusal = CHAIR_NOT_INDEPENDENT_TEAM.format(
        chair=staff.iro_manager, team=staff.team, child=siblings[0]
    )
    assert ("Cannot chair: " + refusal).replace("'", "&#x27;") in page


def test_booking_a_transfer_in_for_a_sibling_group(client, staff, siblings):
    client.force_login(staff.coordinator)
    response = client.post(book_url(siblings[0], notified_on=NOTIFIED), booking(siblings, staff))
    conference = Conference.objects.get()
    assert response.url == reverse("conference_detail", args=[conference.public_id])
    assert (conference.kind, conference.notified_on) == (ConferenceKind.TRANSFER_IN, NOTIFIED)
    assert conference.chair == staff.iro
    rows = list(conference.children.order_by("child__date_of_birth"))
    assert [r.child for r in rows] == siblings
    assert all(r.section47 is None and r.plan is None for r in rows)
    detail = client.get(response.url).content.decode()
    assert detail.count("8 Jul 2024") == 2


def test_a_conference_before_the_notification_is_refused_on_its_date(client, staff, siblings):
    client.force_login(staff.coordinator)
    response = client.post(
        book_url(siblings[0], notified_on=NOTIFIED),
        booking(siblings, staff, scheduled_date_day="14", scheduled_date_month="6"),
    )
    assert f'<a href="#id_scheduled_date_day">{BEFORE_NOTIFICATION}</a>' in (
        response.content.decode()
    )
    assert not Conference.objects.exists()


def test_a_child_already_on_a_plan_here_has_no_transfer_in(client, staff, siblings):
    PlanFactory(child=siblings[0], start_date=date(2024, 3, 1))
    client.force_login(staff.coordinator)
    response = client.get(book_url(siblings[0], notified_on=NOTIFIED), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "child_protection", args=[siblings[0].public_id]
    )
    assert NO_TRANSFER_IN.format(name="Sable Larkmoor").replace("'", "&#x27;") in (
        response.content.decode()
    )
    page = client.get(book_url(siblings[1], notified_on=NOTIFIED)).content.decode()
    assert "Tamsin Larkmoor: due by 8 July 2024" in page
    assert "Sable Larkmoor" not in page.split('name="children"', 1)[1].split("</fieldset>")[0]


def test_a_sibling_whose_enquiry_here_waits_for_its_conference_is_offered_but_not_ticked(
    client, staff, siblings
):
    s47_for(siblings[1], referral=date(2024, 6, 10), strategy=date(2024, 6, 12))
    client.force_login(staff.coordinator)
    page = client.get(book_url(siblings[0], notified_on=NOTIFIED)).content.decode()
    assert (
        "Tamsin Larkmoor: due by 8 July 2024 (a Section 47 enquiry here waits for its initial"
        " conference, due by "
    ) in page
    ticked = [part for part in page.split("<input") if "checked" in part.split(">")[0]]
    assert any(str(siblings[0].public_id) in part for part in ticked)
    assert not any(str(siblings[1].public_id) in part for part in ticked)


def test_only_those_who_book_and_see_the_child_may_book(client, staff, siblings):
    url = book_url(siblings[0], notified_on=NOTIFIED)
    for who in ("social_worker", "iro", "outsider", "partnership"):
        client.force_login(getattr(staff, who))
        assert client.get(url).status_code == 403, who
        assert client.post(url, booking(siblings, staff)).status_code == 403, who
    assert not Conference.objects.exists()


def test_the_transfer_in_is_recorded_and_starts_the_plan(client, staff, siblings):
    client.force_login(staff.coordinator)
    client.post(book_url(siblings[0], notified_on=NOTIFIED), booking(siblings, staff))
    conference = Conference.objects.get()
    conference.scheduled_date = TODAY
    conference.save()
    client.force_login(staff.iro)
    data = {"version": str(conference.version), "held_on_day": "20", "held_on_month": "6",
            "held_on_year": "2024"}  # fmt: skip
    for row in conference.children.all():
        data[f"child{row.pk}-decision"] = Decision.PLAN
        data[f"child{row.pk}-category"] = "EMO"
        data |= record_data(row.pk, core_group_on=TODAY)
    response = client.post(reverse("conference_record", args=[conference.public_id]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plans = Plan.objects.order_by("child__date_of_birth")
    assert [(p.child, p.start_date, p.initial_category) for p in plans] == [
        (siblings[0], TODAY, "EMO"),
        (siblings[1], TODAY, "EMO"),
    ]
