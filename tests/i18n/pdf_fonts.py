"""Which characters of a text the fonts embedded in a PDF cannot show.

WeasyPrint leaves out a character no font has (no box, nothing to see in the PDF), so
the check asks the fonts themselves: ``pdffonts`` names the fonts the PDF embeds,
fontconfig finds their files, and fontTools reads their character maps. A character of
the document's text that none of them maps is a missing glyph.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import unicodedata
from functools import cache

from fontTools.ttLib import TTCollection, TTFont

TOOLS = all(shutil.which(tool) for tool in ("pdffonts", "fc-list"))
# Debian's fonts-noto-core and fonts-noto-cjk (scripts/system-packages.sh).
NOTO_FAMILIES = ("Noto Naskh Arabic", "Noto Nastaliq Urdu", "Noto Sans Bengali", "Noto Sans CJK SC")


def noto_installed() -> bool:
    return TOOLS and all(
        subprocess.run(["fc-list", f":family={family}"], capture_output=True, text=True).stdout
        for family in NOTO_FAMILIES
    )


def embedded_fonts(pdf: bytes) -> list[str]:
    """The families of the fonts the PDF embeds: WeasyPrint names each after its family,
    spaces as hyphens, after a subset prefix ("ABCDEF+Noto-Sans-Arabic")."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        listing = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, text=True, check=True
        ).stdout
    names = []
    for line in listing.splitlines()[2:]:
        name = line.split()[0]
        name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
        names.append(name.replace("-", " "))
    return names


def _characters(name: str) -> frozenset[int]:
    """Every character the family of the embedded font ``name`` maps: "Liberation Sans
    Bold" is a face of the family "Liberation Sans"."""
    words = name.split()
    for end in range(len(words), 0, -1):
        try:
            return _family_characters(" ".join(words[:end]))
        except LookupError:
            continue
    raise LookupError(f"no font file for {name}")


@cache
def _family_characters(family: str) -> frozenset[int]:
    """Every character some font file of ``family`` maps."""
    files = subprocess.run(
        ["fc-list", f":family={family}", "file"], capture_output=True, text=True, check=True
    ).stdout.split()
    covered: set[int] = set()
    for file in {f.rstrip(":") for f in files}:
        fonts = (
            TTCollection(file).fonts if file.lower().endswith((".ttc", ".otc")) else [TTFont(file)]
        )
        for font in fonts:
            if family in {font["name"].getDebugName(1), font["name"].getDebugName(16)}:
                covered |= set(font.getBestCmap())
    if not covered:
        raise LookupError(f"no font file for {family}")
    return frozenset(covered)


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup`` (tags, styles and the head left out)."""
    body = re.sub(r"(?s)<head>.*?</head>|<style.*?</style>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def missing_glyphs(pdf: bytes, text: str) -> set[str]:
    """The characters of ``text`` (spaces and invisible marks aside) that no font
    embedded in ``pdf`` can show."""
    covered: set[int] = set()
    for name in embedded_fonts(pdf):
        covered |= _characters(name)
    return {
        c
        for c in text
        if unicodedata.category(c) not in {"Cc", "Cf", "Zs", "Zl", "Zp"} and ord(c) not in covered
    }
