"""A plan that ends has no more reviews: its child comes off the review already booked
for it, and a review booked for that child alone is cancelled, those invited told."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from iro.journey import invitations, services
from iro.journey.checks import current_version
from iro.journey.models import (
    CancellationReason,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    InviteeRole,
    Plan,
)
from iro.journey.services import Subject
from tests.factories import complete_outcome
from tests.journey.test_services import (  # noqa: F401 (fixtures)
    coordinator,
    held_icpc,
    iro,
    iro_manager,
    siblings,
    team,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 28), tick=False):
        yield


@pytest.fixture
def plans(siblings, coordinator, iro):  # noqa: F811
    held_icpc(siblings, coordinator, iro, held_on=date(2024, 1, 31))
    return [Plan.objects.get(child=child) for child in siblings]


def book_review(children_plans, coordinator, on):  # noqa: F811
    return services.schedule_conference(
        confirm_reason="Booked ahead",
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=plan.child, plan=plan) for plan in children_plans],
        scheduled_date=on,
        scheduled_time=time(10, 0),
        acting_user=coordinator,
    )


def hold(review, iro, decisions):  # noqa: F811
    return services.record_conference_held(
        conference=review,
        held_on=review.scheduled_date,
        outcomes={
            child.pk: complete_outcome(
                decision,
                **(
                    {"end_reason": "step_down_cin"}
                    if decision == Decision.END
                    else {"category": "NEG"}
                ),
            )
            for child, decision in decisions.items()
        },
        acting_user=iro,
        expected_version=current_version(review),
    )


def invite_by_email(conference, coordinator):  # noqa: F811
    services.add_invitee(
        conference=conference,
        name="Pat Health Visitor",
        role=InviteeRole.HEALTH,
        email="pat@example.org",
        acting_user=coordinator,
    )
    invitations.send_invitations(conference=conference, acting_user=coordinator)
    mail.outbox.clear()


def test_a_review_that_ends_one_plan_takes_that_child_off_the_next_review_booked(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ada, bo = siblings
    review = book_review(plans, coordinator, date(2024, 4, 30))
    following = book_review(plans, coordinator, date(2024, 10, 29))
    invite_by_email(following, coordinator)
    version = current_version(following)
    with (
        time_machine.travel(datetime(2024, 6, 28, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        hold(review, iro, {ada: Decision.CONTINUE, bo: Decision.END})
    following.refresh_from_db()
    assert following.status == ConferenceStatus.SCHEDULED
    assert [row.child for row in following.children.all()] == [ada]
    assert current_version(following) > version
    (update,) = mail.outbox
    assert update.to == ["pat@example.org"]
    assert "a child was taken off (their plan ended)" in update.body
    assert services.booked_reviews_said([Plan.objects.get(child=bo)]) == (
        "The review booked for 29 October 2024 goes ahead without the child whose plan "
        "ended; those invited are told."
    )


def test_a_review_booked_for_the_child_alone_is_cancelled_and_those_invited_told(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ada, bo = siblings
    review = book_review(plans, coordinator, date(2024, 4, 30))
    alone = book_review(plans[1:], coordinator, date(2024, 10, 29))
    invite_by_email(alone, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        hold(review, iro, {ada: Decision.CONTINUE, bo: Decision.END})
    alone.refresh_from_db()
    assert alone.status == ConferenceStatus.CANCELLED
    assert alone.cancellation_reason == CancellationReason.NOT_NEEDED
    assert alone.cancellation_detail == "The child protection plan of Bo ended on 30 April 2024."
    assert alone.cancelled_by == iro
    (cancellation,) = mail.outbox
    assert cancellation.subject.startswith("Cancelled: ")
    assert "The review booked for 29 October 2024 is cancelled" in (
        services.booked_reviews_said([Plan.objects.get(child=bo)])
    )


def test_a_plan_ended_outside_a_review_comes_off_its_booked_review_too(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
):
    bo = siblings[1]
    booked = book_review(plans, coordinator, date(2024, 7, 30))
    services.end_plan(
        plan=plans[0],
        ended_on=date(2024, 6, 27),
        reason="transferred_out",
        acting_user=iro,
        expected_version=plans[0].version,
    )
    assert [row.child for row in booked.children.all()] == [bo]


def test_the_chair_is_told_on_the_page_what_became_of_the_booked_review(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
):
    book_review(plans, coordinator, date(2024, 7, 30))
    client = Client()
    client.force_login(iro)
    # Said before too, on the page that ends it.
    page = client.get(reverse("plan_end", args=[plans[1].public_id])).content.decode()
    assert "The review booked for 30 July 2024 goes ahead without" in page
    response = client.post(
        reverse("plan_end", args=[plans[1].public_id]),
        {
            "ended_on_day": "27",
            "ended_on_month": "6",
            "ended_on_year": "2024",
            "reason": "step_down_cin",
            "version": plans[1].version,
        },
        follow=True,
    )
    assert "The plan has ended. The review booked for 30 July 2024 goes ahead without" in (
        response.content.decode()
    )


def test_a_held_or_cancelled_conference_is_left_as_it_was(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
):
    ada, bo = siblings
    earlier = book_review(plans, coordinator, date(2024, 4, 30))
    hold(earlier, iro, {ada: Decision.CONTINUE, bo: Decision.CONTINUE})
    cancelled = book_review(plans, coordinator, date(2024, 9, 30))
    invitations.cancel_and_notify(
        conference=cancelled,
        reason=CancellationReason.MISTAKE,
        acting_user=coordinator,
        expected_version=current_version(cancelled),
    )
    services.end_plan(
        plan=plans[1],
        ended_on=date(2024, 6, 27),
        reason="step_down_cin",
        acting_user=iro,
        expected_version=Plan.objects.get(pk=plans[1].pk).version,
    )
    assert earlier.children.count() == 2 and cancelled.children.count() == 2
    cancelled.refresh_from_db()
    assert cancelled.cancellation_reason == CancellationReason.MISTAKE
    assert Conference.objects.filter(status=ConferenceStatus.SCHEDULED).count() == 0
    # The review cancelled for another reason is not said to be the plan end's doing.
    assert services.booked_reviews_said([Plan.objects.get(pk=plans[1].pk)]) == ""


def test_ending_a_plan_warns_its_review_alone_is_cancelled_and_its_void_says_it_stays_so(
    siblings,  # noqa: F811
    plans,
    coordinator,  # noqa: F811
    iro,  # noqa: F811
    iro_manager,  # noqa: F811
):
    book_review(plans[1:], coordinator, date(2024, 7, 30))
    client = Client()
    client.force_login(iro)
    url = reverse("plan_end", args=[plans[1].public_id])
    assert "The review booked for 30 July 2024 is cancelled when the plan ends" in (
        client.get(url).content.decode()
    )
    client.post(url, {"ended_on_day": "27", "ended_on_month": "6", "ended_on_year": "2024",
                      "reason": "looked_after", "version": plans[1].version})  # fmt: skip
    client.force_login(iro_manager)
    page = client.get(reverse("plan_end_void", args=[plans[1].public_id])).content.decode()
    assert "the review booked for 30 July 2024 was cancelled when it ended, and stays" in page
