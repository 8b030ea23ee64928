"""The children behind each figure are exactly the units the measure counted."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iro.access.models import AccessLogEntry
from iro.challenge.models import Population, Stage, WorkingHours
from iro.reports import drilldown, measures, views
from iro.reports.measures import Ratio
from tests.challenge.factories import DisputeFactory
from tests.reports.conftest import YEAR, a_child, a_plan, build_authority

pytestmark = pytest.mark.django_db

DISTINCT_CHILDREN = {
    "children_on_plan_during_period",
    "children_on_plan_at_period_end",
    "children_with_dispute_raised",
    "plans_open_two_years_or_more_at_period_end",
    "children_on_plan_at_period_end_with_disability",
}
# Rates over children on a plan at period end: their units are those children.
RATES = {"children_on_plan_at_period_end_per_10000", "iro_caseload_per_fte_at_period_end"}


@pytest.fixture
def year(staff):
    build_authority(staff, 12)
    child = a_child(staff)
    a_plan(staff, date(2016, 5, 1), date(2018, 6, 1), child=child)
    a_plan(staff, date(2018, 9, 1), child=child)
    DisputeFactory(child=child, stage=Stage.STAGE_5, resolved_on=date(2018, 7, 1))
    return staff


@pytest.mark.parametrize("key", list(measures.MEASURES))
@pytest.mark.parametrize("filters", ["none", "team", "chair"])
def test_the_units_behind_a_figure_add_up_to_it(year, key, filters):
    chosen = {"none": {}, "team": {"team": year.team}, "chair": {"chair": year.other_iro}}
    value = measures.MEASURES[key](YEAR, **chosen[filters])
    units = drilldown.units(key, YEAR, **chosen[filters])
    if isinstance(value, Ratio):
        assert value == Ratio(sum(bool(u.counted) for u in units), len(units))
    elif key in RATES:
        # Behind a rate: the children on a plan at the end, where it has a figure at all.
        whole = filters == "none" or (filters == "chair" and key.startswith("iro_caseload"))
        behind = measures.children_on_plan_at_period_end(YEAR, **chosen[filters])
        assert len({u.child_id for u in units}) == (behind if whole else 0)
        assert whole or value is None
    elif key in DISTINCT_CHILDREN:
        assert value == len({u.child_id for u in units})
    elif isinstance(value, int):
        assert value == len(units)
    elif key == "multi_agency_challenges_raised":
        assert value["by_agency"] == dict(Counter(u.item for u in units))
    else:
        counts = Counter(u.item for u in units)
        for item, figure in value.items():
            assert (figure["count"] if isinstance(figure, dict) else figure) == counts[item]


def test_only_visible_children_are_returned_and_the_rest_are_counted(year):
    behind = drilldown.children_behind(year.team_manager, "plans_started", YEAR)
    assert {row.child.team_id for row in behind.rows} == {year.team.pk}
    assert len(behind.rows) + behind.hidden == measures.plans_started(YEAR)
    assert behind.hidden > 0
    nothing = drilldown.children_behind(year.partnership, "plans_started", YEAR)
    assert list(nothing.rows) == [] and nothing.hidden == measures.plans_started(YEAR)


def test_an_unknown_measure_is_refused(year):
    with pytest.raises(KeyError):
        drilldown.units("happiness", YEAR)


def test_the_children_behind_a_figure_come_a_page_at_a_time(client, year, monkeypatch):
    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 5)
    client.force_login(year.iro_manager)
    url = f"/reports/annual/{YEAR.label}/plans_started/?team={year.team.pk}"
    behind = drilldown.children_behind(year.iro_manager, "plans_started", YEAR, team=year.team)
    assert len(behind.rows) > 5

    first = client.get(url).content.decode()

    assert f"{len(behind.rows)} rows behind this figure" in first
    assert "Rows 1 to 5 are shown." in first
    assert first.count('<th scope="row"') == 5
    assert f'href="?team={year.team.pk}&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    logged = AccessLogEntry.objects.filter(user=year.iro_manager, what="report_children")
    assert logged.count() == 5  # only the children shown are read

    second = client.get(url + "&page=2").content.decode()

    assert f"Rows 6 to {min(10, len(behind.rows))} are shown." in second
    assert f'href="?team={year.team.pk}&amp;page=1" rel="prev"' in second


def test_an_item_no_breakdown_has_is_not_found_and_an_empty_one_is_zero_rows(client, year):
    client.force_login(year.iro_manager)
    url = f"/reports/annual/{YEAR.label}/child_attended/"
    typo = client.get(url, {"item": "zzz"})
    assert typo.status_code == 404
    assert views.NO_SUCH_ITEM in typo.content.decode()
    empty = client.get(f"/reports/annual/{YEAR.label}/plans_at_period_end_by_latest_category/",
                       {"item": "SAB"})  # fmt: skip
    assert empty.status_code == 200


def test_a_reader_who_sees_no_names_cannot_ask_for_one_chairs_children(client, year):
    # The analyst reads the published edition, which has no chair's figures.
    url = f"/reports/annual/{YEAR.label}/plans_started/?chair={year.iro.username}"
    client.force_login(year.analyst)
    assert client.get(url).status_code == 404
    assert client.get(url.partition("?")[0]).status_code == 200
    client.force_login(year.iro_manager)
    assert client.get(url).status_code == 200


def test_a_child_with_two_disputes_is_one_row_behind_the_children_with_a_dispute(year):
    child = a_child(year)
    DisputeFactory(child=child, raised_on=date(2018, 6, 4))
    DisputeFactory(child=child, raised_on=date(2018, 11, 12))
    units = drilldown.units("children_with_dispute_raised", YEAR)
    assert len(units) == measures.children_with_dispute_raised(YEAR)
    (row,) = [u for u in units if u.child_id == child.pk]
    assert row.detail == "2 disputes raised, the first 4 Jun 2018"
    assert len([u for u in drilldown.units("disputes_raised", YEAR) if u.child_id == child.pk]) == 2


def test_the_page_says_for_how_many_children_when_a_child_is_listed_twice(client, year):
    client.force_login(year.iro_manager)
    key = "children_on_plan_during_period"  # the fixture's child had two plans in the year
    units = drilldown.units(key, YEAR)
    children = len({u.child_id for u in units})
    assert len(units) > children == measures.children_on_plan_during_period(YEAR)
    page = client.get(f"/reports/annual/{YEAR.label}/{key}/").content.decode()
    assert (
        f"{len(units)} rows behind this figure, for {children} children: "
        "a child is listed once for each" in page
    )


def test_a_rate_says_what_its_children_are_divided_by(client, year):
    for person, fte in ((year.iro, "1.00"), (year.other_iro, "0.60")):
        WorkingHours.objects.create(
            person=person,
            starts_on=date(2018, 4, 1),
            fte=fte,
            recorded_by=year.iro_manager,
            recorded_on=date(2018, 4, 1),
        )
    Population.objects.create(
        year=YEAR.label,
        children=41250,
        source="ONS mid-year estimate",
        recorded_by=year.iro_manager,
        recorded_on=date(2018, 4, 1),
    )
    client.force_login(year.iro_manager)
    base = f"/reports/annual/{YEAR.label}"
    page = client.get(f"{base}/iro_caseload_per_fte_at_period_end/").content.decode()
    assert "divided by 1.6 full-time IROs on 31 March 2019" in page
    page = client.get(f"{base}/children_on_plan_at_period_end_per_10000/").content.decode()
    assert "for every 10,000 of the 41,250 children living in the area" in page
    page = client.get(f"{base}/children_on_plan_at_period_end/").content.decode()
    assert 'id="divided-by"' not in page


def test_a_page_of_children_behind_a_figure_reads_only_that_pages_children(
    client, year, monkeypatch
):
    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 2)
    client.force_login(year.iro_manager)
    url = f"/reports/annual/{YEAR.label}/plans_started/?page=2"
    assert measures.plans_started(YEAR) > 4
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    # Whole records are read for the page's two children, not every child behind it.
    records_read = [
        re.search(r'"children_child"\."id" IN \(([^)]*)\)', q["sql"]).group(1).split(",")
        for q in captured
        if q["sql"].startswith('SELECT "children_child"."id", "children_child"."public_id"')
    ]
    assert page.status_code == 200
    assert [len(ids) for ids in records_read] == [2]
    assert len(page.context["rows"]) == 2


def test_the_units_behind_a_figure_are_kept_for_every_reader_until_the_records_change(
    year, monkeypatch
):
    made = []
    real_units = drilldown.units

    def counted_units(key, period, **filters):
        made.append((key, filters))
        return real_units(key, period, **filters)

    monkeypatch.setattr(drilldown, "units", counted_units)
    first = drilldown.children_behind(year.iro_manager, "plans_started", YEAR)
    other_reader = drilldown.children_behind(year.team_manager, "plans_started", YEAR)
    assert len(made) == 1  # worked out once, each reader's access applied afterwards
    assert len(first.rows) == measures.plans_started(YEAR) and first.hidden == 0
    assert len(other_reader.rows) + other_reader.hidden == len(first.rows)
    assert other_reader.hidden > 0

    drilldown.children_behind(year.iro_manager, "plans_started", YEAR, team=year.team)
    assert made[-1] == ("plans_started", {"team": year.team, "chair": None})  # kept apart

    a_plan(year, date(2018, 10, 1))  # a change to the records: worked out again
    after = drilldown.children_behind(year.iro_manager, "plans_started", YEAR)
    assert len(made) == 3
    assert len(after.rows) == len(first.rows) + 1 == measures.plans_started(YEAR)


def test_a_child_not_on_time_is_said_why_a_review_late_or_the_next_overdue(staff):
    from tests.reports.conftest import a_review

    late = a_plan(staff, date(2018, 4, 2))  # first review due 2 July 2018
    a_review(late, date(2018, 7, 20), chair=staff.iro)  # late; next due 20 January 2019
    a_review(late, date(2019, 1, 10), chair=staff.iro)  # next due 10 July 2019
    overdue = a_plan(staff, date(2018, 6, 1))  # first review due 1 September 2018: none held
    on_time = a_plan(staff, date(2018, 4, 3))  # first review due 3 July 2018
    a_review(on_time, date(2018, 7, 2), chair=staff.iro)  # next due 2 January 2019
    a_review(on_time, date(2018, 12, 20), chair=staff.iro)  # next due 20 June 2019
    said = {u.child_id: u.detail for u in drilldown.units("reviews_on_time", YEAR)}
    assert said[late.child_id] == (
        "Plan from 2 Apr 2018; review on 20 Jul 2018 held after it was due"
    )
    assert said[overdue.child_id] == "Plan from 1 Jun 2018; next review overdue since 1 Sep 2018"
    assert said[on_time.child_id] == "Plan from 3 Apr 2018; next review due 20 Jun 2019"
