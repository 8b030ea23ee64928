"""feedback_received (metrics.md: pieces of feedback received in the period, by who gave
it) and the feedback's ratings and themes, hand-worked."""

from __future__ import annotations

from datetime import date

import pytest

from iro.reports import measures
from tests.challenge.factories import FeedbackFactory
from tests.factories import ConferenceChildFactory, ConferenceFactory
from tests.reports.conftest import YEAR, a_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(staff):
    conference = ConferenceFactory(held_on=date(2018, 3, 1), chair=staff.iro)
    ConferenceChildFactory(conference=conference, child=a_child(staff))
    return conference


def given(conference, on, respondent, **fields):
    return FeedbackFactory(conference=conference, received_on=on, respondent=respondent, **fields)


def test_feedback_counts_by_who_gave_it_on_the_first_and_last_day_but_not_outside(
    staff, conference
):
    given(conference, date(2018, 3, 31), "child")  # the day before: not counted
    given(conference, date(2018, 4, 1), "child")  # the first day
    given(conference, date(2018, 9, 9), "parent_or_carer")
    given(conference, date(2018, 9, 9), "parent_or_carer")
    given(conference, date(2019, 3, 31), "professional")  # the last day
    given(conference, date(2019, 4, 1), "other")  # the day after: not counted
    assert measures.feedback_received(YEAR) == {
        "child": 1,
        "parent_or_carer": 2,
        "professional": 1,
        "other": 0,
    }


def test_feedback_about_a_voided_conference_is_not_counted(staff, conference):
    given(conference, date(2018, 5, 1), "other")
    ConferenceFactory._meta.model.all_objects.filter(pk=conference.pk).update(
        voided_at="2019-01-01T00:00Z"
    )
    assert measures.feedback_received(YEAR)["other"] == 0


def test_a_team_counts_feedback_on_its_childrens_conferences_once(staff, conference):
    ConferenceChildFactory(conference=conference, child=a_child(staff))  # a sibling
    given(conference, date(2018, 5, 1), "child")
    elsewhere = ConferenceFactory(held_on=date(2018, 5, 1), chair=staff.other_iro)
    ConferenceChildFactory(conference=elsewhere, child=a_child(staff, team=staff.other_team))
    given(elsewhere, date(2018, 5, 2), "child")
    assert measures.feedback_received(YEAR, team=staff.team)["child"] == 1
    assert measures.feedback_received(YEAR, chair=staff.other_iro)["child"] == 1
    assert measures.feedback_received(YEAR)["child"] == 2


def test_ratings_average_half_up_to_one_decimal_and_themes_are_counted(staff, conference):
    # "I was listened to": 4, 4, 4, 5 -> 4.25 -> 4.3 (half up); "The plan is clear": 3
    # and one not answered -> 3.0 of 1 answer; nobody answered the first question.
    day = date(2018, 6, 1)
    given(conference, day, "child", rating_listened_to=4, rating_plan_clear=3,
          themes=["being_heard", "the_chair"])  # fmt: skip
    given(conference, day, "child", rating_listened_to=4, themes=["being_heard"])
    given(conference, day, "professional", rating_listened_to=4)
    given(conference, day, "parent_or_carer", rating_listened_to=5, themes=["practical"])
    figures = measures.feedback_figures(YEAR)
    assert figures["ratings"] == {
        "rating_understood": {"average": None, "answers": 0},
        "rating_listened_to": {"average": 4.3, "answers": 4},
        "rating_plan_clear": {"average": 3.0, "answers": 1},
    }
    assert figures["themes"]["being_heard"] == 2
    assert figures["themes"]["the_chair"] == 1
    assert figures["themes"]["practical"] == 1
    assert sum(figures["themes"].values()) == 4
