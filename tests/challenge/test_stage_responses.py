"""Recording the manager's response at the stage a dispute has reached."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import DisputeReason, DisputeStage
from iro.journey.checks import DATE_IN_FUTURE, STALE_RECORD, current_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


@pytest.fixture
def dispute(staff, child):
    return services.raise_dispute(
        child=child,
        raised_on=date(2024, 6, 3),
        reason=DisputeReason.PLANNING,
        addressed_to=staff.team_manager,
        detail="The plan has drifted.",
        acting_user=staff.iro,
    )


def respond(staff, dispute, **kwargs):
    args = {
        "dispute": dispute,
        "responded_on": date(2024, 6, 10),
        "response": "The assessment will be finished by Friday.",
        "acting_user": addressee(dispute),
        "expected_version": current_version(dispute),
    }
    return services.record_stage_response(**(args | kwargs))


def addressee(dispute):
    """The person the dispute's current stage is addressed to, who answers it."""
    dispute.refresh_from_db()
    return dispute.stages.get(stage=dispute.stage).addressed_to


def test_it_records_the_response_at_the_current_stage_with_its_history(staff, dispute):
    stage = respond(staff, dispute)
    assert (stage.stage, stage.responded_on) == (1, date(2024, 6, 10))
    assert stage.response == "The assessment will be finished by Friday."
    assert stage.history.count() == 2
    assert stage.history.first().history_user == staff.team_manager
    dispute.refresh_from_db()
    assert dispute.version == 2


def test_it_refuses_a_second_response_at_the_same_stage(staff, dispute):
    respond(staff, dispute)
    with pytest.raises(ValidationError) as refused:
        respond(staff, dispute, responded_on=date(2024, 6, 12))
    expected = services.ALREADY_ANSWERED_AT_STAGE.format(date=date(2024, 6, 10))
    assert refused.value.message_dict["responded_on"] == [expected]


def test_after_escalation_the_next_stage_takes_its_own_response(staff, dispute):
    respond(staff, dispute)
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2024, 6, 14),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    stage = respond(staff, dispute, responded_on=date(2024, 6, 20), response="Agreed.")
    assert stage.stage == 2
    responses = DisputeStage.objects.filter(dispute=dispute).values_list("stage", "responded_on")
    assert sorted(responses) == [(1, date(2024, 6, 10)), (2, date(2024, 6, 20))]


def test_it_refuses_a_date_before_the_stage_started_or_in_the_future(staff, dispute):
    with pytest.raises(ValidationError) as early:
        respond(staff, dispute, responded_on=date(2024, 6, 2))
    assert early.value.message_dict["responded_on"] == [
        services.BEFORE_STAGE_START.format(date=date(2024, 6, 3))
    ]
    with pytest.raises(ValidationError) as future:
        respond(staff, dispute, responded_on=date(2024, 7, 2))
    assert future.value.message_dict["responded_on"] == [DATE_IN_FUTURE]


def test_it_requires_the_response(staff, dispute):
    with pytest.raises(ValidationError) as refused:
        respond(staff, dispute, response="  ")
    assert refused.value.message_dict["response"] == [services.ANSWER_REQUIRED]
    assert DisputeStage.objects.get(dispute=dispute).responded_on is None


def test_it_refuses_a_resolved_dispute(staff, dispute):
    services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2024, 6, 7),
        resolution="Plan updated.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    with pytest.raises(ValidationError) as refused:
        respond(staff, dispute)
    assert refused.value.message_dict["responded_on"] == [
        services.ALREADY_RESOLVED.format(date=date(2024, 6, 7))
    ]


def test_resolving_tells_the_person_it_waited_with_that_it_no_longer_does(staff, dispute):
    from iro.notices.models import Notice

    services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2024, 6, 7),
        resolution="Plan updated.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    told = Notice.objects.filter(recipient=staff.team_manager).order_by("created_at", "pk")
    assert [(n.subject.split(": ")[0], n.settled_at is None) for n in told] == [
        (services.DISPUTE_WAITING, False),  # settled: it waits no longer
        (services.DISPUTE_RESOLVED, False),  # and said, with nothing to do
    ]


def test_it_refuses_a_save_from_a_stale_page(staff, dispute):
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2024, 6, 5),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.other_iro,
        expected_version=current_version(dispute),
    )
    with pytest.raises(ValidationError) as refused:
        respond(staff, dispute, expected_version=1)
    assert refused.value.messages == [STALE_RECORD]


@pytest.mark.parametrize(
    "who", ["iro", "social_worker", "senior_manager", "partnership", "outsider"]
)
def test_it_refuses_anyone_but_the_addressee(staff, dispute, who):
    with pytest.raises(PermissionDenied):
        respond(staff, dispute, acting_user=getattr(staff, who))
