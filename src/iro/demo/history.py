"""Write django-simple-history's rows in batches while the demo is built.

The demo writes ~70,000 records through the services, and each save normally
writes its history row at once: a historical model instance and an INSERT per
save, about a third of the build's time. Inside ``deferred_history()`` the rows
are the same (one per save, with the same type, user and time, in the same
order) but each is kept as a tuple of values when the save happens and all are
inserted with one ``executemany`` per history table when the block ends, still
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router
from django.db.models import Field
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

# Columns simple-history adds to every historical table, beside the tracked fields.
HISTORY_DATE = "history_date"
HISTORY_TYPE = "history_type"
HISTORY_USER = "history_user_id"
HISTORY_REASON = "history_change_reason"


class _Table:
    """One historical table: its columns, and how to read each from a saved instance."""

    def __init__(self, history_model: type) -> None:
        self.model = history_model
        tracked = {f.attname for f in history_model.tracked_fields}
        self.fields: list[Field] = [
            f
            for f in history_model._meta.concrete_fields
            if not f.primary_key and (f.attname in tracked or f.attname in _HISTORY_COLUMNS)
        ]
        missing = set(_HISTORY_COLUMNS) - {f.attname for f in self.fields}
        if missing:  # a simple-history that names its columns differently
            raise RuntimeError(f"{history_model.__name__} has no {', '.join(sorted(missing))}")
        self.rows: list[tuple] = []

    def add(self, instance, history_type: str) -> None:
        user = getattr(instance, "_history_user", None)
        if user is None:
            user = self.model.get_default_history_user(instance)
        extra = {
            HISTORY_DATE: getattr(instance, "_history_date", None) or timezone.now(),
            HISTORY_TYPE: history_type,
            HISTORY_USER: getattr(user, "pk", None),
            HISTORY_REASON: getattr(instance, "_change_reason", None),
        }
        self.rows.append(
            tuple(
                extra[f.attname] if f.attname in extra else getattr(instance, f.attname)
                for f in self.fields
            )
        )

    def write(self) -> None:
        if not self.rows:
            return
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        # Names from the model's own metadata, quoted; every value is a parameter.
        table = quote(self.model._meta.db_table)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        params = [
            [
                f.get_db_prep_save(value, connection)
                for f, value in zip(self.fields, row, strict=True)
            ]
            for row in self.rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


_HISTORY_COLUMNS = (HISTORY_DATE, HISTORY_TYPE, HISTORY_USER, HISTORY_REASON)
_history_models: dict[type, type | None] = {}


def _history_model(model: type) -> type | None:
    """The historical model simple-history made for ``model``, if it keeps history."""
    if model not in _history_models:
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        _history_models[model] = getattr(model, attribute).model if attribute else None
    return _history_models[model]


@contextmanager
def deferred_history() -> Iterator[None]:
    """History rows of every save inside the block, written in bulk when it ends."""
    tables: dict[type, _Table] = {}

    def collect(instance, history_type: str) -> None:
        history_model = _history_model(type(instance))
        if history_model is None or hasattr(instance, "skip_history_when_saving"):
            return
        if history_model not in tables:
            tables[history_model] = _Table(history_model)
        tables[history_model].add(instance, history_type)

    def saved(sender, instance, created, raw=False, **kwargs) -> None:
        if not raw:
            collect(instance, "+" if created else "~")

    def deleted(sender, instance, **kwargs) -> None:
        collect(instance, "-")

    receivers: list[tuple[object, Callable, str]] = [
        (post_save, saved, "iro.demo.deferred_history.save"),
        (post_delete, deleted, "iro.demo.deferred_history.delete"),
    ]
    for signal, receiver, uid in receivers:
        signal.connect(receiver, weak=False, dispatch_uid=uid)
    # simple-history reads this setting at every save; off, its own receivers do nothing.
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", None)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is None:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous
        for signal, _, uid in receivers:
            signal.disconnect(dispatch_uid=uid)
    for table in tables.values():
        table.write()
