"""A restricted child, everywhere a page could show them: to anyone off the list the
child does not exist (404, absent from lists, filters and counts); reports' figures
still count them; statutory returns still include them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro import timescales
from iro.census.export import children_in_return
from iro.children.models import RestrictedAccess
from iro.children.services import set_restriction
from iro.journey.selectors import my_work
from iro.reports import drilldown, measures
from tests.challenge.factories import DisputeFactory
from tests.factories import PlanFactory, make_staff
from tests.rights.restricted_setup import restricted_sibling

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 20)
YEAR = timescales.parse_period("annual", "2024-25")


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def group(staff):
    return restricted_sibling(staff)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_journey_of_a_restricted_child_is_not_found_by_its_own_team(client, staff, group):
    for user in (staff.coordinator, staff.social_worker, staff.team_manager, staff.other_iro):
        url = reverse("child_journey", args=[group.restricted.public_id])
        assert _get(client, user, url).status_code == 404


def test_the_people_on_the_list_open_the_journey(client, staff, group):
    url = reverse("child_journey", args=[group.restricted.public_id])
    assert _get(client, staff.iro, url).status_code == 200


def test_a_siblings_journey_does_not_name_the_restricted_child(client, staff, group):
    body = _get(client, staff.coordinator, reverse("child_journey", args=[group.open.public_id]))
    assert body.status_code == 200
    assert "Wren" in body.content.decode()
    assert "Alder" not in body.content.decode()
    assert group.restricted.la_child_id not in body.content.decode()


def test_the_caseload_and_its_filters_leave_the_child_out(client, staff, group):
    for query in ("", f"?chair={staff.iro.pk}", f"?team={staff.team.pk}"):
        response = _get(client, staff.coordinator, reverse("caseload") + query)
        body = response.content.decode()
        assert "Alder" not in body and group.restricted.la_child_id not in body
        assert response.context["caseload"].count == 1
    on_list = _get(client, staff.iro, reverse("caseload") + "?chair=")  # every chair
    assert on_list.context["caseload"].count == 2


def test_a_sibling_groups_conference_page_shows_only_the_sibling(client, staff, group):
    url = reverse("conference_detail", args=[group.conference.public_id])
    body = _get(client, staff.coordinator, url).content.decode()
    assert "Wren" in body
    assert "Alder" not in body and group.restricted.la_child_id not in body
    full = _get(client, staff.iro, url).content.decode()
    assert "Wren" in full and "Alder" in full


@pytest.mark.parametrize(
    "page", ["conference_record", "conference_invitations", "conference_chair"]
)
def test_pages_that_act_on_every_child_are_not_found_off_the_list(client, staff, group, page):
    url = reverse(page, args=[group.conference.public_id])
    assert _get(client, staff.iro_manager, url).status_code != 404  # on the list
    set_restriction(
        child=group.restricted,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro],
    )
    assert _get(client, staff.iro_manager, url).status_code == 404


def test_a_conference_of_the_restricted_child_alone_is_not_found(client, staff, group):
    from tests.factories import hold_conference

    alone = hold_conference(
        kind="initial", children=[(group.restricted, {})], chair=staff.iro, held_on=None,
        scheduled_date=date(2024, 7, 1),
    )  # fmt: skip
    for page in ("conference_detail", "conference_feedback"):
        url = reverse(page, args=[alone.public_id])
        assert _get(client, staff.coordinator, url).status_code == 404


def test_my_work_leaves_the_child_out_for_a_chair_off_the_list(staff, group):
    set_restriction(
        child=group.restricted,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager],
    )
    work = my_work(staff.iro, day=TODAY)
    names = [c.name for u in work.upcoming for c in u.children]
    names += [d.child.name for d in work.deadlines]
    assert "Alder Brackwater" not in names
    assert "Wren Brackwater" in names
    assert all(d.child.la_child_id != group.restricted.la_child_id for d in work.deadlines)


def test_my_work_counts_only_the_children_the_chair_may_see(client, staff, group):
    before = my_work(staff.iro, day=TODAY)
    set_restriction(
        child=group.restricted,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager],
    )
    after = my_work(staff.iro, day=TODAY)
    assert after.at_risk_count + after.overdue_count == (
        before.at_risk_count + before.overdue_count - 1
    )
    page = _get(client, staff.iro, reverse("my_work")).content.decode()
    assert "Alder" not in page


def test_a_restricted_childs_plan_and_dispute_are_not_found(client, staff, group):
    plan = PlanFactory(child=group.restricted, start_date=date(2024, 6, 1))
    dispute = DisputeFactory(child=group.restricted, raised_on=date(2024, 6, 3))
    for url in (
        reverse("plan_detail", args=[plan.public_id]),
        reverse("dispute_detail", args=[dispute.public_id]),
        reverse("child_protection", args=[group.restricted.public_id]),
        reverse("child_worries", args=[group.restricted.public_id]),
    ):
        assert _get(client, staff.other_iro, url).status_code == 404, url
    listing = _get(client, staff.other_iro, reverse("dispute_list")).content.decode()
    assert group.restricted.la_child_id not in listing


def test_reports_count_the_child_and_the_list_behind_the_figure_does_not_show_them(staff, group):
    PlanFactory(child=group.open, start_date=date(2024, 6, 1))
    PlanFactory(child=group.restricted, start_date=date(2024, 6, 1))
    assert measures.plans_started(YEAR) == 2
    set_restriction(child=group.restricted, acting_user=staff.iro_manager, restricted=False)
    assert measures.plans_started(YEAR) == 2  # restriction changes no figure
    set_restriction(
        child=group.restricted, acting_user=staff.iro_manager, restricted=True, allowed_users=[]
    )
    behind = drilldown.children_behind(staff.senior_manager, "plans_started", YEAR)
    assert [row.child for row in behind.rows] == [group.open]
    assert behind.hidden == 1
    on_list = drilldown.children_behind(staff.iro_manager, "plans_started", YEAR)
    assert len(on_list.rows) == 2


def test_the_census_return_still_includes_the_restricted_child(staff, group):
    assert group.restricted in children_in_return(staff.analyst, YEAR)


def test_the_manager_sets_the_list_on_the_childs_restriction_page(client, staff, group):
    url = reverse("child_restriction", args=[group.restricted.public_id])
    page = _get(client, staff.iro_manager, url)
    assert page.status_code == 200
    assert "Ivy Coldharbour" in page.content.decode()
    response = client.post(
        url, {"restricted": "on", "allowed_users": [staff.iro_manager.pk, staff.social_worker.pk]}
    )
    assert response.status_code == 302
    assert set(
        RestrictedAccess.objects.filter(child=group.restricted).values_list("user", flat=True)
    ) == {staff.iro_manager.pk, staff.social_worker.pk}
    history = client.get(url).content.decode()
    assert "Removed Ivy Coldharbour" in history and "Added Sam Hartwell" in history


def test_an_empty_list_is_refused_on_the_page_and_nothing_changes(client, staff, group):
    url = reverse("child_restriction", args=[group.restricted.public_id])
    client.force_login(staff.iro_manager)
    response = client.post(url, {"restricted": "on"})
    assert response.status_code == 200
    assert "cannot be left with nobody on its list" in response.content.decode()
    assert RestrictedAccess.objects.filter(child=group.restricted).count() == 2


def test_the_restriction_page_refuses_other_roles_and_hides_from_managers_off_the_list(
    client, staff, group
):
    url = reverse("child_restriction", args=[group.open.public_id])
    assert _get(client, staff.iro, url).status_code == 403
    assert _get(client, staff.coordinator, url).status_code == 403
    set_restriction(
        child=group.restricted, acting_user=staff.iro_manager, restricted=True,
        allowed_users=[staff.iro],
    )  # fmt: skip
    restricted_url = reverse("child_restriction", args=[group.restricted.public_id])
    assert _get(client, staff.iro_manager, restricted_url).status_code == 404


def test_the_partnerships_challenge_queue_does_not_identify_a_restricted_child(
    client, staff, group
):
    from tests.challenge.factories import MultiAgencyChallengeFactory

    challenge = MultiAgencyChallengeFactory(
        child=group.restricted, raised_by=staff.iro, raised_on=date(2024, 6, 12)
    )
    MultiAgencyChallengeFactory(child=group.open, raised_by=staff.iro, raised_on=date(2024, 6, 12))
    queue = _get(client, staff.partnership, reverse("challenge_list")).content.decode()
    assert group.open.la_child_id in queue
    assert group.restricted.la_child_id not in queue
    detail = _get(
        client, staff.partnership, reverse("challenge_detail", args=[challenge.public_id])
    )
    assert detail.status_code == 200  # the partnership still forwards it
    assert group.restricted.la_child_id not in detail.content.decode()
    other = reverse("challenge_detail", args=[challenge.public_id])
    assert _get(client, staff.other_iro, other).status_code == 404


def test_people_on_the_list_are_told_the_record_is_restricted(client, staff, group):
    page = _get(client, staff.iro, reverse("child_journey", args=[group.restricted.public_id]))
    assert "Restricted record" in page.content.decode()
    open_page = _get(client, staff.iro, reverse("child_journey", args=[group.open.public_id]))
    assert "Restricted record" not in open_page.content.decode()
