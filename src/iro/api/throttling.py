"""Rate limits per token (or per signed-in user for the browser's session).

DRF's ``SimpleRateThrottle`` keeps its counters in Django's default cache, which for iro
is the database cache (``iro_cache``): shared by every worker process, so the limit is
per token across the service, not per process.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from iro.api.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
