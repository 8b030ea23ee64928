"""``measures._rows_in_chunks``: a ``values_list`` query's rows in its order, a chunk at a
time, as the queryset itself would give them (on PostgreSQL through an ordinary cursor
and Django's converters; elsewhere ``iterator()``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import F

from iro.people.models import ClosureDay
from iro.reports import measures

pytestmark = pytest.mark.django_db


@pytest.fixture
def days():
    first = date(2025, 1, 6)
    ClosureDay.objects.bulk_create(
        ClosureDay(date=first + timedelta(days=n), description=f"Closed {n:02d}") for n in range(7)
    )


def test_the_rows_come_in_the_querys_order_across_chunks_as_the_queryset_gives_them(
    days, monkeypatch
):
    monkeypatch.setattr(measures, "ROWS_PER_FETCH", 3)  # 7 rows: chunks of 3, 3 and 1
    query = ClosureDay.objects.order_by("-date").values_list("date", "description", "pk")

    rows = [tuple(row) for row in measures._rows_in_chunks(query)]

    assert rows == list(query)
    assert [r[1] for r in rows] == [f"Closed {n:02d}" for n in range(6, -1, -1)]
    assert all(type(r[0]) is date for r in rows)  # converted as Django converts them


def test_an_annotation_comes_through_its_converter(days):
    query = (
        ClosureDay.objects.annotate(day=F("date"))
        .filter(description__endswith="3")
        .values_list("day", flat=False)
    )

    assert [tuple(row) for row in measures._rows_in_chunks(query)] == [(date(2025, 1, 9),)]


def test_a_query_that_can_match_nothing_gives_no_rows(days):
    nothing = ClosureDay.objects.filter(pk__in=[]).values_list("date")

    assert list(measures._rows_in_chunks(nothing)) == []
