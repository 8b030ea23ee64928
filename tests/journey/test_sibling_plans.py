"""A sibling group's outcomes and actions are written once and applied to each child's
plan, then varied per child: the add pages offer the other children's open plans from
the same conference, all ticked, and write one outcome or action per plan together."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iro.children.services import set_restriction
from iro.journey import plan_services, services
from iro.journey.checks import current_version
from iro.journey.models import Decision, Plan, PlanAction, PlanOutcome
from iro.journey.plan_selectors import sibling_plans
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group
from tests.journey.test_conference_views import date_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    """Wren and Alder Brackwater, each on a plan from the same initial conference."""
    group = sibling_group(staff)
    with time_machine.travel(date(2024, 6, 20), tick=False):  # booked before the day
        conference = book_icpc(staff, group)
    services.record_conference_held(
        conference=conference,
        held_on=date(2024, 6, 28),
        outcomes={
            c.pk: complete_outcome(Decision.PLAN, held_on=date(2024, 6, 28), category="NEG")
            for c in group.children
        },
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )
    return group


def plan_of(child) -> Plan:
    return Plan.objects.get(child=child)


def test_the_other_childrens_open_plans_are_offered_all_ticked(client, staff, siblings):
    wren, alder = siblings.children
    assert [(p, name) for p, name in sibling_plans(staff.iro, plan_of(wren))] == [
        (plan_of(alder), "Alder Brackwater")
    ]
    client.force_login(staff.iro)
    for name in ("plan_outcome_new", "plan_action_new"):
        page = client.get(reverse(name, args=[plan_of(wren).public_id])).content.decode()
        assert "Add the same" in page
        assert f'value="{plan_of(alder).public_id}" checked' in page
        assert "Alder Brackwater" in page


def test_an_outcome_written_once_goes_on_each_childs_plan(client, staff, siblings):
    wren, alder = siblings.children
    client.force_login(staff.iro)
    response = client.post(
        reverse("plan_outcome_new", args=[plan_of(wren).public_id]),
        {"text": "The children feel safe at home", "siblings": [str(plan_of(alder).public_id)]},
        follow=True,
    )
    assert "Outcome saved on 2 children&#x27;s plans" in response.content.decode()
    assert sorted(PlanOutcome.objects.values_list("plan__child__first_name", "text")) == [
        ("Alder", "The children feel safe at home"),
        ("Wren", "The children feel safe at home"),
    ]


def test_an_action_goes_on_each_plan_under_that_plans_outcome_of_the_same_words(
    client, staff, siblings
):
    wren, alder = siblings.children
    plan_services.add_outcome_to_each(
        plans=[plan_of(wren), plan_of(alder)], text="Safe at home", acting_user=staff.iro
    )
    wren_outcome = PlanOutcome.objects.get(plan=plan_of(wren))
    client.force_login(staff.iro)
    client.post(
        reverse("plan_action_new", args=[plan_of(wren).public_id]),
        {
            "what": "Mum goes to the parenting course",
            "who": "Mum",
            **date_data("by_when", date(2024, 8, 30)),
            "outcome": str(wren_outcome.pk),
            "siblings": [str(plan_of(alder).public_id)],
        },
    )
    actions = {a.plan.child.first_name: a for a in PlanAction.objects.select_related("outcome")}
    assert actions["Wren"].outcome == wren_outcome
    assert actions["Alder"].outcome == PlanOutcome.objects.get(plan=plan_of(alder))
    assert actions["Alder"].what == "Mum goes to the parenting course"


def test_an_action_goes_under_the_outcome_that_says_the_same_of_each_child(staff, siblings):
    wren, alder = siblings.children
    outcomes = {}
    for child, plan in ((wren, plan_of(wren)), (alder, plan_of(alder))):
        for text in (f"The adults at home speak kindly to {child.first_name}",
                     f"{child.first_name} goes to school every day"):  # fmt: skip
            outcomes[child.first_name, text.split()[0]] = plan_services.add_outcome(
                plan=plan, text=text, acting_user=staff.iro
            )
    plan_services.add_action_to_each(
        plans=[plan_of(wren), plan_of(alder)], what="Family support every week", who="Mum",
        by_when=date(2024, 8, 30), outcome=outcomes["Wren", "The"], acting_user=staff.iro,
    )  # fmt: skip
    actions = {a.plan.child.first_name: a for a in PlanAction.objects.select_related("outcome")}
    assert actions["Wren"].outcome == outcomes["Wren", "The"]
    assert actions["Alder"].outcome == outcomes["Alder", "The"]
    # An outcome of other words is not taken for it: the action is then not linked.
    PlanAction.objects.all().delete()
    PlanOutcome.objects.filter(pk=outcomes["Alder", "The"].pk).delete()
    plan_services.add_action_to_each(
        plans=[plan_of(wren), plan_of(alder)], what="Family support every week", who="Mum",
        by_when=date(2024, 8, 30), outcome=outcomes["Wren", "The"], acting_user=staff.iro,
    )  # fmt: skip
    assert PlanAction.objects.get(plan=plan_of(alder)).outcome is None


def test_each_childs_copy_then_changes_on_its_own(staff, siblings):
    wren, alder = siblings.children
    wrens, alders = plan_services.add_outcome_to_each(
        plans=[plan_of(wren), plan_of(alder)], text="Safe at home", acting_user=staff.iro
    )
    plan_services.update_outcome(
        outcome=alders, text="Alder sleeps well", expected_version=1, acting_user=staff.iro
    )
    wrens.refresh_from_db()
    assert wrens.text == "Safe at home"


def test_unticking_a_child_leaves_their_plan_alone(client, staff, siblings):
    wren, _ = siblings.children
    client.force_login(staff.iro)
    client.post(
        reverse("plan_outcome_new", args=[plan_of(wren).public_id]), {"text": "Safe at home"}
    )
    assert list(PlanOutcome.objects.values_list("plan__child__first_name", flat=True)) == ["Wren"]


def test_an_ended_plan_is_not_offered(staff, siblings):
    wren, alder = siblings.children
    services.end_plan(
        plan=plan_of(alder), ended_on=date(2024, 6, 30), reason="transferred_out",
        expected_version=plan_of(alder).version, acting_user=staff.iro,
    )  # fmt: skip
    assert sibling_plans(staff.iro, plan_of(wren)) == []


def test_a_child_the_user_may_not_see_is_neither_offered_nor_written(client, staff, siblings):
    wren, alder = siblings.children
    set_restriction(
        child=alder, acting_user=staff.iro_manager, restricted=True,
        allowed_users=[staff.iro_manager],
    )  # fmt: skip
    assert sibling_plans(staff.iro, plan_of(wren)) == []
    client.force_login(staff.iro)
    page = client.get(reverse("plan_outcome_new", args=[plan_of(wren).public_id]))
    assert "Add the same" not in page.content.decode()
    # The service refuses the group, and saves nothing.
    with pytest.raises(PermissionDenied):
        plan_services.add_outcome_to_each(
            plans=[plan_of(wren), plan_of(alder)], text="Safe", acting_user=staff.iro
        )
    assert not PlanOutcome.objects.exists()
    # A hand-made request naming the hidden plan writes to Wren's plan alone.
    client.post(
        reverse("plan_outcome_new", args=[plan_of(wren).public_id]),
        {"text": "Safe at home", "siblings": [str(plan_of(alder).public_id)]},
    )
    assert list(PlanOutcome.objects.values_list("plan__child__first_name", flat=True)) == ["Wren"]


def test_a_user_who_may_not_chair_cannot_write_for_the_group(client, staff, siblings):
    wren, alder = siblings.children
    client.force_login(staff.social_worker)
    response = client.post(
        reverse("plan_outcome_new", args=[plan_of(wren).public_id]),
        {"text": "Safe at home", "siblings": [str(plan_of(alder).public_id)]},
    )
    assert response.status_code == 403
    assert not PlanOutcome.objects.exists()


def test_one_refused_plan_saves_none(staff, siblings):
    wren, alder = siblings.children
    services.end_plan(
        plan=plan_of(alder), ended_on=date(2024, 6, 30), reason="transferred_out",
        expected_version=plan_of(alder).version, acting_user=staff.iro,
    )  # fmt: skip
    with pytest.raises(Exception, match="no longer be changed"):
        plan_services.add_action_to_each(
            plans=[plan_of(wren), plan_of(alder)], what="Dentist", who="Dad",
            by_when=date(2024, 8, 1), acting_user=staff.iro,
        )  # fmt: skip
    assert not PlanAction.objects.exists()
