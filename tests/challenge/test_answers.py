"""Whoever a dispute stage is addressed to answers it in iro, and is told it waits."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from iro.challenge import page_selectors as pages
from iro.challenge import services
from iro.challenge.models import Dispute, DisputeReason, Stage, StageTimescale
from iro.children.models import RestrictedAccess
from iro.journey import corrections
from iro.journey.checks import current_version
from iro.notices.models import Notice
from iro.people.models import Role
from tests.factories import AgencyFactory, ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 7, 1), tick=False):
        yield


def raise_for(staff, child, **kwargs):
    args = {
        "child": child,
        "raised_on": date(2024, 6, 3),
        "reason": DisputeReason.PROGRESS,
        "detail": "The plan has drifted since the review.",
        "addressed_to": staff.team_manager,
        "acting_user": staff.iro,
    }
    return services.raise_dispute(**(args | kwargs))


def escalate(staff, dispute, to, **kwargs):
    args = {
        "dispute": dispute,
        "escalated_on": date(2024, 6, 10),
        "addressed_to": to,
        "note": "No answer at stage 1.",
        "acting_user": staff.iro,
        "expected_version": current_version(dispute),
    }
    return services.escalate_dispute(**(args | kwargs))


def answer(dispute, by, **kwargs):
    args = {
        "dispute": dispute,
        "responded_on": date(2024, 6, 12),
        "response": "The assessment will be finished by Friday.",
        "acting_user": by,
        "expected_version": current_version(dispute),
    }
    return services.record_stage_response(**(args | kwargs))


@pytest.fixture
def other_manager(staff):
    team = TeamFactory(name="Hillside Safeguarding Team")
    manager = UserFactory(
        username="hal-manager", first_name="Hal", last_name="Brackley",
        role=Role.TEAM_MANAGER, team=team,
    )  # fmt: skip
    team.manager = manager
    team.save(update_fields=["manager"])
    return manager


def test_the_notice_says_when_the_answer_is_due_where_the_stage_has_a_timescale(staff, child):
    StageTimescale.objects.update_or_create(stage=Stage.INFORMAL, defaults={"working_days": 5})
    dispute = raise_for(staff, child)  # raised on Monday 3 June 2024
    assert Notice.objects.get().subject.endswith(". The answer is due by 10 Jun 2024")
    assert dispute.stages.get().started_on == date(2024, 6, 3)


def test_raising_a_dispute_addresses_its_first_stage_and_tells_the_addressee(staff, child):
    dispute = raise_for(staff, child)
    stage = dispute.stages.get()
    assert stage.addressed_to == staff.team_manager
    notice = Notice.objects.get()
    assert notice.recipient == staff.team_manager
    assert notice.subject == services.dispute_notice(services.DISPUTE_WAITING, dispute)
    # Which dispute, for someone sent several: never the child.
    assert notice.subject == (
        "A dispute is waiting for your answer: "
        f"{dispute.get_reason_display()}, Informal challenge (stage 1), raised by "
        f"{staff.iro} on {dispute.raised_on.day} {dispute.raised_on:%b %Y}"
    )
    assert notice.link == f"/disputes/{dispute.public_id}/answer"
    assert notice.sent_at is None


def test_a_notice_never_names_the_child(staff, child):
    raise_for(staff, child)
    notice = Notice.objects.get()
    for part in (child.first_name, child.last_name, child.la_child_id):
        assert part not in notice.subject and part not in notice.body
    assert notice.body.startswith("A dispute is waiting for your answer: ")


def test_a_dispute_needs_who_it_was_raised_with_and_what_the_worry_is(staff, child):
    with pytest.raises(ValidationError) as error:
        raise_for(staff, child, addressed_to=None, detail="  ")
    assert error.value.message_dict == {
        "addressed_to": [services.ADDRESSEE_REQUIRED],
        "detail": [services.DETAIL_REQUIRED],
    }
    assert not Dispute.objects.exists() and not Notice.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "iro_manager", "partnership", "coordinator"])
def test_a_dispute_goes_only_to_someone_who_answers_disputes(staff, child, who):
    person = getattr(staff, who)
    with pytest.raises(ValidationError) as error:
        raise_for(staff, child, addressed_to=person)
    assert error.value.message_dict["addressed_to"] == [
        services.ADDRESSEE_CANNOT_ANSWER.format(name=person.get_full_name())
    ]


def test_escalation_needs_a_named_recipient(staff, child):
    dispute = raise_for(staff, child)
    with pytest.raises(ValidationError) as error:
        escalate(staff, dispute, None)
    assert error.value.message_dict["addressed_to"] == [services.NEXT_ADDRESSEE_REQUIRED]
    dispute.refresh_from_db()
    assert dispute.stage == 1


def test_a_restricted_childs_dispute_goes_only_to_someone_on_its_access_list(staff):
    child = ChildFactory(team=staff.team, restricted=True)
    RestrictedAccess.objects.create(child=child, user=staff.iro, added_by=staff.iro_manager)
    with pytest.raises(ValidationError) as error:
        raise_for(staff, child)
    assert error.value.message_dict["addressed_to"] == [
        services.ADDRESSEE_NOT_ON_LIST.format(name="Tess Larkmoor")
    ]


def test_a_team_manager_answers_a_stage_2_dispute_and_the_iro_accepts_it(staff, child):
    dispute = raise_for(staff, child, addressed_to=staff.social_worker)
    dispute = escalate(staff, dispute, staff.team_manager)
    stage = answer(dispute, staff.team_manager)
    assert (stage.stage, stage.responded_by, stage.responded_on) == (
        2,
        staff.team_manager,
        date(2024, 6, 12),
    )
    told = Notice.objects.filter(recipient=staff.iro).get()
    assert told.subject == services.dispute_notice(services.ANSWER_WAITING, dispute)
    assert "Stage 2: team manager" in told.subject
    dispute = services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2024, 6, 13),
        resolution="The answer is accepted: the assessment is finished.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    assert dispute.resolved_at_key == "stage_2"


def test_the_iro_no_longer_types_in_an_addressees_answer(staff, child):
    dispute = raise_for(staff, child)
    with pytest.raises(PermissionDenied, match="only they can answer it"):
        answer(dispute, staff.iro)


@pytest.mark.parametrize("who", ["senior_manager", "social_worker", "analyst", "outsider"])
def test_nobody_else_answers_a_stage_addressed_to_someone(staff, child, who):
    dispute = raise_for(staff, child)
    with pytest.raises(PermissionDenied):
        answer(dispute, getattr(staff, who))
    assert dispute.stages.get().responded_on is None


def test_another_teams_manager_answers_a_dispute_sent_to_them(staff, child, other_manager):
    dispute = raise_for(staff, child, addressed_to=other_manager)
    assert pages.dispute_for(other_manager, dispute.public_id) == dispute
    answer(dispute, other_manager)
    assert dispute.stages.get().responded_by == other_manager


def test_the_addressees_grant_ends_when_the_dispute_moves_on(staff, child, other_manager):
    dispute = raise_for(staff, child, addressed_to=other_manager)
    escalate(staff, dispute, staff.senior_manager)
    with pytest.raises(PermissionDenied):
        pages.dispute_for(other_manager, dispute.public_id)
    with pytest.raises(PermissionDenied):
        answer(Dispute.objects.get(), other_manager)


def test_another_teams_manager_not_addressed_is_refused(staff, child, other_manager):
    dispute = raise_for(staff, child)
    with pytest.raises(PermissionDenied):
        pages.dispute_for(other_manager, dispute.public_id)


def test_a_stage_from_before_addressees_is_still_answered_by_the_iro(staff, child):
    dispute = raise_for(staff, child)
    dispute.stages.update(addressed_to=None)
    stage = answer(dispute, staff.iro)
    assert stage.responded_by == staff.iro
    assert not Notice.objects.filter(recipient=staff.iro).exists()


def test_raising_a_challenge_tells_the_partnership_it_waits(staff, child):
    challenge = services.raise_multi_agency_challenge(
        child=child,
        agency=AgencyFactory(),
        professional="Health visitor",
        concern="No visits since March.",
        raised_on=date(2024, 6, 3),
        acting_user=staff.iro,
    )
    notice = Notice.objects.get()
    assert (notice.recipient, notice.subject) == (
        staff.partnership,
        f"{services.CHALLENGE_WAITING}: to {challenge.agency}, raised by {staff.iro} on 3 Jun 2024",
    )
    assert notice.link == f"/challenges/{challenge.public_id}/"


# --- What is still waiting ----------------------------------------------------------------


def waiting(user) -> list[str]:
    """What ``user``'s notices not yet settled say, without which dispute they are about."""
    return [
        subject.split(": ")[0]
        for subject in Notice.objects.filter(recipient=user, settled_at__isnull=True).values_list(
            "subject", flat=True
        )
    ]


