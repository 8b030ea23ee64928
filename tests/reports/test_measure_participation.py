"""conferences_held and the participation ratios over it."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey.models import ChildAttendance, ConferenceKind, ConferenceStatus
from iro.reports import measures
from iro.reports.measures import Ratio
from tests.factories import hold_conference
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db


def held(
    staff, held_on=date(2018, 6, 1), *, kind=ConferenceKind.REVIEW, chair=None, team=None, **row
):
    child = a_child(staff, **({"team": team} if team else {}))
    return hold_conference(
        kind=kind, children=[(child, row)], chair=chair or staff.iro, held_on=held_on
    )


def test_child_conferences_of_every_kind_held_in_the_year_count(staff):
    held(staff, kind=ConferenceKind.INITIAL)
    held(staff, kind=ConferenceKind.REVIEW)
    held(staff, kind=ConferenceKind.TRANSFER_IN)
    held(staff, date(2018, 4, 1))
    held(staff, date(2019, 3, 31))
    held(staff, date(2018, 3, 31))  # the day before
    held(staff, date(2019, 4, 1))  # the day after
    siblings = [a_child(staff), a_child(staff)]
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(c, {}) for c in siblings],
        chair=staff.iro,
        held_on=date(2018, 7, 1),
    )
    hold_conference(
        kind=ConferenceKind.REVIEW,
        children=[(a_child(staff), {})],
        chair=staff.iro,
        held_on=None,
        scheduled_date=date(2018, 7, 1),
    )
    cancelled = held(staff)
    cancelled.status = ConferenceStatus.CANCELLED
    cancelled.save()
    assert measures.conferences_held(YEAR) == 7


def test_the_child_attended_in_person_virtually_or_for_part(staff):
    for attendance in ChildAttendance.values:
        held(staff, attendance=attendance)
    held(staff)  # not recorded
    assert measures.child_attended(YEAR) == Ratio(3, 5)


def test_views_are_represented_by_attending_an_advocate_written_views_or_direct_work(staff):
    held(staff, attendance=ChildAttendance.PART)
    held(staff, advocate_attended=True)
    held(staff, written_views=True)
    held(staff, direct_work=True)
    held(staff, attendance=ChildAttendance.DID_NOT_ATTEND, advocacy_offered=True)
    held(staff, advocate_involved=True)  # involved, but did not bring the views
    assert measures.child_views_represented(YEAR) == Ratio(4, 6)


def test_an_advocate_was_involved(staff):
    held(staff, advocate_involved=True)
    held(staff, advocacy_offered=True)
    held(staff)
    assert measures.advocate_involved(YEAR) == Ratio(1, 3)


def test_pre_meetings_need_the_parents_and_the_child_where_of_an_age_to(staff):
    held(staff, pre_meeting_child=True, pre_meeting_parents=True)
    held(staff, pre_meeting_child_not_applicable=True, pre_meeting_parents=True)
    held(staff, pre_meeting_parents=True)
    held(staff, pre_meeting_child=True)
    held(staff, pre_meeting_child_not_applicable=True)
    held(staff)
    assert measures.pre_meetings_held(YEAR) == Ratio(2, 6)


def test_the_chair_is_the_conferences_and_the_team_the_childs(staff):
    held(staff, chair=staff.iro, attendance=ChildAttendance.IN_PERSON)
    held(staff, chair=staff.other_iro, team=staff.other_team)
    assert measures.child_attended(YEAR, chair=staff.iro) == Ratio(1, 1)
    assert measures.child_attended(YEAR, chair=staff.other_iro) == Ratio(0, 1)
    assert measures.conferences_held(YEAR, team=staff.other_team) == 1
    assert measures.child_attended(YEAR, team=staff.other_team, chair=staff.iro) == Ratio(0, 0)
