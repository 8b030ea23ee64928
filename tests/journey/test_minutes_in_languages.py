"""The minutes in the family's language, then in English, as the other family documents:
every fixed word translated in each of the thirteen languages, the staff's words, names
and places as typed, right to left for Arabic and Urdu, the PDF showing every character;
the conference page offers the family's recorded language first."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from iro.access.models import AccessLogEntry
from iro.children.models import Child
from iro.journey.minutes import decision_words, took_part_words
from iro.journey.models import Category, ChildAttendance, Decision
from iro.languages import TRANSLATED
from tests.documents.test_family_documents_in_languages import (
    assert_in_language,
    needs_noto,
    parts,
    words,
)
from tests.documents.test_family_plan import inflated
from tests.factories import make_staff
from tests.i18n.pdf_fonts import missing_glyphs, visible_text
from tests.journey.test_minutes import held_icpc, minutes_url

pytestmark = pytest.mark.django_db
CODES = [language.code for language in TRANSLATED]
TYPED = ["Wren has often gone without meals after school.", "Northmoor Civic Centre, Room 2"]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def icpc(staff):
    conference = held_icpc(staff)
    row = conference.children.get()
    row.attendance, row.advocate_attended = ChildAttendance.IN_PERSON, True
    row.save()
    row.recommendations.create(agency="Police", recommendation=Decision.PLAN)
    return conference


def minutes_html(client, conference, code: str | None = None) -> str:
    return client.get(minutes_url(conference), {"lang": code} if code else {}).content.decode()


@pytest.mark.parametrize("code", CODES)
def test_the_minutes_are_in_each_language_then_in_english(client, staff, icpc, code):
    client.force_login(staff.coordinator)
    html = minutes_html(client, icpc, code)
    assert_in_language(code, html, typed=TYPED)
    family_part = parts(html)[0][2]
    row = icpc.children.get()
    with translation.override(code):
        for fixed in (
            gettext("Who came"),
            gettext("What the conference decided"),
            gettext("The same record in English follows this one."),
            decision_words(row),
            took_part_words(row),
        ):
            assert fixed in family_part, fixed
    # The staff's words are marked as English for a screen reader in the family's part.
    assert '<p lang="en-GB" dir="ltr">Wren has often gone without meals after school.' in (
        family_part
    )
    assert "A child protection plan, under the category of neglect." in parts(html)[1][2]


def test_the_decision_is_worded_for_each_category_and_ending(staff, icpc):
    row = icpc.children.get()
    row.category = Category.MUL
    assert decision_words(row) == "A child protection plan, under more than one category."
    row.decision, row.category = Decision.CONTINUE, None
    assert decision_words(row) == "The child protection plan goes on."
    row.decision = Decision.NO_PLAN
    assert decision_words(row) == "No child protection plan."
    row.decision = None
    assert decision_words(row) == "Not recorded."
    with translation.override("pl"):
        row.decision, row.category = Decision.PLAN, Category.NEG
        sentence = decision_words(row)
    assert "neglect" not in sentence and sentence.endswith(".")


def test_how_the_child_took_part_is_one_sentence_in_the_languages_punctuation(staff, icpc):
    row = icpc.children.get()
    row.written_views = True
    assert took_part_words(row) == (
        "Attended in person; an advocate came; written views were shared."
    )
    with translation.override("zh-hans"):
        chinese = took_part_words(row)
    assert chinese.endswith("。") and ";" not in chinese
    row.attendance, row.advocate_attended, row.written_views = "", False, False
    assert took_part_words(row) == "How the child took part is not recorded."


def test_the_minutes_follow_the_familys_recorded_language(client, staff, icpc):
    Child.objects.filter(pk=icpc.children.get().child_id).update(preferred_language="Polish")
    client.force_login(staff.coordinator)
    html = minutes_html(client, icpc)
    assert [(lang, d) for lang, d, _ in parts(html)] == [("pl", "ltr"), ("en-GB", "ltr")]
    entry = AccessLogEntry.objects.get(what="conference minutes (HTML)", child=None)
    assert entry.detail["language"] == "pl"
    # The conference page offers that language first, and the English copy by its links.
    page = client.get(icpc.get_absolute_url()).content.decode()
    assert "Language of the family's minutes" in page
    assert '<option value="pl" selected>' in page
    assert "download them as a PDF</a> to send, in English." in page


def test_english_alone_can_be_asked_for(client, staff, icpc):
    Child.objects.filter(pk=icpc.children.get().child_id).update(preferred_language="Urdu")
    client.force_login(staff.coordinator)
    assert [(lang, d) for lang, d, _ in parts(minutes_html(client, icpc))] == [
        ("ur", "rtl"),
        ("en-GB", "ltr"),
    ]
    html = minutes_html(client, icpc, "en-gb")
    assert [(lang, d) for lang, d, _ in parts(html)] == [("en-GB", "ltr")]
    assert "Some parts of this record were written" not in words(html)


def test_a_language_iro_cannot_write_gives_english_and_says_so_on_the_page(client, staff, icpc):
    Child.objects.filter(pk=icpc.children.get().child_id).update(preferred_language="Tigrinya")
    client.force_login(staff.coordinator)
    assert [(lang, d) for lang, d, _ in parts(minutes_html(client, icpc))] == [("en-GB", "ltr")]
    page = client.get(icpc.get_absolute_url()).content.decode()
    assert "recorded as “Tigrinya”, which iro has no translation for" in page


def test_the_language_asked_for_is_refused_to_whoever_may_not_read_the_minutes(client, staff, icpc):
    for refused in (staff.analyst, staff.outsider):
        client.force_login(refused)
        for pdf in (False, True):
            assert client.get(minutes_url(icpc, pdf=pdf), {"lang": "pl"}).status_code == 403
    assert not AccessLogEntry.objects.filter(what__startswith="conference minutes").exists()


@needs_noto
@pytest.mark.parametrize("code", ["ar", "bn", "zh-hans", "pa", "cy"])
def test_the_minutes_pdf_shows_every_character(client, staff, icpc, code):
    client.force_login(staff.coordinator)
    response = client.get(minutes_url(icpc, pdf=True), {"lang": code})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{code}.pdf"')
    language = next(lang for lang in TRANSLATED if lang.code == code)
    assert f"/Lang ({language.tag})".encode() in inflated(response.content)
    html = minutes_html(client, icpc, code)
    text = "".join(visible_text(markup) for _, _, markup in parts(html))
    assert missing_glyphs(response.content, text) == set()
