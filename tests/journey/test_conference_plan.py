"""The plan's content: outcomes, actions (revisited at reviews) and the core group."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from iro.journey import plan_services
from iro.journey.checks import DATE_TOO_FAR_AHEAD, STALE_RECORD, current_version
from iro.journey.models import ActionStatus, InviteeRole, PlanAction
from iro.journey.plan_services import ActionReview
from tests.factories import ChildFactory, PlanFactory, make_staff

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def plan():
    return PlanFactory(start_date=date(2024, 5, 1))


def an_action(plan, staff, **fields):
    values = {"what": "Go to the parenting course", "who": "Mum", "by_when": date(2024, 8, 1)}
    return plan_services.add_action(plan=plan, acting_user=staff.iro, **(values | fields))


def test_an_action_says_what_by_whom_and_by_when(plan, staff):
    outcome = plan_services.add_outcome(
        plan=plan, text="Wren feels safe at home", acting_user=staff.iro
    )
    action = an_action(plan, staff, outcome=outcome)
    assert (action.what, action.who, action.by_when, action.status) == (
        "Go to the parenting course",
        "Mum",
        date(2024, 8, 1),
        ActionStatus.NOT_STARTED,
    )
    assert list(outcome.actions.all()) == [action]
    assert action.history.count() == 1


def test_an_action_needs_what_who_and_a_sensible_date(plan, staff):
    with pytest.raises(ValidationError) as raised:
        an_action(plan, staff, what="", who=" ", by_when=date(2024, 4, 1))
    assert raised.value.message_dict == {
        "what": [plan_services.WHAT_REQUIRED],
        "who": [plan_services.WHO_REQUIRED],
        "by_when": [plan_services.BY_WHEN_BEFORE_PLAN.format(date=date(2024, 5, 1))],
    }
    with pytest.raises(ValidationError) as raised:
        an_action(plan, staff, by_when=date(2031, 1, 1))
    assert raised.value.message_dict == {"by_when": [DATE_TOO_FAR_AHEAD]}
    assert not PlanAction.objects.exists()


def test_an_outcome_of_another_plan_is_refused(plan, staff):
    other = PlanFactory(start_date=date(2024, 5, 1))
    outcome = plan_services.add_outcome(plan=other, text="Safe", acting_user=staff.iro)
    with pytest.raises(ValidationError) as raised:
        an_action(plan, staff, outcome=outcome)
    assert raised.value.message_dict == {"outcome": [plan_services.OUTCOME_OF_ANOTHER_PLAN]}


def test_an_ended_plan_cannot_be_changed(staff):
    plan = PlanFactory(start_date=date(2024, 1, 5), end_date=date(2024, 6, 1))
    with pytest.raises(ValidationError) as raised:
        plan_services.add_outcome(plan=plan, text="Safe", acting_user=staff.iro)
    assert raised.value.message_dict == {
        "text": [plan_services.PLAN_ENDED.format(date=date(2024, 6, 1))]
    }


def test_revisiting_actions_at_a_review_records_status_and_progress(plan, staff):
    first, second = an_action(plan, staff), an_action(plan, staff, what="Dentist", who="Dad")
    changed = plan_services.revisit_actions(
        plan=plan,
        reviews={
            first.pk: ActionReview(ActionStatus.DONE, "Finished in June", first.version),
            second.pk: ActionReview(ActionStatus.NOT_STARTED, "", second.version),
        },
        acting_user=staff.iro,
    )
    assert changed == [first]
    first.refresh_from_db()
    assert (first.status, first.progress, first.version) == ("done", "Finished in June", 2)


def test_revisiting_an_action_someone_else_changed_is_refused_whole(plan, staff):
    first, second = an_action(plan, staff), an_action(plan, staff, what="Dentist", who="Dad")
    plan_services.update_action(
        action=second, what="Dentist check-up", who="Dad", by_when=second.by_when,
        status=ActionStatus.IN_PROGRESS, acting_user=staff.other_iro,
        expected_version=current_version(second),
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        plan_services.revisit_actions(
            plan=plan,
            reviews={
                first.pk: ActionReview(ActionStatus.DONE, "", 1),
                second.pk: ActionReview(ActionStatus.DONE, "", 1),
            },
            acting_user=staff.iro,
        )
    assert raised.value.messages == [STALE_RECORD]
    first.refresh_from_db()
    assert first.status == ActionStatus.NOT_STARTED


def test_an_unknown_status_is_refused_on_the_actions_field(plan, staff):
    action = an_action(plan, staff)
    with pytest.raises(ValidationError) as raised:
        plan_services.revisit_actions(
            plan=plan,
            reviews={action.pk: ActionReview("lost", "", action.version)},
            acting_user=staff.iro,
        )
    assert raised.value.message_dict == {
        f"status_{action.pk}": [plan_services.STATUS_UNKNOWN.format(value="lost")]
    }


def test_core_group_members_join_and_leave(plan, staff):
    member = plan_services.add_core_group_member(
        plan=plan,
        name="Fern Oakley",
        role=InviteeRole.SCHOOL,
        joined_on=date(2024, 5, 1),
        acting_user=staff.iro,
    )
    with pytest.raises(ValidationError) as raised:
        plan_services.end_core_group_membership(
            member=member, left_on=date(2024, 4, 1), acting_user=staff.iro
        )
    assert raised.value.message_dict == {
        "left_on": [plan_services.LEFT_BEFORE_JOINED.format(date=date(2024, 5, 1))]
    }
    plan_services.end_core_group_membership(
        member=member, left_on=date(2024, 6, 1), acting_user=staff.iro
    )
    member.refresh_from_db()
    assert member.left_on == date(2024, 6, 1)


def test_a_core_group_member_needs_a_name_a_role_and_a_date_within_the_plan(plan, staff):
    with pytest.raises(ValidationError) as raised:
        plan_services.add_core_group_member(
            plan=plan, name="", role="", joined_on=date(2024, 4, 30), acting_user=staff.iro
        )
    assert raised.value.message_dict == {
        "name": [plan_services.MEMBER_NAME_REQUIRED],
        "role": [plan_services.MEMBER_ROLE_REQUIRED],
        "joined_on": [plan_services.JOINED_BEFORE_PLAN.format(date=date(2024, 5, 1))],
    }


def test_the_social_worker_records_an_actions_progress_between_conferences(staff):
    plan = PlanFactory(start_date=date(2024, 5, 1), child=ChildFactory(team=staff.team))
    action = an_action(plan, staff)

    plan_services.record_action_progress(
        action=action,
        status=ActionStatus.IN_PROGRESS,
        progress="Mum went to the first two sessions.",
        expected_version=action.version,
        acting_user=staff.social_worker,
    )

    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == (
        ActionStatus.IN_PROGRESS,
        "Mum went to the first two sessions.",
        2,
    )
    # What the conference decided stays as it was.
    assert (action.what, action.who) == ("Go to the parenting course", "Mum")
    assert action.history.first().history_user == staff.social_worker


def test_only_the_childs_team_and_chairs_record_progress_and_only_chairs_change_the_action(
    staff,
):
    plan = PlanFactory(start_date=date(2024, 5, 1), child=ChildFactory(team=staff.team))
    action = an_action(plan, staff)
    for refused in (staff.outsider, staff.analyst, staff.coordinator):
        with pytest.raises(PermissionDenied):
            plan_services.record_action_progress(
                action=action, status=ActionStatus.DONE, progress="", acting_user=refused,
                expected_version=action.version,
            )  # fmt: skip
    with pytest.raises(PermissionDenied):
        plan_services.update_action(
            action=action, what="Something else", who="Mum", by_when=date(2024, 8, 1),
            status=ActionStatus.DONE, acting_user=staff.social_worker,
            expected_version=action.version,
        )  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.version) == (ActionStatus.NOT_STARTED, 1)


def test_progress_on_an_action_someone_else_changed_or_an_ended_plan_is_refused(staff):
    plan = PlanFactory(start_date=date(2024, 5, 1), child=ChildFactory(team=staff.team))
    action = an_action(plan, staff)
    with pytest.raises(ValidationError) as raised:
        plan_services.record_action_progress(
            action=action, status="finished", progress="x" * 2001,
            acting_user=staff.team_manager, expected_version=action.version,
        )  # fmt: skip
    assert set(raised.value.message_dict) == {"status", "progress"}
    with pytest.raises(ValidationError, match="changed"):
        plan_services.record_action_progress(
            action=action, status=ActionStatus.DONE, progress="",
            acting_user=staff.team_manager, expected_version=action.version - 1,
        )  # fmt: skip
    plan.end_date = date(2024, 6, 10)
    plan.save()
    with pytest.raises(ValidationError) as raised:
        plan_services.record_action_progress(
            action=action, status=ActionStatus.DONE, progress="",
            acting_user=staff.team_manager, expected_version=action.version,
        )  # fmt: skip
    assert raised.value.message_dict == {
        "status": [plan_services.PLAN_ENDED.format(date=date(2024, 6, 10))]
    }
