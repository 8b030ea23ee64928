"""The concurrent-edit check cannot be skipped: a save that does not say which version
of the record it was made from is refused, on the page and in the service."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from iro.challenge import services as challenge_services
from iro.challenge.models import Dispute, DisputeReason
from iro.journey import plan_services, services
from iro.journey.checks import VERSION_MISSING
from iro.journey.models import CancellationReason, Conference, Plan, PlanOutcome
from tests.factories import child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2024, 1, 8), icpc_on=date(2024, 1, 22), team=staff.team
    )
    plan_services.add_outcome(plan=journey.plan, text="Safe at home.", acting_user=staff.iro)
    return journey


@pytest.fixture
def conference(staff):
    return book_icpc(staff, sibling_group(staff))


def test_an_outcome_saved_without_its_version_is_refused_and_unchanged(client, staff, journey):
    outcome = PlanOutcome.objects.get()
    client.force_login(staff.iro)
    url = reverse("plan_outcome", args=[journey.plan.public_id, outcome.pk])
    response = client.post(url, {"text": "Overwritten."})
    assert response.status_code == 200
    assert escape(VERSION_MISSING) in response.content.decode()
    assert PlanOutcome.objects.get().text == "Safe at home."


def test_a_new_outcome_needs_no_version(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_outcome_new", args=[journey.plan.public_id])
    assert client.post(url, {"text": "Goes to school every day."}).status_code == 302
    assert PlanOutcome.objects.count() == 2


def test_a_chair_allocated_without_the_version_is_refused(client, staff, conference):
    client.force_login(staff.coordinator)
    url = reverse("conference_chair", args=[conference.public_id])
    response = client.post(url, {"chair": str(staff.other_iro.pk)})
    assert escape(VERSION_MISSING) in response.content.decode()
    assert Conference.objects.get().chair == staff.iro


def test_a_plan_ended_without_the_version_is_refused(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_end", args=[journey.plan.public_id])
    response = client.post(
        url,
        {"ended_on_day": "1", "ended_on_month": "6", "ended_on_year": "2024", "reason": "closed"},
    )
    assert escape(VERSION_MISSING) in response.content.decode()
    assert Plan.objects.get().end_date is None


def test_actions_reviewed_without_their_versions_are_refused(client, staff, journey):
    action = plan_services.add_action(
        plan=journey.plan, what="Weekly visits", who="Social worker", by_when=date(2024, 7, 1),
        acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.iro)
    url = reverse("plan_actions_review", args=[journey.plan.public_id])
    response = client.post(url, {f"status_{action.pk}": "done", f"progress_{action.pk}": "x"})
    assert escape(VERSION_MISSING) in response.content.decode()
    action.refresh_from_db()
    assert action.status != "done"


def test_a_dispute_escalated_without_the_version_is_refused(client, staff, journey):
    dispute = challenge_services.raise_dispute(
        child=journey.child, plan=journey.plan, raised_on=date(2024, 6, 3),
        reason=DisputeReason.ASSESSMENT, detail="Late.", addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )  # fmt: skip
    client.force_login(staff.iro)
    url = reverse("dispute_escalate", args=[dispute.public_id])
    client.post(url, {"escalated_on_day": "10", "escalated_on_month": "6",
                      "escalated_on_year": "2024", "sent_to": "Head of service"})  # fmt: skip
    assert Dispute.objects.get().stage == dispute.stage


def test_the_services_refuse_a_missing_version(staff, journey, conference):
    with pytest.raises(ValidationError, match="did not say which version"):
        services.cancel_conference(
            conference=conference,
            reason=CancellationReason.MISTAKE,
            acting_user=staff.coordinator,
            expected_version=None,
        )
    with pytest.raises(ValidationError, match="did not say which version"):
        plan_services.update_outcome(
            outcome=PlanOutcome.objects.get(), text="x", acting_user=staff.iro,
            expected_version=None,
        )  # fmt: skip
    with pytest.raises(TypeError):
        services.end_plan(  # the argument is required
            plan=journey.plan, ended_on=date(2024, 6, 1), reason="closed", acting_user=staff.iro
        )
