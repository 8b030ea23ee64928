"""The plain-language check: readability bands and the jargon list."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from iro.documents.plain_language import (
    EASY_BUT_JARGON,
    FAIR,
    GOOD,
    HARD,
    SHORT,
    VERDICTS,
    WordingSummary,
    check,
    check_fields,
    field_checks,
    jargon,
)
from iro.documents.views import TOO_LONG
from tests.factories import make_staff

PLAIN = (
    "We are worried that Wren has been hurt at home. Mum will go to a parenting course "
    "every week. The social worker will visit every two weeks to see how things are going."
)
HARD_TEXT = (
    "The core group will convene to ascertain the efficacy of interventions pursuant to the "
    "child protection plan, and the outcomes of the Section 47 enquiry will be considered in "
    "accordance with statutory guidance regarding significant harm."
)


def terms(text: str) -> list[str]:
    return [f.term for f in jargon(text)]


def test_everyday_words_in_short_sentences_are_plain_english():
    result = check(PLAIN)
    assert result.level == GOOD
    assert result.reading_ease >= 60
    assert result.findings == []
    assert result.verdict == VERDICTS[GOOD]


def test_the_reading_ease_stays_on_its_scale_of_100():
    # Flesch's own formula gives 103.4 for these short words and one sentence.
    result = check("Keep the home warm, clean and with food in the cupboards.")
    assert result.reading_ease == 100.0 and result.level == GOOD


def test_easy_sentences_with_jargon_are_not_called_plain_english():
    result = check("The S47 found a risk of significant harm to Wren at home.")
    assert result.level == GOOD
    assert result.verdict == EASY_BUT_JARGON


def test_long_sentences_of_professional_words_are_hard_and_their_jargon_is_named():
    result = check(HARD_TEXT)
    assert result.level in (HARD, FAIR) and result.reading_ease < 50
    assert terms(HARD_TEXT) == [
        "section 47",
        "core group",
        "significant harm",
        "ascertain",
        "in accordance with",
        "statutory",
    ]


def test_abbreviations_are_found_as_whole_words_and_as_written():
    assert terms("The ICPC and the RCPC; the CPP, not the CP.") == ["ICPC", "RCPC", "CPP", "CP"]
    # Part of another word, or in lower case as an ordinary word, is not jargon.
    assert terms("ICPCs are held in a CPPx room; a cin is a chin") == []
    assert terms("S47 enquiry, LADO referral, CIN plan, DRP, MACP and the IRO") == [
        "CIN",
        "LADO",
        "DRP",
        "MACP",
        "IRO",
        "S47",  # (in any case: with the phrases)
    ]


def test_injuries_and_exploitation_are_named_in_plain_words():
    assert terms("Medical advice: possible NAI. Risk of CSE and CCE; EHA offered.") == [
        "NAI",
        "CSE",
        "CCE",
        "EHA",
    ]
    (finding,) = jargon("The paediatrician thought it a non-accidental injury.")
    assert finding.suggestion == "an injury someone may have caused on purpose"


def test_section_47_is_found_however_it_is_abbreviated():
    assert terms("The s47 enquiry ended.") == ["S47"]
    assert terms("An S47 and a section 47") == ["section 47", "S47"]


def test_each_finding_suggests_plainer_words_and_counts_them():
    (finding,) = jargon("Significant harm. significant harm.")
    assert (finding.term, finding.suggestion, finding.count) == (
        "significant harm",
        "serious harm",
        2,
    )


def test_the_reading_age_is_the_flesch_kincaid_grade_plus_five():
    result = check(PLAIN)
    assert result.reading_age == round(result.grade + 5, 1)
    assert result.as_dict()["reading_age"] == result.reading_age
    # Short everyday sentences read younger than long professional ones.
    assert result.reading_age < 12 < check(HARD_TEXT).reading_age
    assert check("See the LADO.").reading_age is None


def test_a_few_words_are_too_short_to_score_but_jargon_is_still_named():
    result = check("See the LADO.")
    assert result.level == SHORT and result.reading_ease is None
    assert [f.term for f in result.findings] == ["LADO"]


@pytest.mark.django_db
def test_the_json_endpoint_checks_posted_text(client):
    staff = make_staff()
    client.force_login(staff.iro)
    url = reverse("plain_language_check")
    body = client.post(url, {"text": "The ICPC found significant harm to the child."}).json()
    assert body["words"] == 8 and body["reading_ease"] is not None
    assert body["reading_age"] == round(body["grade"] + 5, 1)
    assert body["verdict"] == (
        EASY_BUT_JARGON if body["level"] == GOOD else VERDICTS[body["level"]]
    )
    assert [f["term"] for f in body["findings"]] == ["ICPC", "significant harm"]
    assert body["findings"][1]["suggestion"] == "serious harm"


@pytest.mark.django_db
def test_the_json_endpoint_refuses_get_long_text_and_users_without_names(client):
    staff = make_staff()
    url = reverse("plain_language_check")
    client.force_login(staff.iro)
    assert client.get(url + "?text=secret").status_code == 405
    response = client.post(url, {"text": "x" * 20_001})
    assert (response.status_code, response.json()) == (400, {"error": TOO_LONG})
    client.force_login(staff.partnership)
    assert client.post(url, {"text": "hello"}).status_code == 403
    client.force_login(staff.analyst)
    assert client.post(url, {"text": "hello"}).status_code == 403


# --------------------------------------------- the summary at the top of a checked page


def test_what_a_check_found_is_said_in_a_few_words():
    jargon_only = check("The S47 found a risk of significant harm to Wren at home.")
    assert jargon_only.to_change
    assert jargon_only.in_short == "uses words a family may not know (“S47”, “significant harm”)"
    hard = check(HARD_TEXT)
    assert hard.to_change and hard.in_short.startswith(
        ("hard to read, and uses words", "fairly hard to read, and uses words")
    )
    assert not check(PLAIN).to_change and check(PLAIN).in_short == "plain English"
    assert not check("Mum will help.").to_change
    assert check("Mum will help.").in_short == "too short to score"


class Form(forms.Form):
    worries = forms.CharField(label="What are we worried about?", widget=forms.Textarea)
    working_well = forms.CharField(label="What is working well?", widget=forms.Textarea)
    needs_to_happen = forms.CharField(label="What needs to happen?", widget=forms.Textarea)


def test_the_summary_links_to_each_text_that_could_be_plainer_in_the_page_order():
    form = Form(
        {
            "child7-worries": "Mum is not engaging with CAMHS.",
            "child7-working_well": PLAIN,
            "child7-needs_to_happen": "",
        },
        prefix="child7",
    )
    results = check_fields(form, ["needs_to_happen", "working_well", "worries"])
    checked = field_checks(form, results, whose="Wren Brackwater")
    assert [(c.anchor, c.label) for c in checked] == [
        ("id_child7-worries", "What are we worried about (Wren Brackwater)"),
        ("id_child7-working_well", "What is working well (Wren Brackwater)"),
    ]  # nothing typed, nothing checked
    summary = WordingSummary(checked)
    assert [c.anchor for c in summary.to_change] == ["id_child7-worries"]
    assert summary.headline == "1 of the 2 texts checked could be plainer."
    assert WordingSummary(checked[1:]).headline == (
        "Nothing to change: no words a family may not know, and nothing hard to read."
    )
    assert WordingSummary(checked[:1]).headline == "The text checked could be plainer."
    assert WordingSummary([]).headline == "There was no text to check."
