from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import services
from iro.challenge.models import BETTER_DIRECTION, Target, TargetDirection, TargetMeasure
from iro.challenge.selectors import targets_for_year
from iro.narrative.selectors import NAMES_SOMEONE
from iro.reports import builders

pytestmark = pytest.mark.django_db


def test_the_iro_manager_sets_a_target_for_a_measure_and_year(staff):
    target = services.set_target(
        year="2019-20",
        measure="child_attended",
        value="25",
        action="Work with children to make meetings child friendly.",
        acting_user=staff.iro_manager,
    )
    assert (target.value, target.direction) == (Decimal("25.0"), TargetDirection.AT_LEAST)
    assert targets_for_year("2019-20") == {"child_attended": target}


def test_setting_a_target_again_changes_it_and_keeps_the_history(staff):
    services.set_target(
        year="2019-20",
        measure="icpc_within_15_working_days",
        value=80,
        action="Book conferences on the day the S47 ends.",
        acting_user=staff.iro_manager,
    )
    services.set_target(
        year="2019-20",
        measure="icpc_within_15_working_days",
        value=85,
        action="Book conferences on the day the S47 ends.",
        acting_user=staff.iro_manager,
    )
    target = Target.objects.get()
    assert target.value == Decimal("85.0")
    assert target.history.count() == 2


def test_a_count_target_can_be_at_most(staff):
    target = services.set_target(
        year="2019-20",
        measure="children_with_dispute_raised",
        value=40,
        direction=TargetDirection.AT_MOST,
        action="Resolve worries before they need a dispute.",
        acting_user=staff.iro_manager,
    )
    assert target.is_met_by(40) is True
    assert target.is_met_by(41) is False
    assert target.is_met_by(None) is None


def test_every_measure_a_target_can_be_set_for_says_which_way_is_better():
    assert set(BETTER_DIRECTION) == set(TargetMeasure.values)


@pytest.mark.parametrize(
    ("measure", "direction", "message"),
    [
        (
            "icpc_within_15_working_days",
            TargetDirection.AT_MOST,
            "For this measure higher is better: choose “At least”.",
        ),
        (
            "child_attended",
            TargetDirection.AT_MOST,
            "For this measure higher is better: choose “At least”.",
        ),
        (
            "plans_started_second_or_subsequent",
            TargetDirection.AT_LEAST,
            "For this measure lower is better: choose “At most”.",
        ),
    ],
)
def test_a_target_set_the_wrong_way_round_is_refused(staff, measure, direction, message):
    with pytest.raises(ValidationError) as error:
        services.set_target(
            year="2019-20", measure=measure, value=85, direction=direction,
            action="Book conferences on the day the S47 ends.", acting_user=staff.iro_manager,
        )  # fmt: skip
    assert error.value.message_dict == {"direction": [message]}
    assert not Target.objects.exists()


@pytest.mark.parametrize("direction", [TargetDirection.AT_LEAST, TargetDirection.AT_MOST])
def test_a_number_of_children_may_be_targeted_either_way(staff, direction):
    target = services.set_target(
        year="2019-20", measure="children_on_plan_at_period_end", value=300,
        direction=direction, action="Plans end when they are no longer needed.",
        acting_user=staff.iro_manager,
    )  # fmt: skip
    assert target.direction == direction


@pytest.mark.parametrize(
    ("year", "measure", "value", "field", "message"),
    [
        ("2019-2020", "child_attended", 20, "year", services.NOT_A_YEAR.format(year="2019-2020")),
        (
            "2019-20",
            "happiness",
            20,
            "measure",
            services.UNKNOWN_CHOICE.format(value="happiness", what="measure"),
        ),
        ("2019-20", "child_attended", "lots", "value", services.NOT_A_NUMBER),
        ("2019-20", "child_attended", "nan", "value", services.NOT_A_NUMBER),
        ("2019-20", "child_attended", 101, "value", services.PERCENT_RANGE),
        ("2019-20", "children_with_dispute_raised", -1, "value", services.NEGATIVE_TARGET),
        ("2019-20", "children_with_dispute_raised", 10**6, "value", services.TARGET_TOO_LARGE),
        ("2019-20", "child_attended", "82.55", "value", services.TARGET_PLACES),
        ("2019-20", "children_with_dispute_raised", "12.5", "value", services.COUNT_TARGET_WHOLE),
    ],
)
def test_it_refuses_a_bad_target(staff, year, measure, value, field, message):
    with pytest.raises(ValidationError) as error:
        services.set_target(year=year, measure=measure, value=value, acting_user=staff.iro_manager)
    assert error.value.message_dict[field] == [message]
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["iro", "senior_manager", "analyst", "outsider"])
def test_only_the_iro_manager_sets_targets(staff, who):
    with pytest.raises(PermissionDenied, match=services.CANNOT_SET_TARGETS):
        services.set_target(
            year="2019-20", measure="child_attended", value=20, acting_user=getattr(staff, who)
        )


def test_a_target_needs_its_reasoning(staff):
    with pytest.raises(ValidationError) as error:
        services.set_target(
            year="2019-20", measure="child_attended", value=20, action=" ",
            acting_user=staff.iro_manager,
        )  # fmt: skip
    assert error.value.message_dict["action"] == [services.REASONING_REQUIRED]
    assert not Target.objects.exists()


def test_an_action_naming_someone_is_refused_for_it_is_published(staff):
    from tests.factories import ChildFactory

    ChildFactory(first_name="Lily", last_name="Alnbrook")
    with pytest.raises(ValidationError) as error:
        services.set_target(
            year="2019-20", measure="child_attended", value=20,
            action="Ask lily alnbrook and Ivy Coldharbour what would help.",
            acting_user=staff.iro_manager,
        )  # fmt: skip
    assert error.value.message_dict["action"] == [
        NAMES_SOMEONE.format(names="“lily”, “alnbrook”, “Ivy” and “Coldharbour”")
    ]
    assert not Target.objects.exists()


def test_a_name_recorded_after_the_action_was_written_is_screened_from_the_report(staff):
    from tests.factories import ChildFactory

    services.set_target(
        year="2019-20", measure="child_attended", value=20,
        action="Ask zinnia ockwell what would help.", acting_user=staff.iro_manager,
    )  # fmt: skip
    ChildFactory(first_name="Zinnia", last_name="Ockwell")  # recorded later
    (line,) = builders.target_lines("2019-20", None, None)
    assert line.action == "Ask [name] [name] what would help."
