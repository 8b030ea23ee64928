"""Read the project's gettext catalogues (iro/locale/<lang>/LC_MESSAGES/django.po).

A small reader for what ``makemessages`` writes: each entry's context (msgctxt, as the
letter to a child has), msgid, msgstr, flags (fuzzy, python-format) and source files.
The tests use it to check that every fixed string of the family documents is translated
in every language and that the compiled .mo files match; docs/languages.md says how to
update them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "iro" / "locale"


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgstr: str = ""
    flags: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _string(line: str) -> str:
    return ast.literal_eval(line)


def read(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") included."""
    entries: list[Entry] = []
    entry = Entry()
    field_name = None

    def finish() -> None:
        nonlocal entry, field_name
        if field_name is not None:
            entries.append(entry)
        entry, field_name = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#:"):
            entry.sources += line[2:].split()
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            if field_name == "msgstr":
                finish()
            field_name = "msgctxt"
            entry.msgctxt = _string(line[8:])
        elif line.startswith("msgid "):
            if field_name == "msgstr":
                finish()
            field_name = "msgid"
            entry.msgid = _string(line[6:])
        elif line.startswith("msgstr "):
            field_name = "msgstr"
            entry.msgstr = _string(line[7:])
        elif line.startswith('"') and field_name:
            setattr(entry, field_name, getattr(entry, field_name) + _string(line))
        else:
            raise ValueError(f"{path}: cannot read the line {raw!r}")
    finish()
    return [e for e in entries if not e.obsolete]


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"
