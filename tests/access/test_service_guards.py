"""The write services refuse a user who may not see the child or whose role lacks the
capability, as the pages do: the API, the census import and the demo call them directly."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iro.access.capabilities import Capability, refusal
from iro.access.guards import REFUSED_CONFERENCE_CHILD, census_import
from iro.access.scope import REFUSED_CHILD
from iro.challenge import services as challenge_services
from iro.challenge.models import ChallengeOutcome, Dispute, DisputeReason, MultiAgencyChallenge
from iro.children.services import update_child
from iro.journey import invitations, plan_services, services
from iro.journey.checks import current_version
from iro.journey.models import (
    CancellationReason,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Episode,
)
from iro.journey.services import Subject
from tests.factories import AgencyFactory, child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


def refused(what: Capability) -> str:
    return refusal(what)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def siblings(staff):
    return sibling_group(staff)


@pytest.fixture
def conference(staff, siblings):
    return book_icpc(staff, siblings)  # chaired by staff.iro


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.iro,
        strategy=date(2024, 1, 8),
        icpc_on=date(2024, 1, 22),
        team=staff.team,
    )


@pytest.fixture
def chaired_only(settings):
    """IROs see only the children whose conferences they chair: staff.other_iro sees none."""
    settings.IRO_CHILD_ACCESS = "chaired"


@pytest.fixture
def dispute(staff, journey):
    return challenge_services.raise_dispute(
        child=journey.child,
        plan=journey.plan,
        raised_on=date(2024, 6, 3),
        reason=DisputeReason.ASSESSMENT,
        detail="The assessment is late.",
        addressed_to=staff.team_manager,
        acting_user=staff.iro,
    )


@pytest.fixture
def challenge(staff, journey):
    return challenge_services.raise_multi_agency_challenge(
        child=journey.child,
        agency=AgencyFactory(),
        professional="Health visitor",
        concern="No report was shared.",
        raised_on=date(2024, 6, 12),
        acting_user=staff.iro,
    )


# ------------------------------------------------------------ the four of the review


def test_an_iro_who_cannot_see_the_child_cannot_record_a_challenge_response(
    staff, challenge, chaired_only
):
    with pytest.raises(PermissionDenied, match=REFUSED_CHILD):
        challenge_services.record_challenge_response(
            challenge=challenge,
            responded_on=date(2024, 6, 14),
            response="Withdrawn.",
            outcome=ChallengeOutcome.WITHDRAWN,
            acting_user=staff.other_iro,
        )
    assert MultiAgencyChallenge.objects.get().responded_on is None


def test_an_iro_who_cannot_see_the_child_cannot_escalate_a_dispute(staff, dispute, chaired_only):
    with pytest.raises(PermissionDenied, match=REFUSED_CHILD):
        challenge_services.escalate_dispute(
            dispute=dispute,
            escalated_on=date(2024, 6, 10),
            addressed_to=staff.senior_manager,
            note="The last stage did not resolve it.",
            acting_user=staff.other_iro,
            expected_version=current_version(dispute),
        )
    assert Dispute.objects.get().stage == dispute.stage


@pytest.mark.parametrize("who", ["partnership", "admin"])
def test_the_partnership_and_the_administrator_cannot_add_a_plan_outcome(staff, journey, who):
    with pytest.raises(PermissionDenied):
        plan_services.add_outcome(
            plan=journey.plan, text="Safe at home.", acting_user=getattr(staff, who)
        )
    assert not journey.plan.outcomes.exists()


def test_a_social_worker_cannot_cancel_a_conference(staff, conference):
    with pytest.raises(PermissionDenied, match=refused(Capability.SCHEDULE_CONFERENCES)):
        services.cancel_conference(
            conference=conference,
            reason=CancellationReason.MISTAKE,
            acting_user=staff.social_worker,
            expected_version=current_version(conference),
        )
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


# ------------------------------------------------------------ one per service family


def test_a_social_worker_of_another_team_cannot_change_a_childs_details(staff, journey):
    with pytest.raises(PermissionDenied, match=REFUSED_CHILD):
        update_child(
            child=journey.child,
            acting_user=staff.outsider,
            first_name="Changed",
            expected_version=current_version(journey.child),
        )
    journey.child.refresh_from_db()
    assert journey.child.first_name != "Changed"


def test_a_social_worker_of_another_team_cannot_record_a_strategy_discussion(staff, journey):
    with pytest.raises(PermissionDenied, match=REFUSED_CHILD):
        services.record_strategy_discussion(
            episode=journey.episode, held_on=date(2024, 6, 1), acting_user=staff.outsider
        )


def test_an_analyst_cannot_schedule_a_conference_outside_a_census_import(staff, siblings):
    subjects = [Subject(child=siblings.children[0], section47=siblings.section47s[0])]
    with pytest.raises(PermissionDenied, match=refused(Capability.SCHEDULE_CONFERENCES)):
        services.schedule_conference(
            kind=ConferenceKind.INITIAL,
            subjects=subjects,
            scheduled_date=date(2024, 6, 28),
            acting_user=staff.analyst,
        )
    with census_import(staff.analyst):
        services.schedule_conference(
            kind=ConferenceKind.INITIAL,
            subjects=subjects,
            scheduled_date=date(2024, 6, 28),
            acting_user=staff.analyst,
        )
    assert Conference.objects.count() == 1


def test_only_a_user_who_may_export_returns_can_import(staff):
    with pytest.raises(PermissionDenied), census_import(staff.coordinator):
        pass


def test_an_episode_cannot_be_closed_by_a_role_that_does_not_record_casework(staff, journey):
    with pytest.raises(PermissionDenied):
        services.close_episode(
            episode=journey.episode,
            closure_date=date(2024, 6, 1),
            closure_reason="RC1",
            acting_user=staff.senior_manager,
        )
    assert Episode.objects.get().closure_date is None


def test_an_iro_who_cannot_see_a_child_of_the_conference_cannot_record_it(
    staff, conference, chaired_only
):
    with pytest.raises(PermissionDenied, match=REFUSED_CONFERENCE_CHILD):
        services.record_attendance(
            conference=conference,
            attendance={},
            acting_user=staff.other_iro,
            expected_version=current_version(conference),
        )


def test_a_social_worker_cannot_add_a_plan_action(staff, journey):
    with pytest.raises(PermissionDenied, match=refused(Capability.CHAIR_CONFERENCES)):
        plan_services.add_action(
            plan=journey.plan,
            what="Weekly visits",
            who="Social worker",
            by_when=None,
            acting_user=staff.social_worker,
        )


def test_a_social_worker_cannot_send_invitations(staff, conference):
    with pytest.raises(PermissionDenied, match=refused(Capability.SCHEDULE_CONFERENCES)):
        invitations.send_invitations(conference=conference, acting_user=staff.social_worker)


def test_an_iro_who_cannot_see_the_children_cannot_record_feedback(staff, journey, chaired_only):
    with pytest.raises(PermissionDenied, match=REFUSED_CONFERENCE_CHILD):
        challenge_services.record_feedback(
            conference=journey.icpc,
            respondent="parent_or_carer",
            text="Clear.",
            received_on=date(2024, 2, 1),
            consent_to_quote=False,
            acting_user=staff.other_iro,
        )


# --- Restricted records: roles that see every child are still refused ---------------------


def test_a_role_that_sees_every_child_is_refused_a_restricted_child_off_its_list(staff, journey):
    from iro.children.services import set_restriction

    set_restriction(
        child=journey.child,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager],
    )
    journey.child.refresh_from_db()
    with pytest.raises(PermissionDenied):
        plan_services.add_outcome(plan=journey.plan, text="Safe at home", acting_user=staff.iro)
    with pytest.raises(PermissionDenied):
        services.cancel_conference(
            conference=journey.icpc,
            reason=CancellationReason.MISTAKE,
            expected_version=journey.icpc.version,
            acting_user=staff.coordinator,
        )


def test_a_restricted_childs_list_lets_its_people_write(staff, journey):
    from iro.children.services import set_restriction

    set_restriction(
        child=journey.child,
        acting_user=staff.iro_manager,
        restricted=True,
        allowed_users=[staff.iro_manager, staff.iro],
    )
    journey.child.refresh_from_db()
    plan_services.add_outcome(plan=journey.plan, text="Safe at home", acting_user=staff.iro)


def test_a_refusal_keeps_the_capitals_of_what_it_names(client, staff):
    client.force_login(staff.social_worker)
    response = client.get(reverse("staff_leave"))
    assert response.status_code == 403
    assert "Your role does not include this: record the IROs&#x27; leave." in (
        response.content.decode()
    )
