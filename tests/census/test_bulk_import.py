"""The bulk import path writes exactly what the services write one child at a time."""

from __future__ import annotations

from collections import Counter

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from iro.census.importer import import_file
from iro.census.synthetic import write_synthetic_file
from iro.children.models import Child
from iro.journey import queues
from iro.journey.models import Conference, Episode, Plan
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

# Columns that differ between two writes of the same records by construction.
UNSTABLE = {"id", "public_id", "history_id", "history_date"}


class _Rollback(Exception):
    pass


def _models():
    return [
        model for app in ("children", "journey") for model in apps.get_app_config(app).get_models()
    ]


def records() -> dict[str, Counter]:
    """Every row of the records' tables (history tables included) as a value that names
    no primary key: each reference replaced by what the row it points to holds, and a
    history row's record by what that record holds now."""
    cache: dict[tuple[type, int], tuple] = {}
    models = _models()
    originals = {getattr(m, "instance_type", None): m for m in models}

    def canonical(model, pk):
        key = (model, pk)
        if key not in cache:
            cache[key] = ()  # a cycle stops here
            row = model._base_manager.filter(pk=pk).values().get()
            cache[key] = row_value(model, row)
        return cache[key]

    def row_value(model, row) -> tuple:
        values = []
        for field in model._meta.concrete_fields:
            name = field.attname
            if name in UNSTABLE and not (name == "id" and hasattr(model, "instance_type")):
                continue
            value = row[name]
            target = field.related_model if field.is_relation else None
            if name == "id" and hasattr(model, "instance_type"):
                target = model.instance_type  # the record a history row is of
            if target is not None and value is not None and target in originals:
                value = canonical(target, value)
            values.append((name, repr(value)))
        return tuple(values)

    del originals[None]
    return {
        model._meta.label: Counter(
            row_value(model, row) for row in model._base_manager.values().iterator()
        )
        for model in models
    }


def import_both_ways(*paths, user) -> tuple[dict, dict]:
    """The records after importing ``paths`` in turn one child at a time, then (from the
    same start) with the bulk path."""
    found = {}
    for use_bulk in (False, True):
        try:
            with transaction.atomic():
                for path in paths:
                    import_file(path, acting_user=user, bulk=use_bulk)
                found[use_bulk] = records()
                raise _Rollback
        except _Rollback:
            pass
    return found[False], found[True]


def assert_same(one_by_one: dict, in_bulk: dict) -> None:
    for table in one_by_one:
        assert in_bulk[table] == one_by_one[table], (
            f"{table}: only one by one {list((one_by_one[table] - in_bulk[table]).items())[:2]}"
            f" only in bulk {list((in_bulk[table] - one_by_one[table]).items())[:2]}"
        )


@pytest.fixture
def analyst():
    return make_staff().analyst


def test_a_generated_file_gives_the_same_records_in_bulk_as_one_child_at_a_time(analyst, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 300, messy=True)
    one_by_one, in_bulk = import_both_ways(path, user=analyst)
    assert sum(in_bulk["children.Child"].values()) > 250
    assert sum(in_bulk["journey.HistoricalConference"].values()) > 100
    assert_same(one_by_one, in_bulk)


def test_a_later_return_and_new_children_give_the_same_records_both_ways(analyst, tmp_path):
    first, later = tmp_path / "first.xml", tmp_path / "later.xml"
    write_synthetic_file(first, 150, messy=True)
    write_synthetic_file(later, 250, year="2024-25", seed=2, messy=True)
    one_by_one, in_bulk = import_both_ways(first, later, user=analyst)
    assert_same(one_by_one, in_bulk)


def test_new_children_are_written_in_bulk_with_history_naming_the_importing_user(analyst, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 200)
    with CaptureQueriesContext(connection) as queries:
        summary = import_file(path, acting_user=analyst)
    assert summary.added["children"] == Child.objects.count() > 150
    # Far fewer statements than children: one insert per table per batch (on SQLite, per
    # few dozen rows: it takes at most 999 values a statement), and the access checks.
    assert len(queries.captured_queries) < summary.added["children"] / 2
    for model in (Child, Episode, Plan, Conference):
        history = model.history.model.objects.all()
        assert history.exists()
        assert set(history.values_list("history_user", flat=True)) == {analyst.pk}


def test_a_repeat_import_changes_nothing_and_is_decided_in_a_few_queries(analyst, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 120)
    first = import_file(path, acting_user=analyst)
    before = records()
    with CaptureQueriesContext(connection) as queries:
        again = import_file(path, acting_user=analyst)
    assert not again.changed
    assert records() == before
    assert [s.reason for s in again.skipped] == [s.reason for s in first.skipped]
    # Not a query per child: the children's year is read for the batch and compared.
    assert len(queries.captured_queries) < first.added["children"] / 4


def test_a_repeat_import_of_a_messy_file_gives_the_same_records_both_ways(analyst, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 200, messy=True)
    one_by_one, in_bulk = import_both_ways(path, path, user=analyst)
    assert_same(one_by_one, in_bulk)


def test_a_known_child_whose_file_record_differs_is_updated_through_the_services(analyst, tmp_path):
    first, later = tmp_path / "first.xml", tmp_path / "later.xml"
    write_synthetic_file(first, 60)
    write_synthetic_file(later, 60, year="2024-25")
    import_file(first, acting_user=analyst)
    summary = import_file(later, acting_user=analyst)
    assert summary.changed


def test_a_child_the_rules_refuse_is_skipped_with_the_services_reason_in_both_paths(
    analyst, tmp_path
):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 300, messy=True)
    skipped = {}
    for use_bulk in (False, True):
        try:
            with transaction.atomic():
                summary = import_file(path, acting_user=analyst, bulk=use_bulk)
                skipped[use_bulk] = [(s.la_child_id, s.line, s.reason) for s in summary.skipped]
                raise _Rollback
        except _Rollback:
            pass
    assert skipped[True] == skipped[False]
    assert any("cannot" in reason or "before" in reason for *_, reason in skipped[True])


def test_a_large_bulk_import_refreshes_postgresqls_statistics_and_a_small_one_does_not(
    analyst, tmp_path, monkeypatch
):
    from iro.census import bulk

    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 40)
    calls = []
    real = bulk.analyse_written
    monkeypatch.setattr(bulk, "analyse_written", lambda n: calls.append((n, real(n))))
    monkeypatch.setattr(bulk, "ANALYSE_AFTER", 10)
    summary = import_file(path, acting_user=analyst)
    # PostgreSQL's tables are analysed (inside the test's transaction, as ANALYZE may be);
    # SQLite keeps no statistics to refresh.
    assert calls == [(summary.in_bulk, connection.vendor == "postgresql")]
    assert summary.in_bulk >= 10
    assert real(9) is False  # a few children: the plans the statistics gave still hold


@pytest.mark.parametrize("use_bulk", [False, True], ids=["one by one", "in bulk"])
def test_conferences_loaded_from_a_return_are_marked_and_ask_for_no_minutes(tmp_path, use_bulk):
    staff = make_staff()
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 60)
    import_file(path, acting_user=staff.analyst, bulk=use_bulk)

    held = Conference.objects.filter(status="held")
    assert held.count() > 10
    assert not held.filter(from_return=False).exists()
    day = held.aggregate(last=Max("held_on"))["last"]
    assert queues.minutes_to_send(staff.coordinator, day).count == 0
