"""Voiding wrongly entered records and restoring them (journey.corrections): what each
void takes with it, what it refuses and why, who may do it, and the history it keeps."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from iro import text_limits
from iro.challenge.models import Dispute, MultiAgencyChallenge
from iro.journey import corrections, services
from iro.journey.models import (
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    Correction,
    CorrectionAction,
    CorrectionKind,
    Decision,
    Episode,
    Plan,
    PlanEndReason,
    Section47,
    StrategyDiscussion,
)
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = pytest.mark.django_db

WHY = "Entered on the wrong child's record."
BACK = "It was the right child after all."


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def manager(staff):
    return staff.iro_manager


def _child(staff):
    return ChildFactory(team=staff.team)


def _messages(error: ValidationError) -> list[str]:
    return error.value.message_dict["reason"]


# ------------------------------------------------------------------ who may


@pytest.mark.parametrize("who", ["iro", "analyst", "coordinator", "senior_manager"])
def test_only_the_iro_service_manager_may_void_or_restore(staff, who):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    user = getattr(staff, who)
    with pytest.raises(PermissionDenied):
        corrections.void_strategy_discussion(
            discussion=s47.strategy_discussion, reason=WHY, acting_user=user
        )
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=staff.iro_manager
    )
    with pytest.raises(PermissionDenied):
        corrections.restore_strategy_discussion(
            discussion=s47.strategy_discussion, reason=BACK, acting_user=user
        )
    assert StrategyDiscussion.objects.count() == 0


def test_a_manager_who_may_not_see_the_child_is_refused(staff, manager):
    child = _child(staff)
    child.restricted = True
    child.save(update_fields=["restricted"])
    dispute = DisputeFactory(child=child)
    with pytest.raises(PermissionDenied):
        corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)


# ------------------------------------------------------------------ the reason


def test_a_void_needs_a_reason_and_writes_nothing_without_one(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    with pytest.raises(ValidationError) as error:
        corrections.void_dispute(dispute=dispute, reason="  ", acting_user=manager)
    assert _messages(error) == [corrections.VOID_REASON_REQUIRED]
    assert Dispute.objects.count() == 1
    assert Correction.objects.count() == 0


def test_a_reason_longer_than_the_limit_is_refused(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    with pytest.raises(ValidationError) as error:
        corrections.void_dispute(
            dispute=dispute, reason="x" * (text_limits.REASON + 1), acting_user=manager
        )
    assert _messages(error) == [
        text_limits.TOO_LONG.format(length=text_limits.REASON + 1, limit=text_limits.REASON)
    ]


def test_a_restore_needs_a_reason_too(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    with pytest.raises(ValidationError) as error:
        corrections.restore_dispute(dispute=dispute, reason="", acting_user=manager)
    assert _messages(error) == [corrections.RESTORE_REASON_REQUIRED]


def test_a_record_cannot_be_voided_twice_nor_a_live_one_restored(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    with pytest.raises(ValidationError) as error:
        corrections.restore_dispute(dispute=dispute, reason=BACK, acting_user=manager)
    assert _messages(error) == [corrections.NOT_VOIDED]
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    with pytest.raises(ValidationError) as error:
        corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    assert _messages(error)[0].startswith("This record was already voided on ")


# ------------------------------------------------------------ disputes and challenges


def test_a_voided_dispute_disappears_and_a_restore_brings_it_back_with_its_history(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    assert not Dispute.objects.exists()
    kept = Dispute.all_objects.get()
    assert (kept.voided_by, kept.void_reason) == (manager, WHY)
    corrections.restore_dispute(dispute=dispute, reason=BACK, acting_user=manager)
    assert Dispute.objects.get().voided_at is None
    log = list(Correction.objects.values_list("kind", "action", "reason", "by"))
    assert log == [
        (CorrectionKind.DISPUTE, CorrectionAction.VOID, WHY, manager.pk),
        (CorrectionKind.DISPUTE, CorrectionAction.RESTORE, BACK, manager.pk),
    ]
    assert kept.history.count() == 3  # created, voided, restored


def test_those_told_of_a_voided_challenge_are_told_it_was_withdrawn(staff, manager):
    from iro.challenge import services as challenges
    from iro.notices.models import Notice
    from tests.factories import AgencyFactory

    challenge = challenges.raise_multi_agency_challenge(
        child=_child(staff), agency=AgencyFactory(), professional="Ms Pat Green",
        concern="Nursery reports not shared.", raised_on=date(2025, 1, 8),
        acting_user=staff.iro,
    )  # fmt: skip
    told = set(Notice.objects.values_list("recipient", flat=True))
    assert staff.partnership.pk in told
    corrections.void_challenge(challenge=challenge, reason=WHY, acting_user=manager)
    withdrawn = Notice.objects.filter(subject__startswith="A multi-agency challenge you were")
    assert set(withdrawn.values_list("recipient", flat=True)) == told
    assert all(n.settled_at is not None for n in Notice.objects.all())
    assert "Ms Pat Green" not in " ".join(withdrawn.values_list("subject", flat=True))


def test_a_voided_challenge_disappears_and_comes_back(staff, manager):
    challenge = MultiAgencyChallengeFactory(child=_child(staff))
    corrections.void_challenge(challenge=challenge, reason=WHY, acting_user=manager)
    assert not MultiAgencyChallenge.objects.exists()
    corrections.restore_challenge(challenge=challenge, reason=BACK, acting_user=manager)
    assert MultiAgencyChallenge.objects.count() == 1


# ------------------------------------------------- strategy discussions and S47s


# ------------------------------------------------------------------ referrals


def test_a_referral_entered_on_the_wrong_child_is_voided_and_restored(staff, manager):
    child = _child(staff)
    episode = EpisodeFactory(child=child, referral_date=date(2025, 1, 6))
    corrections.void_referral(episode=episode, reason=WHY, acting_user=manager)
    assert not Episode.objects.exists() and not child.episodes.exists()
    assert Episode.all_objects.get().void_reason == WHY
    log = Correction.objects.get()
    assert (log.kind, log.what, log.action) == (
        CorrectionKind.REFERRAL,
        "Referral of 6 January 2025",
        CorrectionAction.VOID,
    )
    # Voided, it no longer stops a new referral (one open episode at a time).
    again = services.open_episode(
        child=child, referral_date=date(2025, 2, 3), acting_user=staff.coordinator
    )
    # Not restored beside the referral entered in its place: void that one first.
    with pytest.raises(ValidationError) as error:
        corrections.restore_referral(episode=episode, reason=BACK, acting_user=manager)
    assert _messages(error) == [
        corrections.RESTORE_REFERRAL_OVERLAP.format(child=child, other=date(2025, 2, 3))
    ]
    corrections.void_referral(episode=again, reason=WHY, acting_user=manager)
    corrections.restore_referral(episode=episode, reason=BACK, acting_user=manager)
    assert list(child.episodes.all()) == [episode]


def test_a_referral_with_a_discussion_or_census_records_in_it_is_refused(staff, manager):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    episode = s47.episode
    with pytest.raises(ValidationError) as error:
        corrections.void_referral(episode=episode, reason=WHY, acting_user=manager)
    assert _messages(error) == [
        corrections.REFERRAL_HAS_RECORDS.format(
            start=date(2025, 1, 6), what="a strategy discussion", them="it"
        )
    ]
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=manager
    )
    CinPlanPeriod.objects.create(episode=episode, start_date=date(2025, 1, 8))
    with pytest.raises(ValidationError) as error:
        corrections.void_referral(episode=episode, reason=WHY, acting_user=manager)
    assert _messages(error) == [
        corrections.REFERRAL_HAS_CENSUS_RECORDS.format(
            start=date(2025, 1, 6), what="a Child in Need plan"
        )
    ]
    assert Episode.objects.filter(pk=episode.pk).exists()


@pytest.mark.parametrize("who", ["coordinator", "social_worker", "analyst"])
def test_only_the_manager_voids_a_referral(staff, who):
    episode = EpisodeFactory(child=_child(staff), referral_date=date(2025, 1, 6))
    with pytest.raises(PermissionDenied):
        corrections.void_referral(episode=episode, reason=WHY, acting_user=getattr(staff, who))
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_voiding_a_strategy_discussion_voids_the_enquiry_it_started(staff, manager):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=manager
    )
    assert not StrategyDiscussion.objects.exists()
    assert not Section47.objects.exists()
    corrections.restore_strategy_discussion(
        discussion=s47.strategy_discussion, reason=BACK, acting_user=manager
    )
    assert StrategyDiscussion.objects.count() == 1
    assert Section47.objects.count() == 1


def test_an_enquiry_whose_initial_conference_is_recorded_cannot_be_voided(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    expected = corrections.S47_HAS_CONFERENCE.format(start=date(2025, 1, 7), on=date(2025, 1, 27))
    with pytest.raises(ValidationError) as error:
        corrections.void_section47(section47=journey.section47, reason=WHY, acting_user=manager)
    assert _messages(error) == [expected]
    with pytest.raises(ValidationError) as error:
        corrections.void_strategy_discussion(
            discussion=journey.section47.strategy_discussion, reason=WHY, acting_user=manager
        )
    assert _messages(error) == [expected]


def test_an_enquiry_voided_with_its_discussion_is_restored_with_the_discussion(staff, manager):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=manager
    )
    with pytest.raises(ValidationError) as error:
        corrections.restore_section47(section47=s47, reason=BACK, acting_user=manager)
    assert _messages(error)[0].startswith("This enquiry was voided with its strategy discussion")


def test_an_enquiry_alone_can_be_voided_and_restored(staff, manager):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    corrections.void_section47(section47=s47, reason=WHY, acting_user=manager)
    assert StrategyDiscussion.objects.count() == 1
    assert not Section47.objects.exists()
    corrections.restore_section47(section47=s47, reason=BACK, acting_user=manager)
    assert Section47.objects.count() == 1


def test_an_enquiry_entered_again_after_a_void_is_not_restored_beside_its_replacement(
    staff, manager
):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 16))
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=manager
    )
    discussion = StrategyDiscussion.objects.create(episode=s47.episode, held_on=date(2025, 1, 10))
    again = Section47.objects.create(
        episode=s47.episode, strategy_discussion=discussion, start_date=date(2025, 1, 10)
    )
    voided = StrategyDiscussion.all_objects.get(pk=s47.strategy_discussion_id)
    with pytest.raises(ValidationError) as error:
        corrections.restore_strategy_discussion(discussion=voided, reason=BACK, acting_user=manager)
    assert _messages(error) == [
        corrections.RESTORE_S47_REPLACED.format(child=s47.episode.child, other=date(2025, 1, 10))
    ]
    # Its initial conference held since: the replacement still stands.
    hold_conference(kind=ConferenceKind.INITIAL, chair=staff.iro, held_on=date(2025, 1, 30),
                    children=[(again.episode.child, {"section47": again})])  # fmt: skip
    with pytest.raises(ValidationError):
        corrections.restore_strategy_discussion(discussion=voided, reason=BACK, acting_user=manager)
    assert Section47.objects.count() == 1


def test_an_initial_conference_recorded_again_is_not_restored_beside_its_replacement(
    staff, manager
):
    s47 = s47_for(_child(staff), referral=date(2025, 1, 6), strategy=date(2025, 1, 7))
    child = s47.episode.child
    on = date(2025, 1, 27)
    row = {"section47": s47, "decision": "no_plan"}
    wrong = hold_conference(kind=ConferenceKind.INITIAL, chair=staff.iro, held_on=on,
                            children=[(child, row)])  # fmt: skip
    corrections.void_conference(conference=wrong, reason=WHY, acting_user=manager)
    hold_conference(kind=ConferenceKind.INITIAL, chair=staff.iro, held_on=on,
                    children=[(child, {"section47": s47, "decision": Decision.PLAN})])  # fmt: skip
    with pytest.raises(ValidationError) as error:
        corrections.restore_conference(conference=wrong, reason=BACK, acting_user=manager)
    assert (
        "initial child protection conference of 27 January 2025 stands in this one's"
        in (_messages(error)[0])
    )
    assert Conference.objects.count() == 1


# ------------------------------------------------------------------ conferences


def test_a_voided_conference_takes_the_plan_it_started_with_it(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    corrections.void_conference(conference=journey.icpc, reason=WHY, acting_user=manager)
    assert not Conference.objects.exists()
    assert not ConferenceChild.objects.exists()
    assert not Plan.objects.exists()
    assert Plan.all_objects.get().void_reason == WHY
    assert Correction.objects.get().what == (
        "Initial child protection conference held 27 January 2025, and the plan it started"
    )
    corrections.restore_conference(conference=journey.icpc, reason=BACK, acting_user=manager)
    assert Conference.objects.count() == 1
    assert ConferenceChild.objects.count() == 1
    assert Plan.objects.count() == 1


def test_a_conference_whose_plan_has_reviews_is_refused_naming_the_plan(staff, manager):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 1, 7),
        icpc_on=date(2025, 1, 27),
        reviews=(date(2025, 4, 20),),
        first_name="Quill",
    )
    with pytest.raises(ValidationError) as error:
        corrections.void_conference(conference=journey.icpc, reason=WHY, acting_user=manager)
    assert _messages(error) == [
        corrections.PLAN_HAS_REVIEWS.format(
            child=journey.child,
            start=date(2025, 1, 27),
            reviews="1 later conference",
            them="it",
            dates="held 20 April 2025",
        )
    ]
    assert Conference.objects.count() == 2
    assert Correction.objects.count() == 0


def test_a_conference_whose_plan_has_a_dispute_is_refused(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    DisputeFactory(child=journey.child, plan=journey.plan)
    with pytest.raises(ValidationError) as error:
        corrections.void_conference(conference=journey.icpc, reason=WHY, acting_user=manager)
    assert "which has 1 dispute about it: void it first." in _messages(error)[0]


def test_voiding_the_review_that_ended_a_plan_reopens_it_and_a_restore_ends_it_again(
    staff, manager
):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    plan = journey.plan
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": plan, "decision": Decision.END})],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    Plan.objects.filter(pk=plan.pk).update(
        end_date=date(2025, 4, 20), end_reason=PlanEndReason.CLOSED
    )
    corrections.void_conference(conference=review, reason=WHY, acting_user=manager)
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (None, "")
    assert Correction.objects.filter(kind=CorrectionKind.PLAN_END).count() == 1
    corrections.restore_conference(conference=review, reason=BACK, acting_user=manager)
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (date(2025, 4, 20), PlanEndReason.CLOSED)


def test_the_void_page_is_told_what_voiding_a_review_does_before_it_is_done(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    plan = journey.plan
    first = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": plan, "decision": Decision.CONTINUE})],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    name = str(journey.child)
    assert corrections.void_consequences(first, manager) == [
        # Without it the plan's next review is due three months from its start.
        f"{name}'s next review is then due by 27 April 2025 (overdue).",
    ]
    ending = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": plan, "decision": Decision.END})],
        chair=staff.iro,
        held_on=date(2025, 10, 15),
    )
    Plan.objects.filter(pk=plan.pk).update(
        end_date=date(2025, 10, 15), end_reason=PlanEndReason.CLOSED
    )
    assert corrections.void_consequences(first, manager) == []  # the plan ended since
    assert corrections.void_consequences(ending, manager) == [
        f"{name}'s plan, which it ended on 15 October 2025, reopens.",
        f"{name}'s next review is then due by 20 October 2025 (overdue).",
    ]
    assert corrections.void_consequences(journey.icpc, manager) == [
        f"{name}'s plan from 27 January 2025 is voided with it."
    ]
    assert Correction.objects.count() == 0  # said, not done


def test_a_sibling_group_conference_is_logged_for_each_child(staff, manager):
    first, second = _child(staff), _child(staff)
    conference = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(first, {}), (second, {})],
        chair=staff.iro,
        scheduled_date=date(2025, 2, 3),
    )
    corrections.void_conference(conference=conference, reason=WHY, acting_user=manager)
    assert set(Correction.objects.values_list("child", flat=True)) == {first.pk, second.pk}


# ------------------------------------------------------------------ plan ends


def test_a_plan_end_entered_wrongly_is_voided_by_reopening_the_plan(staff, manager):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 1, 7),
        icpc_on=date(2025, 1, 27),
        ended_on=date(2025, 3, 1),
        end_reason=PlanEndReason.TRANSFERRED_OUT,
    )
    plan = corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert plan.end_date is None
    assert (
        corrections.voided_plan_end(plan).what
        == "End of the plan from 27 January 2025 on 1 March 2025"
    )
    plan = corrections.restore_plan_end(plan=plan, reason=BACK, acting_user=manager)
    assert (plan.end_date, plan.end_reason) == (date(2025, 3, 1), PlanEndReason.TRANSFERRED_OUT)
    assert corrections.voided_plan_end(plan) is None


def _stepped_down(staff, *, cin_ended_on=None):
    """A child whose plan ended on 1 March 2025 by a step down to a Child in Need plan."""
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 1, 7),
        icpc_on=date(2025, 1, 27),
        ended_on=date(2025, 3, 1),
        end_reason=PlanEndReason.STEP_DOWN_CIN,
    )
    CinPlanPeriod.objects.create(
        episode=journey.plan.episode, start_date=date(2025, 3, 1), end_date=cin_ended_on
    )
    return journey


def test_voiding_a_step_down_removes_the_child_in_need_plan_it_started_and_restoring_it_back(
    staff, manager
):
    journey = _stepped_down(staff)
    episode = journey.plan.episode
    assert corrections.step_down_cin_plan(journey.plan) is not None
    plan = corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert plan.end_date is None
    assert not CinPlanPeriod.objects.filter(episode=episode).exists()
    assert CinPlanPeriod.history.filter(history_type="-").get().history_change_reason == WHY
    corrections.restore_plan_end(plan=plan, reason=BACK, acting_user=manager)
    assert list(
        CinPlanPeriod.objects.filter(episode=episode).values_list("start_date", "end_date")
    ) == [(date(2025, 3, 1), None)]


def test_a_step_down_whose_child_in_need_plan_has_ended_since_is_not_voided(staff, manager):
    journey = _stepped_down(staff, cin_ended_on=date(2025, 9, 1))
    with pytest.raises(ValidationError) as error:
        corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert "has itself ended since" in _messages(error)[0]
    journey.plan.refresh_from_db()
    assert journey.plan.end_date == date(2025, 3, 1)  # nothing half done


def test_voiding_the_review_that_stepped_a_child_down_says_and_removes_the_child_in_need_plan(
    staff, manager
):
    journey = _stepped_down(staff)
    review = hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan, "decision": Decision.END})],
        chair=staff.iro,
        held_on=date(2025, 3, 1),
    )
    said = corrections.void_consequences(review, manager)
    assert any("Child in Need plan" in line and "is removed" in line for line in said)
    corrections.void_conference(conference=review, reason=WHY, acting_user=manager)
    assert not CinPlanPeriod.objects.filter(episode=journey.plan.episode).exists()


def test_an_end_a_review_decided_is_voided_through_that_conference(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(journey.child, {"plan": journey.plan, "decision": Decision.END})],
        chair=staff.iro,
        held_on=date(2025, 4, 20),
    )
    Plan.objects.filter(pk=journey.plan.pk).update(
        end_date=date(2025, 4, 20), end_reason=PlanEndReason.CLOSED
    )
    with pytest.raises(ValidationError) as error:
        corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert _messages(error) == [corrections.PLAN_END_BY_CONFERENCE.format(on=date(2025, 4, 20))]


def test_reopening_a_plan_that_a_later_plan_follows_is_refused(staff, manager):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 1, 7),
        icpc_on=date(2025, 1, 27),
        ended_on=date(2025, 3, 1),
        end_reason=PlanEndReason.CLOSED,
    )
    Plan.objects.create(
        child=journey.child, start_date=date(2025, 6, 2), initial_category="NEG",
        latest_category="NEG",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert "would overlap their later plan from 2 June 2025" in _messages(error)[0]


def test_an_open_plan_has_no_end_to_void(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    with pytest.raises(ValidationError) as error:
        corrections.void_plan_end(plan=journey.plan, reason=WHY, acting_user=manager)
    assert _messages(error) == [corrections.PLAN_NOT_ENDED]


def test_a_restore_that_would_give_the_child_two_plans_at_once_is_refused(staff, manager):
    journey = child_on_plan(chair=staff.iro, strategy=date(2025, 1, 7), icpc_on=date(2025, 1, 27))
    corrections.void_conference(conference=journey.icpc, reason=WHY, acting_user=manager)
    Plan.objects.create(
        child=journey.child, start_date=date(2025, 2, 10), initial_category="NEG",
        latest_category="NEG",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        corrections.restore_conference(conference=journey.icpc, reason=BACK, acting_user=manager)
    assert _messages(error) == [
        corrections.RESTORE_OVERLAP.format(
            child=journey.child, other=date(2025, 2, 10), start=date(2025, 1, 27)
        )
    ]
    assert not Conference.objects.exists()


def test_the_log_of_corrections_cannot_be_changed_or_deleted(staff, manager):
    from iro.journey.models import CORRECTIONS_APPEND_ONLY

    dispute = DisputeFactory(child=_child(staff))
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    entry = Correction.objects.get()
    for attempt in (
        lambda: Correction.objects.update(reason="nothing"),
        lambda: Correction.objects.all().delete(),
        entry.delete,
        entry.save,
    ):
        with pytest.raises(ValueError, match=CORRECTIONS_APPEND_ONLY):
            attempt()
    assert Correction.objects.get().reason == WHY


def test_the_database_refuses_sql_that_changes_or_deletes_the_log_of_corrections(staff, manager):
    dispute = DisputeFactory(child=_child(staff))
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=manager)
    entry = Correction.objects.get()
    for sql in (
        "UPDATE journey_correction SET reason = 'nothing' WHERE id = %s",
        "DELETE FROM journey_correction WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert Correction.objects.get().reason == WHY
