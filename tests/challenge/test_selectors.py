from __future__ import annotations

from datetime import date

import pytest

from iro.challenge import selectors
from iro.challenge.models import DisputeStage, StageTimescale
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_disputes_are_listed_only_for_children_the_user_may_see(staff, child):
    mine = DisputeFactory(child=child)
    theirs = DisputeFactory(child=ChildFactory(team=staff.other_team))
    assert list(selectors.disputes_for(staff.social_worker)) == [mine]
    assert list(selectors.disputes_for(staff.outsider)) == [theirs]
    assert not selectors.disputes_for(staff.partnership).exists()
    assert selectors.disputes_for(staff.iro).count() == 2


def test_open_disputes_leave_out_resolved_ones(staff, child):
    open_one = DisputeFactory(child=child)
    DisputeFactory(child=child, resolved_on=date(2018, 7, 1))
    assert list(selectors.open_disputes_for(staff.iro)) == [open_one]


def test_a_stage_response_is_due_by_the_authoritys_working_days(db):
    StageTimescale.objects.create(stage=1, working_days=5)
    dispute = DisputeFactory(raised_on=date(2018, 12, 21))
    stage = DisputeStage.objects.get(dispute=dispute)
    # Friday 21 December 2018 is day 0; then 24, 27, 28, 31 December and 2 January
    # (Christmas, Boxing Day and New Year's Day are bank holidays).
    assert selectors.stage_response_due(stage) == date(2019, 1, 2)


def test_a_stage_without_a_timescale_has_no_due_date(db):
    stage = DisputeStage.objects.get(dispute=DisputeFactory())
    assert selectors.stage_response_due(stage) is None


def test_the_partnership_sees_challenges_to_forward_and_others_see_none(staff, child):
    waiting = MultiAgencyChallengeFactory(child=child)
    MultiAgencyChallengeFactory(child=child, forwarded_on=date(2018, 6, 2))
    assert list(selectors.challenges_to_forward(staff.partnership)) == [waiting]
    assert not selectors.challenges_to_forward(staff.iro).exists()
    assert not selectors.challenges_to_forward(staff.outsider).exists()
