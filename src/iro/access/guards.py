"""What every write service asks before it changes a child's record.

``require(acting_user, capability, child=...)`` (or ``conference=``) refuses, with
``PermissionDenied`` and a clear message, a user whose role lacks the capability or who
may not see the child (every child of the conference), with one query. The pages ask the
same first; the services ask again because the API, the census import and the demo call
them directly.

The census import writes whole case histories (conferences, plans) as recorded in a
statutory return: ``census_import(user)`` lets a user who may import returns do that,
for the import only (the importer wraps its work in it); the child must still be
visible to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied

from iro.access.capabilities import Capability, has_capability, refusal
from iro.access.scope import (
    REFUSED_CHILD,
    hidden_restricted,
    sees_every_unrestricted_child,
    visible_to,
)

REFUSED_CONFERENCE_CHILD = "You do not have access to the record of every child at this conference."

_importing: ContextVar[int | None] = ContextVar("iro_census_import", default=None)


@contextmanager
def census_import(user) -> Iterator[None]:
    """The census import, by ``user`` who may import statutory returns."""
    if not has_capability(user, Capability.IMPORT_RETURNS):
        raise PermissionDenied(refusal(Capability.IMPORT_RETURNS))
    token = _importing.set(user.pk)
    try:
        yield
    finally:
        _importing.reset(token)


def _importing_as(user) -> bool:
    return user.pk is not None and _importing.get() == user.pk


def require(
    user,
    capabilities: Capability | tuple[Capability, ...],
    *,
    child=None,
    children=(),
    conference=None,
    importable: bool = False,
) -> None:
    """Refuse ``user`` unless their role has one of ``capabilities`` (or, for an
    ``importable`` write, a census import is under way by them) and they may see
    ``child``, each of ``children`` (children or primary keys) and every child of
    ``conference``."""
    if isinstance(capabilities, Capability):
        capabilities = (capabilities,)
    allowed = any(has_capability(user, c) for c in capabilities) or (
        importable and _importing_as(user)
    )
    if not allowed:
        raise PermissionDenied(refusal(capabilities[0]))
    wanted = {getattr(c, "pk", c) for c in children}
    if child is not None:
        wanted.add(getattr(child, "pk", child))
    if wanted:
        require_child(user, *wanted)
    if conference is not None:
        require_conference_children(user, conference)


def require_child(user, *children) -> None:
    """Refuse ``user`` unless they may see each of ``children`` (children or primary
    keys), with one query."""
    wanted = {getattr(c, "pk", c) for c in children}
    if visible_to(user).filter(pk__in=wanted).count() != len(wanted):
        raise PermissionDenied(REFUSED_CHILD)


def require_conference_children(user, conference) -> None:
    """Refuse ``user`` unless they may see every child of ``conference`` (one query)."""
    from iro.journey.models import ConferenceChild

    # Every row, a voided conference's too: a guard must never pass for want of rows.
    children = ConferenceChild.all_objects.filter(conference=conference).values("child_id")
    if sees_every_unrestricted_child(user):
        # The role sees them all but a restricted child off whose list the user is.
        refused = bool(hidden_restricted(user, children))
    else:
        refused = children.exclude(child__in=visible_to(user)).exists()
    if refused:
        raise PermissionDenied(REFUSED_CONFERENCE_CHILD)