def test_an_answer_settles_the_addressees_notice_and_leaves_the_iros_waiting(staff, child):
    dispute = raise_for(staff, child)
    assert waiting(staff.team_manager) == [services.DISPUTE_WAITING]
    answer(dispute, staff.team_manager)
    assert waiting(staff.team_manager) == []
    assert waiting(staff.iro) == [services.ANSWER_WAITING]
    settled = Notice.objects.get(recipient=staff.team_manager)
    assert settled.settled_at.date() == date(2024, 7, 1)
    assert settled.history.latest().history_user == staff.team_manager


def test_an_escalation_settles_the_last_stage_and_waits_for_the_next_addressee(
    staff, child, other_manager
):
    dispute = raise_for(staff, child, addressed_to=staff.social_worker)
    answer(dispute, staff.social_worker)
    escalate(staff, dispute, staff.team_manager)
    assert waiting(staff.social_worker) == []
    assert waiting(staff.iro) == []  # the answer was read and taken further
    assert waiting(staff.team_manager) == [services.DISPUTE_WAITING]


def test_an_escalation_without_an_answer_settles_the_unanswered_notice_too(staff, child):
    dispute = raise_for(staff, child, addressed_to=staff.social_worker)
    escalate(staff, dispute, staff.team_manager)
    assert waiting(staff.social_worker) == []
    assert waiting(staff.team_manager) == [services.DISPUTE_WAITING]


def test_a_resolution_settles_everything_the_dispute_left_waiting(staff, child):
    dispute = raise_for(staff, child)
    services.resolve_dispute(
        dispute=dispute,
        resolved_on=date(2024, 6, 13),
        resolution="Agreed at the core group.",
        acting_user=staff.iro,
        expected_version=current_version(dispute),
    )
    assert not Notice.objects.filter(settled_at__isnull=True).exists()


def test_a_voided_dispute_leaves_no_message_waiting(staff, child):
    dispute = raise_for(staff, child)
    corrections.void_dispute(dispute=dispute, reason="Raised twice.", acting_user=staff.iro_manager)
    assert not Notice.objects.filter(settled_at=None).exists()
