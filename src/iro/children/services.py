"""Writes of children's records. Each function is one transaction with its history row."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from iro import text_limits
from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.children.models import (
    Child,
    Disability,
    Ethnicity,
    Family,
    FamilyMember,
    Relationship,
    RestrictedAccess,
    Sex,
)
from iro.children.search import index_child
from iro.children.selectors import possible_duplicates
from iro.journey.checks import (
    before_birth,
    change_reason,
    check_version,
    choice_values,
    not_in_future,
    saved_by,
)
from iro.text_limits import ADDRESS, too_long

LA_CHILD_ID_REASON_REQUIRED = (
    "Enter why the LA child ID is changing, for example: typed wrongly when the child was "
    "added. The census return and reports will use the new ID."
)
LA_CHILD_ID_TAKEN = (
    "Another child already has LA child ID {id}: no two children can share one. Check the "
    "ID in the case management system, and search for {id} to see who has it."
)
DUPLICATE_LA_CHILD_ID = (
    "A child with LA child ID {id} already exists: search for {id} to open their record, "
    "or, if it belongs to another team, ask the IRO service or that team to allocate the "
    "child. Check the ID if this is a different child."
)
LA_CHILD_ID_REQUIRED = "Enter the LA child ID."
LA_CHILD_ID_CHARACTERS = (
    "The LA child ID can only contain letters A to Z, digits, hyphens (-) and underscores (_)."
)
BIRTH_OR_EXPECTED = "Enter a date of birth or, for an unborn child, an expected date of birth."
UNKNOWN_CODE = "{value!r} is not a valid {what} code."
DEATH_BEFORE_BIRTH = "The date of death cannot be before the date of birth."
POSSIBLE_DUPLICATE = (
    "This child may already be recorded (see the children listed). Check them, then "
    "confirm that this is a different child."
)
NOT_YOUR_TEAM = (
    "You would not be able to see a child allocated to this team: choose a team whose "
    "children you work with."
)
FAMILY_NAME_REQUIRED = "Enter the family's name."
ADULT_NAME_REQUIRED = "Enter the adult's name."
RELATIONSHIP_REQUIRED = "Select how they are related to the children."
MOVE_REASON_REQUIRED = "Enter why the child is moving to another family."
REMOVE_REASON_REQUIRED = "Enter why the adult is being taken off the family."
ALREADY_IN_THAT_FAMILY = "{child} is already in the family of {other}."
SIBLING_IS_THE_CHILD = "Enter the LA child ID of another child, not of {child}."
NAME_TOO_LONG = "The name must be {limit} characters or fewer."


class PossibleDuplicate(ValidationError):
    """Adding a child who may already be recorded, without confirming they are
    different; ``candidates`` are those children (whoever may see them)."""

    def __init__(self, candidates: list[Child]):
        super().__init__({"different_child": POSSIBLE_DUPLICATE})
        self.candidates = candidates


# What case systems and census files use (letters, digits, an underscore or hyphen). The ID
# appears in file names, headers, census files and reports, so nothing else is stored.
_LA_CHILD_ID = re.compile(r"[A-Za-z0-9_-]+")

CHILD_FIELDS = {
    "la_child_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "disabilities",
    "upn",
    "former_upn",
    "upn_unknown",
    "date_of_death",
    "preferred_language",
    "family",
    "team",
    "social_worker",
}


def la_child_id_problem(la_child_id: str) -> str | None:
    """Why ``la_child_id`` (already stripped) cannot be a new child's ID, else None."""
    if not la_child_id:
        return LA_CHILD_ID_REQUIRED
    if not _LA_CHILD_ID.fullmatch(la_child_id):
        return LA_CHILD_ID_CHARACTERS
    return None


BIRTH_AFTER_REFERRAL = (
    "The date of birth cannot be {born:%-d %B %Y}: the child's first referral, on "
    "{first:%-d %B %Y}, would be more than 40 weeks before it."
)


