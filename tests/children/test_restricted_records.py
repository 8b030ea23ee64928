"""Restricting a child's record to named people: who may, and what is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iro.children.models import RestrictedAccess
from iro.children.services import (
    RESTRICTION_LIST_EMPTY,
    RESTRICTION_NOT_ELIGIBLE,
    set_restriction,
)
from tests.factories import ChildFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def child(staff):
    return ChildFactory(team=staff.team, first_name="Alder", last_name="Brackwater")


def _list(child) -> set[str]:
    return set(
        RestrictedAccess.objects.filter(child=child).values_list("user__username", flat=True)
    )


def test_the_iro_service_manager_restricts_a_record_and_stays_on_its_list(staff, child):
    set_restriction(
        child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    child.refresh_from_db()
    assert child.restricted
    assert _list(child) == {"mona-manager", "ivy-iro"}


@pytest.mark.parametrize("who", ["iro", "coordinator", "senior_manager", "analyst", "admin"])
def test_no_other_role_may_restrict_a_record(staff, child, who):
    with pytest.raises(PermissionDenied):
        set_restriction(
            child=child, acting_user=getattr(staff, who), restricted=True, allowed_users=[]
        )
    child.refresh_from_db()
    assert not child.restricted
    assert not RestrictedAccess.objects.exists()


def test_a_manager_not_on_the_list_cannot_see_or_change_it(staff, child):
    other_manager = type(staff.iro_manager).objects.create(
        username="max-manager", role=staff.iro_manager.role
    )
    set_restriction(child=child, acting_user=staff.iro_manager, restricted=True)
    with pytest.raises(Http404):
        set_restriction(child=child, acting_user=other_manager, restricted=False, allowed_users=[])
    child.refresh_from_db()
    assert child.restricted


def test_the_list_cannot_be_left_empty(staff, child):
    set_restriction(child=child, acting_user=staff.iro_manager, restricted=True)
    with pytest.raises(ValidationError) as refused:
        set_restriction(
            child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[]
        )
    assert refused.value.message_dict["allowed_users"] == [RESTRICTION_LIST_EMPTY]
    assert _list(child) == {"mona-manager"}


def test_the_manager_may_take_themselves_off_a_list_that_names_someone_else(staff, child):
    set_restriction(
        child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    set_restriction(
        child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    assert _list(child) == {"ivy-iro"}


def test_someone_whose_role_sees_no_children_cannot_be_named(staff, child):
    with pytest.raises(ValidationError) as refused:
        set_restriction(
            child=child,
            acting_user=staff.iro_manager,
            restricted=True,
            allowed_users=[staff.partnership],
        )
    assert refused.value.message_dict["allowed_users"] == [
        RESTRICTION_NOT_ELIGIBLE.format(user=staff.partnership)
    ]
    child.refresh_from_db()
    assert not child.restricted
    assert not RestrictedAccess.objects.exists()


def test_every_change_of_the_list_is_in_the_history_with_who_made_it(staff, child):
    set_restriction(
        child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    set_restriction(
        child=child,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager, staff.social_worker],
    )
    set_restriction(child=child, acting_user=staff.iro_manager, restricted=False)
    changes = [
        (h.history_type, h.user.username, h.history_user.username)
        for h in RestrictedAccess.history.filter(child_id=child.pk).order_by("history_id")
    ]
    assert ("+", "ivy-iro", "mona-manager") in changes
    assert ("-", "ivy-iro", "mona-manager") in changes
    assert ("+", "sam-social-worker", "mona-manager") in changes
    assert ("-", "mona-manager", "mona-manager") in changes
    child.refresh_from_db()
    assert not child.restricted
    assert not RestrictedAccess.objects.filter(child=child).exists()
    flags = list(child.history.order_by("history_id").values_list("restricted", "history_user"))
    assert flags[-2:] == [(True, staff.iro_manager.pk), (False, staff.iro_manager.pk)]
