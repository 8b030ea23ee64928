"""The catalogues in iro/locale: every fixed string of the family documents translated
in all thirteen languages, placeholders kept, and the compiled .mo files up to date."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from iro.languages import TRANSLATED
from tests.i18n.catalogues import LOCALE_DIR, catalogue_path, read

LOCALES = [to_locale(language.code) for language in TRANSLATED]
SRC = Path(settings.BASE_DIR)
# The family documents' templates and modules whose fixed wording goes to families.
FAMILY_SOURCES = [
    "documents/templates/documents/family_plan_part.html",
    "documents/templates/documents/family_plan_actions.html",
    "journey/templates/journey/conference/letter_part.html",
    # The minutes of a held conference, sent to everyone invited, the family included.
    "journey/templates/journey/conference/minutes_part.html",
    "journey/minutes.py",
    "documents/family_document.py",
    "documents/family_plan.py",
    "journey/invitations.py",
    "journey/plan_selectors.py",
    # The child's journey, for parents and for children by age group.
    "documents/templates/documents/family_journey/base.html",
    "documents/templates/documents/family_journey/parents.html",
    "documents/templates/documents/family_journey/under_8.html",
    "documents/templates/documents/family_journey/8_to_12.html",
    "documents/templates/documents/family_journey/13_and_over.html",
    "documents/family_journey.py",
    # Feedback from families without an account: the form, its email and letter.
    "challenge/templates/challenge/given/_base.html",
    "challenge/templates/challenge/given/form.html",
    "challenge/templates/challenge/given/code.html",
    "challenge/templates/challenge/given/thanks.html",
    "challenge/templates/challenge/given/refused.html",
    "challenge/templates/challenge/given/too_many.html",
    "challenge/templates/challenge/given/email.txt",
    "challenge/templates/challenge/feedback_letter.html",
    "challenge/templates/challenge/_feedback_slip.html",
    "challenge/forms.py",
]
_TAG = re.compile(r"{%\s*(?:translate|trans)\s+\"((?:[^\"\\]|\\.)*)\"")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\([a-z_]+\)s|\{[a-z_]+\}", text))


def test_the_catalogues_live_where_the_settings_look():
    assert [Path(p) for p in settings.LOCALE_PATHS] == [LOCALE_DIR]
    assert sorted(LOCALES) == sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())


@pytest.mark.parametrize("locale", LOCALES)
def test_every_fixed_string_is_translated_with_its_placeholders(locale):
    entries = read(catalogue_path(locale))
    header, entries = entries[0], entries[1:]
    assert header.msgid == ""
    assert f"Language: {locale}\n" in header.msgstr
    assert entries, "the catalogue is empty"
    untranslated = [e.msgid for e in entries if not e.msgstr.strip()]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    for entry in entries:
        assert _placeholders(entry.msgstr) == _placeholders(entry.msgid), entry.msgid
        if "python-format" in entry.flags:
            values = {name: "x" for name in re.findall(r"%\(([a-z_]+)\)s", entry.msgid)}
            entry.msgstr % values  # raises when the translation breaks the format


def test_every_family_document_source_is_in_the_catalogues():
    """Each family document's source file gave strings to the catalogue, and the
    translate tags of its templates are all there: makemessages has been run since
    they changed."""
    entries = read(catalogue_path("fr"))
    sources = {source.split(":")[0] for entry in entries for source in entry.sources}
    assert set(FAMILY_SOURCES) <= sources
    msgids = {entry.msgid for entry in entries}
    for name in FAMILY_SOURCES:
        if name.endswith((".html", ".txt")):
            for found in _TAG.findall((SRC / name).read_text(encoding="utf-8")):
                assert found in msgids, f"{name}: {found!r} is not in the catalogues"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_its_source(locale):
    """The .mo files are committed (a fresh clone needs no msgfmt): each must say what
    its .po says; after editing a .po, run compilemessages (docs/languages.md)."""
    po = {
        e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}": e.msgstr
        for e in read(catalogue_path(locale))[1:]
    }
    with (catalogue_path(locale).with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == po
