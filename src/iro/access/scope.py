"""Which children a user may see: the one rule, used by every read.

``child_scope(user)`` is a ``Q`` over ``Child``; ``visible_to`` filters with it
and the ``rules`` predicate ``can_view_child`` asks the database with the same
``Q``, so the list and the object check cannot disagree.

- IRO service (IROs, their manager, coordinators), senior managers, analysts:
  every child, unless ``IRO_CHILD_ACCESS="chaired"`` limits IROs to children
  whose conferences they chair or chaired.
- Social workers: children allocated to their team.
- Team managers: children of the teams they manage and their own team.
- Partnership officers and administrators: no children's records.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from iro.access.capabilities import Capability, has_capability
from iro.children.models import Child
from iro.people.models import Role

NOTHING = Q(pk__in=[])

REFUSED_CHILD = "You do not have access to this child's record."


def child_scope(user) -> Q:
    """The children ``user`` may see, as a filter on ``Child``."""
    if not has_capability(user, Capability.VIEW_CHILDREN):
        return NOTHING
    if user.role == Role.IRO and settings.IRO_CHILD_ACCESS == "chaired":
        return Q(conference_rows__conference__chair=user)
    if user.role in (
        Role.IRO,
        Role.IRO_MANAGER,
        Role.COORDINATOR,
        Role.SENIOR_MANAGER,
        Role.ANALYST,
    ):
        return Q()
    if user.role == Role.TEAM_MANAGER:
        team_q = Q(team__manager=user)
        if user.team_id:
            team_q |= Q(team_id=user.team_id)
        return team_q
    if user.role == Role.SOCIAL_WORKER:
        return Q(team_id=user.team_id) if user.team_id else Q(social_worker=user)
    return NOTHING


def visible_to(user) -> QuerySet[Child]:
    """Every list of children starts here."""
    scope = child_scope(user)
    if scope == NOTHING:
        return Child.objects.none()
    queryset = Child.objects.filter(scope)
    if scope != Q():
        # A join through conferences can repeat a child.
        queryset = queryset.distinct()
    return queryset


@rules.predicate
def can_view_child(user, child: Child | None) -> bool:
    if child is None:
        return has_capability(user, Capability.VIEW_CHILDREN)
    return visible_to(user).filter(pk=child.pk).exists()


rules.add_perm("children.view_child", can_view_child)


def child_for(user, public_id) -> Child:
    """The child with ``public_id`` if ``user`` may see them; 404 if none, 403 if refused."""
    try:
        child = Child.objects.get(public_id=public_id)
    except (Child.DoesNotExist, ValueError) as exc:
        raise Http404("No such child") from exc
    if not can_view_child(user, child):
        raise PermissionDenied(REFUSED_CHILD)
    return child


def shows_names(user) -> bool:
    return has_capability(user, Capability.VIEW_CHILD_NAMES)


def display_name(user, child: Child) -> str:
    """The child's name for users who may see names, else the LA child ID."""
    if shows_names(user) and child.full_name:
        return child.full_name
    return f"Child {child.la_child_id}"
