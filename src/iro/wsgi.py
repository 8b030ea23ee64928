"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: say at start-up if production sign-in is weakened.
from iro.access.checks import log_start_up_warnings  # noqa: E402

log_start_up_warnings()

# Everything loaded so far lives as long as the worker: out of the collector's way.
from iro.operations.settle import settle  # noqa: E402

settle()
