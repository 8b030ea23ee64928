"""The bulk path's own writing (``census.bulk``): rows written with ``COPY`` (PostgreSQL)
or ``executemany`` (SQLite) under keys reserved up front are the rows Django writes; and
the checks' one day and cached choices (``journey.checks``) the import runs under."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection

from iro.census.bulk import _records, make, reserve_ids
from iro.children.models import Child, Disability, Ethnicity, Sex
from iro.journey import checks
from iro.journey.models import (
    Assessment,
    AssessmentFactor,
    CinPlanPeriod,
    Conference,
    ConferenceChild,
    ConferenceKind,
    Episode,
    Plan,
    ReferralSource,
    Section47,
)

pytestmark = pytest.mark.django_db


def _raw(model, pk) -> dict:
    """The row as the database holds it (no field conversions), keys and ids apart."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        names = [c[0] for c in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    keys = {"id", "public_id"} | {f.column for f in model._meta.concrete_fields if f.is_relation}
    return {name: value for name, value in row.items() if name not in keys}


def _family(suffix: str):
    """A child with an episode, an assessment, a Child in Need plan and a conference:
    unsaved instances, every kind of column the bulk path writes (text, dates, a time,
    yes/no, numbers, JSON, UUIDs, references to rows not yet written)."""
    child = Child(
        la_child_id=f"BULK-{suffix}",
        first_name="Ada",
        last_name="Quill",
        date_of_birth=date(2015, 3, 4),
        sex=Sex.values[0],
        ethnicity=Ethnicity.values[0],
        disabilities=[Disability.values[0]],
        upn="A123456789012",
    )
    episode = Episode(
        child=child,
        referral_date=date(2023, 5, 6),
        referral_source=ReferralSource.values[0],
        referral_nfa=True,
    )
    assessment = Assessment(
        episode=episode,
        start_date=date(2023, 5, 7),
        authorisation_date=date(2023, 6, 1),
        factors=[AssessmentFactor.values[0], AssessmentFactor.values[1]],
    )
    cin_plan = CinPlanPeriod(episode=episode, start_date=date(2023, 6, 2))
    conference = Conference(
        kind=ConferenceKind.INITIAL,
        scheduled_date=date(2023, 6, 3),
        scheduled_time=time(10, 30),
        booking_reason="Recorded from a census return",
    )
    return [child, episode, assessment, cin_plan, conference]


def test_rows_written_in_bulk_are_the_rows_django_writes():
    by_orm = _family("ORM")
    for instance in by_orm:
        for field in instance._meta.concrete_fields:
            if field.is_relation and field.is_cached(instance):
                setattr(instance, field.attname, getattr(instance, field.name).pk)
        instance.save()
    in_bulk = _family("BULK")
    for instance in in_bulk:
        _records(type(instance), connection).write([instance], connection)
        assert instance.pk is not None and not instance._state.adding
    for orm, bulk in zip(by_orm, in_bulk, strict=True):
        model = type(orm)
        expected = _raw(model, orm.pk)
        if model is Child:
            expected["la_child_id"] = "BULK-BULK"
        assert _raw(model, bulk.pk) == expected
        # References point at the bulk rows, and the row reads back as it was built.
        fresh = model.objects.get(pk=bulk.pk)
        for field in model._meta.concrete_fields:
            assert getattr(fresh, field.attname) == getattr(bulk, field.attname), field.name
    assert Episode.objects.get(pk=in_bulk[1].pk).child_id == in_bulk[0].pk


def _state(instance) -> dict:
    """What a new record holds: its values (a fresh UUID apart), the references cached
    on it, where it is to be written and that it is new."""
    values = {k: v for k, v in instance.__dict__.items() if k not in ("_state", "public_id")}
    cached = instance._state.fields_cache
    return {
        "values": values,
        "cached": {name: id(record) for name, record in cached.items()},
        "db": instance._state.db,
        "adding": instance._state.adding,
    }


