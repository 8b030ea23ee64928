"""The shape every work queue has, whichever app computes it.

A queue is a titled list of rows; each row is one click from its action. Queues are
computed by selectors in the app that owns the records (journey for conferences,
challenge for disputes and challenges) and shown by the role's landing page. A queue's
selector runs a fixed number of queries, whatever the size of the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Row:
    """One piece of waiting work. ``cells`` line up with the queue's ``columns``; the
    first cell is usually who or what it is about (a child shown as the user may see
    them: ``iro.access.scope.display_name``)."""

    href: str
    action: str
    cells: tuple[str, ...]
    child_public_ids: tuple[UUID, ...] = ()
    flag: str = ""  # a word or two shown as a tag ("Overdue", "At risk")
    tone: str = ""  # the tag's colour: "red", "orange" or "" (grey)
    # What the link is for, read by a screen reader after the action ("Record progress
    # for ..."); the first cell when blank. Set where one child can have several rows.
    about: str = ""


class LazyRows(Sequence):
    """A queue's (or a report list's) rows, made only when read: ``items`` are the waiting
    pieces of work in
    the queue's order (whatever the selector needed to count and order them), and
    ``make(run)`` makes the rows of a run of them, with any lookups it needs done once
    for the run. A page that shows the first hundred of five thousand makes a hundred.
    Each run read is made once."""

    def __init__(self, items: Sequence[Any], make: Callable[[Sequence[Any]], Sequence[Row]]):
        self._items = items
        self._make = make
        self._made: dict[tuple, tuple[Row, ...]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            key = index.indices(len(self._items))
            if key not in self._made:
                self._made[key] = tuple(self._make(self._items[index]))
            return self._made[key]
        position = range(len(self._items))[index]  # IndexError beyond the end, as a tuple
        return self[position : position + 1][0]

    def __iter__(self):
        return iter(self[:])

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: Sequence[Row]  # a tuple, or ``LazyRows`` for a queue that can run to thousands
    empty: str = "Nothing is waiting."
    hint: str = ""
    extra: dict = field(default_factory=dict)
    # False for a table that is not waiting work (each IRO's load): no count at the top.
    counted: bool = True
    # How many rows a page shows (None: all); the count is still of every row.
    limit: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def shown(self) -> tuple[Row, ...]:
        """The rows a page shows: the first ``limit`` of them, in the queue's order."""
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def more(self) -> int:
        """How many rows the page does not show."""
        return self.count - len(self.shown)

    @property
    def flagged(self) -> bool:
        """Whether any shown row carries a flag (the page then shows a status column)."""
        return any(row.flag for row in self.shown)

    @property
    def child_public_ids(self) -> list[UUID]:
        """Every child the shown rows name, for ``iro.access.read_log.shown``."""
        return [pid for row in self.shown for pid in row.child_public_ids]
