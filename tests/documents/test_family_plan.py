"""The plan as a family document (HTML and tagged PDF), and the parents' letter, in
plain language."""

from __future__ import annotations

import re
import zlib
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.access.models import AccessLogEntry
from iro.children.models import Child
from iro.documents.family_document import ROLE_WORDS
from iro.documents.plain_language import PLAIN, check
from iro.journey import services
from iro.journey.invitations import letter_context
from iro.journey.models import ConferenceKind, InviteeRole
from tests.factories import hold_conference
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def visible_text(html: str) -> str:
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def test_the_family_plan_says_what_needs_to_happen_in_plain_words(client, staff, plan):
    client.force_login(staff.social_worker)
    response = client.get(reverse("family_plan", args=[plan.public_id]))
    html = response.content.decode()
    assert '<html lang="en-GB" dir="ltr">' in html
    assert "Quilla's child protection plan" in html
    assert "This is called neglect." in html
    assert "Walk Quilla to school each morning" in html
    assert "The meeting's answer was 4 out of 10." in html
    assert "Fern Oakley, school or education" in html
    assert "held by 20 June 2024" in html
    assert "Your social worker is Sam Hartwell." in html
    text = visible_text(html)
    assert check(text).reading_ease >= PLAIN
    assert AccessLogEntry.objects.filter(what="family plan (HTML)", child=plan.child).exists()


def test_the_family_plan_gives_no_day_gone_by_and_names_the_next_meetings_chair(
    client, staff, plan
):
    gone_by = hold_conference(kind=ConferenceKind.REVIEW, chair=staff.iro_manager,
                              children=[(plan.child, {"plan": plan})],
                              scheduled_date=date(2024, 6, 18))  # fmt: skip
    client.force_login(staff.social_worker)
    url = reverse("family_plan", args=[plan.public_id])
    html = client.get(url).text
    assert "18 June 2024" not in html and "held by 20 June 2024" in html
    with time_machine.travel(date(2024, 6, 25), tick=False):
        client.force_login(staff.social_worker)  # a new day, a new sign-in
        html = client.get(url).text
    assert "It should have taken place by 20 June 2024. We are sorry that it is late." in html
    gone_by.scheduled_date = date(2024, 7, 2)
    gone_by.save()
    html = client.get(url).text
    assert "The next review meeting is on Tuesday 2 July 2024." in html
    assert f"The meeting is chaired by {staff.iro_manager.get_full_name()}" in html


def test_the_family_plan_stylesheet_carries_the_nonce_its_page_allows(client, staff, plan):
    client.force_login(staff.social_worker)
    response = client.get(reverse("family_plan", args=[plan.public_id]))
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    policy = response["Content-Security-Policy"]
    assert f"style-src 'self' 'nonce-{nonce}'" in policy
    assert " style=" not in response.content.decode()


def test_the_family_plan_pdf_is_tagged_with_its_language(client, staff, plan):
    client.force_login(staff.iro)
    response = client.get(reverse("family_plan_pdf", args=[plan.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{plan.child.la_child_id}-2024-03-20.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    pdf = inflated(response.content)
    assert b"pdfuaid" in pdf  # PDF/UA identification in the XMP metadata
    assert b"/StructTreeRoot" in pdf  # tagged
    assert b"/Lang (en-GB)" in pdf
    assert b'<rdf:li xml:lang="x-default">Quilla\'s child protection plan' in pdf
    assert AccessLogEntry.objects.filter(what="family plan (PDF)", child=plan.child).exists()


def test_the_family_plan_refuses_a_social_worker_of_another_team(client, staff, plan):
    client.force_login(staff.outsider)
    assert client.get(reverse("family_plan_pdf", args=[plan.public_id])).status_code == 403


def test_the_parents_letter_is_plain_english(client, staff):
    conference = book_icpc(staff, sibling_group(staff))
    invitation = services.add_invitee(
        conference=conference, name="Hazel Brackwater", role=InviteeRole.PARENT,
        acting_user=staff.coordinator,
    )  # fmt: skip
    client.force_login(staff.coordinator)
    html = client.get(
        reverse("conference_invitation_letter", args=[conference.public_id, invitation.pk])
    ).content.decode()
    letter = html.split('<div class="iro-letter" lang="en-GB" dir="ltr">', 1)[1]
    letter = letter.split("</main>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))
    result = check(text)
    assert result.reading_ease >= PLAIN, result
    assert [f.term for f in result.findings] == []
    assert letter_context(invitation)["children"] == "Wren and Alder"


@pytest.mark.parametrize(
    "stored", ["AB\r\nSet-Cookie: x=1", 'A"B', "<b>A</b>;x", "Ŵ 12", "\r\n", "a" * 36 + "/..\\"]
)
def test_the_pdf_file_name_is_safe_whatever_id_an_older_import_stored(client, staff, plan, stored):
    Child.objects.filter(pk=plan.child_id).update(la_child_id=stored)
    client.force_login(staff.iro)
    response = client.get(reverse("family_plan_pdf", args=[plan.public_id]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="plan-[A-Za-z0-9_-]+-2024-03-20\.pdf"', disposition)
    assert AccessLogEntry.objects.filter(what="family plan (PDF)", child=plan.child).exists()


def test_every_invitee_role_has_words_for_the_family_documents():
    # A role missing here would reach the family's plan as its code ("team_manager").
    assert set(ROLE_WORDS) == set(InviteeRole)
    assert str(ROLE_WORDS[InviteeRole.TEAM_MANAGER]) == "team manager"
