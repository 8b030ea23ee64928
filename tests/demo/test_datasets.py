"""``iro demo --dataset``: data at scale, loaded as census returns through the bulk import.

A small variant of the regional dataset (a fiftieth of its caseload: ten authorities,
about a hundred children on a plan, ten years) is built once for the module.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from django.db import transaction
from django.test import override_settings

from iro.census.export import write_return
from iro.census.reader import CensusStream
from iro.census.rules import Validator
from iro.children.models import Child
from iro.demo.datasets import DATASETS, build_dataset, census_years, year_to_date
from iro.journey.models import Conference, ConferenceChild, PlanAction
from iro.journey.selectors import REVIEW, due_items
from iro.people.models import Role, User
from tests.demo.conftest import SEED, TODAY

SIZE = 0.02


@pytest.fixture(scope="module")
def regional(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_dataset(DATASETS["regional"], seed=SEED, today=TODAY, size=SIZE)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_child_came_through_the_bulk_import_by_the_demo_analyst(regional):
    children = Child.objects.count()
    assert children > 1000
    assert regional.children == children
    assert regional.in_bulk == children
    assert regional.one_by_one == 0 and regional.skipped == 0
    added_by = Child.history.filter(history_type="+").values_list(
        "history_user__username", flat=True
    )
    assert len(added_by) == children
    assert set(added_by) == {"demo-analyst"}


@pytest.mark.django_db
def test_children_have_teams_and_conferences_chairs_of_their_own_authority(regional):
    assert not Child.objects.filter(team__isnull=True).exists()
    assert not Conference.objects.filter(chair__isnull=True).exists()
    chairs_of = defaultdict(set)
    teams_of = defaultdict(set)
    for la_child_id, chair, team in ConferenceChild.objects.values_list(
        "child__la_child_id", "conference__chair", "child__team"
    ):
        chairs_of[la_child_id[:4]].add(chair)
        teams_of[la_child_id[:4]].add(team)
    assert len(chairs_of) == DATASETS["regional"].authorities
    authorities = list(chairs_of)
    for i, a in enumerate(authorities):
        for b in authorities[i + 1 :]:
            assert not chairs_of[a] & chairs_of[b]
            assert not teams_of[a] & teams_of[b]
    chair_roles = set(User.objects.filter(chaired_conferences__isnull=False).values_list("role"))
    assert chair_roles == {(Role.IRO,)}


@pytest.mark.django_db
def test_a_child_keeps_one_chair(regional):
    chairs = defaultdict(set)
    for child, chair in ConferenceChild.objects.values_list("child", "conference__chair"):
        chairs[child].add(chair)
    assert all(len(c) == 1 for c in chairs.values())


@pytest.mark.django_db
def test_each_years_icpcs_and_children_on_a_plan_are_the_generators(regional):
    years = census_years(TODAY, DATASETS["regional"].years) + year_to_date(TODAY)
    assert [label for label, _icpcs, _on_plan in regional.years] == [p.label for p in years]
    for label, icpcs, on_plan in regional.years:
        assert (icpcs, on_plan) == regional.planned[label]
    last_on_plan = regional.years[-2][2]  # at the last 31 March
    assert 0.6 * 100 < last_on_plan < 1.4 * 100  # about a fiftieth of 5,000


def test_the_census_year_under_way_is_read_to_today_and_none_on_its_last_day():
    (to_date,) = year_to_date(date(2026, 12, 4))
    assert (to_date.label, to_date.first_day, to_date.last_day) == (
        "2026-27",
        date(2026, 4, 1),
        date(2026, 12, 4),
    )
    assert year_to_date(date(2027, 3, 31)) == []


@pytest.mark.django_db
def test_the_year_to_date_keeps_open_plans_reviewed_up_to_today(regional):
    """As a live service's records: the plans open today had their reviews this year, so
    few are overdue (the generated reviews are on time; a plan whose review falls due
    today or between the last return and today may be)."""
    assert regional.to_date == TODAY
    _label, _icpcs, on_plan_today = regional.years[-1]
    assert on_plan_today > 0
    reviews = [
        i
        for i in due_items(Child.objects.all(), day=TODAY, closures=frozenset())
        if i.kind == REVIEW
    ]
    assert len(reviews) == on_plan_today
    overdue = [i for i in reviews if i.due < TODAY]
    assert len(overdue) <= 0.05 * len(reviews)


@pytest.mark.django_db
def test_demo_iros_open_plans_have_actions(regional):
    demo_iro = User.objects.get(username="demo-iro")
    assert regional.plans_with_content > 0
    actions = PlanAction.objects.filter(
        plan__end_date__isnull=True, plan__conference_rows__conference__chair=demo_iro
    )
    assert actions.exists()


@pytest.mark.django_db
def test_a_years_census_export_of_the_result_validates_clean(regional, tmp_path):
    period = census_years(TODAY, 10)[-2]
    path = tmp_path / "return.xml"
    write_return(user=User.objects.get(username="demo-analyst"), period=period, path=path)
    stream = CensusStream(path)
    validator = Validator(stream.header)
    found = list(validator.header_findings())
    children = 0
    for child in stream.children():
        children += 1
        found += validator.check(child)
    found += validator.finish()
    assert children > 100
    assert [f for f in found if f.severity == "error"] == []
