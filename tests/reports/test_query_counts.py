"""A whole set of measures makes the same number of queries whatever the number of children."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.reports import measures
from tests.reports.conftest import YEAR, build_authority

pytestmark = pytest.mark.django_db


def _queries(filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        measures.compute_all(YEAR, **filters)
        measures.compute_all(YEAR.previous_year(), **filters)
    return len(captured)


@pytest.mark.parametrize("filters", ["none", "team", "chair"])
def test_the_number_of_queries_does_not_grow_with_the_children(staff, filters):
    def chosen():
        return {"none": {}, "team": {"team": staff.team}, "chair": {"chair": staff.iro}}[filters]

    build_authority(staff, 3)
    small = _queries(chosen())
    build_authority(staff, 30)
    large = _queries(chosen())
    assert measures.children_on_plan_during_period(YEAR) == 33
    assert small == large
    assert large <= 2 * (len(measures.MEASURES) + 4)
