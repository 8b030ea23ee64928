"""Screening names out of free text, for readers who see no names.

Pure (no Django): given the names the system knows around a child (their own, their
brothers' and sisters', their family's and the family members invited to conferences
or in the core group), ``screen`` replaces each of them, as a whole word and whatever
the case, with ``[name]``. The performance analyst and the partnership officer read
free text only through it; the published report's quotes will go through it too.

It screens names the system knows, not every word that could be a name: a name that
is recorded nowhere (a neighbour mentioned in passing) passes. Pages for roles that
see no names should show as little free text as their work needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[name]"
# Shorter parts ("Jo" is a name; "A" or an initial is not worth a false match).
MIN_LENGTH = 2
# Words that are part of how names are recorded but are not names themselves.
NOT_NAMES = frozenset({"family", "the", "and", "of", "baby", "unborn", "child", "mr", "mrs", "ms"})

_PARTS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def name_parts(names: Iterable[str]) -> frozenset[str]:
    """Each recorded name split into the words it is made of, lower-cased.

    "Mary-Jane O'Neill" gives mary-jane, mary, jane, o'neill, o and neill (those long
    enough): text may use the whole or a part.
    """
    parts: set[str] = set()
    for name in names:
        for whole in _PARTS.findall(name or ""):
            for part in {whole, *re.split(r"['’-]", whole)}:
                lowered = part.lower()
                if len(lowered) >= MIN_LENGTH and lowered not in NOT_NAMES:
                    parts.add(lowered)
    return frozenset(parts)


def screen(text: str, parts: frozenset[str]) -> str:
    """``text`` with every word in ``parts`` (any case) replaced by ``[name]``."""
    if not text or not parts:
        return text or ""
    # Longest first, so "mary-jane" goes before "mary".
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'’-])(?:{alternatives})(?:['’]s)?(?![\w'’-])", re.IGNORECASE)
    return pattern.sub(REDACTED, text)


def contains_name(text: str, parts: frozenset[str]) -> bool:
    return screen(text, parts) != (text or "")
