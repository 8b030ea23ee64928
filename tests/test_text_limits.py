"""Free text has a limit per kind of field, kept by the forms and the services alike,
and a request body has a size limit (security review, finding 18)."""

from __future__ import annotations

import inspect
from datetime import date

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from iro import text_limits
from iro.challenge import forms as challenge_forms
from iro.challenge import services as challenge_services
from iro.challenge.models import Dispute, DisputeReason
from iro.journey import conference_forms, plan_forms, plan_services, services
from iro.journey.models import PlanAction, PlanOutcome, StrategyDiscussion
from iro.text_limits import TOO_LONG, too_long
from tests.factories import ChildFactory, child_on_plan, make_staff
from tests.journey.test_conference_views import date_data

pytestmark = [pytest.mark.django_db]

HUNDRED_KB = "x" * 100_000


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.other_iro,
        strategy=date(2024, 3, 1),
        icpc_on=date(2024, 3, 20),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
    )


def message(limit: int, length: int = len(HUNDRED_KB)) -> str:
    return TOO_LONG.format(length=length, limit=limit)


def test_a_form_names_the_field_whose_text_is_too_long():
    said = text_limits.too_long("x" * 1_499, text_limits.VENUE)
    assert text_limits.naming(said, "Venue") == (
        "Venue is 1,499 characters long: shorten it to 200 characters or fewer."
    )
    assert text_limits.naming(said, "Description (optional)").startswith("Description is 1,499")
    assert text_limits.naming(said, "Who came?").startswith("The answer to “Who came?” is")
    assert text_limits.naming("Enter a date.", "Venue") == "Enter a date."


def test_too_long_says_how_long_and_what_the_limit_is():
    assert (
        too_long("x" * 11, 10)
        == "This is 11 characters long: shorten it to 10 characters or fewer."
    )
    assert too_long("x" * 10, 10) is None
    assert too_long("", 10) is None


def test_a_100_kb_action_posted_to_the_plan_gets_the_fields_error_and_nothing_is_saved(
    client, staff, journey
):
    client.force_login(staff.iro)
    response = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": HUNDRED_KB, "who": "Mum", **date_data("by_when", date(2024, 8, 30))},
    )
    assert response.status_code == 200
    named = text_limits.naming(message(text_limits.ACTION), "What needs to happen?")
    assert named in response.content.decode()
    assert not PlanAction.objects.exists()


def test_the_action_service_refuses_100_kb_too(staff, journey):
    with pytest.raises(ValidationError) as refused:
        plan_services.add_action(
            plan=journey.plan,
            what=HUNDRED_KB,
            who="Mum",
            by_when=date(2024, 8, 30),
            acting_user=staff.iro,
        )
    assert refused.value.message_dict == {"what": [message(text_limits.ACTION)]}
    assert not PlanAction.objects.exists()


def test_the_outcome_service_refuses_100_kb(staff, journey):
    with pytest.raises(ValidationError) as refused:
        plan_services.add_outcome(plan=journey.plan, text=HUNDRED_KB, acting_user=staff.iro)
    assert refused.value.message_dict == {"text": [message(text_limits.OUTCOME)]}
    assert not PlanOutcome.objects.exists()


def test_the_strategy_discussion_service_refuses_100_kb_of_notes(staff):
    child = ChildFactory(team=staff.team)
    episode = services.open_episode(
        child=child,
        referral_date=date(2024, 6, 3),
        referral_source="2A",
        acting_user=staff.coordinator,
    )
    with pytest.raises(ValidationError) as refused:
        services.record_strategy_discussion(
            episode=episode,
            held_on=date(2024, 6, 4),
            acting_user=staff.coordinator,
            notes=HUNDRED_KB,
        )
    assert refused.value.message_dict == {"notes": [message(text_limits.NOTE)]}
    assert not StrategyDiscussion.objects.exists()


def test_the_dispute_service_refuses_100_kb_of_detail(staff):
    child = ChildFactory(team=staff.team)
    with pytest.raises(ValidationError) as refused:
        challenge_services.raise_dispute(
            child=child,
            raised_on=date(2024, 6, 3),
            reason=DisputeReason.PLANNING,
            addressed_to=staff.team_manager,
            acting_user=staff.iro,
            detail=HUNDRED_KB,
        )
    assert refused.value.message_dict == {"detail": [message(text_limits.NOTE)]}
    assert not Dispute.objects.exists()


def test_text_at_the_limit_is_kept(staff, journey):
    action = plan_services.add_action(
        plan=journey.plan,
        what="y" * text_limits.ACTION,
        who="Mum",
        by_when=date(2024, 8, 30),
        acting_user=staff.iro,
    )
    assert len(action.what) == text_limits.ACTION


def test_a_body_larger_than_any_form_is_refused_with_a_page_and_nothing_saved(
    client, staff, journey, settings
):
    client.force_login(staff.iro)
    too_big = "z" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": too_big, "who": "Mum"},
    )
    assert response.status_code == 400
    assert "The service could not read what was sent" in response.content.decode()
    assert not PlanAction.objects.exists()


def form_classes() -> list:
    return [
        pytest.param(cls, id=cls.__name__)
        for module in (conference_forms, plan_forms, challenge_forms)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.Form) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("form_class", form_classes())
def test_every_free_text_field_of_every_form_has_a_limit(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field.widget, forms.Textarea):
            limits = [v for v in field.validators if isinstance(v, text_limits.MaxChars)]
            assert limits, f"{form_class.__name__}.{name} has no text limit"
