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

A *restricted* child (``Child.restricted``, e.g. a member of staff's relative) is
visible only to the people named on its access list (``RestrictedAccess``), whatever
their role would otherwise see; the list is set by the IRO service manager. To
everyone else a restricted child does not exist: ``child_for`` answers 404, never
403, and no list, count or search shows it. Reports' figures still count it (they do
not go through this module) and statutory returns still include it
(``statutory_return_children``); exports are logged.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from iro.access.capabilities import Capability, has_capability
from iro.children.models import Child, RestrictedAccess
from iro.people.models import Role, Team

NOTHING = Q(pk__in=[])

REFUSED_CHILD = "You do not have access to this child's record."


def child_scope(user) -> Q:
    """The children ``user`` may see, as a filter on ``Child``: those their role sees
    that are not restricted, and the restricted ones whose access list names them."""
    if not has_capability(user, Capability.VIEW_CHILDREN):
        return NOTHING
    role = _role_scope(user)
    listed = RestrictedAccess.objects.filter(user=user)
    if role == Q():
        on_list = Exists(listed.filter(child=OuterRef("pk")))
        return Q(restricted=False) | (Q(restricted=True) & Q(on_list))
    # A narrower role: its children, then the restricted ones on the user's list, as one
    # list of ids, each part read through its own index (a team's children by team); an
    # OR of the two parts would read every child of a region to find a team's hundreds.
    mine = Child.objects.filter(role, restricted=False).order_by().values("pk")
    on_list = listed.filter(child__restricted=True).order_by().values("child_id")
    return Q(pk__in=mine.union(on_list))


def _role_scope(user) -> Q:
    """The children ``user``'s role sees, restriction aside."""
    if not has_capability(user, Capability.VIEW_CHILDREN):
        return NOTHING
    if user.role == Role.IRO and settings.IRO_CHILD_ACCESS == "chaired":
        return Q(
            conference_rows__conference__chair=user,
            conference_rows__conference__voided_at__isnull=True,
            # A child taken off a conference's record (listed by mistake) was never
            # chaired there: the voided row gives no access.
            conference_rows__voided_at__isnull=True,
        )
    if user.role in (
        Role.IRO,
        Role.IRO_MANAGER,
        Role.COORDINATOR,
        Role.SENIOR_MANAGER,
        Role.ANALYST,
    ):
        return Q()
    if user.role == Role.TEAM_MANAGER:
        # The teams first, then their children: an OR across the join to the team
        # would read every child of a region (100,000) to find a team's few hundred.
        teams = Q(manager=user)
        if user.team_id:
            teams |= Q(pk=user.team_id)
        return Q(team__in=Team.objects.filter(teams).values("pk"))
    if user.role == Role.SOCIAL_WORKER:
        return Q(team_id=user.team_id) if user.team_id else Q(social_worker=user)
    return NOTHING


def sees_every_unrestricted_child(user) -> bool:
    """True for the roles that see every child that is not restricted."""
    return _role_scope(user) == Q()


def visible_to(user) -> QuerySet[Child]:
    """Every list of children starts here."""
    role = _role_scope(user)
    if role == NOTHING:
        return Child.objects.none()
    # A narrower role's children are a list of ids (``child_scope``): none repeats.
    return Child.objects.filter(child_scope(user))


def statutory_return_children(user) -> QuerySet[Child]:
    """The children a statutory return (CIN census, Ofsted Annex A) covers for ``user``:
    those their role sees, restricted children included, because the return goes to the
    DfE or Ofsted by identifier and must be complete. The export is logged per child."""
    role = _role_scope(user)
    if role == NOTHING:
        return Child.objects.none()
    queryset = Child.objects.filter(role)
    return queryset.distinct() if role != Q() else queryset


# SQLite refuses a statement with more than 32,766 parameters: long lists go in chunks.
IDS_PER_QUERY = 10_000


