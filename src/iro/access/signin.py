"""Sign-in lockout: failed sign-ins counted per account *and* address, for both factors.

django-axes keeps the counts in the database (``AXES_HANDLER`` is its database
handler), so every gunicorn worker sees the same count. The settings lock on the
combination of username and client address (``AXES_LOCKOUT_PARAMETERS``):

- five wrong passwords for one account from one address lock that account at that
  address only; colleagues behind the same proxy can still sign in;
- a success resets the count of that account at that address only, never anyone else's;
- a wrong second factor (TOTP or recovery code) at allauth's two-factor stage counts as
  a failure of that account at that address (``SecondFactorForm``, set in
  ``MFA_FORMS``), and a locked account cannot pass the second factor either.

allauth's own ``login_failed`` rate limit is switched off (``ACCOUNT_RATE_LIMITS``):
axes is the one counter. allauth's other rate limits use the shared database cache.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT = (
    "There have been too many failed attempts to sign in to this account from this "
    "address, so it cannot sign in from here for now."
)
LOCKED_OUT_TEMPLATE = "account/locked_out.html"
LOCKED_OUT_STATUS = 429


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The username axes counts under: stripped and in lower case, as allauth matches
    usernames whatever their case (so ``Ivy`` and ``IVY`` share ``ivy``'s count).

    ``credentials`` come as allauth passes them (``username``) or as axes builds them
    (``AXES_USERNAME_FORM_FIELD``, the sign-in form's ``login``)."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    elif request is not None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind ``IRO_TRUSTED_PROXY_COUNT`` proxies that append to
    ``X-Forwarded-For``, the address the nearest of them saw; otherwise ``REMOTE_ADDR``
    (a client can write anything in ``X-Forwarded-For``, so it is read only when the
    operator says how many proxies of theirs are in front). Only a real IP address is
    returned (the database keeps it as one), else None."""
    trusted = getattr(settings, "IRO_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted and _is_ip(hops[-trusted]):
            return hops[-trusted]
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: the service's layout, status 429."""
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME) if settings.AXES_COOLOFF_TIME else None
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    response: HttpResponse = render(
        request,
        LOCKED_OUT_TEMPLATE,
        {"message": LOCKED_OUT, "cool_off_minutes": minutes},
        status=LOCKED_OUT_STATUS,
    )
    return response


def _axes_enabled() -> bool:
    return bool(getattr(settings, "AXES_ENABLED", False))


class CountedSecondFactor:
    """Mixed into allauth's code forms: a wrong code is a failed sign-in for axes, and a
    locked account+address is refused before its code is even looked at."""

    user = None  # set by allauth's form

    def clean_code(self) -> str:
        request = context.request
        credentials = {"username": self.user.get_username()}
        if _axes_enabled():
            from axes.handlers.proxy import AxesProxyHandler

            if not AxesProxyHandler.is_allowed(request, credentials):
                # Counted like a password tried while locked out: axes marks the
                # request, and its middleware answers with the locked-out page.
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                raise ValidationError(LOCKED_OUT, code="locked_out")
        try:
            return super().clean_code()
        except ValidationError:
            if _axes_enabled():
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            raise


class SecondFactorForm(CountedSecondFactor, AuthenticateForm):
    """The two-factor stage of signing in (``MFA_FORMS["authenticate"]``)."""


class SecondFactorReauthenticateForm(CountedSecondFactor, ReauthenticateForm):
    """Confirming a sensitive change with a code (``MFA_FORMS["reauthenticate"]``)."""
