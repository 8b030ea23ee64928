"""Every name the service has recorded, for screening free text (``iro.names``).

The screens of ``iro.names`` are given the names recorded around the record a text is
about; a text can also name someone of another family (a child's friend, a cousin, a
family the writer worked with the same day), or a chair. ``KnownName`` holds every word
of every name recorded, kept up to date as the records are saved (the signals below);
``known_among(texts)`` answers which words of some texts are such names, with one
indexed query whatever the size of the service, so a page does not read every child's
name to show one paragraph.

What counts as a name's word is ``iro.names.name_parts``; which of a text's words may be
one is ``iro.names.candidates``. A bulk write that bypasses ``post_save`` (none writes
names today: the census carries none) must call ``record`` itself; ``rebuild`` writes
the whole table again from the records (the migration that made it does).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_save

from iro.access.models import KnownName
from iro.names import candidates, name_parts

# The longest word kept (the column's length); a longer "word" is no one's name.
LONGEST = 80
# SQLite's limit of variables in one statement is far above this; PostgreSQL has none.
_CHUNK = 500
# The invitees and core group members whose names are a family's (as
# ``journey.selectors.FAMILY_ROLES``; the others are professionals, named on purpose).
FAMILY_ROLES = ("parent", "relative", "child")


def record(names: Iterable[str], *, staff: bool = False, model=KnownName) -> None:
    """Keep the words of ``names`` (nothing is written for words already kept)."""
    parts = [p for p in name_parts(names) if len(p) <= LONGEST]
    if parts:
        model.objects.bulk_create(
            (model(part=p, staff=staff) for p in parts),
            ignore_conflicts=True,
            batch_size=_CHUNK,
        )


def known_among(texts: Iterable[str], *, staff: bool = False) -> frozenset[str]:
    """The words of ``texts`` (``iro.names.candidates``) that are a recorded name's:
    a family's, and with ``staff`` a member of staff's too. One query for up to 500
    different words."""
    return frozenset(Lookup(staff=staff).prime(texts).known)


class Lookup:
    """``known_among`` for the texts of one page or answer, each word looked up once:
    ``prime`` it with the texts about to be shown (one query for them all), then
    ``lookup(text)`` gives a text's recorded names, asking only for words not seen."""

    def __init__(self, *, staff: bool = False) -> None:
        self.staff = staff
        self.asked: set[str] = set()
        self.known: set[str] = set()

    def _ask(self, words: set[str]) -> None:
        new = sorted(w for w in words - self.asked if len(w) <= LONGEST)
        if not new:
            return
        rows = KnownName.objects.all() if self.staff else KnownName.objects.filter(staff=False)
        for start in range(0, len(new), _CHUNK):
            chunk = new[start : start + _CHUNK]
            self.known.update(rows.filter(part__in=chunk).values_list("part", flat=True))
        self.asked.update(new)

    def prime(self, texts: Iterable[str]) -> Lookup:
        self._ask({w for text in texts for w in candidates(text)})
        return self

    def __call__(self, text: str) -> frozenset[str]:
        words = candidates(text)
        self._ask(words)
        return frozenset(words & self.known)


def rebuild(get_model=None) -> int:
    """Write every recorded name's words again (the migration that made the table, with
    its models; after a bulk load); returns how many words are kept."""
    from django.apps import apps

    get_model = get_model or apps.get_model
    model = get_model("access", "KnownName")
    family: list[str] = []
    children = get_model("children", "Child")._base_manager
    for first, last in children.values_list("first_name", "last_name").iterator():
        family += [first, last]
    family += get_model("children", "Family")._base_manager.values_list("name", flat=True)
    family += get_model("children", "FamilyMember")._base_manager.values_list("name", flat=True)
    # A name corrected since, or an adult taken off a family, may still be in free text
    # written before: their history keeps the names they had.
    history = get_model("children", "HistoricalChild")._base_manager
    for first, last in history.values_list("first_name", "last_name").distinct().iterator():
        family += [first, last]
    history = get_model("children", "HistoricalFamilyMember")._base_manager
    family += history.values_list("name", flat=True).distinct()
    for name in ("Invitation", "CoreGroupMember"):
        rows = get_model("journey", name)._base_manager.filter(role__in=FAMILY_ROLES)
        family += rows.values_list("name", flat=True)
    record(family, model=model)
    staff = get_model("people", "User")._base_manager.values_list("first_name", "last_name")
    record((n for pair in staff for n in pair), staff=True, model=model)
    return model.objects.count()


# --- Kept up to date as records are saved -------------------------------------------------


def _names_saved(fields: tuple[str, ...], raw: bool, update_fields) -> bool:
    """Whether a save may have written a name (not a fixture, not a save of other fields
    only: a sign-in saves ``last_login``)."""
    return not raw and (update_fields is None or bool(set(update_fields) & set(fields)))


def _child_saved(instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if _names_saved(("first_name", "last_name"), raw, update_fields):
        record([instance.first_name, instance.last_name])


def _named_saved(instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if _names_saved(("name",), raw, update_fields):
        record([instance.name])


def _invitee_saved(instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if instance.role in FAMILY_ROLES and _names_saved(("name", "role"), raw, update_fields):
        record([instance.name])


def _staff_saved(instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if _names_saved(("first_name", "last_name"), raw, update_fields):
        record([instance.first_name, instance.last_name], staff=True)


def connect_signals() -> None:
    for sender, receiver in (
        ("children.Child", _child_saved),
        ("children.Family", _named_saved),
        ("children.FamilyMember", _named_saved),
        ("journey.Invitation", _invitee_saved),
        ("journey.CoreGroupMember", _invitee_saved),
        ("people.User", _staff_saved),
    ):
        post_save.connect(receiver, sender=sender, dispatch_uid=f"iro-known-names-{sender}")
