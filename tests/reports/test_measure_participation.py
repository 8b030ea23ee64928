"""conferences_held, participation_units (children aged 5 or over on the day) and the
participation ratios over them."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey.models import ChildAttendance, ConferenceKind, ConferenceStatus
from iro.reports import measures
from iro.reports.measures import Ratio
from iro.timescales import parse_period
from tests.factories import hold_conference
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db


# Aged 8 on every day of 2018-19: of an age to take part.
SCHOOL_AGE = date(2010, 1, 1)


def held(
    staff,
    held_on=date(2018, 6, 1),
    *,
    kind=ConferenceKind.REVIEW,
    chair=None,
    team=None,
    born=SCHOOL_AGE,
    **row,
):
    child = a_child(staff, date_of_birth=born, **({"team": team} if team else {}))
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


def test_participation_units_are_children_aged_5_or_over_on_the_conference_day(staff):
    held(staff, date(2018, 6, 1), born=date(2013, 6, 1))  # 5 that day
    held(staff, date(2018, 6, 1), born=date(2013, 6, 2))  # 4 that day, 5 the next
    held(staff, date(2018, 6, 1), born=date(2018, 1, 1))  # a baby
    held(staff, date(2018, 6, 1), born=None)  # unborn: no age
    held(staff, date(2019, 2, 28), born=date(2014, 2, 28))  # 5 that day
    held(staff, date(2019, 2, 28), born=date(2014, 3, 1))  # 4 that day
    assert measures.conferences_held(YEAR) == 6
    assert measures.participation_units(YEAR) == 2


def test_a_leap_day_birthday_is_reached_on_1_march(staff):
    march = parse_period("monthly", "2017-03")
    held(staff, date(2017, 2, 28), born=date(2012, 2, 29))
    held(staff, date(2017, 3, 1), born=date(2012, 2, 29))
    assert measures.participation_units(parse_period("monthly", "2017-02")) == 0
    assert measures.participation_units(march) == 1


def test_attendance_views_and_advocacy_are_over_children_of_5_or_over(staff):
    held(staff, born=date(2013, 6, 1), attendance=ChildAttendance.IN_PERSON)  # 5: counts
    held(staff, born=date(2013, 6, 2), attendance=ChildAttendance.IN_PERSON)  # 4: not a unit
    held(staff, born=date(2013, 6, 2), written_views=True, advocate_involved=True)
    held(staff, born=None, advocate_involved=True)  # unborn: not a unit
    held(staff, born=date(2010, 1, 1), advocate_involved=True)
    held(staff, born=date(2010, 1, 1))
    # Units: the child aged 5 and the two aged 8.
    assert measures.participation_units(YEAR) == 3
    assert measures.child_attended(YEAR) == Ratio(1, 3)
    assert measures.child_views_represented(YEAR) == Ratio(1, 3)
    assert measures.advocate_involved(YEAR) == Ratio(1, 3)


def test_pre_meetings_stay_over_every_conference_held_whatever_the_age(staff):
    held(staff, born=date(2018, 1, 1), pre_meeting_child_not_applicable=True,
         pre_meeting_parents=True)  # fmt: skip
    held(staff, born=None, pre_meeting_child_not_applicable=True, pre_meeting_parents=True)
    held(staff, born=date(2010, 1, 1))
    assert measures.pre_meetings_held(YEAR) == Ratio(2, 3)
    assert measures.participation_units(YEAR) == 1
