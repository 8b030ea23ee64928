"""A census file whose events break the services' plausibility rules: each such child is
skipped (whole) and listed with the step and the rule's message; the rest goes in."""

from __future__ import annotations

import pytest

from iro.census.importer import import_file
from iro.children.models import Child
from iro.journey.models import Episode
from tests.census.builders import child, message
from tests.census.test_import import details, plan_block, s47_block
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def ids(la_child_id: str, born: str) -> str:
    return (
        f"<LAchildID>{la_child_id}</LAchildID><PersonBirthDate>{born}</PersonBirthDate><Sex>F</Sex>"
    )


def test_a_file_that_breaks_the_rules_is_reported_per_child_with_the_rule(staff, census_file):
    good = child(ids("G1", "2015-04-02"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", reviews=["2023-09-14"])))  # fmt: skip
    # An S47 dated 1990 for a child born in 2011.
    before_birth = child(ids("P1", "2011-05-03"), details(
        "1990-06-01", s47s=s47_block("1990-06-04", "1990-06-20")))  # fmt: skip
    # A plan ended on 1 December though a review on 2 December continued it.
    ended_early = child(ids("P2", "2015-04-02"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", end="2023-12-01", reviews=["2023-12-02"])))  # fmt: skip
    # A review before its plan started.
    early_review = child(ids("P3", "2015-04-02"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", reviews=["2023-06-10"])))  # fmt: skip
    text = message(good + before_birth + ended_early + early_review)

    summary = import_file(census_file(text), acting_user=staff.analyst)

    assert {s.la_child_id: s.reason for s in summary.skipped} == {
        "P1": "the episode from 1990-06-01: 1 June 1990 is before Child P1 was born on "
        "3 May 2011: check the year.",
        "P2": "the end on 2023-12-01 of the plan from 2023-06-22: The plan cannot end on "
        "1 December 2023: the review conference on 2 December 2023 decided to continue it.",
        "P3": "the review on 2023-06-10 of the plan from 2023-06-22: The date cannot be "
        "before the plan started on 22 June 2023.",
    }
    # Each refused child left nothing behind; the good one went in whole.
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["G1"]
    assert Episode.objects.count() == 1
    assert summary.added["reviews"] == 1
