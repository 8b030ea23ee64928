"""children_with_dispute_raised, disputes_raised, dispute_reasons, dispute_resolution_stage."""

from __future__ import annotations

from datetime import date

import pytest

from iro.challenge.models import DisputeReason, Stage
from iro.reports import measures
from tests.challenge.factories import DisputeFactory
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db


def test_disputes_raised_from_the_first_to_the_last_day_count(staff):
    child = a_child(staff)
    DisputeFactory(child=child, raised_on=date(2018, 3, 31))  # the day before
    DisputeFactory(child=child, raised_on=date(2018, 4, 1))
    DisputeFactory(child=child, raised_on=date(2019, 3, 31))
    DisputeFactory(child=a_child(staff), raised_on=date(2018, 10, 10))
    DisputeFactory(child=a_child(staff), raised_on=date(2019, 4, 1))  # the day after
    assert measures.disputes_raised(YEAR) == 3
    assert measures.children_with_dispute_raised(YEAR) == 2


def test_reasons_are_shares_of_the_disputes_raised_with_exact_rounding(staff):
    # 16 disputes: 13 about progress (81.25% -> 81.3), 3 about planning (18.75% -> 18.8).
    for _ in range(13):
        DisputeFactory(child=a_child(staff), reason=DisputeReason.PROGRESS)
    for _ in range(3):
        DisputeFactory(child=a_child(staff), reason=DisputeReason.PLANNING)
    assert measures.dispute_reasons(YEAR) == {
        "assessment": {"count": 0, "percent": 0.0},
        "planning": {"count": 3, "percent": 18.8},
        "practice": {"count": 0, "percent": 0.0},
        "progress": {"count": 13, "percent": 81.3},
    }


def test_resolution_stages_count_disputes_resolved_in_the_year_whenever_raised(staff):
    resolved = [
        (Stage.INFORMAL, date(2017, 12, 1), date(2018, 4, 1)),  # raised last year
        (Stage.INFORMAL, date(2018, 5, 1), date(2018, 5, 9)),
        (Stage.STAGE_2, date(2018, 5, 1), date(2018, 6, 1)),
        (Stage.STAGE_4, date(2018, 5, 1), date(2019, 3, 31)),
        (Stage.STAGE_5, date(2018, 5, 1), date(2018, 9, 1)),
        (Stage.STAGE_8, date(2018, 5, 1), date(2018, 12, 1)),
        (Stage.STAGE_3, date(2018, 5, 1), date(2019, 4, 1)),  # resolved next year
    ]
    for stage, raised_on, resolved_on in resolved:
        DisputeFactory(
            child=a_child(staff), stage=stage, raised_on=raised_on, resolved_on=resolved_on
        )
    DisputeFactory(child=a_child(staff), stage=Stage.STAGE_3, raised_on=date(2018, 5, 1))
    assert measures.dispute_resolution_stage(YEAR) == {
        "informal": {"count": 2, "percent": 33.3},
        "stage_2": {"count": 1, "percent": 16.7},
        "stage_3": {"count": 0, "percent": 0.0},
        "stage_4": {"count": 1, "percent": 16.7},
        "stage_5_to_8": {"count": 2, "percent": 33.3},
    }


def test_with_no_disputes_every_share_has_no_percent(staff):
    assert measures.dispute_reasons(YEAR)["progress"] == {"count": 0, "percent": None}
    assert measures.dispute_resolution_stage(YEAR)["informal"] == {"count": 0, "percent": None}


def test_the_chair_filter_is_the_iro_who_raised_it_and_the_team_the_childs(staff):
    DisputeFactory(child=a_child(staff), raised_by=staff.iro)
    DisputeFactory(child=a_child(staff, team=staff.other_team), raised_by=staff.other_iro)
    assert measures.disputes_raised(YEAR, chair=staff.iro) == 1
    assert measures.disputes_raised(YEAR, chair=staff.iro_manager) == 0
    assert measures.disputes_raised(YEAR, team=staff.other_team) == 1
    assert measures.children_with_dispute_raised(YEAR, team=staff.team, chair=staff.other_iro) == 0


def test_children_with_a_dispute_are_credited_to_their_latest_chair_so_the_chairs_add_up(staff):
    from iro.journey.models import ConferenceKind
    from tests.factories import hold_conference

    child = a_child(staff)
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(child, {})], chair=staff.iro_manager,
        held_on=date(2018, 5, 1),
    )  # fmt: skip
    # Two IROs raise disputes about the same child: one child, whoever raised them.
    DisputeFactory(child=child, raised_by=staff.iro, raised_on=date(2018, 6, 1))
    DisputeFactory(child=child, raised_by=staff.other_iro, raised_on=date(2018, 7, 1))
    assert measures.children_with_dispute_raised(YEAR) == 1
    assert measures.children_with_dispute_raised(YEAR, chair=staff.iro_manager) == 1
    assert measures.children_with_dispute_raised(YEAR, chair=staff.iro) == 0
    by_chair = measures.measures_by(YEAR, "chair")
    assert {g: v["children_with_dispute_raised"] for g, v in by_chair.items()} == {
        staff.iro_manager.pk: 1
    }
    # The disputes themselves stay with the IRO who raised each.
    assert measures.disputes_raised(YEAR, chair=staff.iro) == 1
    assert measures.disputes_raised(YEAR, chair=staff.other_iro) == 1