def check_child(child: Child) -> None:
    """A child's details: codes known, text within limits, dates plausible."""
    errors: dict[str, list[str]] = {}
    if not child.la_child_id.strip():
        errors.setdefault("la_child_id", []).append(LA_CHILD_ID_REQUIRED)
    if child.sex not in choice_values(Sex):
        errors.setdefault("sex", []).append(UNKNOWN_CODE.format(value=child.sex, what="sex"))
    if child.ethnicity not in choice_values(Ethnicity):
        errors.setdefault("ethnicity", []).append(
            UNKNOWN_CODE.format(value=child.ethnicity, what="ethnicity")
        )
    for code in child.disabilities:
        if code not in choice_values(Disability):
            errors.setdefault("disabilities", []).append(
                UNKNOWN_CODE.format(value=code, what="disability")
            )
    for field, limit in (
        ("first_name", text_limits.CHILD_NAME),
        ("last_name", text_limits.CHILD_NAME),
        ("preferred_language", text_limits.LANGUAGE),
    ):
        message = text_limits.too_long(getattr(child, field), limit)
        if message:
            errors.setdefault(field, []).append(message)
    for field in ("date_of_birth", "date_of_death"):
        message = not_in_future(getattr(child, field))
        if message:
            errors.setdefault(field, []).append(message)
    if child.date_of_birth and child.date_of_death and child.date_of_death < child.date_of_birth:
        errors.setdefault("date_of_death", []).append(DEATH_BEFORE_BIRTH)
    if errors:
        raise ValidationError(errors)


def _check_birth_before_referral(child: Child) -> None:
    """A date of birth cannot put the child's recorded work implausibly before it (the
    journey services' rule, ``journey.checks.before_birth``, from the other side)."""
    first = child.episodes.order_by("referral_date").values_list("referral_date", flat=True).first()
    if first is not None and before_birth(first, child=child, name=str(child)):
        raise ValidationError(
            {"date_of_birth": [BIRTH_AFTER_REFERRAL.format(born=child.date_of_birth, first=first)]}
        )


def new_child(
    *,
    la_child_id: str,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    sex: str = Sex.UNKNOWN,
    ethnicity: str = Ethnicity.NOBT,
    disabilities: Iterable[str] = (),
    upn: str = "",
    former_upn: str = "",
    upn_unknown: str = "",
    date_of_death: date | None = None,
    preferred_language: str = "English",
    family: Family | None = None,
    team=None,
    social_worker=None,
) -> Child:
    """A new child's record in memory, checked (``check_child``), not saved:
    ``create_child``'s, and the bulk census import's, for children new to the records."""
    child = Child(
        la_child_id=la_child_id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        disabilities=list(disabilities),
        upn=upn,
        former_upn=former_upn,
        upn_unknown=upn_unknown,
        date_of_death=date_of_death,
        preferred_language=preferred_language,
        family=family,
        team=team,
        social_worker=social_worker,
    )
    check_child(child)
    return child


@transaction.atomic
def create_child(
    *,
    acting_user,
    la_child_id: str,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    sex: str = Sex.UNKNOWN,
    ethnicity: str = Ethnicity.NOBT,
    disabilities: Iterable[str] = (),
    upn: str = "",
    former_upn: str = "",
    upn_unknown: str = "",
    date_of_death: date | None = None,
    preferred_language: str = "English",
    family: Family | None = None,
    team=None,
    social_worker=None,
    duplicates_confirmed: bool | None = None,
) -> Child:
    """Create a child record; the LA child ID must be new.

    ``duplicates_confirmed`` False (the pages) refuses, with ``PossibleDuplicate``, a child
    whose name and date of birth or UPN match a recorded child's
    (``children.selectors.possible_duplicates``); True records the person's confirmation
    that they are different. None skips the check (the census import and the demo write
    children whose LA child IDs already identify them). The acting user must be able to
    see the child they add (a social worker adds to their own team).
    """
    require(acting_user, Capability.ADD_CHILDREN, importable=True)
    la_child_id = la_child_id.strip()
    problem = la_child_id_problem(la_child_id)
    if problem is not None:
        raise ValidationError({"la_child_id": problem})
    if Child.objects.filter(la_child_id=la_child_id).exists():
        raise ValidationError({"la_child_id": DUPLICATE_LA_CHILD_ID.format(id=la_child_id)})
    child = new_child(
        la_child_id=la_child_id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        disabilities=list(disabilities),
        upn=upn,
        former_upn=former_upn,
        upn_unknown=upn_unknown,
        date_of_death=date_of_death,
        preferred_language=preferred_language,
        family=family,
        team=team,
        social_worker=social_worker,
    )
    if duplicates_confirmed is False:
        candidates = possible_duplicates(
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth or expected_date_of_birth,
            upn=upn,
        )
        if candidates:
            raise PossibleDuplicate(candidates)
    saved_by(child, acting_user).save()
    index_child(child, new=True)
    from iro.access.scope import sees_every_unrestricted_child, visible_to

    # A new child is not restricted: roles that see every such child need no query.
    if (
        not sees_every_unrestricted_child(acting_user)
        and not visible_to(acting_user).filter(pk=child.pk).exists()
    ):
        raise ValidationError({"team": NOT_YOUR_TEAM})
    return child


