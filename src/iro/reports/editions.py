"""Which edition of a report a reader gets: the one question the report pages and the API
both ask (``edition_for``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from iro.access.scope import shows_names
from iro.reports.builders import EDITIONS, INTERNAL, PUBLISHED

UNKNOWN_EDITION = "There is no such edition: choose internal or published."
PUBLISHED_ONLY = (
    "Your role sees no names, so it reads the published edition of reports, "
    "which names no chair and no child."
)


def edition_for(user, asked: str | None) -> str:
    """The edition ``user`` asked for, or their default: internal for roles that see names,
    published (the only one they may have) for roles that see none. Http404 for an
    unknown edition, PermissionDenied for internal to a role that sees no names."""
    may_see_internal = shows_names(user)
    edition = asked or (INTERNAL if may_see_internal else PUBLISHED)
    if edition not in EDITIONS:
        raise Http404(UNKNOWN_EDITION)
    if edition == INTERNAL and not may_see_internal:
        raise PermissionDenied(PUBLISHED_ONLY)
    return edition
