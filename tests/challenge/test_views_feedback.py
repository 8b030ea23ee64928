"""Feedback after a conference: who gave it, what they said, and whether they agreed
to be quoted; consent can be withdrawn later."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.challenge import services
from iro.challenge.forms import CONSENT_REQUIRED
from iro.challenge.models import Feedback, Respondent
from iro.journey.models import ConferenceKind
from tests.challenge.view_helpers import date_data, error_summary_links, html, shows
from tests.factories import ChildFactory, hold_conference

pytestmark = pytest.mark.django_db

TODAY = date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def child(staff):
    return ChildFactory(team=staff.team, first_name="Rowan", last_name="Millbeck")


@pytest.fixture
def conference(staff, child):
    return hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child, {})], chair=staff.iro,
        held_on=date(2024, 6, 24),
    )  # fmt: skip


def url(conference) -> str:
    return reverse("conference_feedback", args=[conference.public_id])


def post(client, conference, **fields):
    data = {
        "respondent": Respondent.PARENT_OR_CARER,
        "text": "I understood what was worrying people for the first time.",
        "attribution": "Mother, after a review conference",
        "consent": "yes",
        **date_data("received_on", date(2024, 6, 26)),
    }
    return client.post(url(conference), data | fields)


def test_the_conference_page_links_to_its_feedback_once_held(client, staff, conference):
    client.force_login(staff.iro)
    page = client.get(reverse("conference_detail", args=[conference.public_id]))
    assert url(conference) in html(page)


def test_the_chair_records_feedback_with_consent_to_quote(client, staff, conference):
    client.force_login(staff.iro)
    response = post(client, conference)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.respondent, feedback.consent_to_quote) == ("parent_or_carer", True)
    assert feedback.recorded_by == staff.iro
    page = client.get(url(conference))
    assert shows(page, "I understood what was worrying people for the first time.")
    assert "Rowan Millbeck" in html(page)


def test_a_coordinator_may_record_feedback_without_consent(client, staff, conference):
    client.force_login(staff.coordinator)
    assert post(client, conference, consent="no").status_code == 302
    assert Feedback.objects.get().consent_to_quote is False


def test_consent_must_be_answered_and_a_comment_or_a_rating_given(client, staff, conference):
    client.force_login(staff.iro)
    response = post(client, conference, consent="", text="")
    assert response.status_code == 200
    assert shows(response, CONSENT_REQUIRED)
    assert error_summary_links(response) == ["id_consent"]
    response = post(client, conference, text=" ")
    assert shows(response, services.NOTHING_GIVEN)
    assert error_summary_links(response) == ["id_text"]
    assert not Feedback.objects.exists()


def test_feedback_dated_before_the_conference_is_refused(client, staff, conference):
    client.force_login(staff.iro)
    response = post(client, conference, **date_data("received_on", date(2024, 6, 20)))
    assert shows(response, services.BEFORE_CONFERENCE.format(date=date(2024, 6, 24)))
    assert error_summary_links(response) == ["id_received_on_day"]
    assert not Feedback.objects.exists()


def test_a_conference_not_yet_held_takes_no_feedback(client, staff, child):
    scheduled = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child, {})], chair=staff.iro,
        scheduled_date=date(2024, 7, 8),
    )  # fmt: skip
    client.force_login(staff.iro)
    page = client.get(url(scheduled))
    assert "Feedback can be recorded once the conference has been held." in html(page)
    response = post(client, scheduled)
    assert shows(response, services.CONFERENCE_NOT_HELD)
    assert not Feedback.objects.exists()


def test_consent_can_be_withdrawn(client, staff, conference):
    client.force_login(staff.iro)
    post(client, conference)
    feedback = Feedback.objects.get()
    withdraw = reverse("feedback_withdraw_consent", args=[conference.public_id, feedback.pk])
    assert client.get(withdraw).status_code == 405
    assert client.post(withdraw).status_code == 302
    feedback.refresh_from_db()
    assert feedback.consent_to_quote is False


def test_feedback_of_another_conference_cannot_be_reached_through_this_one(
    client, staff, conference, child
):
    other = hold_conference(
        kind=ConferenceKind.REVIEW, children=[(child, {})], chair=staff.iro,
        held_on=date(2024, 5, 20),
    )  # fmt: skip
    client.force_login(staff.iro)
    post(client, other, **date_data("received_on", date(2024, 5, 21)))
    feedback = Feedback.objects.get()
    withdraw = reverse("feedback_withdraw_consent", args=[conference.public_id, feedback.pk])
    assert client.post(withdraw).status_code == 404
    assert Feedback.objects.get().consent_to_quote is True


def test_feedback_pages_refuse_those_who_may_not_record_it(client, staff, conference):
    for who in ("social_worker", "team_manager", "partnership", "outsider", "analyst"):
        client.force_login(getattr(staff, who))
        assert client.get(url(conference)).status_code == 403, who
        assert post(client, conference).status_code == 403, who
    assert not Feedback.objects.exists()
