"""The languages the family documents are written in, and the family's recorded one.

A family's preferred language is recorded as free text (``preferred_language`` on a
child and on a family member: "English", "Polish", "polski", "Urdu"...). ``code_for``
reads it as one of the supported languages' codes, or None when iro has no translation
(the documents then go in English, and the page says so). The English version of a
family document always goes too. Pure: no database, no request.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ENGLISH = "en-gb"


@dataclass(frozen=True)
class Language:
    code: str  # Django's language code, as in settings.LANGUAGES
    name: str  # in English, for staff
    own_name: str  # in the language itself, for the family
    tag: str  # the BCP 47 tag for the lang attribute
    rtl: bool = False
    other_names: tuple[str, ...] = ()


SUPPORTED: tuple[Language, ...] = (
    Language(ENGLISH, "English", "English", "en-GB", other_names=("en", "eng", "british")),
    Language("ar", "Arabic", "العربية", "ar", rtl=True, other_names=("arabi", "ara")),
    Language("bn", "Bengali", "বাংলা", "bn", other_names=("bangla", "sylheti", "ben")),
    Language(
        "zh-hans",
        "Chinese (simplified)",
        "简体中文",
        "zh-Hans",
        other_names=("chinese", "mandarin", "simplified chinese", "中文", "zh", "putonghua"),
    ),
    Language("fr", "French", "Français", "fr", other_names=("francais", "fra", "fre")),
    Language("de", "German", "Deutsch", "de", other_names=("deu", "ger")),
    Language("hi", "Hindi", "हिन्दी", "hi", other_names=("hindi", "हिंदी", "hin")),
    Language("ms", "Malay", "Bahasa Melayu", "ms", other_names=("melayu", "malaysian", "msa")),
    Language("pl", "Polish", "Polski", "pl", other_names=("pol",)),
    Language("pa", "Punjabi", "ਪੰਜਾਬੀ", "pa", other_names=("panjabi", "gurmukhi", "pan")),
    Language("es", "Spanish", "Español", "es", other_names=("espanol", "castellano", "spa")),
    Language("tr", "Turkish", "Türkçe", "tr", other_names=("turkce", "tur")),
    Language("ur", "Urdu", "اردو", "ur", rtl=True, other_names=("urd",)),
    Language("cy", "Welsh", "Cymraeg", "cy", other_names=("cym", "wel")),
)
BY_CODE = {language.code: language for language in SUPPORTED}
TRANSLATED = tuple(language for language in SUPPORTED if language.code != ENGLISH)


def _key(text: str) -> str:
    """Lower case, accents dropped, spaces squeezed: "  Español " reads as "espanol"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


_NAMES: dict[str, str] = {}
for _language in SUPPORTED:
    for _name in (_language.code, _language.name, _language.own_name, *_language.other_names):
        _NAMES[_key(_name)] = _language.code


def code_for(preferred: str | None) -> str | None:
    """The supported language recorded as ``preferred``, or None when there is none.

    Blank means English (the field's default). Something like "Polish (some English)"
    or "Urdu/Punjabi" is read by its first language name.
    """
    if preferred is None or not preferred.strip():
        return ENGLISH
    key = _key(preferred)
    if key in _NAMES:
        return _NAMES[key]
    for part in key.replace("/", " ").replace(",", " ").replace("(", " ").split():
        if part in _NAMES:
            return _NAMES[part]
    if key.startswith("chinese"):
        return "zh-hans"
    return None


def then_english(code: str | None) -> list[Language]:
    """A family document's parts in order: the language ``code`` (when iro has it),
    then English, which always goes too."""
    first = BY_CODE.get(code or ENGLISH, BY_CODE[ENGLISH])
    return [first] if first.code == ENGLISH else [first, BY_CODE[ENGLISH]]


@dataclass(frozen=True)
class Choice:
    """Which language a family document is shown in, and why."""

    code: str  # the language the document is in (English when nothing else applies)
    family_code: str | None  # the family's recorded language, None when not supported
    recorded: str  # the recorded preferred language, as typed

    @property
    def language(self) -> Language:
        return BY_CODE[self.code]

    @property
    def languages(self) -> list[Language]:
        """The document's languages in order: the chosen one, then English."""
        return then_english(self.code)

    @property
    def unsupported_note(self) -> str:
        """For staff: the recorded language has no translation, so English goes."""
        if self.family_code is not None:
            return ""
        return (
            f"The family's preferred language is recorded as “{self.recorded}”, which iro "
            "has no translation for, so the document is in English: arrange a translation "
            "if they need one. If someone needs an interpreter at the meeting, record it on "
            "their details in the family's record: the conference page and the bookings "
            "list then ask for one."
        )


def choose(recorded: str | None, asked: str | None = None) -> Choice:
    """The family's language by default; ``asked`` (a code from the chooser) instead
    when it is a supported one."""
    family_code = code_for(recorded)
    code = asked if asked in BY_CODE else (family_code or ENGLISH)
    return Choice(code=code, family_code=family_code, recorded=(recorded or "").strip())
