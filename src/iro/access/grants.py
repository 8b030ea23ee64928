"""Giving a user a role: the one write path, with the duties separated.

- Nobody gives themself a role (nor takes one away from themself): a role that opens
  children's records always comes from someone else.
- Only an administrator gives roles (or the server's console, ``iro grant-role``, for
  the first administrator: ``acting_user=None``).
- Every grant is written to ``RoleGrant`` in the same transaction, and the IRO service
  manager sees them all, the ones that open children's records first. A grant that opens
  children's records is also a notice (and email) to each of them, at once: an account
  made for the wrong person, or by an administrator for themself, is seen the same day.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iro.access.capabilities import ROLE_CAPABILITIES, Capability, has_capability, users_with
from iro.access.models import RoleGrant
from iro.people.models import Role

OWN_ROLE = "Nobody can change their own role: ask another administrator."
NOT_AN_ADMINISTRATOR = "Only an administrator can give a role."
UNKNOWN_ROLE = "{role!r} is not a role. Roles: {roles}."


def opens_children(role: str) -> bool:
    return Capability.VIEW_CHILDREN in ROLE_CAPABILITIES.get(role, frozenset())


def _check(*, user, role: str, acting_user) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": UNKNOWN_ROLE.format(role=role, roles=", ".join(Role.values))}
        )
    if acting_user is None:
        return  # the server's console
    if acting_user.pk == user.pk:
        raise PermissionDenied(OWN_ROLE)
    if not has_capability(acting_user, Capability.ADMINISTER):
        raise PermissionDenied(NOT_AN_ADMINISTRATOR)


@transaction.atomic
def change_role(*, user, role: str, acting_user) -> RoleGrant | None:
    """Give ``user`` the ``role``; None if they have it already."""
    _check(user=user, role=role, acting_user=acting_user)
    if user.pk is not None and user.role == role:
        return None
    from_role = user.role
    user.role = role
    if user.pk is None:
        user.save()
    else:
        user.save(update_fields=["role"])
    return _recorded(
        RoleGrant.objects.create(
            user=user,
            from_role=from_role or "",
            to_role=role,
            opens_children=opens_children(role),
            granted_by=acting_user,
        )
    )


def check_new_user(*, user, acting_user) -> None:
    """For a user about to be created with a role: the same refusals as ``change_role``."""
    _check(user=user, role=user.role, acting_user=acting_user)


def record_new_user(*, user, acting_user) -> RoleGrant:
    """The grant of a new user's first role (the user is already saved with it)."""
    return _recorded(
        RoleGrant.objects.create(
            user=user,
            from_role="",
            to_role=user.role,
            opens_children=opens_children(user.role),
            granted_by=acting_user,
        )
    )


OPENED = "{user} was given the role {role}, which opens children's records"


def _recorded(grant: RoleGrant) -> RoleGrant:
    """Tell those who review roles of a grant that opens children's records (not the one
    who gave it, nor the one given it)."""
    if not grant.opens_children:
        return grant
    from django.urls import reverse

    from iro.notices.services import notify

    left_out = {grant.user_id, grant.granted_by_id}
    subject = OPENED.format(user=grant.user, role=Role(grant.to_role).label)
    for reviewer in users_with(Capability.REVIEW_ROLE_GRANTS):
        if reviewer.pk not in left_out:
            notify(
                recipient=reviewer,
                subject=subject,
                link=reverse("role_grants"),
                acting_user=grant.granted_by,
                settled=True,
            )
    return grant
