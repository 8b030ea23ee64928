"""Names the system knows are screened out of free text, as whole words in any case."""

from __future__ import annotations

from iro.names import REDACTED, contains_name, name_parts, screen


def test_a_first_name_in_a_concern_is_screened():
    parts = name_parts(["Aarav Alnworth"])
    assert screen("Worried about Aarav at school.", parts) == f"Worried about {REDACTED} at school."


def test_case_and_possessives_do_not_hide_a_name():
    parts = name_parts(["Sara Alnworth"])
    assert screen("SARA said alnworth's flat was cold", parts) == (
        f"{REDACTED} said {REDACTED} flat was cold"
    )


def test_parts_of_double_barrelled_and_apostrophe_names_are_screened():
    parts = name_parts(["Mary-Jane O'Neill"])
    assert screen("Mary-Jane and Jane and O'Neill and Neill", parts) == (
        f"{REDACTED} and {REDACTED} and {REDACTED} and {REDACTED}"
    )


def test_a_name_inside_another_word_is_left_alone():
    parts = name_parts(["Ann Hart"])
    assert screen("Annual review at Hartwell school", parts) == "Annual review at Hartwell school"


def test_words_that_are_not_names_are_never_screened():
    parts = name_parts(["Alnworth family", "Baby Alnworth"])
    assert screen("The family and the baby", parts) == "The family and the baby"


def test_contains_name_says_whether_anything_would_be_screened():
    parts = name_parts(["Zanthe Vossberg"])
    assert contains_name("zanthe was seen", parts)
    assert not contains_name("the child was seen", parts)


def test_no_known_names_leaves_the_text_as_it_is():
    assert screen("Anything at all", frozenset()) == "Anything at all"