def visible_ids(user, child_ids: Iterable[int]) -> set[int]:
    """Of ``child_ids``, the children ``user`` may see (as ``visible_to``). For a role
    that sees every child that is not restricted, one query for the restricted children
    not on the user's list, whatever the number of ids (a list of 10,000 ids checked in
    the database took 47 ms); otherwise ``visible_to``, a chunk of ids at a time."""
    ids = sorted(set(child_ids))
    if _role_scope(user) == NOTHING:
        return set()
    if sees_every_unrestricted_child(user):
        hidden = (
            Child.objects.filter(restricted=True)
            .exclude(restricted_access__user=user)
            .values_list("pk", flat=True)
        )
        return set(ids).difference(hidden)
    visible: set[int] = set()
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        visible.update(visible_to(user).filter(pk__in=chunk).values_list("pk", flat=True))
    return visible


def hidden_restricted(user, child_ids) -> set[int]:
    """Of ``child_ids``, the restricted children ``user`` is not allowed: pages that
    show several children (a sibling group's conference) leave these out entirely."""
    ids = child_ids if isinstance(child_ids, QuerySet) else list(child_ids)
    return set(
        Child.objects.filter(pk__in=ids, restricted=True)
        .exclude(restricted_access__user=user)
        .values_list("pk", flat=True)
    )


def not_hidden(user, child_ids) -> QuerySet:
    """Of ``child_ids`` (a query of ids), the ids of the children that are not kept from
    ``user`` by a restriction: what a page of a record with several children (a sibling
    group's conference) shows them. One query."""
    on_list = Exists(RestrictedAccess.objects.filter(child=OuterRef("pk"), user=user))
    return (
        Child.objects.filter(pk__in=child_ids)
        .filter(Q(restricted=False) | on_list)
        .values_list("pk", flat=True)
    )


def refuse(child: Child):
    """The refusal for a child ``user`` may not see: 404 for a restricted child (nobody
    outside its list learns it exists), 403 otherwise. Raise what this returns."""
    if child.restricted:
        return Http404("No such child")
    return PermissionDenied(REFUSED_CHILD)


@rules.predicate
def can_view_child(user, child: Child | None) -> bool:
    if child is None:
        return has_capability(user, Capability.VIEW_CHILDREN)
    if not child.restricted and sees_every_unrestricted_child(user):
        return True  # the role sees every child not restricted: nothing to look up
    return visible_to(user).filter(pk=child.pk).exists()


rules.add_perm("children.view_child", can_view_child)


def child_for(user, public_id, *, related: tuple[str, ...] = ()) -> Child:
    """The child with ``public_id`` if ``user`` may see them (``related``: the records to
    read with them, as ``select_related``); 404 if none (or restricted and ``user`` is
    not on its list), 403 if refused."""
    try:
        child = Child.objects.select_related(*related).get(public_id=public_id)
    except (Child.DoesNotExist, ValueError) as exc:
        raise Http404("No such child") from exc
    if not can_view_child(user, child):
        raise refuse(child)
    return child


def shows_names(user) -> bool:
    return has_capability(user, Capability.VIEW_CHILD_NAMES)


# What a reader who sees no names is shown in place of free text about a child.
FREE_TEXT_WITHHELD = "[free text not shown]"


def withholds_free_text(user) -> bool:
    """Whether free text written about a child is withheld from ``user`` altogether.

    Readers who see names read it as written. The partnership officer, whose work is the
    challenges they read, sees it screened (``iro.names.screen_for_reader``). The others
    who see no names (the analyst) see none: screening cannot know every name (one only
    in lower case, or only at the start of a sentence, passes), and their work is the
    records' dates and decisions, not what was written."""
    return not shows_names(user) and not has_capability(
        user, Capability.HANDLE_MULTI_AGENCY_CHALLENGES
    )


def display_name(user, child: Child) -> str:
    """The child's name for users who may see names, else the LA child ID."""
    if shows_names(user) and child.full_name:
        return child.full_name
    return f"Child {child.la_child_id}"
