"""A census import with an allocation: each new child's team, its conferences' chair."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from iro.census.importer import import_file
from iro.census.synthetic import write_synthetic_file
from iro.children.models import Child
from iro.journey.models import Conference
from tests.census.test_bulk_import import _Rollback, assert_same, records
from tests.factories import LeaveFactory, make_staff

pytestmark = pytest.mark.django_db


class Allocate:
    def __init__(self, team, chair) -> None:
        self.team, self.chair = team, chair

    def team_for(self, record):
        return self.team

    def chair_for(self, record):
        return self.chair


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def cin(tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 120)
    return path


def test_new_children_get_the_team_and_their_conferences_the_chair_in_bulk(staff, cin):
    summary = import_file(cin, acting_user=staff.analyst, allocate=Allocate(staff.team, staff.iro))
    assert summary.in_bulk == summary.added["children"] == Child.objects.count() > 100
    assert set(Child.objects.values_list("team", flat=True)) == {staff.team.pk}
    assert Conference.objects.count() > 50
    assert set(Conference.objects.values_list("chair", flat=True)) == {staff.iro.pk}


def test_an_allocation_gives_the_same_records_in_bulk_as_one_child_at_a_time(staff, cin):
    found = {}
    for use_bulk in (False, True):
        try:
            with transaction.atomic():
                allocate = Allocate(staff.team, staff.iro)
                import_file(cin, acting_user=staff.analyst, bulk=use_bulk, allocate=allocate)
                found[use_bulk] = records()
                raise _Rollback
        except _Rollback:
            pass
    assert_same(found[False], found[True])


def test_a_chair_who_manages_the_childs_team_is_refused_on_both_paths(staff, cin):
    staff.team.manager = staff.iro
    staff.team.save(update_fields=["manager"])
    allocate = Allocate(staff.team, staff.iro)
    skipped = {}
    for use_bulk in (False, True):
        try:
            with transaction.atomic():
                summary = import_file(
                    cin, acting_user=staff.analyst, bulk=use_bulk, allocate=allocate
                )
                skipped[use_bulk] = [(s.la_child_id, s.reason) for s in summary.skipped]
                assert not Conference.objects.exists()
                raise _Rollback
        except _Rollback:
            pass
    assert len(skipped[True]) > 50
    assert skipped[True] == skipped[False]
    assert "cannot chair: they manage Moorside Safeguarding Team" in skipped[True][0][1]


def test_a_chair_with_leave_sends_the_children_through_the_services(staff, cin):
    LeaveFactory(user=staff.iro, start_date=date(2020, 1, 6), end_date=date(2020, 1, 10))
    summary = import_file(cin, acting_user=staff.analyst, allocate=Allocate(staff.team, staff.iro))
    assert summary.in_bulk == 0
    assert summary.added["children"] == Child.objects.count() > 100
    assert set(Conference.objects.values_list("chair", flat=True)) == {staff.iro.pk}
