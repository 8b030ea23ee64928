"""A long-running process's start-up objects kept out of the garbage collector's way.

A Django process holds about 150,000 objects from the moment it has loaded its code
(modules, models, URL patterns, settings, translations) until it stops. Python's cyclic
garbage collector walks every tracked object on each full collection, and a page that
makes thousands of objects (a region's work queues: five thousand open plans) set off
several full collections per request: on the regional dataset, 50 ms of the service
manager's 430 ms page and 14 ms of the caseload's 95 ms.

``gc.freeze()`` moves everything tracked so far into the permanent generation, which
collections skip; what the process makes afterwards is collected as before. It is what
the Python documentation advises for a server that forks its workers. gunicorn calls
``settle()`` as each worker finishes loading the application (``iro.wsgi``) and the
background worker as it starts (``iro worker``).
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> int:
    """Load what the first request would (the URL patterns and every view module they
    import), then freeze every object tracked so far. Returns how many were frozen."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the views
    gc.collect()  # start-up's own garbage is freed first, not frozen
    gc.freeze()
    return gc.get_freeze_count()
