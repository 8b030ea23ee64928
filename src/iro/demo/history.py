"""Write django-simple-history's rows in batches while the demo is built.

The demo writes ~70,000 records through the services, and each save normally
writes its history row at once: building a historical model instance and an
INSERT per save, about a third of the build's time. Inside
``deferred_history()`` the rows are the same (one per save, the same type,
user and time, in the same order) but they are collected as plain values and
inserted with ``bulk_create`` at the end, still inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

BATCH_SIZE = 500


@dataclass
class _Collected:
    rows: dict[type, list] = field(default_factory=dict)

    def add(self, instance, history_type: str) -> None:
        history_model = _history_model(type(instance))
        if history_model is None or hasattr(instance, "skip_history_when_saving"):
            return
        user = getattr(instance, "_history_user", None)
        if user is None:
            user = history_model.get_default_history_user(instance)
        row = history_model(
            history_date=getattr(instance, "_history_date", None) or timezone.now(),
            history_type=history_type,
            history_user=user,
            history_change_reason=getattr(instance, "_change_reason", "") or "",
            **{f.attname: getattr(instance, f.attname) for f in history_model.tracked_fields},
        )
        self.rows.setdefault(history_model, []).append(row)


_models: dict[type, type | None] = {}


def _history_model(model: type) -> type | None:
    """The historical model simple-history made for ``model``, if it keeps history."""
    if model not in _models:
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        _models[model] = getattr(model, attribute).model if attribute else None
    return _models[model]


@contextmanager
def deferred_history() -> Iterator[None]:
    """History rows of every save inside the block, written in bulk when it ends."""
    collected = _Collected()

    def saved(sender, instance, created, raw=False, **kwargs) -> None:
        if not raw:
            collected.add(instance, "+" if created else "~")

    def deleted(sender, instance, **kwargs) -> None:
        collected.add(instance, "-")

    post_save.connect(saved, weak=False, dispatch_uid="iro.demo.deferred_history.save")
    post_delete.connect(deleted, weak=False, dispatch_uid="iro.demo.deferred_history.delete")
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
        post_save.disconnect(dispatch_uid="iro.demo.deferred_history.save")
        post_delete.disconnect(dispatch_uid="iro.demo.deferred_history.delete")
    for history_model, rows in collected.rows.items():
        history_model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
