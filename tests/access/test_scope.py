"""The one rule of which children a user may see (iro.access.scope), role by role."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from iro.access.scope import REFUSED_CHILD, child_for, display_name, visible_to
from iro.journey import corrections
from iro.journey.models import Decision
from iro.people.models import Role
from tests.factories import (
    ChildFactory,
    ConferenceChildFactory,
    UserFactory,
    child_on_plan,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def children(staff):
    """A small mixed fixture: a child of each team, one chaired by each IRO, one unchaired."""
    ours = child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 4), icpc_on=date(2024, 3, 20),
        team=staff.team, first_name="Ayla", last_name="Brackwater",
    ).child  # fmt: skip
    theirs = child_on_plan(
        chair=staff.other_iro, strategy=date(2024, 3, 4), icpc_on=date(2024, 3, 21),
        team=staff.other_team, first_name="Brin", last_name="Dunmere",
    ).child  # fmt: skip
    unchaired = ChildFactory(team=staff.team, first_name="Cato", last_name="Elmstead")
    return {"ours": ours, "theirs": theirs, "unchaired": unchaired}


EXPECTED = {
    # role: children visible, by fixture name
    "iro": {"ours", "theirs", "unchaired"},
    "other_iro": {"ours", "theirs", "unchaired"},
    "iro_manager": {"ours", "theirs", "unchaired"},
    "coordinator": {"ours", "theirs", "unchaired"},
    "social_worker": {"ours", "unchaired"},
    "team_manager": {"ours", "unchaired"},
    "senior_manager": {"ours", "theirs", "unchaired"},
    "analyst": {"ours", "theirs", "unchaired"},
    "partnership": set(),
    "admin": set(),
    "outsider": {"theirs"},
}


def _names(children, queryset) -> set[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return {name for name, child in children.items() if child.pk in pks}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_sees_exactly_the_children_its_role_allows(staff, children, who):
    user = getattr(staff, who)
    assert _names(children, visible_to(user)) == EXPECTED[who]


def test_a_social_worker_of_another_team_is_refused_the_child(staff, children):
    with pytest.raises(PermissionDenied, match=REFUSED_CHILD):
        child_for(staff.outsider, children["ours"].public_id)


def test_partnership_officers_and_administrators_are_refused_every_child(staff, children):
    for user in (staff.partnership, staff.admin):
        for child in children.values():
            with pytest.raises(PermissionDenied):
                child_for(user, child.public_id)


def test_an_unknown_child_is_not_found_rather_than_refused(staff, children):
    with pytest.raises(Http404):
        child_for(staff.iro, uuid4())


def test_iros_see_only_the_children_they_chair_when_the_service_says_so(staff, children, settings):
    settings.IRO_CHILD_ACCESS = "chaired"
    assert _names(children, visible_to(staff.iro)) == {"ours"}
    assert _names(children, visible_to(staff.other_iro)) == {"theirs"}
    # The rest of the IRO service still sees everyone.
    assert _names(children, visible_to(staff.iro_manager)) == {"ours", "theirs", "unchaired"}
    with pytest.raises(PermissionDenied):
        child_for(staff.iro, children["theirs"].public_id)


def test_a_child_chaired_twice_by_the_same_iro_is_listed_once(staff, children, settings):
    settings.IRO_CHILD_ACCESS = "chaired"
    child_on_plan(
        child=children["ours"], chair=staff.iro, strategy=date(2025, 1, 6),
        icpc_on=date(2025, 1, 20), reviews=(date(2025, 4, 10),),
    )  # fmt: skip
    assert list(visible_to(staff.iro)).count(children["ours"]) == 1


def test_a_child_taken_off_a_conferences_record_is_no_longer_the_chairs(staff, settings):
    settings.IRO_CHILD_ACCESS = "chaired"
    sister = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    brother = ChildFactory(family=sister.child.family, first_name="Brannoc")
    s47 = s47_for(brother, referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    row = ConferenceChildFactory(
        conference=sister.icpc, child=brother, section47=s47, decision=Decision.NO_PLAN
    )
    assert brother in visible_to(staff.iro)

    corrections.void_conference_child(
        row=row, reason="Listed with his sister by mistake.", acting_user=staff.iro_manager
    )

    assert list(visible_to(staff.iro)) == [sister.child]
    with pytest.raises(PermissionDenied):
        child_for(staff.iro, brother.public_id)


def test_a_social_worker_without_a_team_sees_only_children_allocated_to_them(staff):
    lone = UserFactory(username="lone-worker", role=Role.SOCIAL_WORKER, team=None)
    mine = ChildFactory(team=staff.team, social_worker=lone)
    ChildFactory(team=staff.team)
    assert list(visible_to(lone)) == [mine]


def test_a_team_manager_sees_the_teams_they_manage_and_not_others(staff, children):
    staff.other_team.manager = staff.team_manager
    staff.other_team.save(update_fields=["manager"])
    assert _names(children, visible_to(staff.team_manager)) == {"ours", "theirs", "unchaired"}
    assert _names(children, visible_to(staff.outsider)) == {"theirs"}


def test_an_inactive_user_sees_no_children(staff, children):
    staff.iro.is_active = False
    staff.iro.save(update_fields=["is_active"])
    assert not visible_to(staff.iro).exists()


@pytest.mark.parametrize("iro_child_access", ["all", "chaired"])
def test_the_list_and_the_object_permission_agree_for_every_role_and_child(
    staff, children, settings, iro_child_access
):
    settings.IRO_CHILD_ACCESS = iro_child_access
    checked = 0
    for user in staff.everyone().values():
        listed = set(visible_to(user).values_list("pk", flat=True))
        for child in children.values():
            assert user.has_perm("children.view_child", child) == (child.pk in listed), (
                user.username,
                child.la_child_id,
            )
            checked += 1
    assert checked == len(staff.everyone()) * len(children)


def test_analysts_see_the_la_child_id_in_place_of_a_name(staff, children):
    child = children["ours"]
    assert display_name(staff.analyst, child) == f"Child {child.la_child_id}"
    assert display_name(staff.iro, child) == "Ayla Brackwater"


def test_a_superuser_administrator_is_refused_children_by_both_checks(staff, children):
    staff.admin.is_superuser = True
    staff.admin.save(update_fields=["is_superuser"])
    assert not visible_to(staff.admin).exists()
    assert not staff.admin.has_perm("children.view_child", children["ours"])


def test_a_role_that_sees_every_child_is_allowed_an_unrestricted_one_without_a_query(
    staff, children, django_assert_num_queries
):
    from iro.access.scope import can_view_child

    with django_assert_num_queries(0):
        assert can_view_child(staff.coordinator, children["theirs"])
    # A narrower role is still asked of the database, and refused another team's child.
    with django_assert_num_queries(1):
        assert not can_view_child(staff.social_worker, children["theirs"])
    # An account switched off has no role to see by.
    staff.coordinator.is_active = False
    assert not can_view_child(staff.coordinator, children["theirs"])
