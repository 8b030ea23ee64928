"""The approval check's heuristic: a word that looks like a name, and where it is."""

from __future__ import annotations

from iro.names import KNOWN, LOOKS_LIKE, Found, marked, name_like_words, name_parts, names_in


def words(text: str) -> list[str]:
    return [f.word for f in name_like_words(text)]


def test_a_capitalised_unknown_word_inside_a_sentence_looks_like_a_name():
    assert words("I felt that Bernadette listened to me.") == ["Bernadette"]


def test_a_word_at_the_start_of_a_sentence_does_not():
    # A limit: "Bernadette listened" at the start is not caught unless the name is known.
    assert words("Bernadette listened. Everyone was kind.") == []


def test_common_words_roles_days_acronyms_and_i_do_not():
    text = "The Chair and my Social Worker met on Monday; I'm glad the IRO and CAMHS came."
    assert words(text) == []


def test_after_a_colon_or_an_opening_quote_a_word_starts_a_sentence():
    assert words('She said: "Brilliant" and meant it.') == []


def test_a_possessive_or_a_double_barrelled_name_is_found_whole():
    assert words("We went to Mary-Jane's house.") == ["Mary-Jane's"]


def test_a_place_or_an_organisation_is_flagged_for_rewording():
    assert words("The advocate from Barnardo's came.") == ["Barnardo's"]


def test_known_names_are_found_in_any_case_and_win_over_the_heuristic():
    text = "Thank you. sara and Otto Fallowfield helped."
    found = names_in(text, name_parts(["Sara Alnworth"]))
    assert [(f.word, f.reason) for f in found] == [
        ("sara", KNOWN),
        ("Otto", LOOKS_LIKE),
        ("Fallowfield", LOOKS_LIKE),
    ]
    assert (found[0].start, found[0].end) == (11, 15)


def test_marked_cuts_the_text_where_the_names_are():
    text = "Ask Sara now"
    assert marked(text, [Found(4, 8, "Sara", KNOWN)]) == [
        ("Ask ", None),
        ("Sara", KNOWN),
        (" now", None),
    ]
    assert marked(text, []) == [(text, None)]
