"""Filters for the server's log.

A refusal (403: a page the user's role does not include) is the access rules working,
not a fault: Django logs it as a warning with the exception's traceback, so every refused
request wrote some twenty lines and the faults that need reading were lost among them.
The warning stays, on one line naming the page; a 403 from anything but
``PermissionDenied`` keeps its traceback.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalsOnOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 403 and isinstance(exc, PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
