"""Making and revoking API tokens: the one write path for ``ApiToken``.

A user makes and revokes their own tokens; an administrator (``ADMINISTER``) may revoke
anyone's and make one for another user. The token is returned once, by ``create_token``;
only its SHA-256 is kept.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from iro import text_limits
from iro.access.capabilities import Capability, has_capability
from iro.api.models import ApiToken
from iro.journey.checks import one_line

TOKEN_PREFIX = "iro_"  # noqa: S105 - the visible prefix
DEFAULT_DAYS = 90
MAX_DAYS = 366

NAME_REQUIRED = "Enter what the token is for, for example “Case system nightly sync”."
DAYS_RANGE = f"A token lasts from 1 to {MAX_DAYS} days."
NOT_YOURS = "You may only manage your own API tokens."
ONLY_THE_OWNER_MAKES = (
    "A token acts as the person it belongs to, so only they make one, on their API tokens "
    "page. An administrator lists and revokes tokens."
)
ALREADY_REVOKED = "This token is already revoked."


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _may_manage(acting_user, owner) -> bool:
    return acting_user.pk == owner.pk or has_capability(acting_user, Capability.ADMINISTER)


@transaction.atomic
def create_token(*, user, name: str, days: int, acting_user) -> tuple[ApiToken, str]:
    """A new token for ``user``, and the token itself (to be shown once). Only its owner
    makes one: a token acts as them, so whoever saw it could read what they read (an
    administrator, who sees no child's record, would read every one a manager does)."""
    if not acting_user.is_active:
        raise PermissionDenied(NOT_YOURS)
    if acting_user.pk != user.pk:
        raise PermissionDenied(ONLY_THE_OWNER_MAKES)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(NAME_REQUIRED)
    for problem in (one_line(name), text_limits.too_long(name, 100)):
        if problem:
            errors.setdefault("name", []).append(problem)
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors.setdefault("days", []).append(DAYS_RANGE)
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        created_at=now,
        created_by=acting_user,
        expires_at=now + timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def revoke_token(*, token: ApiToken, acting_user) -> ApiToken:
    if not _may_manage(acting_user, token.user):
        raise PermissionDenied(NOT_YOURS)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-pk")
