"""System checks for settings that weaken sign-in in production.

Registered in ``AccessConfig.ready``; shown by ``iro check`` (with or without
``--deploy``), ``iro migrate`` and ``runserver``, and logged when gunicorn loads the
application (``iro.wsgi`` calls ``log_start_up_warnings``), since gunicorn runs no checks.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import checks

MFA_OFF_IN_PRODUCTION = (
    "IRO_REQUIRE_MFA is false under production settings: people can use the service "
    "with a password alone, without a second factor."
)
MFA_OFF_HINT = (
    "Remove IRO_REQUIRE_MFA from the environment (production requires a second factor by "
    "default) or set it to true."
)

logger = logging.getLogger("iro.security")


@checks.register(checks.Tags.security)
def second_factor_required_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "IRO_REQUIRE_MFA", True):
        return [checks.Warning(MFA_OFF_IN_PRODUCTION, hint=MFA_OFF_HINT, id="iro.W001")]
    return []


def log_start_up_warnings() -> None:
    """Log the warnings above once, as the application starts."""
    for message in second_factor_required_in_production():
        logger.warning("%s (%s) %s", message.msg, message.id, message.hint)
