"""A whole set of measures makes the same number of queries whatever the number of children."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.challenge.models import DisputeReason
from iro.journey.models import ChildAttendance
from iro.reports import measures
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.reports.conftest import YEAR, a_child, a_plan, a_review, an_icpc, an_s47

pytestmark = pytest.mark.django_db


def _authority(staff, children: int) -> None:
    for n in range(children):
        day = date(2018, 4, 2) + timedelta(days=3 * n)
        child = a_child(staff, team=staff.team if n % 2 else staff.other_team)
        s47 = an_s47(staff, day - timedelta(days=10), child=child)
        an_icpc(s47, day, chair=staff.iro, attendance=ChildAttendance.VIRTUAL)
        plan = a_plan(staff, day, child=child, end=day + timedelta(days=200) if n % 3 else None)
        a_review(plan, day + timedelta(days=80 + n % 20), chair=staff.other_iro)
        DisputeFactory(child=child, raised_on=day, reason=DisputeReason.values[n % 4])
        MultiAgencyChallengeFactory(child=child, raised_on=day)


def _queries(filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        measures.compute_all(YEAR, **filters)
        measures.compute_all(YEAR.previous_year(), **filters)
    return len(captured)


@pytest.mark.parametrize("filters", ["none", "team", "chair"])
def test_the_number_of_queries_does_not_grow_with_the_children(staff, filters):
    def chosen():
        return {"none": {}, "team": {"team": staff.team}, "chair": {"chair": staff.iro}}[filters]

    _authority(staff, 3)
    small = _queries(chosen())
    _authority(staff, 30)
    large = _queries(chosen())
    assert measures.children_on_plan_during_period(YEAR) == 33
    assert small == large
    assert large <= 2 * (len(measures.MEASURES) + 4)
