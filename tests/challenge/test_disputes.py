from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import Dispute, DisputeReason, Stage, stage_report_key
from iro.journey.checks import DATE_IN_FUTURE, current_version, today
from tests.factories import ChildFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _raise(staff, child, **kwargs):
    args = {
        "child": child,
        "raised_on": date(2019, 1, 7),
        "reason": DisputeReason.PLANNING,
        "detail": "The plan has drifted.",
        "addressed_to": staff.team_manager,
        "acting_user": staff.iro,
    }
    return services.raise_dispute(**(args | kwargs))


def test_it_raises_a_dispute_at_the_informal_stage_with_its_first_stage_row(staff, child):
    dispute = _raise(staff, child)
    assert dispute.stage == Stage.INFORMAL
    assert dispute.raised_by == staff.iro
    (stage,) = dispute.stages.all()
    assert (stage.stage, stage.started_on, stage.addressed_to) == (
        1,
        date(2019, 1, 7),
        staff.team_manager,
    )
    assert stage.sent_to == "Tess Larkmoor, Team manager"
    assert dispute.history.count() == 1


def test_it_escalates_one_stage_at_a_time_ending_the_stage_before(staff, child):
    dispute = _raise(staff, child)
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2019, 1, 14),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    dispute = services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2019, 1, 21),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    assert dispute.stage == Stage.STAGE_3
    rows = list(dispute.stages.values_list("stage", "started_on", "ended_on"))
    assert rows == [
        (1, date(2019, 1, 7), date(2019, 1, 14)),
        (2, date(2019, 1, 14), date(2019, 1, 21)),
        (3, date(2019, 1, 21), None),
    ]


def test_it_resolves_a_dispute_at_the_stage_it_has_reached(staff, child):
    dispute = _raise(staff, child)
    services.escalate_dispute(
        dispute=dispute,
        escalated_on=date(2019, 1, 9),
        addressed_to=staff.senior_manager,
        note="The last stage did not resolve it.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    dispute = services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2019, 1, 30),
        resolution="Assessment completed and plan updated.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    assert dispute.resolved_on == date(2019, 1, 30)
    assert dispute.resolved_at_key == "stage_2"
    assert dispute.stages.get(stage=2).ended_on == date(2019, 1, 30)


def test_it_refuses_to_escalate_a_resolved_dispute(staff, child):
    dispute = _raise(staff, child)
    services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2019, 1, 8),
        resolution="Agreed.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    with pytest.raises(ValidationError) as error:
        services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2019, 1, 9),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert error.value.message_dict["escalated_on"] == [
        services.ALREADY_RESOLVED.format(date=date(2019, 1, 8))
    ]


def test_it_refuses_to_resolve_twice(staff, child):
    dispute = _raise(staff, child)
    services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2019, 1, 8),
        resolution="Agreed.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    with pytest.raises(ValidationError) as error:
        services.resolve_dispute(
            dispute=dispute,
            resolved_on=date(2019, 1, 9),
            resolution="Again.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert services.ALREADY_RESOLVED.format(date=date(2019, 1, 8)) in error.value.messages


def test_it_refuses_to_escalate_beyond_stage_8(staff, child):
    dispute = _raise(staff, child)
    for day in range(8, 15):
        dispute = services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2019, 1, day),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert dispute.stage == Stage.STAGE_8
    with pytest.raises(ValidationError) as error:
        services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2019, 1, 20),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert error.value.message_dict["escalated_on"] == [services.AT_FINAL_STAGE]
    assert stage_report_key(dispute.stage) == "stage_5_to_8"


def test_it_refuses_an_escalation_before_the_current_stage_started(staff, child):
    dispute = _raise(staff, child)
    with pytest.raises(ValidationError) as error:
        services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2019, 1, 6),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert error.value.message_dict["escalated_on"] == [
        services.BEFORE_STAGE_START.format(date=date(2019, 1, 7))
    ]
    assert Dispute.objects.get().stage == Stage.INFORMAL


def test_it_refuses_a_resolution_without_saying_how(staff, child):
    dispute = _raise(staff, child)
    with pytest.raises(ValidationError) as error:
        services.resolve_dispute(
            dispute=dispute,
            resolved_on=date(2019, 1, 8),
            resolution="  ",
            acting_user=staff.iro,
            expected_version=current_version(dispute),
        )
    assert error.value.message_dict["resolution"] == [
        services.TEXT_REQUIRED.format(what="how the dispute was resolved")
    ]


def test_it_refuses_an_unknown_reason_a_future_date_and_another_childs_plan(staff, child):
    other_plan = PlanFactory(child=ChildFactory(team=staff.team))
    with pytest.raises(ValidationError) as error:
        _raise(staff, child, reason="mood", raised_on=today() + timedelta(days=1), plan=other_plan)
    assert error.value.message_dict == {
        "raised_on": [DATE_IN_FUTURE],
        "reason": [services.UNKNOWN_CHOICE.format(value="mood", what="reason for a dispute")],
        "plan": [services.PLAN_OF_ANOTHER_CHILD],
    }
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("who", ["social_worker", "coordinator", "partnership", "outsider"])
def test_it_refuses_staff_who_cannot_raise_challenges(staff, child, who):
    with pytest.raises(PermissionDenied, match=services.CANNOT_RAISE):
        _raise(staff, child, acting_user=getattr(staff, who))
    assert not Dispute.objects.exists()


def test_it_lets_the_iro_manager_raise_a_dispute(staff, child):
    assert _raise(staff, child, acting_user=staff.iro_manager).raised_by == staff.iro_manager


@pytest.mark.parametrize(
    ("stage", "key"),
    [
        (1, "informal"),
        (2, "stage_2"),
        (3, "stage_3"),
        (4, "stage_4"),
        (5, "stage_5_to_8"),
        (8, "stage_5_to_8"),
    ],
)
def test_each_stage_has_the_report_key_of_metrics_md(stage, key):
    assert stage_report_key(stage) == key
