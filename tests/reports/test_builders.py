"""The reports: the JSON shape of metrics.md, previous periods and the annual sections."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.challenge.models import TargetDirection
from iro.reports import builders, measures
from iro.reports.measures import Ratio
from iro.timescales import parse_period
from tests.challenge.factories import FeedbackFactory, TargetFactory
from tests.factories import ChildFactory, ConferenceChildFactory, ConferenceFactory, FamilyFactory
from tests.reports.conftest import YEAR, a_plan, a_review, build_authority

pytestmark = pytest.mark.django_db


def test_an_annual_report_has_the_shape_of_metrics_md_with_last_year_under_previous(staff):
    build_authority(staff, 4)
    data = json.loads(json.dumps(builders.annual_report("2018-19").as_json()))
    assert list(data) == [
        "report",
        "period",
        "provisional",
        "as_at",
        "measures",
        "previous",
        "sections",
    ]
    assert data["report"] == "annual"
    assert data["period"] == {
        "label": "2018-19",
        "first_day": "2018-04-01",
        "last_day": "2019-03-31",
    }
    assert data["provisional"] is False
    assert data["as_at"] == "2019-03-31"
    assert data["previous"]["as_at"] == "2018-03-31"
    assert data["previous"]["period"] == {
        "label": "2017-18",
        "first_day": "2017-04-01",
        "last_day": "2018-03-31",
    }
    assert list(data["measures"]) == list(measures.MEASURES)
    assert list(data["previous"]["measures"]) == list(measures.MEASURES)
    assert data["measures"]["children_on_plan_during_period"] == 4
    assert data["measures"]["icpc_within_15_working_days"] == {
        "numerator": 4,
        "denominator": 4,
        "percent": 100.0,
    }
    assert data["previous"]["measures"]["icpc_within_15_working_days"]["percent"] is None
    assert set(data["measures"]["dispute_reasons"]["progress"]) == {"count", "percent"}


@pytest.mark.parametrize(
    ("kind", "label", "previous", "first_day", "name"),
    [
        (
            "quarterly",
            "2018-19-Q3",
            "2017-18-Q3",
            "2018-10-01",
            "2018-19 Q3, October to December 2018",
        ),
        ("monthly", "2019-02", "2018-02", "2019-02-01", "February 2019"),
    ],
)
def test_quarterly_and_monthly_reports_carry_the_same_period_a_year_earlier(
    staff, kind, label, previous, first_day, name
):
    report = builders.build_report(kind, parse_period(kind, label))
    data = report.as_json()
    assert data["report"] == kind
    assert data["period"]["first_day"] == first_day
    assert data["previous"]["period"]["label"] == previous
    assert "by_team" not in data["sections"]
    assert len(data["sections"]["trend"]) == 12
    assert data["sections"]["trend"][-1]["period"]["last_day"] == data["period"]["last_day"]
    # Titled with the period's name, not the label of its address; in a sentence the
    # kind is lower case.
    assert report.title == f"{kind.capitalize()} report {name}"
    assert report.title_in_sentence == f"{kind} report {name}"


def test_the_trend_gives_each_month_its_own_figures(staff):
    a_plan(staff, date(2018, 5, 10))
    a_plan(staff, date(2018, 5, 20), date(2018, 6, 5))
    trend = builders.annual_report("2018-19").trend
    assert [p.label for p, _ in trend][:3] == ["2018-04", "2018-05", "2018-06"]
    assert [m["plans_started"] for _, m in trend][:3] == [0, 2, 0]
    assert [m["children_on_plan_at_period_end"] for _, m in trend][:3] == [0, 2, 1]


def test_filters_appear_only_when_chosen(staff):
    assert "filters" not in builders.annual_report("2018-19").as_json()
    data = builders.annual_report("2018-19", team=staff.team, chair=staff.iro).as_json()
    assert data["filters"] == {"team": "Moorside Safeguarding Team", "chair": "ivy-iro"}


def test_the_breakdowns_by_team_and_chair_match_the_filtered_measures(staff):
    build_authority(staff, 9)
    a_review(a_plan(staff, date(2018, 6, 1)), date(2018, 9, 1), chair=staff.iro_manager)
    report = builders.annual_report("2018-19")
    teams = dict(report.by_team)
    assert set(teams) == {"Moorside Safeguarding Team", "Riverside Safeguarding Team"}
    for team in (staff.team, staff.other_team):
        for key in measures.BREAKDOWN_KEYS:
            assert teams[team.name][key] == measures.MEASURES[key](YEAR, team=team), key
    chairs = dict(report.by_chair)
    for chair in (staff.iro, staff.other_iro, staff.iro_manager):
        for key in measures.BREAKDOWN_KEYS:
            expected = measures.MEASURES[key](YEAR, chair=chair)
            assert chairs.get(chair.get_full_name(), {}).get(key, expected) == expected, key
    assert chairs["Otto Fallowfield"]["children_on_plan_during_period"] == 9
    assert chairs["Mona Greyfriar"]["review_conferences_in_timescale"] == Ratio(1, 1)


def test_quotes_are_the_approved_wordings_featured_for_the_year_attributed_by_role(staff):
    conference = ConferenceFactory(held_on=date(2018, 6, 1), chair=staff.iro)
    FeedbackFactory(
        conference=conference,
        respondent="parent_or_carer",
        text="Much better way.",
        attribution="Mother",
        featured=True,
    )
    FeedbackFactory(conference=conference, text="Awaiting approval.")
    FeedbackFactory(conference=conference, text="Approved, not featured.", quote_status="approved",
                    published_wording="Approved, not featured.")  # fmt: skip
    FeedbackFactory(
        conference=conference, text="Not for quoting.", consent_to_quote=False, featured=True
    )
    FeedbackFactory(
        conference=conference, text="Next year.", received_on=date(2019, 4, 1), featured=True
    )
    quotes = builders.annual_report("2018-19").quotes
    assert [(q.text, q.attribution) for q in quotes] == [("Much better way.", "A parent or carer")]


def test_a_report_never_prints_the_same_wording_twice(staff):
    conference = ConferenceFactory(held_on=date(2018, 6, 1), chair=staff.iro)
    FeedbackFactory(conference=conference, text="It helped.", featured=True)
    FeedbackFactory(conference=conference, text="it  helped", featured=True)
    assert [q.text for q in builders.annual_report("2018-19").quotes] == ["It helped."]


def test_a_quote_never_names_the_child_or_their_family(staff):
    conference = ConferenceFactory(held_on=date(2018, 6, 1), chair=staff.iro)
    family = FamilyFactory(name="Vossberg family")
    child = ChildFactory(first_name="Quorrelle", last_name="Vossberg", family=family)
    ChildFactory(first_name="Pellavine", last_name="Vossberg", family=family)
    ConferenceChildFactory(conference=conference, child=child)
    FeedbackFactory(
        conference=conference,
        text="Pellavine and Quorrelle felt heard.",
        attribution="Mrs Vossberg",
        respondent="professional",
        featured=True,  # as if approved before the names were recorded
    )
    [quote] = builders.annual_report("2018-19").quotes
    assert (quote.text, quote.attribution) == ("[name] and [name] felt heard.", "A professional")


def test_the_action_plan_has_next_years_targets_and_progress_against_this_years(staff):
    build_authority(staff, 4)
    TargetFactory(year="2018-19", measure="icpc_within_15_working_days", value=Decimal("90"))
    TargetFactory(
        year="2018-19",
        measure="children_with_dispute_raised",
        value=Decimal("3"),
        direction=TargetDirection.AT_MOST,
    )
    TargetFactory(
        year="2019-20",
        measure="child_attended",
        value=Decimal("25"),
        action="Make meetings child friendly.",
    )
    report = builders.annual_report("2018-19")
    assert report.next_year == "2019-20"
    action_plan = report.as_json()["sections"]["action_plan"]
    assert action_plan["targets"] == [
        {
            "measure": "child_attended",
            "label": "The child attended",
            "direction": "at_least",
            "target": 25.0,
            "action": "Make meetings child friendly.",
        }
    ]
    progress = {line["measure"]: line for line in action_plan["progress"]}
    assert progress["icpc_within_15_working_days"] | {"label": None} == {
        "measure": "icpc_within_15_working_days",
        "label": None,
        "direction": "at_least",
        "target": 90.0,
        "action": "",
        "actual": 100.0,
        "previous": None,
        "met": True,
    }
    assert progress["children_with_dispute_raised"]["actual"] == 4
    assert progress["children_with_dispute_raised"]["met"] is False


def test_a_whole_annual_report_makes_the_same_number_of_queries_for_more_children(staff):
    build_authority(staff, 3)
    with CaptureQueriesContext(connection) as small:
        builders.annual_report("2018-19")
    build_authority(staff, 30)
    with CaptureQueriesContext(connection) as large:
        builders.annual_report("2018-19")
    assert len(small) == len(large)


def test_a_report_refuses_a_period_of_another_kind(staff):
    with pytest.raises(ValueError, match="annual report cannot be for the monthly period 2019-02"):
        builders.build_report("annual", parse_period("monthly", "2019-02"))
