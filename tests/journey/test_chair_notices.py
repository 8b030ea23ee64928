"""A chair is told of the conferences they are to chair: given one, moved, taken off or
cancelled (a notice on their Messages page, emailed), and the notice stops waiting once
the conference is held."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core import mail

from iro.journey import invitations, services
from iro.journey.checks import current_version
from iro.journey.models import CancellationReason, ConferenceKind, Decision
from iro.journey.services import Subject
from iro.notices.models import Notice
from iro.people.models import Role, User
from tests.factories import complete_outcome
from tests.journey.test_services import (  # noqa: F401 (fixtures)
    coordinator,
    iro,
    siblings,
    strategy_for,
    team,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 3), tick=False):
        yield


@pytest.fixture
def other_iro():
    return User.objects.create(
        username="oona", first_name="Oona", role=Role.IRO, email="oona@example.org"
    )


@pytest.fixture
def booked(siblings, coordinator, iro):  # noqa: F811
    iro.email = "ivy@example.org"
    iro.save()
    return services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[
            Subject(
                child=siblings[0],
                section47=strategy_for(siblings[0], coordinator, held_on=date(2024, 5, 28)),
            )
        ],
        scheduled_date=date(2024, 6, 10),
        scheduled_time=time(10, 0),
        chair=iro,
        confirm_reason="Booked late",
        acting_user=coordinator,
    )


def told(user) -> list[tuple[str, bool]]:
    """What ``user`` was told (each notice's sentence, before the conference it is about)
    and whether it is still waiting."""
    return [
        (n.subject.partition(": ")[0], n.settled_at is None)
        for n in Notice.objects.filter(recipient=user).order_by("created_at", "pk")
    ]


def test_booking_a_conference_with_its_chair_tells_the_chair(booked, iro):  # noqa: F811
    assert told(iro) == [(services.CHAIR_GIVEN, True)]
    (email,) = [m for m in mail.outbox if m.to == ["ivy@example.org"]]
    # Which conference, by its kind and when: the chair need not open it to know.
    assert email.subject == (
        f"iro: {services.CHAIR_GIVEN}: initial child protection conference on "
        "Mon 10 Jun 2024 at 10:00"
    )
    assert f"/conferences/{booked.public_id}/" in email.body
    assert "Wren" not in email.body and "Ada" not in email.body


def test_a_new_chair_is_told_and_the_one_before_is_told_it_went_elsewhere(
    booked,
    iro,  # noqa: F811
    other_iro,
    coordinator,  # noqa: F811
):
    services.allocate_chair(
        conference=booked,
        chair=other_iro,
        acting_user=coordinator,
        expected_version=current_version(booked),
    )
    assert told(iro) == [(services.CHAIR_GIVEN, False), (services.CHAIR_TAKEN_OFF, False)]
    assert told(other_iro) == [(services.CHAIR_GIVEN, True)]


def test_moving_the_conference_tells_its_chair(booked, iro, coordinator):  # noqa: F811
    services.reschedule_conference(
        conference=booked,
        scheduled_date=date(2024, 6, 11),
        scheduled_time=time(14, 0),
        venue="Northmoor Civic Centre",
        confirm_reason="Booked late",
        acting_user=coordinator,
        expected_version=current_version(booked),
    )
    assert told(iro) == [(services.CHAIR_GIVEN, False), (services.CHAIR_MOVED, True)]


def test_cancelling_the_conference_tells_its_chair(booked, iro, coordinator):  # noqa: F811
    invitations.cancel_and_notify(
        conference=booked,
        reason=CancellationReason.MISTAKE,
        acting_user=coordinator,
        expected_version=current_version(booked),
    )
    assert told(iro) == [(services.CHAIR_GIVEN, False), (services.CHAIR_CANCELLED, False)]


def test_holding_the_conference_settles_the_chairs_notice(booked, iro, siblings):  # noqa: F811
    with time_machine.travel(date(2024, 6, 10), tick=False):
        services.record_conference_held(
            conference=booked,
            held_on=date(2024, 6, 10),
            outcomes={
                siblings[0].pk: complete_outcome(
                    Decision.PLAN, category="NEG", held_on=date(2024, 6, 10)
                )
            },
            acting_user=iro,
            expected_version=current_version(booked),
        )
    assert told(iro) == [(services.CHAIR_GIVEN, False)]


def test_a_booking_recorded_after_the_event_tells_no_one(siblings, coordinator, iro):  # noqa: F811
    services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[Subject(child=siblings[1], section47=strategy_for(siblings[1], coordinator))],
        scheduled_date=date(2024, 5, 31),
        scheduled_time=time(10, 0),
        chair=iro,
        confirm_reason="Recorded after the event",
        acting_user=coordinator,
    )
    assert told(iro) == []
