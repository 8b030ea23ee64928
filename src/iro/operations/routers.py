"""Reads of reports and exports go to the replica (``DATABASE_REPLICA_URL``) when one is
configured; everything else, and every write, goes to the primary.

The choice is made per request by ``ReplicaMiddleware`` (GET requests under
``REPLICA_PATHS``) or in code with ``with reading_replica():``. With no replica
configured both do nothing: the primary answers.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
# Pages that only read, and whose readers accept figures a second or so behind.
REPLICA_PATHS = ("/reports/",)

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica():
    """Reads inside the block go to the replica, if there is one."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """GET and HEAD requests for report and export pages read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(REPLICA_PATHS):
            with reading_replica():
                return self.get_response(request)
        return self.get_response(request)
