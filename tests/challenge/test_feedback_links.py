"""Feedback from people without an account: a single-use link or code each, made when
the conference is recorded as held, refused alike when used, expired, altered or unknown."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from iro.challenge import feedback_links as links
from iro.challenge.models import Feedback, FeedbackLink, FeedbackOrigin, QuoteStatus, Respondent
from iro.children.models import Relationship
from iro.children.services import add_family_member
from iro.journey import services
from iro.journey.checks import current_version
from iro.journey.models import Decision, InviteeAttendance, InviteeRole
from iro.notices.models import MailKind, OutgoingMail
from tests.factories import complete_outcome, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = [pytest.mark.django_db]

HELD = date(2024, 6, 28)
RECORDED_AT = datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
TOKEN_IN_MAIL = re.compile(r"/feedback/([A-Za-z0-9_-]{20,})")
CODE_ON_LETTER = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})\b")
ANSWERS = {
    "rating_understood": "4",
    "rating_listened_to": "5",
    "rating_plan_clear": "3",
    "text": "The chair explained everything and let me speak.",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def held(staff):
    """An initial conference for Wren and Alder Brackwater, held on 28 June 2024 and
    recorded on 1 July, with a parent emailed, a parent by post, Wren and a social worker."""
    with time_machine.travel(RECORDED_AT, tick=False):
        siblings = sibling_group(staff)
        family = siblings.children[0].family
        add_family_member(
            family=family,
            acting_user=staff.coordinator,
            name="Rowan Brackwater",
            relationship=Relationship.MOTHER,
            email="rowan@example.org",
            preferred_language="Polish",
        )
        conference = book_icpc(staff, siblings)
        for name, role, email, address in [
            ("Rowan Brackwater", InviteeRole.PARENT, "rowan@example.org", ""),
            ("Heath Brackwater", InviteeRole.PARENT, "", "4 Mill Lane\nNorthmoor NM1 2AB"),
            ("Wren Brackwater", InviteeRole.CHILD, "wren@example.org", ""),
            ("Sam Hartwell", InviteeRole.SOCIAL_WORKER, "sam@example.org", ""),
        ]:
            services.add_invitee(
                conference=conference,
                name=name,
                role=role,
                email=email,
                address=address,
                acting_user=staff.coordinator,
            )
        services.record_conference_held(
            conference=conference,
            held_on=HELD,
            outcomes={
                c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=HELD)
                for c in siblings.children
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
    return conference


def token_for(email: str) -> str:
    mail = OutgoingMail.objects.get(kind=MailKind.FEEDBACK, to=email)
    return TOKEN_IN_MAIL.search(mail.body).group(1)


def link_of(conference, name: str) -> FeedbackLink:
    return FeedbackLink.objects.get(conference=conference, invitation__name=name)


def print_letter(staff, conference, name: str) -> str:
    client = Client()
    client.force_login(staff.coordinator)
    url = reverse("feedback_letter", args=[conference.public_id, link_of(conference, name).pk])
    response = client.post(url)
    assert response.status_code == 200
    return CODE_ON_LETTER.search(response.content.decode()).group(1)


def altered(secret: str, at: int = -1) -> str:
    """``secret`` with one character changed to another of the same kind."""
    chars = list(secret)
    pool = links.CODE_ALPHABET if secret.isupper() or "-" in secret[4:5] else "abcdefgh"
    chars[at] = next(c for c in pool if c != chars[at])
    return "".join(chars)


def at(days: float):
    return time_machine.travel(RECORDED_AT + timedelta(days=days), tick=False)


# ------------------------------------------------------------------- making them


def test_holding_the_conference_makes_one_link_per_invitee_and_emails_those_with_an_address(
    held,
):
    assert FeedbackLink.objects.filter(conference=held).count() == 4
    mails = OutgoingMail.objects.filter(kind=MailKind.FEEDBACK)
    assert sorted(m.to for m in mails) == [
        "rowan@example.org",
        "sam@example.org",
        "wren@example.org",
    ]
    token = token_for("rowan@example.org")
    assert len(token) >= 43
    body = OutgoingMail.objects.get(to="sam@example.org").body
    assert f"{settings.IRO_SITE_URL}/feedback/" in body
    assert "The link works once, until 29 July 2024." in body
    stored = FeedbackLink.objects.filter(conference=held).values_list("token_hash", "code_hash")
    assert all(token not in (h or "") for pair in stored for h in pair)
    # The respondent and the language are the invitee's, copied when the link was made.
    assert link_of(held, "Wren Brackwater").respondent == Respondent.CHILD
    assert link_of(held, "Sam Hartwell").respondent == Respondent.PROFESSIONAL
    assert link_of(held, "Rowan Brackwater").language == "pl"
    assert link_of(held, "Heath Brackwater").language == "en-gb"


def test_an_adult_recorded_as_not_there_is_not_asked_what_they_thought(staff):
    """Apologies sent or did not come: no link (the chair recorded who came before the
    conference itself); attendance not yet recorded still asks."""
    with time_machine.travel(RECORDED_AT, tick=False):
        siblings = sibling_group(staff)
        conference = book_icpc(staff, siblings)
        for name, email in [
            ("Rowan Brackwater", "rowan@example.org"),
            ("Heath Brackwater", "heath@example.org"),
            ("Sam Hartwell", "sam@example.org"),
        ]:
            services.add_invitee(
                conference=conference,
                name=name,
                role=InviteeRole.PARENT,
                email=email,
                acting_user=staff.coordinator,
            )
        by_name = {i.name: i.pk for i in conference.invitations.all()}
        services.record_attendance(
            conference=conference,
            attendance={
                by_name["Rowan Brackwater"]: InviteeAttendance.APOLOGIES,
                by_name["Heath Brackwater"]: InviteeAttendance.DID_NOT_ATTEND,
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
        services.record_conference_held(
            conference=conference,
            held_on=HELD,
            outcomes={
                c.pk: complete_outcome(Decision.PLAN, category="NEG", held_on=HELD)
                for c in siblings.children
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
        )
    asked = FeedbackLink.objects.filter(conference=conference)
    assert [link.invitation.name for link in asked] == ["Sam Hartwell"]
    assert list(
        OutgoingMail.objects.filter(kind=MailKind.FEEDBACK).values_list("to", flat=True)
    ) == ["sam@example.org"]


def test_a_letter_carries_a_short_code_and_the_page_to_type_it_in(staff, held):
    with at(1):
        client = Client()
        client.force_login(staff.coordinator)
        link = link_of(held, "Heath Brackwater")
        response = client.post(reverse("feedback_letter", args=[held.public_id, link.pk]))
    page = response.content.decode()
    code = CODE_ON_LETTER.search(page).group(1)
    assert "4 Mill Lane" in page
    assert "/feedback/" in page
    link.refresh_from_db()
    assert link.code_hash and code.replace("-", "") not in link.code_hash


def test_a_letter_without_an_address_says_so_before_it_is_printed_and_on_it(staff, held):
    link = link_of(held, "Heath Brackwater")
    link.invitation.address = ""
    link.invitation.save(update_fields=["address"])
    with at(1):
        client = Client()
        client.force_login(staff.coordinator)
        feedback = client.get(reverse("conference_feedback", args=[held.public_id])).text
        page = client.post(reverse("feedback_letter", args=[held.public_id, link.pk])).text
    assert "No postal address is recorded for Heath Brackwater:</strong>" in feedback
    assert "No postal address is recorded for Heath Brackwater</strong>" in page
    assert "write it on the envelope" in page


def arabic_letter(staff, held) -> tuple[str, int, int]:
    """Heath's feedback letter printed in Arabic: the page, and where its Arabic and its
    English parts start."""
    link = link_of(held, "Heath Brackwater")
    FeedbackLink.objects.filter(pk=link.pk).update(language="ar")
    with at(1):
        client = Client()
        client.force_login(staff.coordinator)
        response = client.post(reverse("feedback_letter", args=[held.public_id, link.pk]))
    page = response.content.decode()
    arabic = page.index('<div class="iro-letter" lang="ar" dir="rtl">')
    english = page.index('<div class="iro-letter iro-letter--next" lang="en-GB" dir="ltr">')
    return page, arabic, english


def test_a_letter_in_the_invitees_language_has_the_same_letter_in_english_after_it(staff, held):
    page, arabic, english = arabic_letter(staff, held)
    assert arabic < english
    assert "{#" not in page and "#}" not in page
    assert "Tell us what you thought of the meeting</h2>" in page[english:]
    # One code, printed in both parts, its letters and digits kept left to right.
    codes = CODE_ON_LETTER.findall(page)
    assert len(codes) == 2 and codes[0] == codes[1]
    assert f'<span dir="ltr">{codes[0]}</span>' in page[arabic:english]
    # Each part sends the reader to the code page in its own language.
    assert "/feedback/?lang=ar</strong>" in page[arabic:english]
    assert "/feedback/</strong>" in page[english:]


def test_a_letter_names_the_meeting_and_gives_a_number_to_call(staff, held):
    page, arabic_at, english_at = arabic_letter(staff, held)
    english = page[english_at:]
    assert "Thank you for being invited to the child protection conference on 28 June 2024." in (
        english
    )
    phone = settings.IRO_SERVICE_PHONE
    assert f'please call us on <bdi dir="ltr">{phone}</bdi> or write to us at' in english
    # In Arabic the number keeps its order: the spaces between its groups would reverse it.
    arabic = page[arabic_at:english_at]
    assert f'<bdi dir="ltr">{phone}</bdi>' in arabic
    assert "2024" in arabic  # the meeting's date, in the Arabic part too


def test_the_feedback_email_and_the_refusal_give_the_number_to_call(held):
    phone = settings.IRO_SERVICE_PHONE
    polish = OutgoingMail.objects.get(kind=MailKind.FEEDBACK, to="rowan@example.org").body
    assert f"W razie pytań prosimy dzwonić pod numer {phone}" in polish
    refused = Client().get(reverse("feedback_give", args=[links.new_token()]))
    assert f'call us on <bdi dir="ltr">{phone}</bdi>, write to us at' in refused.content.decode()


def test_a_number_in_a_right_to_left_email_is_kept_left_to_right():
    template = Template("{% load family_documents %}{{ phone|ltr_text }}")
    context = Context({"phone": "01632 960 000"})
    with translation.override("ar"):
        assert template.render(context) == "\u206601632 960 000\u2069"
    with translation.override("pl"):
        assert template.render(context) == "01632 960 000"


@pytest.mark.parametrize(
    ("recorded", "shown_in"),
    [
        ("Polish", "pl"),
        ("  polski ", "pl"),
        ("Urdu/Punjabi", "ur"),
        ("Mandarin", "zh-hans"),
        ("Tigrinya", "en-gb"),
        ("", "en-gb"),
    ],
)
def test_a_recorded_language_is_read_as_the_family_documents_read_it(recorded, shown_in):
    assert links.language_for(recorded) == shown_in


def test_someone_emailed_gets_no_letter(staff, held):
    client = Client()
    client.force_login(staff.coordinator)
    link = link_of(held, "Rowan Brackwater")
    with at(1):
        response = client.post(reverse("feedback_letter", args=[held.public_id, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.code_hash is None


def test_a_social_worker_of_another_team_cannot_print_a_letter(staff, held):
    client = Client()
    client.force_login(staff.outsider)
    link = link_of(held, "Heath Brackwater")
    with at(1):
        response = client.post(reverse("feedback_letter", args=[held.public_id, link.pk]))
    assert response.status_code in (403, 404)
    link.refresh_from_db()
    assert link.code_hash is None


def test_an_imported_conference_asks_no_one(staff):
    with time_machine.travel(RECORDED_AT, tick=False):
        siblings = sibling_group(staff)
        conference = book_icpc(staff, siblings)
        services.add_invitee(
            conference=conference,
            name="Rowan Brackwater",
            role=InviteeRole.PARENT,
            email="rowan@example.org",
            acting_user=staff.coordinator,
        )
        services.record_conference_held(
            conference=conference,
            held_on=HELD,
            outcomes={
                c.pk: services.ChildOutcome(decision=Decision.PLAN, category="NEG")
                for c in siblings.children
            },
            acting_user=staff.iro,
            expected_version=current_version(conference),
            imported=True,
        )
    assert not FeedbackLink.objects.exists()
    assert not OutgoingMail.objects.filter(kind=MailKind.FEEDBACK).exists()


def test_the_command_makes_links_for_recent_conferences_held_before_and_only_once(held):
    FeedbackLink.objects.filter(invitation__name="Sam Hartwell").delete()
    with at(2):
        call_command("issue_feedback_links")
        call_command("issue_feedback_links")
    assert FeedbackLink.objects.filter(conference=held).count() == 4
    assert OutgoingMail.objects.filter(kind=MailKind.FEEDBACK, to="sam@example.org").count() == 2
    FeedbackLink.objects.filter(invitation__name="Sam Hartwell").delete()
    with at(30):  # held 33 days before: too late to ask
        call_command("issue_feedback_links")
    assert FeedbackLink.objects.filter(conference=held).count() == 3


# ------------------------------------------------------------------- using them


def test_a_link_works_once_and_is_refused_the_second_time(held):
    token = token_for("rowan@example.org")
    url = reverse("feedback_give", args=[token])
    client = Client()
    with at(2):
        assert client.get(url).status_code == 200
        thanks = client.post(url, ANSWERS)
        assert thanks.status_code == 200
        assert "Thank you" in thanks.content.decode() or 'lang="pl"' in thanks.content.decode()
        again = client.get(url)
        posted_again = client.post(url, ANSWERS)
    assert again.status_code == 404
    assert posted_again.status_code == 404
    feedback = Feedback.objects.get()
    assert feedback.origin == FeedbackOrigin.LINK
    assert feedback.recorded_by is None
    assert feedback.respondent == Respondent.PARENT_OR_CARER
    assert feedback.quote_status == QuoteStatus.AWAITING
    assert (feedback.rating_understood, feedback.rating_listened_to) == (4, 5)
    assert feedback.received_on == date(2024, 7, 3)
    assert link_of(held, "Rowan Brackwater").feedback == feedback


def test_two_answers_sent_with_one_link_make_one_feedback(held):
    token = token_for("sam@example.org")
    answer = {"ratings": {"rating_understood": 5}, "text": "", "consent_to_quote": False}
    with at(1):
        first = links.give_feedback(token=token, **answer)
        second = links.give_feedback(token=token, **answer)
    assert first is not None and second is None
    assert Feedback.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_sent_at_the_same_moment_make_one_feedback(held):
    """Two requests racing with one link, each in its own connection (PostgreSQL: the
    row lock makes the second wait, then find the link used)."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL")
    token = token_for("sam@example.org")
    barrier = threading.Barrier(2)
    results = []

    def answer():
        try:
            barrier.wait(timeout=10)
            results.append(
                links.give_feedback(
                    token=token, ratings={"rating_understood": 5}, text="", consent_to_quote=False
                )
            )
        finally:
            connection.close()

    with at(1):
        threads = [threading.Thread(target=answer) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert len(results) == 2
    assert sum(r is not None for r in results) == 1
    assert Feedback.objects.count() == 1


def test_a_link_is_refused_after_28_days(held):
    url = reverse("feedback_give", args=[token_for("rowan@example.org")])
    with at(27.9):
        assert Client().get(url).status_code == 200
    with at(28):
        assert Client().get(url).status_code == 404
        assert Client().post(url, ANSWERS).status_code == 404
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("position", [0, 20, -1])
def test_a_link_altered_by_one_character_is_refused(held, position):
    token = token_for("rowan@example.org")
    with at(1):
        response = Client().post(reverse("feedback_give", args=[altered(token, position)]), ANSWERS)
        assert Client().get(reverse("feedback_give", args=[token])).status_code == 200
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_a_code_works_once_typed_any_way_and_is_refused_altered_or_again(staff, held):
    with at(1):
        code = print_letter(staff, held, "Heath Brackwater")
        client = Client()
        page = reverse("feedback_code")
        wrong = client.post(page, {"code": altered(code)})
        typed = code.replace("-", " ").lower()
        opened = client.post(page, {"code": typed})
        assert opened.status_code == 200
        assert 'name="rating_understood"' in opened.content.decode()
        sent = client.post(page, {"code": typed, "answers": "1", **ANSWERS})
        again = client.post(page, {"code": code})
    assert wrong.status_code == 404
    assert sent.status_code == 200
    assert again.status_code == 404
    assert Feedback.objects.get().respondent == Respondent.PARENT_OR_CARER


def test_a_mistyped_code_on_the_polish_page_leads_back_to_the_polish_page():
    page = reverse("feedback_code")
    refused = Client().post(f"{page}?lang=pl", {"code": "ABCD-EFGH-JK"})
    assert refused.status_code == 404
    html = refused.content.decode()
    assert '<html lang="pl"' in html
    assert f'href="{page}?lang=pl"' in html


def test_printing_the_letter_again_stops_the_first_code(staff, held):
    with at(1):
        first = print_letter(staff, held, "Heath Brackwater")
        second = print_letter(staff, held, "Heath Brackwater")
        client = Client()
        assert client.post(reverse("feedback_code"), {"code": first}).status_code == 404
        assert client.post(reverse("feedback_code"), {"code": second}).status_code == 200


def test_a_code_of_the_wrong_shape_is_explained_on_the_page(held):
    with at(1):
        response = Client().post(reverse("feedback_code"), {"code": "ABC"})
    assert response.status_code == 200
    assert "10 letters and numbers" in response.content.decode()


def test_used_expired_altered_and_unknown_links_get_the_same_page(staff, held):
    used = token_for("rowan@example.org")
    expired = token_for("sam@example.org")
    with at(1):
        Client().post(reverse("feedback_give", args=[used]), ANSWERS)
    with at(29):
        pages = {
            what: Client().get(reverse("feedback_give", args=[token]))
            for what, token in {
                "used": used,
                "expired": expired,
                "altered": altered(token_for("wren@example.org")),
                "unknown": links.new_token(),
            }.items()
        }
    assert {r.status_code for r in pages.values()} == {404}
    assert len({r.content for r in pages.values()}) == 1
    assert "This link does not work" in pages["unknown"].content.decode()


def test_an_address_with_too_many_refusals_is_told_to_wait(held, monkeypatch):
    monkeypatch.setattr(links, "REFUSALS_PER_WINDOW", 3)
    good = reverse("feedback_give", args=[token_for("rowan@example.org")])
    client = Client(REMOTE_ADDR="198.51.100.7")
    with at(1):
        for _ in range(3):
            assert client.get(reverse("feedback_give", args=[links.new_token()])).status_code == 404
        blocked = client.get(good)
        other_address = Client(REMOTE_ADDR="198.51.100.8").get(good)
    assert blocked.status_code == 429
    assert "try again" in blocked.content.decode()
    assert other_address.status_code == 200
    with at(1 + 20 / (24 * 60)):  # the next window
        assert client.get(good).status_code == 200


def test_an_address_may_type_only_so_many_codes(staff, held, monkeypatch):
    monkeypatch.setattr(links, "CODES_PER_WINDOW", 2)
    monkeypatch.setattr(links, "REFUSALS_PER_WINDOW", 100)
    with at(1):
        code = print_letter(staff, held, "Heath Brackwater")
        client = Client(REMOTE_ADDR="198.51.100.9")
        for _ in range(2):
            client.post(reverse("feedback_code"), {"code": "ABCD-EFGH-JK"})
        assert client.post(reverse("feedback_code"), {"code": code}).status_code == 429


def test_the_form_needs_the_csrf_token(held):
    client = Client(enforce_csrf_checks=True)
    with at(1):
        response = client.post(
            reverse("feedback_give", args=[token_for("sam@example.org")]), ANSWERS
        )
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_an_empty_answer_is_refused_on_the_form_and_the_link_still_works(held):
    url = reverse("feedback_give", args=[token_for("sam@example.org")])
    with at(1):
        empty = Client().post(url, {"text": "  "})
        assert Client().get(url).status_code == 200
    assert empty.status_code == 200
    assert "Answer at least one question" in empty.content.decode()
    assert not Feedback.objects.exists()


# ------------------------------------------------------------------- what it shows


def test_the_form_shows_no_personal_data(held):
    with at(1):
        pages = [
            Client().get(reverse("feedback_give", args=[token_for(email)])).content.decode()
            for email in ("rowan@example.org", "wren@example.org", "sam@example.org")
        ]
    for page in pages:
        for private in ("Brackwater", "Wren", "Alder", "Rowan", "Hartwell", "Civic Centre", "2024"):
            assert private not in page
        assert "Ivy" not in page and "Coldharbour" not in page  # the chair


def test_the_form_says_the_service_will_know_who_sent_it(held):
    """The link is one person's: the form does not let them think they are anonymous."""
    with at(1):
        child = Client().get(reverse("feedback_give", args=[token_for("wren@example.org")]))
        adult = Client().get(reverse("feedback_give", args=[token_for("sam@example.org")]))
    assert "they will know it is from you" in child.content.decode()
    assert "can see that it came from you. We never publish your name." in (adult.content.decode())
    for page in (child.content.decode(), adult.content.decode()):
        assert "Your name is not shown on this page." in page
        assert "nothing on this page says who you are" not in page


def test_the_thanks_say_how_to_take_back_the_consent_to_quote(held):
    """Only the service can withdraw a consent: the family is told whom to tell."""
    with at(1):
        child = Client().post(
            reverse("feedback_give", args=[token_for("wren@example.org")]),
            ANSWERS | {"rating_understood": "5", "rating_listened_to": "3"},
        )
        adult = Client().post(
            reverse("feedback_give", args=[token_for("sam@example.org")]), ANSWERS
        )
    assert "If you change your mind about sharing it, tell your social worker." in (
        child.content.decode()
    )
    assert "If you change your mind about being quoted, tell your social worker or the" in (
        adult.content.decode()
    )


def test_the_childs_faces_answer_only_1_3_or_5(held):
    url = reverse("feedback_give", args=[token_for("wren@example.org")])
    with at(1):
        refused = Client().post(url, {"rating_understood": "4"})
    assert refused.status_code == 200
    assert "Choose one of the answers" in refused.content.decode()
    assert not Feedback.objects.exists()


def test_the_childs_form_asks_with_faces_and_few_words(held):
    with at(1):
        child = Client().get(reverse("feedback_give", args=[token_for("wren@example.org")]))
        adult = Client().get(reverse("feedback_give", args=[token_for("sam@example.org")]))
    child_page, adult_page = child.content.decode(), adult.content.decode()
    assert "challenge/faces/happy" in child_page and 'alt="A happy face"' in child_page
    assert "faces" not in adult_page and "Completely" in adult_page
    assert len(re.sub(r"<[^>]+>", " ", child_page).split()) < len(
        re.sub(r"<[^>]+>", " ", adult_page).split()
    )


def test_the_form_is_in_the_invitees_language(held):
    with at(1):
        page = Client().get(reverse("feedback_give", args=[token_for("rowan@example.org")]))
    assert '<html lang="pl"' in page.content.decode()


def test_the_manager_sees_the_feedback_in_the_quotes_awaiting_approval(staff, held):
    with at(1):
        child_answers = ANSWERS | {"rating_understood": "5", "rating_listened_to": "3"}
        given = Client().post(
            reverse("feedback_give", args=[token_for("wren@example.org")]), child_answers
        )
        assert "We got your answers" in given.content.decode()
        client = Client()
        client.force_login(staff.iro_manager)
        quotes = client.get(reverse("quote_list")).content.decode()
        client.force_login(staff.iro)
        conference_page = client.get(reverse("conference_feedback", args=[held.public_id]))
        api = client.get(reverse("api_conference_feedback", args=[held.public_id])).json()
        client.force_login(staff.coordinator)
        coordinators_page = client.get(reverse("conference_feedback", args=[held.public_id])).text
    assert held.chair == staff.iro
    assert Feedback.objects.get().rating_plan_clear == 3
    assert [f["origin"] for f in api] == ["link"]
    assert "The chair explained everything" in quotes
    assert "A young person" in quotes
    page = conference_page.content.decode()
    assert "Given through their feedback link" in page
    # The chair being rated is not told who answered; the coordinator is.
    assert "Feedback given" not in page
    assert 'id="chair-not-told"' in page
    assert "Feedback given" in coordinators_page
    assert 'id="chair-not-told"' not in coordinators_page
    assert "print the feedback letter" in coordinators_page.lower()


def test_a_refused_link_is_not_written_to_the_log(held, caplog):
    token = token_for("rowan@example.org")
    with at(29), caplog.at_level("DEBUG"):
        assert Client().get(reverse("feedback_give", args=[altered(token)])).status_code == 404
        assert Client().get(reverse("feedback_give", args=[token])).status_code == 404
    assert token[:20] not in caplog.text


def test_every_invitee_role_gives_feedback_as_someone_the_measure_counts():
    # A role missing here would be counted as "someone else" in feedback received.
    assert set(links.RESPONDENT_OF_ROLE) == set(InviteeRole)
    assert links.RESPONDENT_OF_ROLE[InviteeRole.TEAM_MANAGER] == Respondent.PROFESSIONAL
