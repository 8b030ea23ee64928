"""The census return reads live records only: a voided conference, and the plan it
started, are not returned; restored, they are again."""

from __future__ import annotations

from datetime import date

import pytest

from iro.census.export import return_children
from iro.journey import corrections
from iro.timescales import ANNUAL, parse_period
from tests.factories import child_on_plan, make_staff

pytestmark = pytest.mark.django_db

YEAR = parse_period(ANNUAL, "2023-24")


@pytest.fixture
def staff():
    return make_staff()


def _returned(staff):
    [child] = list(return_children(user=staff.analyst, period=YEAR))
    [episode] = child.episodes
    return episode


def test_a_voided_initial_conference_and_its_plan_leave_the_return(staff):
    journey = child_on_plan(chair=staff.iro, strategy=date(2023, 6, 5), icpc_on=date(2023, 6, 22))
    episode = _returned(staff)
    assert [s.icpc_date for s in episode.section47s] == [date(2023, 6, 22)]
    assert [p.start_date for p in episode.plans] == [date(2023, 6, 22)]

    corrections.void_conference(
        conference=journey.icpc, reason="Wrong child.", acting_user=staff.iro_manager
    )
    episode = _returned(staff)
    assert [s.icpc_date for s in episode.section47s] == [None]
    assert episode.plans == []

    corrections.restore_conference(
        conference=journey.icpc, reason="Right child.", acting_user=staff.iro_manager
    )
    assert [p.start_date for p in _returned(staff).plans] == [date(2023, 6, 22)]
