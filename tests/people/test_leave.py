"""The IROs' leave: the IRO service manager records it (and only for an IRO, never
overlapping), removes it, and sees whose bookings fall in it."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.journey.models import Conference
from iro.people import services
from iro.people.models import Leave
from tests.factories import LeaveFactory, child_on_plan, hold_conference, make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 14)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def record(staff, **kwargs):
    args = {
        "user": staff.iro,
        "start_date": date(2026, 12, 21),
        "end_date": date(2026, 12, 23),
        "description": "Annual leave",
        "acting_user": staff.iro_manager,
    }
    return services.record_leave(**(args | kwargs))


def test_the_iro_manager_records_an_iros_leave_with_its_history(staff):
    leave = record(staff)
    assert (leave.user, leave.start_date, leave.end_date) == (
        staff.iro,
        date(2026, 12, 21),
        date(2026, 12, 23),
    )
    assert leave.history.get().history_user == staff.iro_manager


def test_only_the_iro_manager_may_record_leave(staff):
    with pytest.raises(PermissionDenied):
        record(staff, acting_user=staff.coordinator)
    assert not Leave.objects.exists()


def test_leave_that_overlaps_ends_before_it_starts_or_is_not_an_iros_is_refused(staff):
    record(staff)
    with pytest.raises(ValidationError) as raised:
        record(staff, start_date=date(2026, 12, 23), end_date=date(2026, 12, 22))
    assert raised.value.message_dict == {
        "end_date": [services.END_BEFORE_START],
        "start_date": [
            "Ivy Coldharbour already has leave recorded from 21 December 2026 to 23 December 2026."
        ],
    }
    with pytest.raises(ValidationError) as raised:
        record(staff, user=staff.coordinator)
    assert raised.value.message_dict == {"user": [services.NOT_AN_IRO]}


def test_removing_leave_keeps_its_history(staff):
    leave = record(staff)
    services.remove_leave(leave_id=leave.pk, acting_user=staff.iro_manager)
    assert not Leave.objects.exists()
    assert Leave.history.filter(id=leave.pk).count() == 2


def test_the_page_lists_leave_with_the_bookings_that_need_another_chair(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2026, 10, 5), icpc_on=date(2026, 10, 26), team=staff.team
    )
    hold_conference(
        kind="review",
        children=[(journey.child, {"plan": journey.plan})],
        chair=staff.iro,
        scheduled_date=date(2026, 12, 22),
        scheduled_time=time(10),
    )
    LeaveFactory(user=staff.other_iro, start_date=date(2026, 12, 1), end_date=date(2026, 12, 4))
    client.force_login(staff.iro_manager)
    response = client.post(
        reverse("staff_leave"),
        {
            "user": staff.iro.pk,
            "start_date_day": "21",
            "start_date_month": "12",
            "start_date_year": "2026",
            "end_date_day": "23",
            "end_date_month": "12",
            "end_date_year": "2026",
            "description": "Annual leave",
        },
        follow=True,
    )
    page = response.content.decode()
    assert (
        "Leave recorded for Ivy Coldharbour: 21 December 2026 to 23 December 2026. "
        "Ivy Coldharbour is booked to chair 1 conference in it: allocate another chair."
    ) in page
    assert "1 conference</strong> needing another chair" in page
    booked = Conference.objects.get(scheduled_date=date(2026, 12, 22))
    chair_page = reverse("conference_chair", args=[booked.public_id])
    assert (
        f'<a class="govuk-link" href="{chair_page}">Tue 22 Dec, 10:00: choose another chair</a>'
        in page
    )
    # There, the chair who is away is not the one chosen to start with.
    form = client.get(chair_page).content.decode()
    assert f'value="{staff.iro.pk}"' in form
    assert not re.search(rf'value="{staff.iro.pk}"[^>]*checked', form)
    assert "Otto Fallowfield" not in page.split('id="leave"')[1].split("</table>")[0]


def test_the_page_shows_what_is_missing_and_refuses_other_roles(client, staff):
    client.force_login(staff.iro_manager)
    page = client.post(reverse("staff_leave"), {}).content.decode()
    assert "There is a problem" in page and "Select the IRO who will be away." in page
    client.force_login(staff.coordinator)
    assert client.get(reverse("staff_leave")).status_code == 403


def test_remove_asks_first_naming_the_leave_and_removes_it_only_when_confirmed(client, staff):
    leave = record(staff)
    client.force_login(staff.iro_manager)
    asked = unescape(client.post(reverse("staff_leave"), {"remove": leave.pk}).content.decode())
    assert '<h1 class="govuk-heading-l">Remove Ivy Coldharbour\'s leave?</h1>' in asked
    assert "Monday 21 December 2026" in asked and "Wednesday 23 December 2026" in asked
    assert Leave.objects.filter(pk=leave.pk).exists()  # asking removes nothing
    done = unescape(
        client.post(
            reverse("staff_leave"), {"remove": leave.pk, "confirm": "yes"}, follow=True
        ).content.decode()
    )
    assert "Ivy Coldharbour's leave from 21 December 2026 to 23 December 2026 was removed." in done
    assert not Leave.objects.exists()
    # Removed already (another tab), or not a number: said, nothing else changes.
    for remove in (leave.pk, "x"):
        for confirm in ("", "yes"):
            again = client.post(
                reverse("staff_leave"), {"remove": remove, "confirm": confirm}, follow=True
            )
            assert again.status_code == 200
            assert services.NOT_FOUND in again.content.decode()


def test_only_the_iro_manager_is_asked_or_may_remove_leave(client, staff):
    leave = record(staff)
    client.force_login(staff.coordinator)
    for confirm in ("", "yes"):
        response = client.post(reverse("staff_leave"), {"remove": leave.pk, "confirm": confirm})
        assert response.status_code == 403
    assert Leave.objects.filter(pk=leave.pk).exists()
