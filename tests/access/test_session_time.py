"""The signed-in session's end is known to the second: signing in sets it, every page
tells the browser how long is left, and staying signed in starts the time again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def sign_in(client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_signing_in_starts_eight_hours_that_every_page_counts_down(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, staff.iro)
        page = client.get(reverse("my_work")).text
    assert 'data-seconds-left="28800"' in page
    with time_machine.travel(start + timedelta(hours=7, minutes=56), tick=False):
        page = client.get(reverse("my_work")).text
        assert 'data-seconds-left="240"' in page
        status = client.get(reverse("session_status")).json()
        assert status == {"signed_in": True, "seconds_left": 240}  # asking does not extend
        stayed = client.post(reverse("session_status")).json()
        assert stayed == {"signed_in": True, "seconds_left": 28800}
    with time_machine.travel(start + timedelta(hours=9), tick=False):
        assert client.get(reverse("my_work")).status_code == 200  # stayed signed in
    with time_machine.travel(start + timedelta(hours=16, minutes=1), tick=False):
        response = client.get(reverse("my_work"), follow=True)
        assert response.redirect_chain[0][0].startswith("/accounts/login/")
        assert "You were signed out: a session lasts 8 hours" in response.text


@pytest.fixture
def idle_half_hour(settings):
    settings.IRO_IDLE_SECONDS = 30 * 60


def test_a_session_left_unused_for_half_an_hour_is_signed_out(client, staff, idle_half_hour):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, staff.iro)
        assert 'data-seconds-left="1800"' in client.get(reverse("my_work")).text
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("my_work")).status_code == 200  # used: 30 minutes again
    with time_machine.travel(start + timedelta(minutes=56), tick=False):
        status = client.get(reverse("session_status")).json()
        assert status == {"signed_in": True, "seconds_left": 180}  # asking is not using
        assert 'data-seconds-left="1800"' in client.get(reverse("my_work")).text
    with time_machine.travel(start + timedelta(minutes=56 + 31), tick=False):
        response = client.get(reverse("my_work"), follow=True)
        assert response.redirect_chain[0][0].startswith("/accounts/login/")
        assert "You were signed out after 30 minutes without using iro" in response.text


def test_staying_signed_in_starts_the_idle_time_again(client, staff, idle_half_hour):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, staff.iro)
    with time_machine.travel(start + timedelta(minutes=27), tick=False):
        stayed = client.post(reverse("session_status")).json()
        assert stayed == {"signed_in": True, "seconds_left": 1800}
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get(reverse("my_work")).status_code == 200


def test_a_browser_no_longer_signed_in_is_told_so_and_nothing_is_extended(client):
    response = client.get(reverse("session_status"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False, "seconds_left": 0}
    assert client.post(reverse("session_status")).status_code == 401
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value


def test_the_sign_in_page_has_no_session_warning(client):
    assert "session-warning" not in client.get("/accounts/login/").text


def test_the_warning_says_what_happens_and_offers_to_stay(client, staff):
    sign_in(client, staff.coordinator)
    page = client.get(reverse("home"), follow=True).text
    assert "You will be signed out at" in page
    assert "Stay signed in" in page
    assert f'data-url="{reverse("session_status")}"' in page
