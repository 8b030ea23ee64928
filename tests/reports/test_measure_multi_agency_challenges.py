"""multi_agency_challenges_raised, with its breakdown by agency."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from tests.challenge.factories import MultiAgencyChallengeFactory
from tests.factories import AgencyFactory
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db


def test_challenges_raised_in_the_year_are_counted_by_agency(staff):
    health, police = AgencyFactory(name="Northmoor Health"), AgencyFactory(name="Northmoor Police")
    child = a_child(staff)
    for raised_on, agency in [
        (date(2018, 4, 1), health),
        (date(2018, 9, 9), health),
        (date(2019, 3, 31), police),
        (date(2018, 3, 31), police),  # the day before
        (date(2019, 4, 1), health),  # the day after
    ]:
        MultiAgencyChallengeFactory(child=child, agency=agency, raised_on=raised_on)
    assert measures.multi_agency_challenges_raised(YEAR) == {
        "count": 3,
        "by_agency": {"Northmoor Health": 2, "Northmoor Police": 1},
    }


def test_team_and_chair_filters(staff):
    MultiAgencyChallengeFactory(child=a_child(staff), raised_by=staff.iro)
    MultiAgencyChallengeFactory(
        child=a_child(staff, team=staff.other_team), raised_by=staff.other_iro
    )
    assert measures.multi_agency_challenges_raised(YEAR, chair=staff.iro)["count"] == 1
    assert measures.multi_agency_challenges_raised(YEAR, team=staff.other_team)["count"] == 1
    assert measures.multi_agency_challenges_raised(
        YEAR, team=staff.team, chair=staff.other_iro
    ) == {
        "count": 0,
        "by_agency": {},
    }
