"""Reading a report's words, and the names they must never contain.

A report may be published and is read by roles that see no names, so its words name no
one the system knows: the save refuses such text (``services``), and what was saved is
screened again when a report is built, in case a name was recorded after it was written.
"""

from __future__ import annotations

import re

from iro.access.known_names import known_among
from iro.names import EVERYDAY, name_parts, screen, singular_forms
from iro.narrative.models import Narrative
from iro.narrative.sections import SECTIONS

NAMES_SOMEONE = (
    "This names someone the system knows: {names}. A report may be published and is read "
    "by people who see no names: say who by their role, such as “an IRO” or “a parent”."
)

# A word as ``iro.names`` reads one (letters, joined by apostrophes or hyphens).
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def known_in(texts: list[str]) -> frozenset[str]:
    """The words of ``texts`` that are the name of someone the system knows: a child, a
    family, a family member (those invited to conferences or in a core group too), or a
    member of staff; voided records' names too (``iro.access.known_names``). One query."""
    return known_among(texts, staff=True)


def names_in(text: str, parts: frozenset[str]) -> list[str]:
    """The words of ``text`` that are known names (``parts``: ``known_in``), as written,
    once each in order: a word written with a capital letter, or in lower case unless it
    is an everyday word ("will", "hope", "may", "young": ``iro.names.EVERYDAY``), which
    in the middle of a sentence is the word, not someone's name."""
    if not text or not parts:
        return []
    found: list[str] = []
    for word in _WORDS.findall(text):
        hits = name_parts(singular_forms(word)) & parts
        if not hits or word in found:
            continue
        if word[:1].isupper() or not hits <= EVERYDAY:
            found.append(word)
    return found


def names_refusal(text: str, parts: frozenset[str]) -> str | None:
    """Why words that may be published (a report's sections, an action plan's actions)
    are refused: the names they hold (``names_in``), or None."""
    found = names_in(text, parts)
    if not found:
        return None
    quoted = [f"“{name}”" for name in found]
    names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return NAMES_SOMEONE.format(names=names)


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
    three when there are words to screen)."""
    narrative = narrative_for(kind, period)
    if narrative is None:
        return []
    texts = [(s, getattr(narrative, s.field).strip()) for s in SECTIONS]
    if not any(text for _, text in texts):
        return []
    parts = known_in([text for _, text in texts])
    return [(s.field, s.title, screened(text, parts)) for s, text in texts if text]
