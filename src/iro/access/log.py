"""Writing the access log (one row per child viewed or exported)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from iro.access.models import AccessEvent, AccessLogEntry
from iro.children.models import Child


def log_view(*, user, child: Child, what: str) -> None:
    AccessLogEntry.objects.create(user=user, child=child, event=AccessEvent.VIEWED, what=what)


def log_export(
    *, user, what: str, children: Iterable[int] = (), detail: dict | None = None
) -> None:
    """One row for the export itself, and one per child in it (by primary key)."""
    AccessLogEntry.objects.create(
        user=user, event=AccessEvent.EXPORTED, what=what, detail=detail or {}
    )
    # A few thousand rows at a time: a return of every child would otherwise hold one
    # model instance per child in memory at once.
    children = iter(children)
    while chunk := list(islice(children, EXPORT_LOG_CHUNK)):
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(user=user, child_id=pk, event=AccessEvent.EXPORTED, what=what)
            for pk in chunk
        )


EXPORT_LOG_CHUNK = 2000
