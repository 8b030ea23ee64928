"""Reading the search box, and the name terms a child is found by (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from iro.children.search import (
    SEARCH_EMPTY,
    SEARCH_EMPTY_IDS,
    SEARCH_NOTHING_TO_FIND,
    SEARCH_TOO_LONG,
    _after,
    fold,
    parse,
    terms_for,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë", "zoe"),
        ("JOSÉ", "jose"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("Søren Łukasz", "soren lukasz"),
        ("Straße", "strasse"),
        ("  Ana  ", "ana"),
    ],
)
def test_folding_drops_accents_and_case(text, folded):
    assert fold(text) == folded


def test_a_child_is_stored_under_every_ending_of_three_letters_or_more():
    terms = dict(terms_for("Zoë", "Smith", "Smith family"))
    assert terms["zoe"] is True and terms["smith"] is True and terms["family"] is True
    assert terms["mith"] is False and terms["ith"] is False
    assert "th" not in terms and "oe" not in terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4/2015", date(2015, 4, 3)),
        ("03/04/2015", date(2015, 4, 3)),
        ("2015-04-03", date(2015, 4, 3)),
        ("3.4.2015", date(2015, 4, 3)),
        # As iro's forms take them, and as its pages show them.
        ("3 4 2015", date(2015, 4, 3)),
        ("3 April 2015", date(2015, 4, 3)),
        ("03 apr 2015", date(2015, 4, 3)),
        ("17 Sept 2018", date(2018, 9, 17)),
    ],
)
def test_dates_of_birth_are_read_day_first(text, expected):
    assert parse(text).birth_date == expected


def test_a_word_that_is_not_a_month_between_numbers_is_searched_as_words():
    search = parse("3 Aprille 2015")
    assert search.birth_date is None and search.name_words == ["3", "aprille", "2015"]
    assert parse("31 June 2015").error.startswith("31 June 2015 is not a real date")


def test_a_date_that_does_not_exist_is_explained():
    search = parse("31/2/2015")
    assert search.error.startswith("31/2/2015 is not a real date")


def test_a_upn_is_recognised_whatever_the_case():
    assert parse("a123456789012").upn == "A123456789012"


def test_other_text_is_read_as_name_words():
    assert parse("  Zoë  SMI ").name_words == ["zoe", "smi"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", SEARCH_EMPTY),
        ("   ", SEARCH_EMPTY),
        ("x" * 101, SEARCH_TOO_LONG),
        ("--", SEARCH_NOTHING_TO_FIND),
    ],
)
def test_bad_input_gets_a_message(text, message):
    assert parse(text).error == message


def test_for_roles_without_names_the_text_is_only_an_la_child_id():
    search = parse("Smith", by_name=False)
    assert search.name_words == [] and search.la_child_id == "Smith"
    assert parse("3/4/2015", by_name=False).birth_date is None
    assert parse("", by_name=False).error == SEARCH_EMPTY_IDS


def test_the_range_after_a_prefix_covers_every_word_beginning_with_it():
    assert _after("smi") == "smj"
    assert _after("smz") == "sn"
    assert _after("a9") == "aa"
    assert _after("zz") is None
