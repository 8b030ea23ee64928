"""The report chooser reads a period the ways people write one, and says how to write one
it cannot read."""

from __future__ import annotations

import pytest

from iro.reports.periods import typed_period
from iro.timescales import ANNUAL, MONTHLY, QUARTERLY


@pytest.mark.parametrize(
    "typed", ["2018-19", "2018/19", "2018-2019", "2018 / 2019", "2018 to 2019", " 2018-19 "]
)
def test_a_year_is_read_however_its_two_years_are_joined(typed):
    period = typed_period(ANNUAL, typed)
    assert (period.kind, period.label) == (ANNUAL, "2018-19")


@pytest.mark.parametrize(
    "typed", ["2018-19-Q3", "2018-19-q3", "2018-19 Q3", "2018/19 q3", "Q3 2018-19", "q3 2018/2019"]
)
def test_a_quarter_is_read_with_its_q_before_or_after_the_year(typed):
    period = typed_period(QUARTERLY, typed)
    assert (period.kind, period.label) == (QUARTERLY, "2018-19-Q3")


@pytest.mark.parametrize(
    "typed", ["2019-02", "2019-2", "2019/02", "02/2019", "2/2019", "Feb 2019", "february 2019"]
)
def test_a_month_is_read_as_a_number_or_by_its_name(typed):
    period = typed_period(MONTHLY, typed)
    assert (period.kind, period.label) == (MONTHLY, "2019-02")


def test_text_that_is_two_periods_is_read_as_the_kind_chosen():
    assert typed_period(ANNUAL, "2011-12").label == "2011-12"
    assert typed_period(ANNUAL, "2011-12").kind == ANNUAL
    assert typed_period(MONTHLY, "2011-12").kind == MONTHLY  # December 2011


def test_a_period_of_another_kind_than_the_one_chosen_is_read_as_what_it_is():
    assert typed_period(ANNUAL, "February 2019").label == "2019-02"
    assert typed_period(QUARTERLY, "2018-19").kind == ANNUAL


@pytest.mark.parametrize(
    ("kind", "typed", "says"),
    [
        (ANNUAL, "2018-20", "“2018-20” is not a year: enter it as 2018-19 (April 2018 to March"),
        (QUARTERLY, "2018-19-Q5", "“2018-19-Q5” is not a quarter: enter it as 2018-19-Q3"),
        (MONTHLY, "2019-13", "“2019-13” is not a month: enter it as 2019-02 or February 2019"),
        (MONTHLY, "Febuary 2019", "“Febuary 2019” is not a month"),
    ],
)
def test_what_is_no_period_is_refused_saying_how_to_write_one(kind, typed, says):
    with pytest.raises(ValueError) as refused:
        typed_period(kind, typed)
    assert str(refused.value).startswith(says)


def test_a_single_year_is_refused_naming_the_two_years_it_could_be():
    with pytest.raises(ValueError) as refused:
        typed_period(ANNUAL, "2018")
    assert str(refused.value) == (
        "“2018” could be 2017-18 or 2018-19: a report’s year runs from 1 April, so enter it "
        "as 2018-19 (April 2018 to March 2019)"
    )
