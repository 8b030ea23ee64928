"""The recorded preferred language read as one of the family documents' languages."""

from __future__ import annotations

import pytest
from django.conf import settings

from iro.languages import BY_CODE, ENGLISH, SUPPORTED, TRANSLATED, choose, code_for


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        ("English", ENGLISH),
        ("", ENGLISH),
        ("   ", ENGLISH),
        ("Polish", "pl"),
        ("polski", "pl"),
        ("  POLSKI ", "pl"),
        ("Urdu", "ur"),
        ("اردو", "ur"),
        ("Arabic", "ar"),
        ("Bengali", "bn"),
        ("Bangla", "bn"),
        ("Sylheti", "bn"),
        ("Mandarin", "zh-hans"),
        ("Chinese (simplified)", "zh-hans"),
        ("中文", "zh-hans"),
        ("français", "fr"),
        ("Francais", "fr"),
        ("Deutsch", "de"),
        ("Hindi", "hi"),
        ("Bahasa Melayu", "ms"),
        ("Malay", "ms"),
        ("Panjabi", "pa"),
        ("Punjabi", "pa"),
        ("Español", "es"),
        ("Türkçe", "tr"),
        ("Welsh", "cy"),
        ("Cymraeg", "cy"),
        ("Polish (some English)", "pl"),
        ("Urdu/Punjabi", "ur"),
    ],
)
def test_a_recorded_language_is_read_as_its_code(recorded, code):
    assert code_for(recorded) == code


@pytest.mark.parametrize("recorded", ["Tigrinya", "Romanian", "Kurdish Sorani", "BSL"])
def test_a_language_with_no_translation_reads_as_none(recorded):
    assert code_for(recorded) is None


def test_the_family_language_is_chosen_and_english_follows_it():
    choice = choose("polski")
    assert choice.code == "pl"
    assert [language.code for language in choice.languages] == ["pl", ENGLISH]
    assert choice.unsupported_note == ""


def test_english_goes_alone_when_the_family_reads_english():
    assert [language.code for language in choose("English").languages] == [ENGLISH]


def test_a_language_without_translation_gives_english_and_says_so_to_staff():
    choice = choose("Tigrinya")
    assert choice.code == ENGLISH
    assert [language.code for language in choice.languages] == [ENGLISH]
    assert "“Tigrinya”" in choice.unsupported_note
    assert "interpreter" in choice.unsupported_note


def test_the_chooser_can_ask_for_another_supported_language_but_not_an_unknown_one():
    assert choose("Polish", "ar").code == "ar"
    assert choose("Polish", "xx").code == "pl"
    assert choose("Polish", None).code == "pl"


def test_the_supported_languages_are_the_settings_languages_with_the_right_direction():
    assert [language.code for language in SUPPORTED] == [code for code, _ in settings.LANGUAGES]
    assert len(TRANSLATED) == 13
    assert {language.code for language in SUPPORTED if language.rtl} == {"ar", "ur"}
    assert BY_CODE["zh-hans"].tag == "zh-Hans"
    assert BY_CODE[ENGLISH].tag == "en-GB"
