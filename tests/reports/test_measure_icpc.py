"""icpc_within_15_working_days, year 2018-19 (hand-counted working days)."""

from __future__ import annotations

from datetime import date

import pytest

from iro.journey.models import ConferenceKind
from iro.reports import measures
from iro.reports.measures import Ratio
from tests.factories import ClosureDayFactory, hold_conference
from tests.reports.conftest import YEAR, a_child, an_icpc, an_s47

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "icpc", "in_time"),
    [
        # Monday 4 June 2018: the 15th working day after is Monday 25 June.
        (date(2018, 6, 4), date(2018, 6, 25), True),
        (date(2018, 6, 4), date(2018, 6, 26), False),  # the 16th working day
        (date(2018, 6, 4), date(2018, 6, 4), True),  # the same day
        # Tuesday 1 May 2018, over the bank holidays of 7 May: the 15th is Wednesday 23 May.
        (date(2018, 5, 1), date(2018, 5, 23), True),
        (date(2018, 5, 1), date(2018, 5, 24), False),
        # Friday 14 December 2018, over Christmas and New Year: Wednesday 9 January 2019.
        (date(2018, 12, 14), date(2019, 1, 9), True),
        (date(2018, 12, 14), date(2019, 1, 10), False),
        # Friday 8 June 2018: the 15th is Friday 29 June; a Saturday conference is late.
        (date(2018, 6, 8), date(2018, 6, 29), True),
        (date(2018, 6, 8), date(2018, 6, 30), False),
        # S47 in the year before, ICPC in this one (Easter 2018): Wednesday 18 April.
        (date(2018, 3, 26), date(2018, 4, 18), True),
        (date(2018, 3, 26), date(2018, 4, 19), False),
    ],
)
def test_an_icpc_is_in_time_up_to_the_15th_working_day(staff, start, icpc, in_time):
    an_icpc(an_s47(staff, start), icpc, chair=staff.iro)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(int(in_time), 1)


def test_a_local_closure_day_moves_the_15th_working_day(staff):
    ClosureDayFactory(date=date(2018, 6, 15), description="Council closure day")
    an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 6, 26), chair=staff.iro)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 1)


def test_an_icpc_date_counts_even_where_the_s47_was_marked_not_required(staff):
    s47 = an_s47(staff, date(2018, 6, 4), icpc_not_required=True)
    an_icpc(s47, date(2018, 6, 26), chair=staff.iro)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 1)


def test_an_s47_without_an_icpc_is_not_a_unit(staff):
    an_s47(staff, date(2018, 6, 4))
    an_s47(staff, date(2018, 6, 4), icpc_not_required=True)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 0)


def test_transfer_in_conferences_and_icpcs_without_an_s47_are_not_units(staff):
    an_icpc(
        an_s47(staff, date(2018, 6, 4)),
        date(2018, 6, 5),
        chair=staff.iro,
        kind=ConferenceKind.TRANSFER_IN,
    )
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(a_child(staff), {})],
        chair=staff.iro,
        held_on=date(2018, 6, 5),
    )
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 0)


def test_the_icpc_date_decides_the_year_not_the_s47_start(staff):
    an_icpc(an_s47(staff, date(2018, 3, 20)), date(2018, 3, 29), chair=staff.iro)  # last year
    an_icpc(an_s47(staff, date(2019, 3, 25)), date(2019, 4, 1), chair=staff.iro)  # next year
    an_icpc(an_s47(staff, date(2019, 3, 11)), date(2019, 3, 31), chair=staff.iro)  # last day
    an_icpc(an_s47(staff, date(2018, 3, 12)), date(2018, 4, 1), chair=staff.iro)  # first day
    # 11 March 2019 + 15 working days is 1 April: in time. 12 March 2018 + 15 is 4 April
    # (Good Friday 30 March and Easter Monday 2 April 2018): in time.
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(2, 2)


def test_an_s47_starting_after_its_icpc_date_is_not_a_unit(staff):
    an_icpc(an_s47(staff, date(2018, 6, 12)), date(2018, 6, 11), chair=staff.iro)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(0, 0)


def test_held_icpcs_only_and_the_first_one_gives_the_date(staff):
    s47 = an_s47(staff, date(2018, 6, 4))
    an_icpc(s47, date(2018, 6, 20), chair=staff.iro)
    an_icpc(s47, date(2018, 7, 20), chair=staff.iro)  # a second (data error): ignored
    scheduled = an_s47(staff, date(2018, 6, 4))
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(scheduled.episode.child, {"section47": scheduled})],
        chair=staff.iro,
        held_on=None,
        scheduled_date=date(2018, 6, 20),
    )
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 1)


def test_a_sibling_group_icpc_is_one_unit_per_childs_s47(staff):
    first, second = an_s47(staff, date(2018, 6, 4)), an_s47(staff, date(2018, 6, 1))
    # Friday 1 June + 15 working days is Friday 22 June: the 25th is late for the second.
    hold_conference(
        kind=ConferenceKind.INITIAL,
        children=[(s.episode.child, {"section47": s}) for s in (first, second)],
        chair=staff.iro,
        held_on=date(2018, 6, 25),
    )
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 2)


def test_the_chair_is_the_icpcs_and_the_team_the_childs(staff):
    an_icpc(an_s47(staff, date(2018, 6, 4)), date(2018, 6, 25), chair=staff.iro)
    other = an_s47(staff, date(2018, 6, 4), child=a_child(staff, team=staff.other_team))
    an_icpc(other, date(2018, 6, 26), chair=staff.other_iro)
    assert measures.icpc_within_15_working_days(YEAR, chair=staff.iro) == Ratio(1, 1)
    assert measures.icpc_within_15_working_days(YEAR, chair=staff.other_iro) == Ratio(0, 1)
    assert measures.icpc_within_15_working_days(YEAR, team=staff.other_team) == Ratio(0, 1)
    assert measures.icpc_within_15_working_days(YEAR, team=staff.team) == Ratio(1, 1)
    assert measures.icpc_within_15_working_days(YEAR) == Ratio(1, 2)
