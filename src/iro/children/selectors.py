"""Reads of children's records: finding a child, and children who may be the same.

``find_children`` takes the user and goes through ``iro.access.scope``: it finds only
children the user may see, and a role that sees no names can only find by LA child ID
(a name typed by them is read as an ID, so nothing tells them a child of that name
exists). ``possible_duplicates`` is the service layer's check before a child is added
(it looks at every child: the page decides what to show of those the user may not see).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from itertools import pairwise

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from iro.children.models import Child, Disability, FamilyMember
from iro.children.search import Search, fold, matching, parse

# How alike two folded full names must be to be worth a second look.
SIMILAR_NAME = 0.8


def find_children(user, text: str) -> tuple[Search, QuerySet[Child]]:
    """What ``text`` means for ``user``, and the children it finds among those they may
    see (unordered; every look-up is indexed)."""
    from iro.access.scope import shows_names, visible_to

    search = parse(text, by_name=shows_names(user))
    return search, visible_to(user).filter(matching(search))


def _similar(a: Child, first_name: str, last_name: str) -> bool:
    first, last = fold(first_name), fold(last_name)
    their_first, their_last = fold(a.first_name), fold(a.last_name)
    if not (first or last):
        return False
    if last and last == their_last and (not first or first[:1] == their_first[:1]):
        return True
    if first and first == their_first and (not last or last[:1] == their_last[:1]):
        return True
    # Swapped, or spelt a little differently ("Aleksander Nowak", "Alexander Novak").
    mine = f"{first} {last}".strip()
    return any(
        SequenceMatcher(None, mine, theirs).ratio() >= SIMILAR_NAME
        for theirs in (f"{their_first} {their_last}".strip(), f"{their_last} {their_first}")
    )


def possible_duplicates(
    *,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    upn: str = "",
    exclude: Child | None = None,
) -> list[Child]:
    """Recorded children who may be the one described: the same UPN (current or
    former), or a similar name and the same date of birth (or expected date)."""
    q = Q(pk__in=[])
    upn = (upn or "").strip().upper()
    if upn:
        q |= Q(upn=upn) | Q(former_upn=upn)
    if date_of_birth is not None:
        q |= Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
    found = Child.objects.filter(q).select_related("team")
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return [
        c
        for c in found.order_by("last_name", "first_name", "la_child_id")
        if (upn and upn in (c.upn, c.former_upn)) or _similar(c, first_name, last_name)
    ]


def allocatable_teams(user) -> list:
    """The teams ``user`` may allocate a new child to: those whose children they would
    then see (a social worker their own team, a team manager the teams they manage and
    their own, the IRO service every team)."""
    from iro.access.scope import sees_every_unrestricted_child
    from iro.people.models import Team

    teams = Team.objects.order_by("name")
    if sees_every_unrestricted_child(user):
        return list(teams)
    return list(teams.filter(Q(pk=user.team_id) | Q(manager=user)).distinct())


def family_adult(child: Child, pk: int) -> FamilyMember | None:
    """The adult ``pk`` of ``child``'s family (a child the reader was allowed to open),
    or None: an adult of another family is not reached through this child."""
    if child.family_id is None:
        return None
    return FamilyMember.objects.filter(pk=pk, family_id=child.family_id).first()


# The fields of a child's details a correction may change, as the history names them.
DETAIL_LABELS = {
    "la_child_id": "LA child ID",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disabilities": "Disabilities",
    "upn": "UPN",
    "preferred_language": "Preferred language",
    "team": "Team",
    "social_worker": "Social worker",
    "family": "Family",
}


@dataclass(frozen=True)
class DetailChange:
    at: datetime
    by: str
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before, after)


# The fields of an adult's details a correction may change, as the history names them.
ADULT_LABELS = {
    "name": "Name",
    "relationship": "Relationship",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "preferred_language": "Preferred language",
    "interpreter_needed": "Needs an interpreter",
    "contact_withheld": "Contact details kept from the family",
}


def detail_changes(child: Child, limit: int = 20) -> list[DetailChange]:
    """The latest changes of ``child``'s details (a reader who may see their names), newest
    first: who, when, why, and each field's value before and after."""
    return _changes(child.history, DETAIL_LABELS, limit)


def adult_changes(adult: FamilyMember, limit: int = 20) -> list[DetailChange]:
    """The latest changes of a family adult's details, as ``detail_changes``."""
    return _changes(adult.history, ADULT_LABELS, limit)


def _changes(history, labels: dict[str, str], limit: int) -> list[DetailChange]:
    rows = list(history.select_related("history_user").order_by("-history_date")[: limit + 1])
    out = []
    for newer, older in pairwise(rows):
        delta = newer.diff_against(older, included_fields=list(labels))
        if not delta.changes:
            continue
        out.append(
            DetailChange(
                at=newer.history_date,
                by=str(newer.history_user or "the system"),
                reason=newer.history_change_reason or "",
                changes=[
                    (labels[c.field], _shown(older, c.field), _shown(newer, c.field))
                    for c in delta.changes
                ],
            )
        )
    return out


def _shown(row, field: str) -> str:
    """A field of a history row as words: a choice's label, a related record's name."""
    if field in ("team", "social_worker", "family"):
        try:
            related = getattr(row, field, None)
        except ObjectDoesNotExist:  # removed since: the history keeps only its id
            return "a record since removed"
        return str(related) if related is not None else "none"
    value = getattr(row, field)
    display = getattr(row, f"get_{field}_display", None)
    if display is not None and value:
        return str(display())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, "", []):
        return "none"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if field == "disabilities":
        labels = dict(Disability.choices)
        return ", ".join(labels.get(code, code) for code in value)
    return str(value)
