"""The statutory timescales: working days, due dates, the review walk, reporting periods.

Expected dates were worked out by hand against a calendar, not copied from the code.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from iro.timescales import (
    FIRST_CORE_GROUP_WORKING_DAYS,
    FIRST_REVIEW_MONTHS,
    ICPC_WORKING_DAYS,
    LATER_REVIEW_MONTHS,
    NEGATIVE_WORKING_DAYS,
    NOT_A_MONTH,
    NOT_A_QUARTER,
    NOT_A_REPORTING_YEAR,
    PRE_BIRTH_WEEKS,
    TRANSFER_IN_WORKING_DAYS,
    UNKNOWN_PERIOD_KIND,
    Period,
    PeriodNotBegun,
    ReviewWalk,
    add_months,
    add_working_days,
    bank_holidays,
    earliest_event,
    first_core_group_due,
    first_review_due,
    icpc_due,
    icpc_in_time,
    is_working_day,
    next_review_after,
    next_review_due,
    non_working_day,
    parse_period,
    period_containing,
    report_due,
    review_due_dates,
    review_in_timescale,
    review_walk,
    transfer_in_due,
    working_day_by,
    working_days_between,
)

D = date.fromisoformat

# --- Constants ----------------------------------------------------------------------------


def test_the_statutory_timescales_are_those_of_working_together() -> None:
    assert ICPC_WORKING_DAYS == 15
    assert TRANSFER_IN_WORKING_DAYS == 15
    assert FIRST_REVIEW_MONTHS == 3
    assert LATER_REVIEW_MONTHS == 6


# --- Bank holidays ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2012-06-04",  # spring bank holiday, moved for the Diamond Jubilee
        "2012-06-05",  # Diamond Jubilee
        "2020-05-08",  # VE Day, the early May bank holiday moved
        "2022-06-02",  # spring bank holiday, moved for the Platinum Jubilee
        "2022-06-03",  # Platinum Jubilee
        "2022-09-19",  # State Funeral of Queen Elizabeth II
        "2023-05-08",  # Coronation
        "2021-12-27",  # substitute for Christmas Day (Saturday)
        "2021-12-28",  # substitute for Boxing Day (Sunday)
        "2022-01-03",  # substitute for New Year's Day (Saturday)
        "2022-12-26",  # Boxing Day (Christmas Day was a Sunday)
        "2022-12-27",  # substitute for Christmas Day
        "2023-01-02",  # substitute for New Year's Day (Sunday)
        "2020-12-28",  # substitute for Boxing Day (Saturday)
        "2023-04-07",  # Good Friday
        "2023-04-10",  # Easter Monday
        "2019-04-19",  # Good Friday
        "2019-04-22",  # Easter Monday
    ],
)
def test_bank_holidays_include_substitute_and_one_off_days(day: str) -> None:
    assert D(day) in bank_holidays(D(day).year)
    assert not is_working_day(D(day))


def test_the_early_may_bank_holiday_of_2020_was_moved_not_added() -> None:
    assert D("2020-05-04") not in bank_holidays(2020)
    assert is_working_day(D("2020-05-04"))


def test_spring_bank_holiday_was_not_on_its_usual_last_monday_in_2012_or_2022() -> None:
    assert D("2012-05-28") not in bank_holidays(2012)
    assert D("2022-05-30") not in bank_holidays(2022)


def test_bank_holidays_leave_out_the_weekend_day_a_substitute_replaces() -> None:
    # Christmas Day 2022 was a Sunday; the bank holiday is the Tuesday after.
    assert D("2022-12-25") not in bank_holidays(2022)
    assert all(d.weekday() < 5 for year in range(2010, 2030) for d in bank_holidays(year))


def test_bank_holidays_of_2022_are_the_gov_uk_list() -> None:
    assert bank_holidays(2022) == {
        D("2022-01-03"),
        D("2022-04-15"),
        D("2022-04-18"),
        D("2022-05-02"),
        D("2022-06-02"),
        D("2022-06-03"),
        D("2022-08-29"),
        D("2022-09-19"),
        D("2022-12-26"),
        D("2022-12-27"),
    }


def test_scottish_bank_holidays_are_working_days_in_england() -> None:
    assert is_working_day(D("2019-01-02"))  # 2 January, Scotland only
    assert is_working_day(D("2019-08-05"))  # first Monday of August, Scotland only


# --- Working days -------------------------------------------------------------------------


def test_weekends_are_not_working_days() -> None:
    assert is_working_day(D("2023-01-06"))  # Friday
    assert not is_working_day(D("2023-01-07"))  # Saturday
    assert not is_working_day(D("2023-01-08"))  # Sunday


def test_a_closure_day_is_not_a_working_day() -> None:
    assert not is_working_day(D("2023-12-27"), closures={D("2023-12-27")})
    assert is_working_day(D("2023-12-27"))


def test_adding_zero_working_days_returns_the_day_itself_even_at_a_weekend() -> None:
    assert add_working_days(D("2023-01-07"), 0) == D("2023-01-07")
    assert add_working_days(D("2022-12-25"), 0) == D("2022-12-25")


def test_a_saturday_start_plus_one_working_day_is_the_monday() -> None:
    assert add_working_days(D("2023-01-07"), 1) == D("2023-01-09")


def test_a_sunday_start_plus_one_working_day_is_the_monday() -> None:
    assert add_working_days(D("2023-01-08"), 1) == D("2023-01-09")


def test_a_friday_plus_one_working_day_skips_the_weekend() -> None:
    assert add_working_days(D("2023-01-06"), 1) == D("2023-01-09")


def test_adding_negative_working_days_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        add_working_days(D("2023-01-09"), -1)
    assert str(raised.value) == NEGATIVE_WORKING_DAYS.format(n=-1)


def test_working_day_after_christmas_eve_2021_is_the_29th() -> None:
    # Fri 24; Sat 25, Sun 26; Mon 27 and Tue 28 are substitutes; Wed 29.
    assert add_working_days(D("2021-12-24"), 1) == D("2021-12-29")


def test_working_day_after_new_years_eve_2021_is_tuesday_4_january() -> None:
    # Fri 31; Sat 1, Sun 2; Mon 3 is the substitute for New Year's Day; Tue 4.
    assert add_working_days(D("2021-12-31"), 1) == D("2022-01-04")


def test_working_day_after_the_state_funeral_weekend_is_the_tuesday() -> None:
    assert add_working_days(D("2022-09-16"), 1) == D("2022-09-20")


def test_working_day_after_the_jubilee_weekend_of_2012_is_wednesday() -> None:
    # Fri 1 June; Mon 4 (spring bank holiday moved) and Tue 5 (Diamond Jubilee); Wed 6.
    assert add_working_days(D("2012-06-01"), 1) == D("2012-06-06")


def test_working_day_after_the_platinum_jubilee_is_the_monday() -> None:
    # Wed 1 June 2022; Thu 2 and Fri 3 are bank holidays; Mon 6.
    assert add_working_days(D("2022-06-01"), 1) == D("2022-06-06")


def test_working_day_after_the_ve_day_bank_holiday_is_the_monday() -> None:
    # Thu 7 May 2020; Fri 8 is VE Day; Mon 11.
    assert add_working_days(D("2020-05-07"), 1) == D("2020-05-11")


def test_monday_4_may_2020_was_a_working_day() -> None:
    assert add_working_days(D("2020-05-01"), 1) == D("2020-05-04")


def test_closure_days_between_christmas_and_new_year_are_skipped() -> None:
    closures = frozenset({D("2023-12-27"), D("2023-12-28"), D("2023-12-29")})
    # Fri 22; Mon 25 and Tue 26 bank holidays; Wed 27 is the first working day, but not
    # when the council is closed to Fri 29; Mon 1 January is a bank holiday; Tue 2.
    assert add_working_days(D("2023-12-22"), 1) == D("2023-12-27")
    assert add_working_days(D("2023-12-22"), 1, closures=closures) == D("2024-01-02")


def test_closures_may_be_any_iterable_of_dates() -> None:
    closures = [D("2023-12-27")]
    assert add_working_days(D("2023-12-22"), 1, closures=closures) == D("2023-12-28")
    assert add_working_days(D("2023-12-22"), 1, closures=iter(closures)) == D("2023-12-28")


def test_working_days_between_counts_days_after_start_up_to_and_including_end() -> None:
    assert working_days_between(D("2023-01-06"), D("2023-01-09")) == 1  # Fri to Mon
    assert working_days_between(D("2023-01-09"), D("2023-01-13")) == 4  # Mon to Fri
    assert working_days_between(D("2023-01-07"), D("2023-01-08")) == 0  # Sat to Sun


def test_working_days_between_is_zero_when_end_is_not_after_start() -> None:
    assert working_days_between(D("2023-01-09"), D("2023-01-09")) == 0
    assert working_days_between(D("2023-01-10"), D("2023-01-09")) == 0


def test_working_days_between_leaves_out_bank_holidays_and_closures() -> None:
    # Fri 22 Dec 2023 to Tue 2 Jan 2024: Wed 27, Thu 28, Fri 29, Tue 2.
    assert working_days_between(D("2023-12-22"), D("2024-01-02")) == 4
    closures = {D("2023-12-28"), D("2023-12-30")}  # a Thursday and a Saturday
    assert working_days_between(D("2023-12-22"), D("2024-01-02"), closures=closures) == 3


# --- ICPC and transfer-in -----------------------------------------------------------------


def test_icpc_due_runs_over_christmas_and_new_year() -> None:
    # Strategy discussion Thu 15 Dec 2022. Working days: 16 (1), 19-23 (2-6), Mon 26 and
    # Tue 27 bank holidays, 28-30 (7-9), Mon 2 Jan substitute, 3-6 Jan (10-13),
    # Mon 9 (14), Tue 10 (15).
    assert icpc_due(D("2022-12-15")) == D("2023-01-10")
    assert working_days_between(D("2022-12-15"), D("2023-01-10")) == 15


def test_the_first_core_group_is_due_10_working_days_after_the_icpc() -> None:
    # ICPC Thu 15 Dec 2022: 16 (1), 19-23 (2-6), 28-30 (7-9), Tue 3 Jan (10).
    assert first_core_group_due(D("2022-12-15")) == D("2023-01-03")


def test_reports_are_due_with_the_chair_3_working_days_before_the_conference() -> None:
    assert report_due(D("2026-12-10")) == D("2026-12-07")  # Thursday: the Monday before
    # Tuesday 29 December 2026: Monday 28 is the Boxing Day holiday, 25 Christmas Day.
    assert report_due(D("2026-12-29")) == D("2026-12-22")
    assert report_due(D("2026-12-17"), closures=[D("2026-12-16")]) == D("2026-12-11")


def test_icpc_due_skips_good_friday_and_easter_monday_2023() -> None:
    # Mon 3 April 2023: 4-6 (1-3), Fri 7 and Mon 10 Easter, 11-14 (4-7), 17-21 (8-12),
    # 24-26 (13-15).
    assert icpc_due(D("2023-04-03")) == D("2023-04-26")


def test_icpc_due_skips_easter_and_the_early_may_bank_holiday_2019() -> None:
    # Thu 18 April 2019: Fri 19 and Mon 22 Easter, 23-26 (1-4), 29 Apr-3 May (5-9),
    # Mon 6 May bank holiday, 7-10 (10-13), Mon 13 (14), Tue 14 (15).
    assert add_working_days(D("2019-04-18"), 1) == D("2019-04-23")
    assert icpc_due(D("2019-04-18")) == D("2019-05-14")


def test_icpc_due_skips_the_coronation_bank_holiday() -> None:
    # Thu 20 April 2023: Fri 21 (1), 24-28 (2-6), Mon 1 May bank holiday, 2-5 (7-10),
    # Mon 8 Coronation, 9-12 (11-14), Mon 15 (15).
    assert icpc_due(D("2023-04-20")) == D("2023-05-15")


def test_icpc_due_from_a_saturday_counts_from_the_monday() -> None:
    # Sat 7 Jan 2023: 9-13 (1-5), 16-20 (6-10), 23-27 (11-15).
    assert icpc_due(D("2023-01-07")) == D("2023-01-27")


def test_icpc_due_moves_with_a_closure_day() -> None:
    assert icpc_due(D("2023-01-07"), closures={D("2023-01-20")}) == D("2023-01-30")


def test_an_icpc_on_the_due_date_is_in_time_and_a_day_later_is_not() -> None:
    assert icpc_in_time(D("2022-12-15"), D("2023-01-10"))
    assert not icpc_in_time(D("2022-12-15"), D("2023-01-11"))
    assert icpc_in_time(D("2022-12-15"), D("2022-12-15"))


def test_an_icpc_is_late_on_the_due_date_if_a_closure_day_is_not_passed() -> None:
    assert icpc_in_time(D("2023-01-07"), D("2023-01-30"), closures={D("2023-01-20")})
    assert not icpc_in_time(D("2023-01-07"), D("2023-01-30"))


def test_transfer_in_due_is_fifteen_working_days_after_notification() -> None:
    assert transfer_in_due(D("2022-12-15")) == D("2023-01-10")
    assert transfer_in_due(D("2023-04-20")) == D("2023-05-15")


# --- Months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2019-01-31", 1, "2019-02-28"),
        ("2020-01-31", 1, "2020-02-29"),  # leap year
        ("2019-08-31", 6, "2020-02-29"),
        ("2018-08-31", 6, "2019-02-28"),
        ("2019-01-31", 3, "2019-04-30"),
        ("2019-03-31", -1, "2019-02-28"),
        ("2020-02-29", 12, "2021-02-28"),
        ("2020-02-29", 48, "2024-02-29"),
        ("2018-11-30", 3, "2019-02-28"),
        ("2018-12-15", 1, "2019-01-15"),
        ("2019-01-15", -1, "2018-12-15"),
        ("2019-01-15", -13, "2017-12-15"),
        ("2019-05-17", 0, "2019-05-17"),
        ("2000-02-29", 12, "2001-02-28"),  # 2000 is a leap year
        ("1900-01-29", 1, "1900-02-28"),  # 1900 is not
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    start: str, months: int, expected: str
) -> None:
    assert add_months(D(start), months) == D(expected)


# --- Reviews ------------------------------------------------------------------------------


def test_first_review_is_due_three_months_after_the_plan_start() -> None:
    assert first_review_due(D("2018-04-01")) == D("2018-07-01")
    assert first_review_due(D("2018-11-30")) == D("2019-02-28")


def test_next_review_is_due_six_months_after_the_previous() -> None:
    assert next_review_due(D("2018-07-01")) == D("2019-01-01")
    assert next_review_due(D("2019-08-31")) == D("2020-02-29")


def test_a_first_review_exactly_three_months_after_the_start_is_on_time() -> None:
    assert review_in_timescale(D("2019-01-31"), [], D("2019-04-30"))
    assert not review_in_timescale(D("2019-01-31"), [], D("2019-05-01"))


def test_a_later_review_exactly_six_months_after_the_previous_is_on_time() -> None:
    reviews = [D("2019-04-30"), D("2019-10-30")]
    assert review_in_timescale(D("2019-01-31"), reviews, D("2019-10-30"))
    assert not review_in_timescale(D("2019-01-31"), [D("2019-04-30")], D("2019-10-31"))


def test_a_review_is_judged_against_the_review_before_it_not_the_first_due_date() -> None:
    # First review early (1 May), so the second is due 1 November, not 1 January.
    reviews = [D("2018-05-01"), D("2018-11-02")]
    assert review_in_timescale(D("2018-04-01"), reviews, D("2018-05-01"))
    assert not review_in_timescale(D("2018-04-01"), reviews, D("2018-11-02"))


def test_a_review_before_the_plan_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before the plan started"):
        review_in_timescale(D("2018-04-01"), [], D("2018-03-31"))


def test_review_due_dates_pair_each_distinct_review_with_its_due_date() -> None:
    reviews = [D("2019-01-02"), D("2018-06-28"), D("2018-06-28"), D("2018-03-01")]
    assert review_due_dates(D("2018-04-01"), reviews) == [
        (D("2018-06-28"), D("2018-07-01")),
        (D("2019-01-02"), D("2018-12-28")),
    ]


def test_review_due_dates_are_empty_without_reviews() -> None:
    assert review_due_dates(D("2018-04-01"), []) == []


def test_next_review_after_no_reviews_is_three_months_after_the_start() -> None:
    assert next_review_after(D("2018-04-01"), []) == D("2018-07-01")


def test_next_review_after_reviews_is_six_months_after_the_last() -> None:
    reviews = [D("2018-12-20"), D("2018-06-28")]
    assert next_review_after(D("2018-04-01"), reviews) == D("2019-06-20")
    assert next_review_after(D("2018-04-01"), [D("2018-03-01")]) == D("2018-07-01")


def test_the_walk_is_on_time_when_every_review_is_on_time() -> None:
    walk = review_walk(D("2018-04-01"), [D("2018-07-01"), D("2018-12-20")], D("2019-03-31"))
    assert walk == ReviewWalk(
        on_time=True, late_reviews=(), next_due=D("2019-06-20"), overdue_at_end=False
    )


def test_the_walk_finds_a_review_one_day_late() -> None:
    walk = review_walk(D("2018-04-01"), [D("2018-07-02"), D("2018-12-20")], D("2019-03-31"))
    assert walk == ReviewWalk(
        on_time=False,
        late_reviews=(D("2018-07-02"),),
        next_due=D("2019-06-20"),
        overdue_at_end=False,
    )


def test_the_walk_is_late_when_the_next_review_was_overdue_at_period_end() -> None:
    # Reviewed 28 June 2018, so the next was due 28 December 2018 and never held.
    walk = review_walk(D("2018-04-01"), [D("2018-06-28")], D("2019-03-31"))
    assert walk == ReviewWalk(
        on_time=False, late_reviews=(), next_due=D("2018-12-28"), overdue_at_end=True
    )


def test_the_walk_is_on_time_when_the_next_review_falls_due_on_the_last_day() -> None:
    walk = review_walk(D("2018-04-01"), [D("2018-06-28")], D("2018-12-28"))
    assert walk.on_time
    assert not walk.overdue_at_end


def test_the_walk_is_late_when_no_first_review_was_held_in_time() -> None:
    walk = review_walk(D("2018-04-01"), [], D("2018-07-02"))
    assert walk.overdue_at_end
    assert walk.next_due == D("2018-07-01")
    assert not walk.on_time


def test_the_walk_ignores_reviews_after_the_last_day() -> None:
    # A review on 5 April 2019 cannot rescue the year ending 31 March 2019.
    walk = review_walk(D("2018-04-01"), [D("2018-06-28"), D("2019-04-05")], D("2019-03-31"))
    assert walk.overdue_at_end
    assert walk.next_due == D("2018-12-28")


def test_the_walk_counts_a_review_held_on_the_last_day() -> None:
    walk = review_walk(D("2018-04-01"), [D("2018-06-28"), D("2018-12-28")], D("2018-12-28"))
    assert walk.on_time
    assert walk.next_due == D("2019-06-28")


def test_the_walk_ignores_reviews_before_the_start_or_after_the_plan_end() -> None:
    walk = review_walk(
        D("2018-04-01"),
        [D("2018-03-15"), D("2018-06-28"), D("2018-11-01")],
        D("2018-12-31"),
        plan_end=D("2018-10-31"),
    )
    assert walk.next_due == D("2018-12-28")
    assert walk.overdue_at_end


def test_the_walk_counts_a_duplicated_review_date_once() -> None:
    once = review_walk(D("2018-04-01"), [D("2018-06-28")], D("2019-03-31"))
    twice = review_walk(D("2018-04-01"), [D("2018-06-28"), D("2018-06-28")], D("2019-03-31"))
    assert once == twice


def test_the_walk_lists_every_late_review_in_date_order() -> None:
    reviews = [D("2019-02-01"), D("2018-07-10")]  # due 1 July, then 10 January
    walk = review_walk(D("2018-04-01"), reviews, D("2019-03-31"))
    assert walk.late_reviews == (D("2018-07-10"), D("2019-02-01"))
    assert walk.next_due == D("2019-08-01")
    assert not walk.overdue_at_end


def test_a_review_walk_cannot_be_changed() -> None:
    walk = review_walk(D("2018-04-01"), [], D("2018-05-01"))
    with pytest.raises(AttributeError):
        walk.on_time = False  # type: ignore[misc]


# --- Reporting periods --------------------------------------------------------------------


def test_an_annual_period_runs_from_april_to_march() -> None:
    assert parse_period("annual", "2018-19") == Period(
        "annual", "2018-19", D("2018-04-01"), D("2019-03-31")
    )


def test_the_reporting_year_across_the_century_is_1999_00() -> None:
    assert parse_period("annual", "1999-00") == Period(
        "annual", "1999-00", D("1999-04-01"), D("2000-03-31")
    )


@pytest.mark.parametrize(
    ("label", "first_day", "last_day"),
    [
        ("2018-19-Q1", "2018-04-01", "2018-06-30"),
        ("2018-19-Q2", "2018-07-01", "2018-09-30"),
        ("2018-19-Q3", "2018-10-01", "2018-12-31"),
        ("2018-19-Q4", "2019-01-01", "2019-03-31"),
    ],
)
def test_quarters_start_in_april(label: str, first_day: str, last_day: str) -> None:
    assert parse_period("quarterly", label) == Period("quarterly", label, D(first_day), D(last_day))


def test_a_month_runs_from_its_first_to_its_last_day() -> None:
    assert parse_period("monthly", "2019-02") == Period(
        "monthly", "2019-02", D("2019-02-01"), D("2019-02-28")
    )
    assert parse_period("monthly", "2020-02").last_day == D("2020-02-29")


def test_the_same_label_is_a_year_or_a_month_by_the_kind_of_report() -> None:
    assert parse_period("annual", "2011-12").first_day == D("2011-04-01")
    assert parse_period("monthly", "2011-12") == Period(
        "monthly", "2011-12", D("2011-12-01"), D("2011-12-31")
    )


@pytest.mark.parametrize(
    "label",
    [
        "2018-20",
        "2018-18",
        "2018-2019",
        "2018/19",
        "18-19",
        "2018-19-Q1",
        " 2018-19",
        "２０１８-19",
        "",
    ],
)
def test_a_bad_reporting_year_names_the_expected_format(label: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period("annual", label)
    assert str(raised.value) == NOT_A_REPORTING_YEAR.format(label=label)


def test_the_reporting_year_error_reads_plainly() -> None:
    with pytest.raises(ValueError) as raised:
        parse_period("annual", "2018-20")
    assert str(raised.value) == (
        'Period "2018-20" is not a reporting year; expected YYYY-YY such as 2018-19'
    )


@pytest.mark.parametrize(
    "label", ["2018-19-Q5", "2018-19-Q0", "2018-19", "2018-20-Q1", "2018-19q1"]
)
def test_a_bad_quarter_names_the_expected_format(label: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period("quarterly", label)
    assert str(raised.value) == NOT_A_QUARTER.format(label=label)


@pytest.mark.parametrize(
    "label", ["2019-13", "2019-00", "2019-2", "201902", "2019-02-01", "0000-01"]
)
def test_a_bad_month_names_the_expected_format(label: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period("monthly", label)
    assert str(raised.value) == NOT_A_MONTH.format(label=label)


def test_a_year_that_would_end_past_9999_is_refused() -> None:
    with pytest.raises(ValueError, match="not a reporting year"):
        parse_period("annual", "9999-00")


def test_an_unknown_kind_of_period_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        parse_period("weekly", "2019-02")
    assert str(raised.value) == UNKNOWN_PERIOD_KIND.format(kind="weekly")
    with pytest.raises(ValueError):
        period_containing("weekly", D("2019-02-01"))


@pytest.mark.parametrize(
    ("kind", "day", "label"),
    [
        ("annual", "2019-03-31", "2018-19"),
        ("annual", "2019-04-01", "2019-20"),
        ("quarterly", "2019-03-31", "2018-19-Q4"),
        ("quarterly", "2018-04-01", "2018-19-Q1"),
        ("quarterly", "2018-09-30", "2018-19-Q2"),
        ("quarterly", "2018-10-01", "2018-19-Q3"),
        ("monthly", "2019-02-28", "2019-02"),
        ("monthly", "2011-12-25", "2011-12"),
    ],
)
def test_period_containing_a_day(kind: str, day: str, label: str) -> None:
    assert period_containing(kind, D(day)) == parse_period(kind, label)


@pytest.mark.parametrize(
    ("kind", "label", "previous"),
    [
        ("annual", "2018-19", "2017-18"),
        ("annual", "2000-01", "1999-00"),
        ("quarterly", "2018-19-Q3", "2017-18-Q3"),
        ("quarterly", "2018-19-Q4", "2017-18-Q4"),
        ("monthly", "2019-02", "2018-02"),
        ("monthly", "2021-02", "2020-02"),
    ],
)
def test_previous_year_is_the_same_kind_of_period_a_year_earlier(
    kind: str, label: str, previous: str
) -> None:
    assert parse_period(kind, label).previous_year() == parse_period(kind, previous)


# --- Properties ---------------------------------------------------------------------------

days = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))
# Closure days near the start, where they can make a difference.
closure_offsets = st.frozensets(st.integers(min_value=-5, max_value=200), max_size=30)


def _closures(d: date, offsets: frozenset[int]) -> frozenset[date]:
    return frozenset(d + timedelta(days=o) for o in offsets)


@given(d=days, n=st.integers(min_value=1, max_value=400), offsets=closure_offsets)
def test_adding_working_days_always_lands_on_a_working_day(
    d: date, n: int, offsets: frozenset[int]
) -> None:
    closures = _closures(d, offsets)
    assert is_working_day(add_working_days(d, n, closures=closures), closures=closures)


@given(d=days, n=st.integers(min_value=0, max_value=400))
def test_adding_one_more_working_day_always_moves_later(d: date, n: int) -> None:
    assert add_working_days(d, n) < add_working_days(d, n + 1)


@given(d=days, n=st.integers(min_value=0, max_value=400), offsets=closure_offsets)
def test_working_days_between_undoes_add_working_days(
    d: date, n: int, offsets: frozenset[int]
) -> None:
    closures = _closures(d, offsets)
    later = add_working_days(d, n, closures=closures)
    assert working_days_between(d, later, closures=closures) == n


@given(start=days, length=st.integers(min_value=-10, max_value=120), offsets=closure_offsets)
def test_working_days_between_counts_the_working_days_one_by_one(
    start: date, length: int, offsets: frozenset[int]
) -> None:
    closures = _closures(start, offsets)
    end = start + timedelta(days=length)
    by_hand = sum(
        is_working_day(start + timedelta(days=i), closures=closures) for i in range(1, length + 1)
    )
    assert working_days_between(start, end, closures=closures) == by_hand


@given(d=days, n=st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_the_right_month_never_past_the_day(d: date, n: int) -> None:
    moved = add_months(d, n)
    assert moved.year * 12 + moved.month == d.year * 12 + d.month + n
    assert moved.day <= d.day
    # Only a shorter month moves the day, and then to that month's last day.
    assert moved.day == d.day or (moved + timedelta(days=1)).day == 1


@given(d=days, a=st.integers(min_value=-120, max_value=120), b=st.integers(-120, 120))
def test_add_months_in_two_steps_is_one_step_when_nothing_is_clamped(
    d: date, a: int, b: int
) -> None:
    assume(add_months(d, a).day == d.day)
    assert add_months(add_months(d, a), b) == add_months(d, a + b)


@given(
    plan_start=days,
    count=st.integers(min_value=0, max_value=8),
    data=st.data(),
)
def test_reviews_held_on_their_due_dates_are_on_time(
    plan_start: date, count: int, data: st.DataObject
) -> None:
    reviews = []
    due = first_review_due(plan_start)
    for _ in range(count):
        reviews.append(due)
        due = next_review_due(due)
    last_day = data.draw(st.dates(min_value=plan_start, max_value=due))
    walk = review_walk(plan_start, reviews, last_day)
    assert walk.on_time
    assert walk.late_reviews == ()
    assert all(review_in_timescale(plan_start, reviews, r) for r in reviews)


@given(d=days, kind=st.sampled_from(["annual", "quarterly", "monthly"]))
def test_the_period_containing_a_day_reads_back_from_its_label(d: date, kind: str) -> None:
    period = period_containing(kind, d)
    assert period.first_day <= d <= period.last_day
    assert parse_period(kind, period.label) == period
    assert period.previous_year().first_day == add_months(period.first_day, -12)


def test_non_working_day_says_why_a_day_is_not_a_working_day():
    assert non_working_day(date(2026, 12, 19)) == "a Saturday"
    assert non_working_day(date(2026, 12, 20)) == "a Sunday"
    assert non_working_day(date(2026, 12, 25)) == "a bank holiday (Christmas Day)"
    closure = date(2026, 12, 24)
    assert non_working_day(closure, closures=[closure]) == "a local closure day"
    assert non_working_day(date(2026, 12, 23)) is None


def test_the_earliest_event_of_a_child_is_a_pregnancy_before_the_birth():
    assert earliest_event(date(2011, 5, 3)) == date(2010, 7, 27)
    assert PRE_BIRTH_WEEKS == 40


def test_the_first_core_group_is_due_ten_working_days_after_the_conference() -> None:
    assert FIRST_CORE_GROUP_WORKING_DAYS == 10
    # Thursday 18 April 2024: Good Friday was 29 March, so ten plain weekdays.
    assert first_core_group_due(date(2024, 4, 18)) == date(2024, 5, 2)
    # Thursday 23 May 2024: the spring bank holiday on Monday 27 May does not count.
    assert first_core_group_due(date(2024, 5, 23)) == date(2024, 6, 7)


def test_a_local_closure_day_moves_the_first_core_group_due_date() -> None:
    assert first_core_group_due(date(2024, 4, 18), closures=[date(2024, 4, 22)]) == date(2024, 5, 3)


# --- Periods read before they end (provisional) --------------------------------------------


def test_a_period_read_after_it_ends_is_the_whole_period():
    year = parse_period("annual", "2025-26")
    assert year.as_at(date(2026, 12, 2)) == year
    assert year.as_at(date(2026, 3, 31)) == year
    assert not year.as_at(date(2026, 3, 31)).provisional


def test_a_period_read_while_it_runs_ends_on_the_as_at_date_and_is_provisional():
    so_far = parse_period("annual", "2026-27").as_at(date(2026, 12, 2))
    assert so_far.provisional
    assert (so_far.label, so_far.first_day, so_far.last_day) == (
        "2026-27",
        date(2026, 4, 1),
        date(2026, 12, 2),
    )
    assert so_far.ends_on == date(2027, 3, 31)
    assert so_far.whole == parse_period("annual", "2026-27")


def test_a_period_on_its_first_day_is_provisional_with_one_day():
    so_far = parse_period("monthly", "2026-12").as_at(date(2026, 12, 1))
    assert so_far.provisional
    assert so_far.first_day == so_far.last_day == date(2026, 12, 1)


def test_a_period_not_yet_begun_is_refused_saying_when_it_starts():
    with pytest.raises(PeriodNotBegun) as error:
        parse_period("annual", "2030-31").as_at(date(2026, 12, 2))
    assert str(error.value) == (
        "The annual period 2030-31 has not begun: it starts on 1 April 2030, and today is "
        "2 December 2026. A report is only made for a period that has begun"
    )


def test_a_provisional_period_compares_with_the_same_span_a_year_earlier():
    so_far = parse_period("quarterly", "2026-27-Q3").as_at(date(2026, 12, 2))
    earlier = so_far.previous_year()
    assert (earlier.label, earlier.first_day, earlier.last_day) == (
        "2025-26-Q3",
        date(2025, 10, 1),
        date(2025, 12, 2),
    )
    assert earlier.provisional and earlier.ends_on == date(2025, 12, 31)


def test_a_29_february_as_at_date_compares_with_28_february_a_year_earlier():
    earlier = parse_period("annual", "2027-28").as_at(date(2028, 2, 29)).previous_year()
    assert earlier.last_day == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("kind", "label", "name"),
    [
        ("annual", "2018-19", "2018-19"),
        ("quarterly", "2018-19-Q4", "2018-19 Q4, January to March 2019"),
        ("monthly", "2019-02", "February 2019"),
    ],
)
def test_a_period_is_named_as_people_write_it_even_while_it_runs(kind, label, name):
    period = parse_period(kind, label)
    assert period.name == name
    assert period.as_at(period.first_day).name == name  # the whole period's name


def test_a_meeting_due_on_a_weekend_or_holiday_is_held_by_the_working_day_before():
    assert working_day_by(date(2027, 3, 7)) == date(2027, 3, 5)  # Sunday: the Friday
    assert working_day_by(date(2026, 12, 28)) == date(2026, 12, 24)  # bank holidays
    assert working_day_by(date(2027, 3, 5), closures=[date(2027, 3, 5)]) == date(2027, 3, 4)
    assert working_day_by(date(2027, 3, 3)) == date(2027, 3, 3)
