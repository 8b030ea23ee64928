"""The day the checks take as today: the clock's, one fixed for long work, or one given
for writing synthetic history."""

from __future__ import annotations

from datetime import date

import time_machine

from iro.journey.checks import as_at, not_in_future, one_day, today


def test_as_at_makes_a_past_day_today_for_the_checks_inside_it_only():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        with as_at(date(2025, 1, 10)):
            assert today() == date(2025, 1, 10)
            assert not_in_future(date(2025, 2, 1)) is not None  # after that day
        assert today() == date(2026, 6, 15)
        assert not_in_future(date(2025, 2, 1)) is None


def test_as_at_holds_inside_one_day_and_one_day_holds_again_after_it():
    with time_machine.travel(date(2026, 6, 15), tick=False), one_day():
        with as_at(date(2025, 1, 10)):
            assert today() == date(2025, 1, 10)
        assert today() == date(2026, 6, 15)