@transaction.atomic
def update_child(
    *, child: Child, acting_user, expected_version: int, reason: str = "", **fields
) -> Child:
    """Change a child's details. A stale ``expected_version`` is refused (no lost update);
    ``reason``, if given, is kept on the history row."""
    require(acting_user, Capability.CORRECT_CHILD_DETAILS, child=child, importable=True)
    unknown = set(fields) - CHILD_FIELDS
    if unknown:
        raise TypeError(f"update_child() got unknown fields: {', '.join(sorted(unknown))}")
    child = Child.objects.select_for_update().get(pk=child.pk)
    check_version(child, expected_version)
    changed = [name for name, value in fields.items() if getattr(child, name) != value]
    if not changed:
        return child
    if "la_child_id" in changed:
        _check_new_la_child_id(child, fields["la_child_id"], reason)
    for name in changed:
        value = fields[name]
        setattr(child, name, list(value) if name == "disabilities" else value)
    check_child(child)
    if "date_of_birth" in changed:
        _check_birth_before_referral(child)
    child.version += 1
    update_fields = [f"{n}_id" if n in {"family", "team", "social_worker"} else n for n in changed]
    if reason:
        child._change_reason = change_reason(reason)
    saved_by(child, acting_user).save(update_fields=[*update_fields, "version"])
    if {"first_name", "last_name", "family"} & set(changed):
        index_child(child)
    return child


