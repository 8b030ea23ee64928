"""Who is calling: a per-user token (``Authorization: Bearer iro_…``) or, for the
browser, the signed-in session (with its CSRF check, and the second factor when the
service requires one, as for the pages)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from iro.api.models import ApiToken
from iro.api.services import TOKEN_PREFIX, hash_token

_NOT_VALID = "The API token is not valid: it may be mistyped, expired or revoked, or its"
BAD_TOKEN = f"{_NOT_VALID} user's account made inactive."
# Writing ``last_used_at`` on every request would make every read a write.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(BAD_TOKEN) from None
        if not raw.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, refused (as unauthenticated) when the service requires a
    second factor and this session has not passed it."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        if settings.IRO_REQUIRE_MFA:
            from iro.access.middleware import passed_second_factor

            if not passed_second_factor(request._request, found[0]):
                return None
        return found
