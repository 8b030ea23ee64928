"""A queue's rows can be made only when read, so a page of the first hundred of
thousands makes a hundred."""

from __future__ import annotations

from dataclasses import replace

import pytest

from iro.work.queues import LazyRows, Queue, Row


def _lazy(count: int):
    made: list[list[int]] = []

    def make(run):
        made.append(list(run))
        return [Row(href=f"/{n}/", action="Open", cells=(str(n),)) for n in run]

    return LazyRows(list(range(count)), make), made


def test_a_lazy_queue_counts_every_item_but_makes_only_the_rows_it_shows():
    rows, made = _lazy(5000)
    queue = replace(Queue(key="k", title="T", columns=("N",), rows=rows), limit=100)
    assert queue.count == 5000
    assert queue.more == 4900
    assert [row.cells[0] for row in queue.shown] == [str(n) for n in range(100)]
    assert not queue.flagged
    assert queue.child_public_ids == []
    assert made == [list(range(100))]  # one run, made once however often it is read


def test_lazy_rows_read_like_a_tuple():
    rows, made = _lazy(3)
    assert len(rows) == 3
    assert rows[-1].href == "/2/"
    assert rows[0].href == "/0/"
    assert [r.href for r in rows] == ["/0/", "/1/", "/2/"]
    assert rows == tuple(rows)
    with pytest.raises(IndexError):
        rows[3]
    assert made[0] == [2]


def test_a_queue_shown_whole_makes_every_row():
    rows, made = _lazy(250)
    queue = Queue(key="k", title="T", columns=("N",), rows=rows)  # no limit: ?all=
    assert len(queue.shown) == 250 and queue.more == 0
    assert [row.href for row in queue.shown][-1] == "/249/"
    assert made == [list(range(250))]
