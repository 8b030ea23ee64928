"""Every page needs a signed-in user, except sign-in itself and static files.

When a second factor is required (``IRO_REQUIRE_MFA``, on in production), it is the
*session* that must have passed it, not merely the account that must own one: a session
signed in by a password alone (from before the switch to production, or by any door
that skipped the second factor) is signed out and sent back to sign in. A user with no
second factor yet is sent to set one up, and setting it up (a valid code) counts as
passing it for that session.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from iro.access.session_time import end_if_over, note_activity

# The API answers for itself (a token or the session, else 401: iro.api.authentication).
# /feedback/ is the form for people without an account, opened by a single-use link or
# code (iro.challenge.given_views).
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/favicon.ico", "/api/", "/feedback/")
MFA_PREFIXES = ("/accounts/", "/static/")
SESSION_STATUS_PATH = "/accounts/session/"  # iro.urls: session_status

SIGN_IN_AGAIN = "Please sign in again with your second factor (your authenticator app)."


def passed_second_factor(request, user) -> bool:
    """True if this session's sign-in included the second factor."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_second_factor_set_up(sender, request, user, authenticator, **kwargs) -> None:
    """``authenticator_added``: a code from the new authenticator was just checked."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and getattr(request, "user", None) == user:
        record_authentication(request, user, "mfa", type=authenticator.type, set_up=True)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        end_if_over(request)  # a session past its time is signed out first
        if not (request.method == "GET" and path == SESSION_STATUS_PATH):
            note_activity(request)  # not the page's own "how long is left?"
        if not path.startswith(OPEN_PREFIXES):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if settings.IRO_REQUIRE_MFA and not path.startswith(MFA_PREFIXES):
                refused = self._second_factor_missing(request)
                if refused is not None:
                    return refused
        return self.get_response(request)

    def _second_factor_missing(self, request):
        from allauth.mfa.models import Authenticator

        user = request.user
        if not Authenticator.objects.filter(user=user).exists():
            return redirect("mfa_activate_totp")
        if not passed_second_factor(request, user):
            next_path = request.get_full_path()
            logout(request)
            messages.warning(request, SIGN_IN_AGAIN)
            return redirect_to_login(next_path)
        return None


class MethodNotAllowedPage:
    """A page for an address opened the wrong way (a button's address typed or followed
    as a link: ``require_POST`` answers 405 with no body, which browsers show as their
    own error). The API keeps its JSON error."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        from django.shortcuts import render

        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
