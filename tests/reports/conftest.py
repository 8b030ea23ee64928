"""Fixtures for the measures: named staff, the reporting year 2018-19, and small helpers
that build plans, reviews and initial conferences as a hand-worked example reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from iro.challenge.models import DisputeReason
from iro.journey.models import ChildAttendance, ConferenceKind, Decision
from iro.timescales import parse_period
from tests.factories import ChildFactory, PlanFactory, hold_conference, make_staff, s47_for

YEAR = parse_period("annual", "2018-19")  # 2018-04-01 .. 2019-03-31


@pytest.fixture
def staff(db):
    return make_staff()


def a_child(staff, **fields):
    return ChildFactory(**({"team": staff.team} | fields))


def a_plan(staff, start: date, end: date | None = None, *, child=None, **fields):
    """A plan of ``child`` (a new child of the staff's team when not given)."""
    return PlanFactory(
        child=child or a_child(staff),
        start_date=start,
        end_date=end,
        end_reason="closed" if end else "",
        **fields,
    )


def a_review(plan, held_on: date, *, chair, children=None):
    """A held review conference of ``plan`` (or several children's plans: a sibling group)."""
    subjects = children or [plan]
    return hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(p.child, {"plan": p, "decision": Decision.CONTINUE}) for p in subjects],
        chair=chair,
        held_on=held_on,
    )


def an_icpc(section47, held_on: date, *, chair, kind=ConferenceKind.INITIAL, **row):
    return hold_conference(
        kind=kind,
        children=[(section47.episode.child, {"section47": section47, **row})],
        chair=chair,
        held_on=held_on,
    )


def an_s47(staff, start: date, *, child=None, **fields):
    child = child or a_child(staff)
    return s47_for(child, referral=start, strategy=start, **fields)


def build_authority(staff, children: int) -> None:
    """``children`` children over 2018-19 in two teams, each with an S47, an ICPC, a plan
    (a third still open), a review, a dispute and a multi-agency challenge."""
    from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory

    for n in range(children):
        day = date(2018, 4, 2) + timedelta(days=3 * n)
        child = a_child(staff, team=staff.team if n % 2 else staff.other_team)
        s47 = an_s47(staff, day - timedelta(days=10), child=child)
        an_icpc(s47, day, chair=staff.iro, attendance=ChildAttendance.VIRTUAL)
        plan = a_plan(staff, day, child=child, end=day + timedelta(days=200) if n % 3 else None)
        a_review(plan, day + timedelta(days=80 + n % 20), chair=staff.other_iro)
        DisputeFactory(child=child, raised_on=day, reason=DisputeReason.values[n % 4])
        MultiAgencyChallengeFactory(child=child, raised_on=day)
