"""Every page needs a signed-in user, except sign-in itself and static files."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")
MFA_PREFIXES = ("/accounts/", "/static/")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(OPEN_PREFIXES):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if settings.IRO_REQUIRE_MFA and not path.startswith(MFA_PREFIXES):
                from allauth.mfa.models import Authenticator

                if not Authenticator.objects.filter(user=request.user).exists():
                    return redirect("mfa_activate_totp")
        return self.get_response(request)
