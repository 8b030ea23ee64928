"""The child's journey and the feedback form in each of the thirteen languages: every
fixed string translated (no English left in the family's part), right to left for Arabic
and Urdu, and every character of the leaflet shown by the PDF's fonts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from iro.challenge import feedback_links as links
from iro.challenge.models import FeedbackLink, Respondent
from iro.documents import formats, sources
from iro.documents.family_journey import AUDIENCES
from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import Decision, InviteeRole
from iro.languages import BY_CODE, TRANSLATED
from tests.documents.test_family_documents_in_languages import (
    english_fixed_strings,
    needs_noto,
    words,
)
from tests.documents.test_family_plan import inflated
from tests.factories import child_on_plan, complete_outcome, make_staff
from tests.i18n.pdf_fonts import missing_glyphs, visible_text
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]
CODES = [language.code for language in TRANSLATED]
TODAY = datetime(2024, 6, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def child(staff):
    """Quilla, 10, on a plan since March with a review booked."""
    return child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20),
        team=staff.team, first_name="Quilla", last_name="Ashcombe",
        date_of_birth=date(2014, 3, 1), social_worker=staff.social_worker,
    ).child  # fmt: skip


def root(html: str) -> tuple[str, str]:
    """The page's lang (tags are not case-sensitive: zh-Hans is zh-hans) and dir."""
    found = re.search(r'<html lang="([^"]+)" dir="(\w+)"', html)
    return found[1].lower(), found[2]


def main_words(html: str) -> str:
    return words(re.search(r"<main.*?</main>", html, re.S)[0])


def english_left(text: str) -> list[str]:
    return [pattern.pattern for pattern in english_fixed_strings() if pattern.search(text)]


def leaflet(client, child, audience: str, code: str) -> str:
    url = reverse("family_journey_leaflet", args=[child.public_id])
    response = client.get(url, {"audience": audience, "lang": code})
    assert response.status_code == 200
    return response.content.decode()


# ------------------------------------------------------------------ the journey


@pytest.mark.parametrize("audience", list(AUDIENCES))
@pytest.mark.parametrize("code", CODES)
def test_every_version_of_the_journey_is_in_each_language(client, staff, child, code, audience):
    client.force_login(staff.social_worker)
    html = leaflet(client, child, audience, code)
    assert root(html) == (code, "rtl" if BY_CODE[code].rtl else "ltr")
    text = main_words(html)
    assert english_left(text) == [], (code, audience)
    assert "Quilla" in text  # the child's name, as recorded


def test_the_english_journey_is_in_english_left_to_right(client, staff, child):
    client.force_login(staff.social_worker)
    html = leaflet(client, child, "parents", "en-gb")
    assert root(html) == ("en-gb", "ltr")
    assert english_left(main_words(html)), "the check finds English when English is there"


@needs_noto
@pytest.mark.parametrize("code", CODES)
def test_the_journey_pdf_shows_every_character(client, staff, child, code):
    """One PDF per language, the versions taken in turn so each is printed in some."""
    audience = list(AUDIENCES)[CODES.index(code) % len(AUDIENCES)]
    client.force_login(staff.social_worker)
    url = reverse("family_journey_pdf", args=[child.public_id])
    response = client.get(url, {"audience": audience, "lang": code})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{code}.pdf"')
    assert f"/Lang ({code})".encode() in inflated(response.content)
    text = visible_text(leaflet(client, child, audience, code)) + visible_text(
        leaflet(client, child, audience, "en-gb")
    )
    assert missing_glyphs(response.content, text) == set()


# ------------------------------------------------------------------ the feedback form


@pytest.fixture
def held(staff):
    """An initial conference held on 18 June 2024 with a parent and a child invited."""
    siblings = sibling_group(staff)
    conference = book_icpc(staff, siblings)
    for name, role in [
        ("Rowan Brackwater", InviteeRole.PARENT),
        ("Wren Brackwater", InviteeRole.CHILD),
    ]:
        services.add_invitee(
            conference=conference, name=name, role=role, email=f"{name[:4]}@example.org",
            acting_user=staff.coordinator,
        )  # fmt: skip
    held_on = date(2024, 6, 18)
    services.record_conference_held(
        conference=conference,
        held_on=held_on,
        outcomes={
            c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=held_on)
            for c in siblings.children
        },
        acting_user=staff.iro,
        expected_version=current_version(conference),
    )
    return conference


def form_in(conference, respondent: str, code: str) -> str:
    """The form a link in ``code`` shows, read through a fresh token for the link."""
    link = FeedbackLink.objects.get(conference=conference, respondent=respondent)
    token = links.new_token()
    FeedbackLink.objects.filter(pk=link.pk).update(
        language=code, token_hash=links.digest("token", token)
    )
    response = Client().get(reverse("feedback_give", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("respondent", [Respondent.PARENT_OR_CARER, Respondent.CHILD])
@pytest.mark.parametrize("code", CODES)
def test_the_feedback_form_is_in_each_language(held, code, respondent):
    html = form_in(held, respondent, code)
    assert root(html) == (code, "rtl" if BY_CODE[code].rtl else "ltr")
    text = main_words(html)
    assert english_left(text) == [], (code, respondent)
    assert "Brackwater" not in html  # no personal data, in any language


@pytest.mark.parametrize("code", CODES)
def test_the_page_for_a_letters_code_is_in_the_language_of_the_letter(code):
    html = Client().get(reverse("feedback_code"), {"lang": code}).content.decode()
    assert root(html) == (code, "rtl" if BY_CODE[code].rtl else "ltr")
    assert english_left(main_words(html)) == []
    assert f'action="/feedback/?lang={code}"' in html  # a wrong code keeps the language


@pytest.mark.parametrize("asked", ["", "xx", "en-gb"])
def test_the_page_for_a_code_is_in_english_unless_a_translation_is_asked_for(asked):
    html = Client().get(reverse("feedback_code"), {"lang": asked}).content.decode()
    assert root(html) == ("en-gb", "ltr")


# ------------------------------------------------------------------ large print


@needs_noto
@pytest.mark.parametrize("code", ["ar", "ur", "bn", "zh-hans"])
def test_the_large_print_journey_is_in_the_familys_script_and_direction(staff, child, code):
    document = {"child": str(child.public_id), "audience": "parents", "lang": code}
    text = sources.find(staff.social_worker, sources.FAMILY_JOURNEY, document).structured()
    html = formats.large_print_html(text)
    assert root(html) == (code, "rtl" if BY_CODE[code].rtl else "ltr")
    pdf = formats.large_print(text)
    words_in_pdf = " ".join([text.title, *(block.text for block in text.blocks)])
    words_in_pdf += " ".join(item for block in text.blocks for item in block.items)
    assert missing_glyphs(pdf, words_in_pdf) == set()
