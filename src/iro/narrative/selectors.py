"""Reading a report's words, and the names they must never contain.

A report may be published and is read by roles that see no names, so its words name no
one the system knows: the save refuses such text (``services``), and what was saved is
screened again when a report is built, in case a name was recorded after it was written.
"""

from __future__ import annotations

import re

from iro.names import name_parts, screen, singular_forms
from iro.narrative.models import Narrative
from iro.narrative.sections import SECTIONS

# A word as ``iro.names`` reads one (letters, joined by apostrophes or hyphens).
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def known_name_parts() -> frozenset[str]:
    """Every name the system knows, as ``iro.names.name_parts``: each child's, each
    family's and family member's (those invited to conferences or in a core group too),
    and each member of staff's. Voided records' names too: a name is a name. Six queries."""
    from iro.children.models import Child, Family, FamilyMember
    from iro.journey.models import CoreGroupMember, Invitation
    from iro.journey.selectors import FAMILY_ROLES
    from iro.people.models import User

    names: list[str] = []
    for first, last in Child._base_manager.values_list("first_name", "last_name"):
        names += [first, last]
    names += Family._base_manager.values_list("name", flat=True)
    names += FamilyMember._base_manager.values_list("name", flat=True)
    names += Invitation._base_manager.filter(role__in=FAMILY_ROLES).values_list("name", flat=True)
    names += CoreGroupMember._base_manager.filter(role__in=FAMILY_ROLES).values_list(
        "name", flat=True
    )
    for first, last in User._base_manager.values_list("first_name", "last_name"):
        names += [first, last]
    return name_parts(names)


def names_in(text: str, parts: frozenset[str]) -> list[str]:
    """The words of ``text`` that are known names, as written, once each in order.

    Only words written with a capital letter count: names are written so, and everyday
    words that are also someone's name ("will", "hope", "may") are not refused in the
    middle of a sentence."""
    if not text or not parts:
        return []
    found: list[str] = []
    for word in _WORDS.findall(text):
        if not word[:1].isupper():
            continue
        if name_parts(singular_forms(word)) & parts and word not in found:
            found.append(word)
    return found


def screened(text: str, parts: frozenset[str]) -> str:
    """``text`` with the known names it contains (``names_in``) replaced by ``[name]``."""
    found = names_in(text, parts)
    if not found:
        return text
    return screen(text, name_parts(f for word in found for f in singular_forms(word)) & parts)


def narrative_for(kind: str, period: str) -> Narrative | None:
    return Narrative.objects.filter(kind=kind, period=period).first()


def report_sections(kind: str, period: str) -> list[tuple[str, str, str]]:
    """``(field, title, text)`` for each section written for the report of ``kind`` for
    ``period``, names screened out; empty when nothing is written (two queries, or
    eight when there are words to screen)."""
    narrative = narrative_for(kind, period)
    if narrative is None:
        return []
    texts = [(s, getattr(narrative, s.field).strip()) for s in SECTIONS]
    if not any(text for _, text in texts):
        return []
    parts = known_name_parts()
    return [(s.field, s.title, screened(text, parts)) for s, text in texts if text]