def test_make_builds_each_record_the_bulk_path_writes_as_the_model_builds_it():
    saved = Child.objects.create(la_child_id="MADE-1")
    child, episode = Child(la_child_id="MADE-2"), Episode(child=saved)
    s47 = Section47(episode=episode, start_date=date(2024, 1, 2))
    plan = Plan(child=child, episode=episode, start_date=date(2024, 1, 20))
    conference = Conference(kind=ConferenceKind.INITIAL)
    cases = [
        (Episode, {"child": child, "referral_date": date(2024, 1, 1), "referral_nfa": False}),
        (Episode, {"child": saved, "referral_source": ReferralSource.values[0]}),
        (
            Section47,
            {"episode": episode, "start_date": date(2024, 1, 2), "icpc_not_required": True},
        ),
        (Assessment, {"episode": episode, "factors": [AssessmentFactor.values[0]]}),
        (CinPlanPeriod, {"episode": episode, "start_date": date(2024, 1, 3), "end_date": None}),
        (
            Plan,
            {
                "child": child,
                "episode": episode,
                "start_date": date(2024, 1, 20),
                "initial_category": "NEG",
                "previous_plans": 0,
            },
        ),
        (
            Conference,
            {
                "kind": ConferenceKind.REVIEW,
                "scheduled_date": date(2024, 4, 1),
                "chair": None,
                "booking_warnings": "",
                "booking_reason": "",
            },
        ),
        (
            ConferenceChild,
            {"conference": conference, "child": child, "section47": s47, "plan": None},
        ),
        (ConferenceChild, {"conference": conference, "child": child, "plan": plan}),
    ]
    for model, values in cases:
        made, built = make(model, **values), model(**values)
        assert type(made) is model
        assert _state(made) == _state(built), model.__name__
    # A one-to-one reference goes through the model (its descriptor caches both ways).
    made = make(Section47, episode=episode, strategy_discussion=None)
    assert _state(made) == _state(Section47(episode=episode, strategy_discussion=None))
    # Each record has its own callable default (a UUID) and its own mutable values.
    first, second = make(Conference), make(Conference)
    assert first.public_id != second.public_id
    assert make(Assessment).factors is not make(Assessment).factors


def test_make_gives_the_models_own_errors_for_a_wrong_value():
    with pytest.raises(ValueError, match="must be a"):
        make(Episode, child=Conference())
    with pytest.raises(TypeError, match="unexpected keyword"):
        make(Episode, colour="red")


def test_reserved_keys_follow_the_table_and_are_never_taken_again():
    first = Child.objects.create(la_child_id="KEY-1")
    keys = reserve_ids(Child, 3)
    assert len(set(keys)) == 3
    assert min(keys) > first.pk
    children = [Child(la_child_id=f"KEY-BULK-{n}") for n in range(3)]
    _records(Child, connection).write(children, connection)
    written = sorted(c.pk for c in children)
    if connection.vendor == "postgresql":
        assert min(written) > max(keys)  # the sequence moved on: a key is taken once
    else:
        # SQLite: keys after the largest the table holds, for rows written in the same
        # transaction (which holds the write lock from its start).
        assert written == keys == list(range(first.pk + 1, first.pk + 4))
    after = Child.objects.create(la_child_id="KEY-2")  # the ORM's own next key
    assert after.pk > max(c.pk for c in children)
    # A deleted row's key is not handed out again (SQLite's AUTOINCREMENT promise;
    # PostgreSQL's sequence never goes back).
    deleted = after.pk
    after.delete()
    assert min(reserve_ids(Child, 2)) > deleted
    assert reserve_ids(Child, 0) == []


def test_one_day_fixes_today_for_the_work_inside(monkeypatch):
    clock = {"day": date(2026, 12, 3)}
    monkeypatch.setattr(checks.timezone, "localdate", lambda: clock["day"])
    assert checks.today() == date(2026, 12, 3)
    with checks.one_day():
        clock["day"] = date(2026, 12, 4)  # midnight passes during the work
        assert checks.today() == date(2026, 12, 3)
        assert checks.not_in_future(date(2026, 12, 4)) == checks.DATE_IN_FUTURE
        with checks.one_day():  # nested: the outer day holds
            assert checks.today() == date(2026, 12, 3)
        assert checks.today() == date(2026, 12, 3)
    assert checks.today() == date(2026, 12, 4)  # outside, the clock again
    assert checks.not_in_future(date(2026, 12, 4)) is None
    assert checks.today() - timedelta(days=1) == date(2026, 12, 3)


def test_one_day_ends_with_an_error_inside(monkeypatch):
    clock = {"day": date(2026, 12, 3)}
    monkeypatch.setattr(checks.timezone, "localdate", lambda: clock["day"])
    with pytest.raises(ValueError), checks.one_day():
        raise ValueError
    clock["day"] = date(2026, 12, 5)
    assert checks.today() == date(2026, 12, 5)


def test_choice_values_are_the_choices_values_read_once():
    assert checks.choice_values(Sex) == frozenset(Sex.values)
    assert checks.choice_values(Sex) is checks.choice_values(Sex)
    assert Sex.values[0] in checks.choice_values(Sex)
    assert "not a code" not in checks.choice_values(Sex)


def test_an_export_logs_every_child_a_chunk_at_a_time(monkeypatch):
    from iro.access import log
    from iro.access.models import AccessEvent, AccessLogEntry
    from tests.factories import make_staff

    user = make_staff().analyst
    pks = [Child.objects.create(la_child_id=f"LOG-{n}").pk for n in range(5)]
    monkeypatch.setattr(log, "EXPORT_LOG_CHUNK", 2)
    log.log_export(user=user, what="CIN census return", children=iter(pks))
    rows = AccessLogEntry.objects.filter(event=AccessEvent.EXPORTED, user=user)
    assert sorted(rows.exclude(child=None).values_list("child_id", flat=True)) == pks
    assert rows.filter(child=None).count() == 1
