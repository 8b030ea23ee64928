"""The one rule and restricted records: the access list is the only way in, and to
everyone else a restricted child does not exist (404, never 403)."""

from __future__ import annotations

import pytest
from django.http import Http404

from iro.access.scope import (
    can_view_child,
    child_for,
    display_name,
    statutory_return_children,
    visible_to,
)
from iro.children.services import set_restriction
from tests.factories import ChildFactory, make_staff

pytestmark = pytest.mark.django_db

ON_LIST = {"iro_manager", "iro"}


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def alder(staff):
    child = ChildFactory(team=staff.team, first_name="Alder", last_name="Brackwater")
    set_restriction(
        child=child, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    child.refresh_from_db()
    return child


def _everyone_else(staff):
    return {k: u for k, u in staff.everyone().items() if k not in ON_LIST}


def test_only_the_people_on_the_list_see_a_restricted_child(staff, alder):
    for who, user in staff.everyone().items():
        assert visible_to(user).filter(pk=alder.pk).exists() == (who in ON_LIST), who
        assert can_view_child(user, alder) == (who in ON_LIST), who


def test_a_restricted_child_is_not_found_by_anyone_off_the_list(staff, alder):
    # Their own team's social worker and manager included: the list is the only way in.
    for user in _everyone_else(staff).values():
        with pytest.raises(Http404):
            child_for(user, alder.public_id)


def test_an_unrestricted_child_of_another_team_is_still_refused_not_hidden(staff, alder):
    from django.core.exceptions import PermissionDenied

    other = ChildFactory(team=staff.team)
    with pytest.raises(PermissionDenied):
        child_for(staff.outsider, other.public_id)


def test_an_analyst_on_the_list_sees_the_child_by_la_child_id_only(staff, alder):
    set_restriction(
        child=alder,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager, staff.analyst],
    )
    assert child_for(staff.analyst, alder.public_id) == alder
    assert display_name(staff.analyst, alder) == f"Child {alder.la_child_id}"


def test_a_team_social_worker_added_to_the_list_sees_the_child(staff, alder):
    assert not can_view_child(staff.social_worker, alder)
    set_restriction(
        child=alder,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager, staff.social_worker],
    )
    assert can_view_child(staff.social_worker, alder)
    assert not can_view_child(staff.iro, alder)


def test_lifting_the_restriction_gives_everyone_their_roles_view_back(staff, alder):
    set_restriction(child=alder, acting_user=staff.iro_manager, restricted=False)
    assert can_view_child(staff.coordinator, alder)
    assert can_view_child(staff.social_worker, alder)
    assert not can_view_child(staff.outsider, alder)


def test_statutory_returns_still_cover_a_restricted_child(staff, alder):
    assert statutory_return_children(staff.analyst).filter(pk=alder.pk).exists()
    assert not statutory_return_children(staff.partnership).exists()


def test_with_chaired_access_chairing_the_childs_conference_is_not_a_way_in(staff, alder, settings):
    from datetime import date

    from tests.factories import child_on_plan

    settings.IRO_CHILD_ACCESS = "chaired"
    child_on_plan(
        child=alder, chair=staff.other_iro, strategy=date(2024, 3, 4), icpc_on=date(2024, 3, 20)
    )
    assert not can_view_child(staff.other_iro, alder)  # chairs it, not on the list
    assert can_view_child(staff.iro, alder)  # on the list, chairs nothing
    assert visible_to(staff.iro).filter(pk=alder.pk).count() == 1


def test_annex_a_still_lists_a_restricted_child(staff, alder):
    from datetime import date

    from iro import timescales
    from iro.census.annex_a import list_7_rows
    from tests.factories import child_on_plan

    child_on_plan(
        child=alder, chair=staff.iro, strategy=date(2024, 5, 1), icpc_on=date(2024, 5, 20)
    )
    rows = list(list_7_rows(staff.analyst, timescales.parse_period("annual", "2024-25")))
    assert [row[0] for row in rows] == [alder.la_child_id]


@pytest.mark.parametrize("iro_child_access", ["all", "chaired"])
def test_of_a_list_of_ids_each_user_may_see_exactly_those_the_childrens_list_gives_them(
    staff, alder, settings, iro_child_access
):
    """``visible_ids`` (the children behind a report's figure) agrees with ``visible_to``
    for every role, a restricted child and one of another team included."""
    from iro.access.scope import visible_ids

    settings.IRO_CHILD_ACCESS = iro_child_access
    others = [ChildFactory(team=staff.other_team), ChildFactory(team=staff.team)]
    ids = [alder.pk, *(c.pk for c in others), alder.pk]  # a child twice counts once
    for name, user in staff.everyone().items():
        listed = set(visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert visible_ids(user, ids) == listed, name
    assert alder.pk in visible_ids(staff.iro_manager, ids)
    assert alder.pk not in visible_ids(staff.senior_manager, ids)
