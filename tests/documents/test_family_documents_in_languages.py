"""The family documents in each of the thirteen languages: the family's language by
default and English after it, right to left for Arabic and Urdu, no fixed string left in
English, staff words kept as typed, and every character shown by the PDF's fonts."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date, time
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from iro.access.models import AccessLogEntry
from iro.children.models import Child
from iro.children.services import add_family_member
from iro.journey import invitations, services
from iro.journey.models import InviteeRole
from iro.languages import TRANSLATED
from tests.documents.test_family_plan import inflated
from tests.i18n.catalogues import catalogue_path, read
from tests.i18n.pdf_fonts import TOOLS, missing_glyphs, noto_installed, visible_text
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]
CODES = [language.code for language in TRANSLATED]
needs_font_tools = pytest.mark.skipif(not TOOLS, reason="pdffonts and fc-list are needed")
needs_noto = pytest.mark.skipif(
    not noto_installed(), reason="Debian's fonts-noto-core and fonts-noto-cjk are needed"
)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def letter(staff):
    conference = book_icpc(staff, sibling_group(staff))
    invitation = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    return conference, invitation


def parts(html: str) -> list[tuple[str, str, str]]:
    """Each part of a family document: its lang, its dir and its markup."""
    found = re.findall(
        r'<(?:article|div) class="(?:part|iro-letter)[^"]*" lang="([^"]+)" dir="(\w+)">'
        r"(.*?)</(?:article|div)>\s*(?=<(?:article|div) class=\"(?:part|iro-letter)|</main>"
        r"|\{% endfor|$)",
        html,
        re.S,
    )
    return found


def words(markup: str) -> str:
    return re.sub(r"\s+", " ", visible_text(markup))


def english_fixed_strings() -> list[re.Pattern]:
    """The catalogue's fixed wording as patterns (a placeholder matches anything), for
    every string long enough to be told from a name or a date."""
    patterns = []
    for entry in read(catalogue_path("fr"))[1:]:
        pieces = re.split(r"%\([a-z_]+\)s|\{[a-z_]+\}", entry.msgid)
        if sum(len(piece) for piece in pieces) > 12:
            patterns.append(re.compile(".+?".join(re.escape(piece) for piece in pieces)))
    return patterns


def plan_html(client, plan, code: str | None = None) -> str:
    url = reverse("family_plan", args=[plan.public_id])
    return client.get(url, {"lang": code} if code else {}).content.decode()


def letter_html(client, conference, invitation, code: str | None = None) -> str:
    url = reverse("conference_invitation_letter", args=[conference.public_id, invitation.pk])
    return client.get(url, {"lang": code} if code else {}).content.decode()


def assert_in_language(code: str, html: str, *, typed: list[str]) -> None:
    language = next(lang for lang in TRANSLATED if lang.code == code)
    direction = "rtl" if code in {"ar", "ur"} else "ltr"
    found = parts(html)
    assert [(lang, d) for lang, d, _ in found] == [(language.tag, direction), ("en-GB", "ltr")]
    family_part, english_part = found[0][2], found[1][2]
    text = words(family_part)
    left_in_english = [p.pattern for p in english_fixed_strings() if p.search(text)]
    assert left_in_english == [], code
    for typed_words in typed:  # words typed by staff stay as typed, in both parts
        assert typed_words in family_part
        assert typed_words in english_part
    assert "The same" not in words(english_part)


@pytest.mark.parametrize("code", CODES)
def test_the_family_plan_is_in_each_language_then_in_english(client, staff, plan, code):
    client.force_login(staff.social_worker)
    html = plan_html(client, plan, code)
    language = next(lang for lang in TRANSLATED if lang.code == code)
    direction = "rtl" if language.rtl else "ltr"
    assert f'<html lang="{language.tag}" dir="{direction}">' in html
    assert_in_language(code, html, typed=["Walk Quilla to school each morning", "Fern Oakley"])
    family_part = parts(html)[0][2]
    with translation.override(code):
        assert gettext("Who to talk to") in family_part
        # The note that staff words are as written, in the family's language.
        assert (
            gettext(
                "Some parts of this plan were written by the people who work with your family. "
                "Those parts are shown as they were written, in English."
            )
            in family_part
        )
        assert gettext("The same plan in English follows this one.") in family_part
    assert "Some parts of this plan were written" not in parts(html)[1][2]


@pytest.mark.parametrize("code", CODES)
def test_the_invitation_letter_is_in_each_language_then_in_english(client, staff, letter, code):
    conference, invitation = letter
    client.force_login(staff.coordinator)
    html = letter_html(client, conference, invitation, code)
    assert '<html lang="en-GB"' in html  # the staff page around the letter stays English
    assert_in_language(code, html, typed=["Hazel Brackwater", "Northmoor Civic Centre, Room 2"])
    with translation.override(code):
        assert gettext("When and where") in parts(html)[0][2]


@pytest.mark.parametrize("code", CODES)
def test_the_letter_to_a_child_is_in_each_language_in_words_for_a_child(client, staff, code):
    conference = book_icpc(staff, sibling_group(staff))
    invitation = services.add_invitee(
        conference=conference, name="Wren Brackwater", role=InviteeRole.CHILD,
        acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    html = letter_html(client, conference, invitation, code)
    assert_in_language(code, html, typed=["Wren Brackwater"])
    text = words(parts(html)[0][2])
    with translation.override(code):
        to_a_child = [
            gettext("An invitation to a meeting about you and %(others)s") % {"others": "Alder"},
            pgettext("to a child", "Dear %(name)s,") % {"name": "Wren Brackwater"},
            pgettext(
                "to a child",
                "If you need an interpreter, or help to get to the meeting, please tell us "
                "as soon as you can.",
            ),
        ]
        to_parents = gettext("Dear %(name)s,") % {"name": "Wren Brackwater"}
    for sentence in to_a_child:
        assert " ".join(sentence.split()) in text, sentence
    if to_parents != to_a_child[1]:  # a language that greets a child otherwise
        assert to_parents not in text


def test_the_family_plan_is_in_the_recorded_language_by_default(client, staff, plan):
    Child.objects.filter(pk=plan.child_id).update(preferred_language="polski")
    client.force_login(staff.social_worker)
    html = plan_html(client, plan)
    assert [(lang, d) for lang, d, _ in parts(html)] == [("pl", "ltr"), ("en-GB", "ltr")]
    assert "Z kim rozmawiać" in html
    entry = AccessLogEntry.objects.get(what="family plan (HTML)", child=None)
    assert entry.detail["language"] == "pl"


def test_the_family_plan_can_be_asked_for_in_english_only(client, staff, plan):
    Child.objects.filter(pk=plan.child_id).update(preferred_language="Urdu")
    client.force_login(staff.social_worker)
    html = plan_html(client, plan, "en-gb")
    assert [(lang, d) for lang, d, _ in parts(html)] == [("en-GB", "ltr")]


def test_a_parent_with_no_translation_gets_english_and_staff_are_told(client, staff, letter):
    conference, invitation = letter
    family = conference.children.first().child.family
    add_family_member(
        family=family, acting_user=staff.coordinator, name="Hazel Brackwater",
        relationship="mother", preferred_language="Tigrinya",
    )  # fmt: skip
    client.force_login(staff.coordinator)
    html = letter_html(client, conference, invitation)
    assert [(lang, d) for lang, d, _ in parts(html)] == [("en-GB", "ltr")]
    assert "recorded as “Tigrinya”, which iro has no translation for" in html


def test_the_letter_follows_the_parents_own_language(client, staff, letter):
    conference, invitation = letter
    family = conference.children.first().child.family
    add_family_member(
        family=family, acting_user=staff.coordinator, name="Hazel  brackwater",
        relationship="mother", preferred_language="Arabic",
    )  # fmt: skip
    client.force_login(staff.coordinator)
    html = letter_html(client, conference, invitation)
    assert [(lang, d) for lang, d, _ in parts(html)] == [("ar", "rtl"), ("en-GB", "ltr")]
    assert '<option value="ar" selected>' in html


def test_a_professionals_letter_is_in_english_by_default_and_not_called_the_familys(
    client, staff, letter
):
    conference, _parent = letter
    police = services.add_invitee(
        conference=conference, name="DC Claire Hollford", role=InviteeRole.POLICE,
        address="Northmoor Police Station", acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    html = letter_html(client, conference, police)
    assert "Language of the letter" in html
    assert "A letter to a professional is in English, chosen here by default." in html
    assert "language is en-gb" not in html.lower()
    assert "for the family" not in html and "family&#x27;s" not in html


def test_staff_pages_stay_in_english_whatever_the_browser_asks(client, staff, plan):
    Child.objects.filter(pk=plan.child_id).update(preferred_language="Polish")
    client.force_login(staff.social_worker)
    client.cookies["django_language"] = "pl"
    response = client.get(
        reverse("plan_detail", args=[plan.public_id]), HTTP_ACCEPT_LANGUAGE="pl,ar;q=0.8"
    )
    html = response.content.decode()
    assert '<html lang="en-GB"' in html
    assert "Outcomes and actions" in html
    assert "Language of the family's plan" in html
    assert '<option value="pl" selected>' in html
    assert "Z kim rozmawiać" not in html


def test_the_letter_pdf_is_refused_to_a_user_who_cannot_schedule(client, staff, letter):
    conference, invitation = letter
    client.force_login(staff.outsider)
    url = reverse("conference_invitation_letter_pdf", args=[conference.public_id, invitation.pk])
    assert client.get(url).status_code in {403, 404}
    assert not AccessLogEntry.objects.filter(what="conference invitation letter (PDF)").exists()


@needs_font_tools
def test_the_glyph_check_finds_a_character_no_font_has():
    from weasyprint import HTML

    text = "Plan \U0010fffd"
    pdf = HTML(string=f"<p>{text}</p>").write_pdf()
    assert missing_glyphs(pdf, text) == {"\U0010fffd"}


@needs_noto
@pytest.mark.parametrize("code", CODES)
def test_the_family_plan_pdf_shows_every_character(client, staff, plan, code):
    client.force_login(staff.social_worker)
    response = client.get(reverse("family_plan_pdf", args=[plan.public_id]), {"lang": code})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{code}.pdf"')
    pdf = response.content
    language = next(lang for lang in TRANSLATED if lang.code == code)
    assert f"/Lang ({language.tag})".encode() in inflated(pdf)
    text = visible_text(plan_html(client, plan, code))
    assert missing_glyphs(pdf, text) == set()


@needs_noto
@pytest.mark.parametrize("code", CODES)
def test_the_letter_pdf_shows_every_character(client, staff, letter, code):
    conference, invitation = letter
    client.force_login(staff.coordinator)
    url = reverse("conference_invitation_letter_pdf", args=[conference.public_id, invitation.pk])
    response = client.get(url, {"lang": code})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    html = letter_html(client, conference, invitation, code)
    text = "".join(visible_text(markup) for _, _, markup in parts(html))
    assert missing_glyphs(response.content, text) == set()
    entry = AccessLogEntry.objects.get(what="conference invitation letter (PDF)", child=None)
    assert entry.detail["language"] == code


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext, page by page)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
        pages = int(re.search(rb"Pages:\s+(\d+)", info).group(1))
        return [
            subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(path), "-"],
                capture_output=True,
                check=True,
            ).stdout.decode()
            for n in range(1, pages + 1)
        ]


@needs_noto
def test_a_two_language_letter_prints_each_language_on_a_page_of_its_own(client, staff, letter):
    # The parts used to spill their last lines (the sign-off alone) onto a page of their own.
    conference, invitation = letter
    client.force_login(staff.coordinator)
    url = reverse("conference_invitation_letter_pdf", args=[conference.public_id, invitation.pk])
    polish, english = page_texts(client.get(url, {"lang": "pl"}).content)
    assert "Z poważaniem" in polish
    assert "Yours sincerely" in english and "Yours sincerely" not in polish
    (alone,) = page_texts(client.get(url).content)
    assert "Yours sincerely" in alone


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("en-gb", "Friday 11 December 2026"),
        ("pl", "piątek, 11 grudnia 2026"),  # not "Piątek" in the middle of a sentence
        ("zh-hans", "2026年12月11日星期五"),  # the day's name after the date
        ("ms", "Jumaat 11 Disember 2026"),  # the month in full, not "Dis"
        ("de", "Freitag 11. Dezember 2026"),
        ("cy", "Dydd Gwener 11 Rhagfyr 2026"),
    ],
)
def test_a_day_is_written_as_a_letter_in_the_language_writes_it(code, written):
    with translation.override(code):
        assert invitations.family_day(date(2026, 12, 11), weekday=True) == written


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("ms", "pukul 13:30"),  # not "1:30 malam" (night)
        ("hi", "13:30 बजे"),  # not "1:30 बजे बजे"
        ("pa", "13:30 ਵਜੇ"),  # not "1:30 p.m. ਵਜੇ"
        ("ur", "13:30 بجے"),  # not "1:30 شام بجے" (evening)
        ("cy", "1:30 y.h."),
    ],
)
def test_an_afternoon_time_is_written_as_a_letter_in_the_language_writes_it(code, written):
    with translation.override(code):
        assert written in invitations.day_and_time(date(2026, 12, 21), time(13, 30))


@pytest.mark.parametrize(
    ("code", "recorded", "written"),
    [("pl", "Polish", "polski"), ("cy", "Polish", "Pwyleg"), ("fr", "Urdu", "ourdou"),
     ("zh-hans", "Mandarin", "Mandarin"), ("pl", "Kurdish Sorani", "Kurdish Sorani"),
     ("en-gb", "Polish", "Polish")],
)  # fmt: skip
def test_a_language_is_named_in_the_letters_language_when_iro_knows_it(code, recorded, written):
    with translation.override(code):
        assert invitations.language_in_words(recorded) == written
