"""A review starts from the last conference: its invitees and the plan's core group are
offered, all ticked, to invite again with one click; a new plan's core group is offered
from the people invited to the conference that started it and from a brother's or
sister's plan."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.children.services import create_child
from iro.journey import invitations, plan_services, services
from iro.journey.checks import current_version
from iro.journey.models import (
    CancellationReason,
    ConferenceKind,
    CoreGroupMember,
    Decision,
    Invitation,
    InviteeAttendance,
    InviteeRole,
    Plan,
)
from iro.journey.plan_selectors import core_group_offers
from iro.journey.services import Subject
from tests.factories import AgencyFactory, complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 7, 10), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def group(staff):
    return sibling_group(staff)


@pytest.fixture
def icpc(staff, group):
    """The sibling group's initial conference: a parent, a police officer, a health
    visitor, an interpreter and the elder child invited; both children on plans."""
    with time_machine.travel(date(2024, 6, 20), tick=False):  # booked before the day
        conference = book_icpc(staff, group)
    police = AgencyFactory(name="Northmoor Police")
    for name, role, email, agency in (
        ("Dana Brackwater", InviteeRole.PARENT, "", None),
        ("PC Ivo Marsh", InviteeRole.POLICE, "ivo.marsh@police.example", police),
        ("Nell Fairlie", InviteeRole.HEALTH, "nell@health.example", None),
        ("Omar Said", InviteeRole.INTERPRETER, "", None),
        ("Wren Brackwater", InviteeRole.CHILD, "", None),
    ):
        services.add_invitee(
            conference=conference, name=name, role=role, email=email, agency=agency,
            address="1 Moor Lane" if role == InviteeRole.PARENT else "",
            acting_user=staff.coordinator,
        )  # fmt: skip
    Invitation.objects.filter(name="Nell Fairlie").update(attendance=InviteeAttendance.APOLOGIES)
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
    return conference


def book_review(staff, group):
    return services.schedule_conference(
        kind=ConferenceKind.REVIEW,
        subjects=[Subject(child=c, plan=Plan.objects.get(child=c)) for c in group.children],
        scheduled_date=date(2024, 9, 20),
        chair=staff.iro,
        venue="Room 1",
        acting_user=staff.coordinator,
    )


def names(offers) -> list[str]:
    return [o.name for o in offers]


# ------------------------------------------------------------- invitees of a review


def test_a_review_offers_the_last_conferences_invitees_then_the_core_group(
    client, staff, group, icpc
):
    wren_plan = Plan.objects.get(child=group.children[0])
    plan_services.add_core_group_member(
        plan=wren_plan, name="Ivo Marsh", role=InviteeRole.POLICE,
        email="IVO.MARSH@police.example", joined_on=date(2024, 6, 28), acting_user=staff.iro,
    )  # fmt: skip
    plan_services.add_core_group_member(
        plan=wren_plan, name="Bea Lund", role=InviteeRole.SCHOOL,
        joined_on=date(2024, 6, 28), acting_user=staff.iro,
    )  # fmt: skip
    review = book_review(staff, group)
    offers = invitations.carried_forward(review)
    assert names(offers) == [
        "Dana Brackwater", "PC Ivo Marsh", "Nell Fairlie", "Omar Said", "Wren Brackwater",
        "Bea Lund",
    ]  # fmt: skip
    assert offers[2].why == (
        "Invited to the initial child protection conference on 28 June 2024 (sent apologies)"
    )
    assert offers[5].why == "In the core group"
    client.force_login(staff.coordinator)
    detail = client.get(reverse("conference_detail", args=[review.public_id])).content.decode()
    assert "Invitations</a>: 6 people from the last conference to invite again" in detail
    page = client.get(reverse("conference_invitations", args=[review.public_id])).content.decode()
    assert "Invite again from the last conference" in page
    assert page.count('name="keep" type="checkbox"') == 6
    assert page.count(" checked aria-describedby=") == 6


def test_one_click_adds_the_ticked_people_through_add_invitee(client, staff, group, icpc):
    review = book_review(staff, group)
    keep = [o.key for o in invitations.carried_forward(review) if o.name != "Omar Said"]
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("conference_invitations_keep", args=[review.public_id]), {"keep": keep}
    )
    assert response.status_code == 302
    kept = list(review.invitations.values_list("name", "role", "email", "address"))
    assert kept == [
        ("Dana Brackwater", "parent", "", "1 Moor Lane"),
        ("PC Ivo Marsh", "police", "ivo.marsh@police.example", ""),
        ("Nell Fairlie", "health", "nell@health.example", ""),
        ("Wren Brackwater", "child", "", ""),
    ]
    assert review.invitations.get(name="PC Ivo Marsh").agency.name == "Northmoor Police"
    # Each is an invitation like any other: the offer is gone, and one can be taken off.
    assert invitations.carried_forward(review) == []
    page = client.get(reverse("conference_invitations", args=[review.public_id])).content.decode()
    assert "Invite again from the last conference" not in page
    assert "4 people added to the list." in page


def test_nothing_ticked_adds_nobody_and_says_so(client, staff, group, icpc):
    review = book_review(staff, group)
    client.force_login(staff.coordinator)
    response = client.post(
        reverse("conference_invitations_keep", args=[review.public_id]), follow=True
    )
    assert "Select the people to invite again" in response.content.decode()
    assert not review.invitations.exists()


def test_an_initial_conference_has_nothing_to_carry_forward(staff, group):
    with time_machine.travel(date(2024, 6, 20), tick=False):
        assert invitations.carried_forward(book_icpc(staff, group)) == []


def test_a_review_booked_again_after_one_was_cancelled_offers_that_ones_list_first(
    staff, group, icpc
):
    cancelled = book_review(staff, group)
    services.add_invitee(
        conference=cancelled, name="Agnieszka Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    services.add_invitee(
        conference=cancelled, name="Dana Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    services.cancel_conference(
        conference=cancelled, reason=CancellationReason.MISTAKE, acting_user=staff.coordinator,
        expected_version=current_version(cancelled),
    )  # fmt: skip
    again = book_review(staff, group)
    offers = invitations.carried_forward(again)
    # Agnieszka, added by the coordinator to the cancelled review only, is not lost.
    assert names(offers) == [
        "Agnieszka Brackwater", "Dana Brackwater", "PC Ivo Marsh", "Nell Fairlie",
        "Omar Said", "Wren Brackwater",
    ]  # fmt: skip
    assert offers[0].why == (
        "Invited to the review child protection conference booked for 20 September 2024, "
        "cancelled on 10 July 2024"
    )
    assert offers[2].why.startswith("Invited to the initial child protection conference")


def test_an_initial_conference_booked_again_offers_the_cancelled_ones_list(staff, group):
    with time_machine.travel(date(2024, 6, 20), tick=False):
        first = book_icpc(staff, group)
        services.add_invitee(
            conference=first, name="Dana Brackwater", role=InviteeRole.PARENT,
            acting_user=staff.coordinator,
        )  # fmt: skip
        services.cancel_conference(
            conference=first, reason=CancellationReason.MISTAKE,
            acting_user=staff.coordinator, expected_version=current_version(first),
        )  # fmt: skip
        again = book_icpc(staff, group)
        assert names(invitations.carried_forward(again)) == ["Dana Brackwater"]


def test_someone_who_may_not_book_conferences_cannot_invite_again(client, staff, group, icpc):
    review = book_review(staff, group)
    keep = [o.key for o in invitations.carried_forward(review)]
    url = reverse("conference_invitations_keep", args=[review.public_id])
    for user in (staff.social_worker, staff.outsider):
        client.force_login(user)
        assert client.post(url, {"keep": keep}).status_code in (403, 404)
    assert not review.invitations.exists()


# ------------------------------------------------------------ a new plan's core group


def test_a_new_plan_offers_the_invited_professionals_and_parents(client, staff, group, icpc):
    plan = Plan.objects.get(child=group.children[0])
    offers = core_group_offers(staff.iro, plan)
    assert names(offers) == ["Dana Brackwater", "PC Ivo Marsh", "Nell Fairlie"]
    client.force_login(staff.iro)
    url = reverse("plan_core_group", args=[plan.public_id])
    assert "Start the core group" in client.get(url).content.decode()
    client.post(
        reverse("plan_core_group_keep", args=[plan.public_id]),
        {"keep": [o.key for o in offers if o.name != "Dana Brackwater"]},
    )
    members = CoreGroupMember.objects.filter(plan=plan)
    assert list(members.values_list("name", "role", "joined_on")) == [
        ("Nell Fairlie", "health", date(2024, 6, 28)),
        ("PC Ivo Marsh", "police", date(2024, 6, 28)),
    ]
    assert "Start the core group" not in client.get(url).content.decode()


def test_a_babys_new_plan_offers_the_siblings_core_group(staff, group, icpc):
    wren_plan = Plan.objects.get(child=group.children[0])
    plan_services.add_core_group_member(
        plan=wren_plan, name="Bea Lund", role=InviteeRole.SCHOOL,
        joined_on=date(2024, 6, 28), acting_user=staff.iro,
    )  # fmt: skip
    baby = create_child(
        acting_user=staff.coordinator, la_child_id="BRA9", first_name="Fern",
        last_name="Brackwater", date_of_birth=date(2024, 5, 1),
        family=group.children[0].family, team=staff.team,
    )  # fmt: skip
    episode = services.open_episode(
        child=baby, referral_date=date(2024, 7, 1), acting_user=staff.coordinator
    )
    s47 = services.record_strategy_discussion(
        episode=episode, held_on=date(2024, 7, 1), acting_user=staff.coordinator
    ).section47
    with time_machine.travel(date(2024, 7, 5), tick=False):  # booked before the day
        conference = services.schedule_conference(
            kind=ConferenceKind.INITIAL, subjects=[Subject(child=baby, section47=s47)],
            scheduled_date=date(2024, 7, 9), chair=staff.iro, venue="Room 1",
            acting_user=staff.coordinator,
        )  # fmt: skip
    services.record_conference_held(
        conference=conference, held_on=date(2024, 7, 9),
        outcomes={
            baby.pk: complete_outcome(Decision.PLAN, held_on=date(2024, 7, 9), category="NEG")
        },
        acting_user=staff.iro, expected_version=current_version(conference),
    )  # fmt: skip
    offers = core_group_offers(staff.iro, Plan.objects.get(child=baby))
    assert [(o.name, o.why) for o in offers] == [
        ("Bea Lund", "In the core group of a brother's or sister's plan")
    ]


def test_a_plan_with_a_core_group_is_offered_nothing(staff, group, icpc):
    plan = Plan.objects.get(child=group.children[0])
    plan_services.add_core_group_member(
        plan=plan, name="Bea Lund", role=InviteeRole.SCHOOL,
        joined_on=date(2024, 6, 28), acting_user=staff.iro,
    )  # fmt: skip
    assert core_group_offers(staff.iro, plan) == []


def test_someone_who_does_not_keep_core_groups_cannot_start_one(client, staff, group, icpc):
    plan = Plan.objects.get(child=group.children[0])
    keep = [o.key for o in core_group_offers(staff.iro, plan)]
    url = reverse("plan_core_group_keep", args=[plan.public_id])
    for user in (staff.coordinator, staff.analyst, staff.outsider):
        client.force_login(user)
        assert client.post(url, {"keep": keep}).status_code == 403
    assert not CoreGroupMember.objects.exists()


def test_the_social_worker_keeps_the_core_group_going(client, staff, group, icpc):
    plan = Plan.objects.get(child=group.children[0])
    client.force_login(staff.social_worker)
    page = client.get(reverse("plan_detail", args=[plan.public_id])).content.decode()
    assert f'href="{reverse("plan_core_group", args=[plan.public_id])}">Change the core group' in (
        page
    )
    response = client.post(
        reverse("plan_core_group", args=[plan.public_id]),
        {
            "name": "Rhea Sandford", "role": "health", "agency": "", "email": "",
            "joined_on_day": str(plan.start_date.day),
            "joined_on_month": str(plan.start_date.month),
            "joined_on_year": str(plan.start_date.year),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    member = CoreGroupMember.objects.get(name="Rhea Sandford")
    assert member.history.first().history_user == staff.social_worker
