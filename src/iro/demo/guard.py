"""Demo logins (``demo-<role>``) must be impossible under production settings.

Three locks, all keyed on ``settings.DEMO_LOGINS_ALLOWED`` (False in production):

- ``iro demo`` refuses to run (see the management command);
- no user whose username starts ``demo-`` can be saved (``refuse_demo_user``, a
  ``pre_save`` receiver connected in ``DemoConfig.ready``), so the admin,
  ``createsuperuser`` or a script cannot make one either;
- no such user can sign in (``RefuseDemoLoginsBackend``, listed first in
  ``AUTHENTICATION_BACKENDS``), for a database that was copied from a demo;
- no such user stays signed in (``RefuseDemoSessionsMiddleware``): a session opened
  before the switch to production is ended at its next request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

DEMO_USERNAME_PREFIX = "demo-"
DEMO_LOGINS_REFUSED = (
    "Demo logins are not allowed under production settings (DEMO_LOGINS_ALLOWED is False)."
)


def is_demo_username(username: str | None) -> bool:
    """True for ``demo-iro``, ``Demo-Admin`` and the like, whatever the case or spaces."""
    return bool(username) and username.strip().lower().startswith(DEMO_USERNAME_PREFIX)


def demo_logins_allowed() -> bool:
    return bool(getattr(settings, "DEMO_LOGINS_ALLOWED", False))


def refuse_demo_user(sender, instance, **kwargs) -> None:
    """``pre_save`` on the user model: no demo user is ever written in production."""
    if not demo_logins_allowed() and is_demo_username(instance.username):
        raise PermissionDenied(DEMO_LOGINS_REFUSED)


class RefuseDemoLoginsBackend(BaseBackend):
    """Stops authentication of a ``demo-`` username in production.

    Raising ``PermissionDenied`` makes ``django.contrib.auth.authenticate`` give up
    at once, so the backends after this one are never asked. Outside production it
    answers nothing and the other backends decide.
    """

    def authenticate(self, request, username: str | None = None, **credentials):
        if not demo_logins_allowed() and is_demo_username(username):
            raise PermissionDenied(DEMO_LOGINS_REFUSED)
        return None

    def get_user(self, user_id):
        # A session may name this backend (force_login takes the first one listed);
        # the user is then read as Django's own backend would.
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().get_user(user_id)


class RefuseDemoSessionsMiddleware:
    """Signs out a demo user's session under production settings (a session from
    before the switch would otherwise stay signed in until it expired)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not demo_logins_allowed()
            and is_demo_username(user.get_username())
        ):
            from django.contrib.auth import logout

            logout(request)
        return self.get_response(request)
