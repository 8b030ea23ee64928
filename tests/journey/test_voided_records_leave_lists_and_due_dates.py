"""A voided record leaves the working lists and due dates (My work, the caseload, a
child's journey, the dispute and challenge lists) and comes back when restored; the
child's page keeps the void in its history."""

from __future__ import annotations

from datetime import date

import pytest

from iro.challenge import page_selectors
from iro.challenge.selectors import challenges_for, disputes_for
from iro.journey import corrections
from iro.journey.correction_selectors import corrections_for
from iro.journey.models import ConferenceKind
from iro.journey.selectors import ICPC, REVIEW, caseload, due_items, journey_for, my_work
from iro.timescales import add_months
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import ChildFactory, child_on_plan, hold_conference, make_staff, s47_for

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 10)
WHY = "Entered on the wrong child's record."
BACK = "It was the right child after all."


@pytest.fixture
def staff():
    return make_staff()


def _due(child):
    from iro.children.models import Child

    items = due_items(Child.objects.filter(pk=child.pk), day=TODAY, closures=frozenset())
    return {(i.kind, i.due) for i in items}


def test_a_voided_enquiry_has_no_initial_conference_due(staff):
    child = ChildFactory(team=staff.team)
    s47 = s47_for(child, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
    assert {kind for kind, _ in _due(child)} == {ICPC}
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=staff.iro_manager
    )
    assert _due(child) == set()
    corrections.restore_strategy_discussion(
        discussion=s47.strategy_discussion, reason=BACK, acting_user=staff.iro_manager
    )
    assert {kind for kind, _ in _due(child)} == {ICPC}


def test_a_voided_review_moves_the_next_review_due_date_back(staff):
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2025, 1, 7),
        icpc_on=date(2025, 1, 27),
        reviews=(date(2025, 4, 20),),
    )
    review = journey.reviews[0]
    assert _due(journey.child) == {(REVIEW, add_months(date(2025, 4, 20), 6))}
    corrections.void_conference(conference=review, reason=WHY, acting_user=staff.iro_manager)
    assert _due(journey.child) == {(REVIEW, add_months(date(2025, 1, 27), 3))}
    corrections.restore_conference(conference=review, reason=BACK, acting_user=staff.iro_manager)
    assert _due(journey.child) == {(REVIEW, add_months(date(2025, 4, 20), 6))}


def test_a_voided_booking_leaves_the_chairs_my_work(staff):
    child = ChildFactory(team=staff.team)
    s47 = s47_for(child, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
    booked = hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(child, {"section47": s47})],
        chair=staff.iro,
        scheduled_date=date(2025, 10, 20),
    )
    assert [c.public_id for c in my_work(staff.iro, day=TODAY).upcoming] == [booked.public_id]
    corrections.void_conference(conference=booked, reason=WHY, acting_user=staff.iro_manager)
    assert my_work(staff.iro, day=TODAY).upcoming == []


def test_the_caseload_no_longer_shows_the_plan_a_voided_conference_started(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2025, 9, 1), icpc_on=date(2025, 9, 20), team=staff.team
    )
    row = caseload(staff.iro_manager, day=TODAY).rows[0]
    assert row.plan_start == date(2025, 9, 20)
    corrections.void_conference(conference=journey.icpc, reason=WHY, acting_user=staff.iro_manager)
    row = caseload(staff.iro_manager, day=TODAY).rows[0]
    assert row.plan_start is None
    assert row.chair == ""


def test_voided_disputes_and_challenges_leave_their_lists(staff):
    child = ChildFactory(team=staff.team)
    dispute = DisputeFactory(child=child)
    challenge = MultiAgencyChallengeFactory(child=child)
    corrections.void_dispute(dispute=dispute, reason=WHY, acting_user=staff.iro_manager)
    corrections.void_challenge(challenge=challenge, reason=WHY, acting_user=staff.iro_manager)
    assert not disputes_for(staff.iro).exists()
    assert not challenges_for(staff.iro).exists()
    assert page_selectors.open_dispute_rows(staff.iro, day=TODAY) == []
    queue = page_selectors.challenge_queue(staff.partnership)
    assert queue.to_forward == queue.awaiting_response == queue.answered == []


def test_the_childs_journey_drops_a_voided_discussion_and_lists_the_void(staff):
    child = ChildFactory(team=staff.team)
    s47 = s47_for(child, referral=date(2025, 10, 1), strategy=date(2025, 10, 2))
    corrections.void_strategy_discussion(
        discussion=s47.strategy_discussion, reason=WHY, acting_user=staff.iro_manager
    )
    stages = [s.stage for e in journey_for(staff.iro, child, day=TODAY).episodes for s in e.steps]
    assert "Strategy discussion" not in stages
    assert "Initial child protection conference" not in stages
    [entry] = corrections_for(staff.iro_manager, child)
    assert (entry.what, entry.action, entry.by, entry.reason) == (
        "Strategy discussion on 2 October 2025",
        "Voided",
        str(staff.iro_manager),
        WHY,
    )
    assert entry.restore_url.endswith(f"/strategy-discussions/{s47.strategy_discussion_id}/restore")
    # An IRO reads the history but is not offered the restore.
    assert corrections_for(staff.iro, child)[0].restore_url == ""