def _check_new_la_child_id(child: Child, la_child_id: str, reason: str) -> None:
    """A corrected LA child ID: well formed, no other child's, and the reason given (the
    ID is how the case system and the census know the child)."""
    problem = la_child_id_problem(la_child_id)
    others = Child.objects.filter(la_child_id=la_child_id).exclude(pk=child.pk)
    if problem is None and others.exists():
        problem = LA_CHILD_ID_TAKEN.format(id=la_child_id)
    errors = {"la_child_id": [problem]} if problem else {}
    if not reason.strip():
        errors["reason"] = [LA_CHILD_ID_REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_family(*, name: str, acting_user) -> Family:
    """A new family (household); its children are added with ``create_child(family=)``
    and the adults around them with ``add_family_member``."""
    require(acting_user, Capability.ADD_CHILDREN, importable=True)
    return _new_family(name, acting_user)


def _new_family(name: str, acting_user) -> Family:
    """A new family named ``name``, for a caller who checked the acting user's role."""
    name = name.strip()
    if not name:
        raise ValidationError({"family_name": FAMILY_NAME_REQUIRED})
    if len(name) > Family._meta.get_field("name").max_length:
        limit = Family._meta.get_field("name").max_length
        raise ValidationError({"family_name": NAME_TOO_LONG.format(limit=limit)})
    family = Family(name=name)
    saved_by(family, acting_user).save()
    return family


@transaction.atomic
def ensure_family(*, child: Child, acting_user) -> Family:
    """``child``'s family, created (named after their last name) if they have none, so
    that brothers, sisters and adults can be added to it."""
    # A brother or sister's family, or a child moved to it (a correction).
    require(acting_user, (Capability.ADD_CHILDREN, Capability.CORRECT_CHILD_DETAILS), child=child)
    if child.family_id:
        return child.family
    family = _new_family(f"{child.last_name or child.la_child_id} family", acting_user)
    update_child(
        child=child, acting_user=acting_user, expected_version=child.version, family=family
    )
    return family


def _adult_errors(name: str, relationship: str, address: str) -> None:
    """Refuse an adult's details that cannot be saved (the add and change forms)."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = ADULT_NAME_REQUIRED
    elif len(name) > FamilyMember._meta.get_field("name").max_length:
        errors["name"] = NAME_TOO_LONG.format(limit=FamilyMember._meta.get_field("name").max_length)
    if not relationship:
        errors["relationship"] = RELATIONSHIP_REQUIRED
    elif relationship not in choice_values(Relationship):
        errors["relationship"] = UNKNOWN_CODE.format(value=relationship, what="relationship")
    if message := too_long(address, ADDRESS):
        errors["address"] = message
    if errors:
        raise ValidationError(errors)


def _fill_adult(
    member: FamilyMember,
    name: str,
    relationship: str,
    phone: str,
    email: str,
    address: str,
    preferred_language: str,
) -> None:
    """Check an adult's details and put them on ``member`` (the add and change forms)."""
    name = name.strip()
    _adult_errors(name, relationship, address)
    member.name, member.relationship = name, relationship
    member.phone, member.email = phone.strip(), email.strip()
    member.address, member.preferred_language = address.strip(), preferred_language.strip()


def _require_family(
    acting_user, family: Family, capability: Capability = Capability.ADD_CHILDREN
) -> None:
    """The acting user has ``capability`` and sees every child of ``family``."""
    require(
        acting_user,
        capability,
        children=list(family.children.values_list("pk", flat=True)),
    )


@transaction.atomic
def add_family_member(
    *,
    family: Family,
    acting_user,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    preferred_language: str = "English",
    interpreter_needed: bool = False,
    contact_withheld: bool = False,
) -> FamilyMember:
    """An adult around ``family``'s children (a parent, carer or relative) with how to
    reach them. The acting user must see every child of the family."""
    _require_family(acting_user, family)
    member = FamilyMember(family=family)
    _fill_adult(member, name, relationship, phone, email, address, preferred_language)
    member.interpreter_needed = interpreter_needed
    member.contact_withheld = contact_withheld
    saved_by(member, acting_user).save()
    return member


@transaction.atomic
def change_family_member(
    *,
    member: FamilyMember,
    acting_user,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    preferred_language: str = "",
    interpreter_needed: bool = False,
    contact_withheld: bool | None = None,
    expected_version: int | None,
    reason: str = "",
) -> FamilyMember:
    """Correct an adult's details (a misspelt name, a new address); the history keeps
    what they said before, and ``reason`` if given. A stale ``expected_version`` is
    refused (no lost update). Invitations already made keep the details they were sent
    to."""
    member = FamilyMember.objects.select_for_update().select_related("family").get(pk=member.pk)
    _require_family(acting_user, member.family, Capability.CORRECT_CHILD_DETAILS)
    check_version(member, expected_version)
    if message := too_long(reason, text_limits.REASON):
        raise ValidationError({"reason": message})
    _fill_adult(member, name, relationship, phone, email, address, preferred_language)
    member.interpreter_needed = interpreter_needed
    if contact_withheld is not None:  # None: as it is (a change made from elsewhere)
        member.contact_withheld = contact_withheld
    member.version += 1
    if reason.strip():
        member._change_reason = change_reason(reason)
    saved_by(member, acting_user).save()
    return member


@transaction.atomic
def remove_family_member(*, member: FamilyMember, acting_user, reason: str) -> None:
    """Take an adult off the family (added to the wrong family, or no longer around the
    children): they are no longer suggested for invitations. The history keeps them and
    the reason."""
    member = FamilyMember.objects.select_for_update().select_related("family").get(pk=member.pk)
    _require_family(acting_user, member.family, Capability.CORRECT_CHILD_DETAILS)
    if not reason.strip():
        raise ValidationError({"reason": REMOVE_REASON_REQUIRED})
    if message := too_long(reason, text_limits.REASON):
        raise ValidationError({"reason": message})
    member._change_reason = change_reason(reason)
    saved_by(member, acting_user).delete()


@transaction.atomic
def move_to_family(
    *, child: Child, acting_user, expected_version: int, reason: str, sibling: Child | None
) -> Child:
    """Move ``child`` to the family of ``sibling`` (a brother or sister already recorded,
    whom the acting user sees), or with ``sibling=None`` to a family of their own: a child
    added to the wrong family. The adults stay with the family they were added to, so the
    other household's parents are no longer suggested for the child's conferences."""
    require(acting_user, Capability.CORRECT_CHILD_DETAILS, child=child)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = MOVE_REASON_REQUIRED
    elif message := too_long(reason, text_limits.REASON):
        errors["reason"] = message
    if sibling is not None and sibling.pk == child.pk:
        errors["sibling"] = SIBLING_IS_THE_CHILD.format(child=child)
    elif sibling is not None and sibling.family_id and sibling.family_id == child.family_id:
        errors["sibling"] = ALREADY_IN_THAT_FAMILY.format(child=child, other=sibling)
    if errors:
        raise ValidationError(errors)
    if sibling is not None:
        require(acting_user, Capability.CORRECT_CHILD_DETAILS, child=sibling)
        family = ensure_family(child=sibling, acting_user=acting_user)
    else:
        family = _new_family(f"{child.last_name or child.la_child_id} family", acting_user)
    return update_child(
        child=child,
        acting_user=acting_user,
        expected_version=expected_version,
        family=family,
        reason=reason,
    )


# ------------------------------------------------------------------ restricted records

RESTRICTION_LIST_EMPTY = (
    "Name at least one person who may see a restricted record: it cannot be left with "
    "nobody on its list."
)
RESTRICTION_NOT_ELIGIBLE = "{user} cannot be named: their role does not include children's records."


@transaction.atomic
def set_restriction(
    *, child: Child, acting_user, restricted: bool, allowed_users: Iterable = ()
) -> Child:
    """Restrict ``child``'s record to ``allowed_users``, change that list, or lift it.

    The IRO service manager's action (``Capability.RESTRICT_RECORDS``) on a child they
    can see. Restricting a record that was open puts ``acting_user`` on the list too, so
    they keep access; after that the list is exactly ``allowed_users``, and a change that
    would leave it empty is refused. Lifting the restriction removes the list. Every
    change writes history rows (the child's flag and each list entry added or removed).
    """
    from iro.access.capabilities import Capability, has_capability, require_capability
    from iro.access.scope import child_for

    require_capability(acting_user, Capability.RESTRICT_RECORDS)
    child_for(acting_user, child.public_id)
    child = Child.objects.select_for_update().get(pk=child.pk)
    current = {a.user_id: a for a in RestrictedAccess.objects.filter(child=child)}
    wanted: dict[int, object] = {}
    if restricted:
        for user in allowed_users:
            wanted[user.pk] = user
        if not child.restricted:
            wanted.setdefault(acting_user.pk, acting_user)
        if not wanted:
            raise ValidationError({"allowed_users": RESTRICTION_LIST_EMPTY})
        refused = [
            RESTRICTION_NOT_ELIGIBLE.format(user=user)
            for user in wanted.values()
            if not has_capability(user, Capability.VIEW_CHILDREN)
        ]
        if refused:
            raise ValidationError({"allowed_users": refused})
    for user_id, entry in current.items():
        if user_id not in wanted:
            saved_by(entry, acting_user).delete()
    for user_id, user in wanted.items():
        if user_id not in current:
            saved_by(
                RestrictedAccess(child=child, user=user, added_by=acting_user), acting_user
            ).save()
    if child.restricted != restricted:
        child.restricted = restricted
        child.version += 1
        saved_by(child, acting_user).save(update_fields=["restricted", "version"])
    return child


def restriction_history(child: Child) -> list:
    """Each change of the child's access list, newest first: who was added or removed,
    by whom and when (from the history rows)."""
    return list(
        RestrictedAccess.history.filter(child_id=child.pk)
        .select_related("user", "history_user")
        .order_by("-history_date", "-history_id")
    )
