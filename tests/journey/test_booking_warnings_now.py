"""A booking's saved warnings are said as they stand today: the due date follows the
records, so 'after the conference is due' is said from the due date now, or not at all."""

from __future__ import annotations

from datetime import date

from iro.journey.checks import warnings_now

SUNDAY = "6 October 2024 is a Sunday, not a working day."
AFTER = "6 October 2024 is after the conference is due on 28 September 2024."


def test_a_booking_now_in_time_loses_the_after_due_warning_and_keeps_the_others():
    said = warnings_now(
        f"{SUNDAY} {AFTER}", scheduled_date=date(2024, 10, 6), due=date(2024, 10, 7)
    )
    assert said == SUNDAY


def test_a_booking_still_late_is_said_against_the_due_date_now():
    said = warnings_now(AFTER, scheduled_date=date(2024, 10, 6), due=date(2024, 10, 1))
    assert said == "6 October 2024 is after the conference is due on 1 October 2024."


def test_a_booking_made_in_time_gets_no_warning_it_was_never_given():
    assert warnings_now(SUNDAY, scheduled_date=date(2024, 10, 6), due=date(2024, 9, 1)) == SUNDAY
    assert warnings_now("", scheduled_date=date(2024, 10, 6), due=date(2024, 9, 1)) == ""


def test_with_no_due_date_known_the_after_due_warning_goes():
    assert warnings_now(AFTER, scheduled_date=date(2024, 10, 6), due=None) == ""
