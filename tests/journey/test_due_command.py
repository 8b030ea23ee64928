"""`iro due`: one ISO date and a newline, or a one-line error and exit status 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iro.journey.management.commands.due import BAD_DATE, FIRST_YEAR, LAST_YEAR, OUT_OF_RANGE
from iro.people.models import ClosureDay


def run_due(*args: str) -> str:
    out = StringIO()
    call_command("due", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("icpc", "2022-12-15", "2023-01-10"),  # Christmas and New Year substitute days
        ("icpc", "2023-04-20", "2023-05-15"),  # the coronation, 8 May 2023
        ("icpc", "2020-04-24", "2020-05-18"),  # VE day moved to Friday 8 May 2020
        ("icpc", "2022-09-01", "2022-09-23"),  # the state funeral, 19 September 2022
        ("first-review", "2019-01-31", "2019-04-30"),  # month end clamps
        ("first-review", "2019-11-30", "2020-02-29"),  # into a leap February
        ("next-review", "2019-08-31", "2020-02-29"),
        ("next-review", "2023-03-15", "2023-09-15"),
    ],
)
def test_it_prints_the_due_date_as_one_iso_line(kind, day, expected):
    assert run_due(kind, day) == expected + "\n"


@pytest.mark.django_db
def test_icpc_due_date_skips_local_closure_days():
    assert run_due("icpc", "2023-01-06") == "2023-01-27\n"
    ClosureDay.objects.create(date=date(2023, 1, 20), description="Council closure")
    assert run_due("icpc", "2023-01-06") == "2023-01-30\n"


@pytest.mark.parametrize("bad", ["2022-13-01", "15/12/2022", "2022-02-30", "tomorrow", "2022-1-5"])
def test_a_bad_date_is_refused_with_the_expected_format(bad):
    with pytest.raises(CommandError) as raised:
        call_command("due", "icpc", bad)
    assert str(raised.value) == BAD_DATE.format(value=bad)
    assert "YYYY-MM-DD" in str(raised.value)
    assert raised.value.returncode == 2


def test_the_console_command_exits_2_with_one_line_on_stderr():
    result = subprocess.run(
        [sys.executable, "-m", "iro.cli", "due", "icpc", "2022-02-30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["icpc", "first-review", "next-review"])
@pytest.mark.parametrize(
    "day", ["9999-12-31", "9999-07-01", "9999-12-20", "2201-01-01", "0001-01-01"]
)
def test_a_date_whose_due_date_could_overflow_is_refused_with_one_line(kind, day):
    with pytest.raises(CommandError) as raised:
        call_command("due", kind, day)
    assert str(raised.value) == OUT_OF_RANGE.format(value=day, first=FIRST_YEAR, last=LAST_YEAR)
    assert raised.value.returncode == 2


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["icpc", "first-review", "next-review"])
def test_the_first_and_last_years_of_the_range_still_work(kind):
    assert run_due(kind, "1900-01-01")
    assert run_due(kind, "2200-12-31").startswith("2201-")


@pytest.mark.parametrize("kind", ["icpc", "first-review", "next-review"])
def test_the_console_command_prints_no_traceback_for_the_last_day_of_the_calendar(kind):
    result = subprocess.run(
        [sys.executable, "-m", "iro.cli", "due", kind, "9999-12-31"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
