from __future__ import annotations

from decimal import Decimal

import pytest

from iro.reports.measures import Ratio, percent_of, share_breakdown


@pytest.mark.parametrize(
    ("numerator", "denominator", "percent"),
    [
        (13, 16, Decimal("81.3")),  # 81.25: Python's round() would give 81.2
        (3, 16, Decimal("18.8")),  # 18.75
        (1, 16, Decimal("6.3")),  # 6.25
        (1, 8, Decimal("12.5")),
        (2, 3, Decimal("66.7")),
        (1, 3, Decimal("33.3")),
        (180, 250, Decimal("72.0")),
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (1, 2000, Decimal("0.1")),  # 0.05 exactly: half away from zero
        (1, 2001, Decimal("0.0")),  # 0.04997...
    ],
)
def test_percent_is_rounded_half_away_from_zero_to_one_decimal(numerator, denominator, percent):
    assert percent_of(numerator, denominator) == percent
    assert Ratio(numerator, denominator).percent == percent


def test_a_ratio_over_nothing_has_no_percent():
    assert Ratio(0, 0).percent is None
    assert Ratio(0, 0).as_json() == {"numerator": 0, "denominator": 0, "percent": None}


def test_a_ratio_carries_its_parts_in_json():
    assert Ratio(13, 16).as_json() == {"numerator": 13, "denominator": 16, "percent": 81.3}


def test_a_share_breakdown_gives_each_key_its_count_and_percent_of_the_total():
    assert share_breakdown({"a": 13, "b": 3, "c": 0}) == {
        "a": {"count": 13, "percent": 81.3},
        "b": {"count": 3, "percent": 18.8},
        "c": {"count": 0, "percent": 0.0},
    }
    assert share_breakdown({"a": 0}) == {"a": {"count": 0, "percent": None}}
