"""The measures in plain words, for every report's definitions appendix.

Read from ``definitions.md`` beside this module (package data, so an installed copy
finds it): each ``## key`` heading names a measure, and the paragraphs under it are its
definition. Read once per process.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

SOURCE = "definitions.md"
_HEADING = re.compile(r"^## +(\S+) *$")


def parse(text: str) -> dict[str, str]:
    """``{key: definition}`` from the text of ``definitions.md``: each paragraph's lines
    joined into one, paragraphs separated by a blank line."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = found.setdefault(heading[1], [])
        elif line.startswith("#"):
            current = None
        elif current is not None:
            current.append(line.strip())
    return {
        key: "\n\n".join(
            " ".join(paragraph.split("\n")).strip()
            for paragraph in "\n".join(lines).strip().split("\n\n")
        )
        for key, lines in found.items()
    }


@cache
def definitions() -> dict[str, str]:
    """Every measure's definition, by key."""
    text = resources.files("iro.reports").joinpath(SOURCE).read_text(encoding="utf-8")
    return parse(text)


def for_measures(keys) -> list[tuple[str, str]]:
    """``(key, definition)`` for each of ``keys`` in order; "" for one not defined."""
    known = definitions()
    return [(key, known.get(key, "")) for key in keys]
