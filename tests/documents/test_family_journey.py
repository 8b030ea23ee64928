"""The child's journey for the family: where this child is now, in plain words, for
the parents and for the child by age, as a page and a tagged PDF leaflet."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from iro import timescales
from iro.access.models import AccessLogEntry
from iro.documents import family_journey
from iro.documents.family_journey import (
    AGED_8_TO_12,
    AGED_13_UP,
    INITIAL,
    PARENTS,
    PLAN,
    REVIEW,
    STRATEGY,
    UNDER_8,
    audience_for,
)
from iro.documents.plain_language import PLAIN, check
from iro.journey import selectors
from iro.journey.models import ConferenceKind, Decision
from iro.people.selectors import closure_days
from tests.documents.test_family_plan import inflated
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    Section47Factory,
    child_on_plan,
    hold_conference,
    make_staff,
    s47_for,
)

pytestmark = [pytest.mark.django_db]

TODAY = date(2024, 6, 20)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


def born(age: int) -> date:
    return date(TODAY.year - age, 3, 1)


@pytest.fixture
def on_plan(staff):
    """Quilla, 6: strategy discussion 1 March, conference and plan 20 March 2024."""
    return child_on_plan(
        chair=staff.iro,
        strategy=date(2024, 3, 1),
        icpc_on=date(2024, 3, 20),
        team=staff.team,
        first_name="Quilla",
        last_name="Ashcombe",
        date_of_birth=born(6),
        social_worker=staff.social_worker,
    )


def main_text(html: str) -> str:
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def leaflet(client, child, audience: str | None = None) -> str:
    url = reverse("family_journey_leaflet", args=[child.public_id])
    response = client.get(url, {"audience": audience} if audience else {})
    assert response.status_code == 200
    return response.content.decode()


def kinds(journey) -> list[str]:
    return [step.kind for step in journey.happened]


# --- Built from the records: what has happened, what is next and by when -------------------


def test_after_the_enquiry_starts_the_next_step_is_the_first_conference_by_its_due_date(staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    s47_for(child, referral=date(2024, 6, 9), strategy=date(2024, 6, 10))
    journey = family_journey.build(staff.social_worker, child, audience=PARENTS)
    assert kinds(journey) == [family_journey.REFERRAL, STRATEGY, family_journey.ENQUIRY]
    assert [s.on for s in journey.happened] == [
        date(2024, 6, 9),
        date(2024, 6, 10),
        date(2024, 6, 10),
    ]
    assert journey.next.kind == INITIAL
    assert journey.next.due == timescales.icpc_due(date(2024, 6, 10), closures=closure_days())
    assert journey.next.booked is None
    assert journey.chair == ""
    assert not journey.on_plan


def test_a_booked_first_conference_shows_its_day_and_its_chair(client, staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    s47 = s47_for(child, referral=date(2024, 6, 9), strategy=date(2024, 6, 10))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(child, {"section47": s47})],
        chair=staff.other_iro, scheduled_date=date(2024, 6, 28),
    )  # fmt: skip
    journey = family_journey.build(staff.social_worker, child)
    assert journey.next.kind == INITIAL
    assert journey.next.booked == date(2024, 6, 28)
    assert journey.chair == "Otto Fallowfield"
    client.force_login(staff.social_worker)
    text = main_text(leaflet(client, child, PARENTS))
    assert "It is on Friday 28 June 2024." in text
    assert "The meetings about Wren are chaired by Otto Fallowfield." in text


def test_a_booked_meeting_gives_its_time_and_place(client, staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    s47 = s47_for(child, referral=date(2024, 6, 9), strategy=date(2024, 6, 10))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(child, {"section47": s47})],
        chair=staff.other_iro, scheduled_date=date(2024, 6, 28),
        scheduled_time=time(10, 30), venue="Moorside Family Centre",
    )  # fmt: skip
    client.force_login(staff.social_worker)
    text = main_text(leaflet(client, child, AGED_8_TO_12))
    assert "It is on Friday 28 June 2024. It starts at 10:30am." in text
    assert ".." not in text.replace("...", "")
    assert "Where: Moorside Family Centre" in text


def test_a_first_conference_past_its_due_date_is_called_late(client, staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    s47_for(child, referral=date(2024, 5, 1), strategy=date(2024, 5, 2))
    due = timescales.icpc_due(date(2024, 5, 2), closures=closure_days())
    journey = family_journey.build(staff.social_worker, child)
    assert journey.next.kind == INITIAL and journey.next.late and journey.next.due == due
    client.force_login(staff.social_worker)
    text = main_text(leaflet(client, child, PARENTS))
    assert (
        f"It should have taken place by {due.day} May 2024. We are sorry that it is late." in text
    )


def test_a_booking_whose_day_passed_unrecorded_is_not_given_as_the_date(staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    s47 = s47_for(child, referral=date(2024, 6, 3), strategy=date(2024, 6, 4))
    hold_conference(
        kind=ConferenceKind.INITIAL, children=[(child, {"section47": s47})],
        chair=staff.other_iro, scheduled_date=date(2024, 6, 19),
    )  # fmt: skip
    journey = family_journey.build(staff.social_worker, child)
    assert journey.next.kind == INITIAL and journey.next.booked is None
    assert journey.next.due == timescales.icpc_due(date(2024, 6, 4), closures=closure_days())


def test_an_enquiry_without_a_recorded_discussion_is_a_step_of_its_own(staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    episode = EpisodeFactory(child=child, referral_date=date(2024, 6, 3))
    Section47Factory(episode=episode, strategy_discussion=None, start_date=date(2024, 6, 5))
    journey = family_journey.build(staff.social_worker, child)
    assert kinds(journey) == [family_journey.REFERRAL, family_journey.ENQUIRY]
    assert journey.happened[1].on == date(2024, 6, 5)
    assert journey.next.kind == INITIAL


def test_the_leaflet_knows_every_stage_name_the_journey_uses():
    """The leaflet reads the journey's stages by name: a renamed stage must fail here."""
    source = Path(selectors.__file__).read_text()
    for stage in [*family_journey.STAGES, family_journey.REVIEW_PREFIX]:
        assert f'"{stage}' in source, stage


def test_a_child_on_a_plan_has_the_first_review_next_due_three_months_after_the_start(
    client, staff, on_plan
):
    journey = family_journey.build(staff.social_worker, on_plan.child)
    assert kinds(journey) == [
        family_journey.REFERRAL, STRATEGY, family_journey.ENQUIRY, INITIAL, PLAN,
    ]  # fmt: skip
    assert journey.on_plan
    assert journey.next.kind == REVIEW
    assert journey.next.due == timescales.first_review_due(date(2024, 3, 20)) == TODAY
    assert journey.chair == "Ivy Coldharbour"
    client.force_login(staff.social_worker)
    text = main_text(leaflet(client, on_plan.child, PARENTS))
    assert "20 March 2024 The child protection plan started." in text
    assert "It should take place by 20 June 2024." in text


def test_after_a_review_the_next_is_due_six_months_later(staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2023, 9, 1), icpc_on=date(2023, 9, 20),
        reviews=(date(2023, 12, 14), date(2024, 6, 6)), team=staff.team,
        date_of_birth=born(14),
    )  # fmt: skip
    result = family_journey.build(staff.social_worker, journey.child)
    assert kinds(result).count(REVIEW) == 2
    assert result.next.kind == REVIEW
    assert result.next.due == timescales.next_review_due(date(2024, 6, 6)) == date(2024, 12, 6)
    assert result.audience == AGED_13_UP


def test_when_the_plan_has_ended_and_the_work_is_closed_nothing_is_next(client, staff):
    journey = child_on_plan(
        chair=staff.iro, strategy=date(2023, 9, 1), icpc_on=date(2023, 9, 20),
        reviews=(date(2023, 12, 14),), ended_on=date(2024, 5, 2), team=staff.team,
        first_name="Ember", date_of_birth=born(10),
    )  # fmt: skip
    journey.episode.closure_date = date(2024, 5, 3)
    journey.episode.save()
    result = family_journey.build(staff.social_worker, journey.child)
    assert kinds(result)[-2:] == [family_journey.PLAN_ENDED, family_journey.CLOSED]
    assert result.next is None and not result.on_plan
    client.force_login(staff.social_worker)
    text = main_text(leaflet(client, journey.child))
    assert "2 May 2024 Your plan ended." in text
    assert "There is no meeting booked. Your social worker will tell you what happens next." in text


def test_only_the_latest_episode_is_where_the_child_is_now(staff):
    child = ChildFactory(first_name="Wren", date_of_birth=born(10), team=staff.team)
    old = s47_for(child, referral=date(2022, 1, 3), strategy=date(2022, 1, 4)).episode
    old.closure_date = date(2022, 2, 1)
    old.save()
    s47_for(child, referral=date(2024, 6, 9), strategy=date(2024, 6, 10))
    journey = family_journey.build(staff.social_worker, child)
    assert min(s.on for s in journey.happened) == date(2024, 6, 9)


def test_nothing_typed_by_staff_appears_in_the_leaflet(client, staff, on_plan):
    row = on_plan.icpc.children.get()
    row.worries = "Quilla has missed a lot of school."
    row.wishes_feelings = "Quilla wants to see her gran more."
    row.decision = Decision.PLAN
    row.save()
    client.force_login(staff.social_worker)
    for audience in family_journey.AUDIENCES:
        html = leaflet(client, on_plan.child, audience)
        assert "missed a lot of school" not in html
        assert "see her gran" not in html


# --- Each reader ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, audience",
    [(0, UNDER_8), (6, UNDER_8), (7, UNDER_8), (8, AGED_8_TO_12), (12, AGED_8_TO_12),
     (13, AGED_13_UP), (17, AGED_13_UP)],
)  # fmt: skip
def test_the_version_is_chosen_by_the_childs_age_today(age, audience):
    assert audience_for(ChildFactory.build(date_of_birth=born(age)), TODAY) == audience


def test_the_age_turns_on_the_birthday():
    child = ChildFactory.build(date_of_birth=date(2016, 6, 21))
    assert audience_for(child, date(2024, 6, 20)) == UNDER_8
    assert audience_for(child, date(2024, 6, 21)) == AGED_8_TO_12


def test_an_unborn_child_gets_the_parents_version():
    child = ChildFactory.build(date_of_birth=None, expected_date_of_birth=date(2024, 9, 1))
    assert audience_for(child, TODAY) == PARENTS


def test_the_leaflet_follows_the_childs_age_unless_another_version_is_chosen(
    client, staff, on_plan
):
    client.force_login(staff.social_worker)
    assert "<h1>Hello, Quilla</h1>" in leaflet(client, on_plan.child)
    assert "<h1>Quilla's journey: a guide for parents and carers</h1>" in leaflet(
        client, on_plan.child, PARENTS
    )
    assert "<h1>What is happening for you, Quilla</h1>" in leaflet(
        client, on_plan.child, AGED_8_TO_12
    )
    assert "<h1>Your child protection meetings, Quilla</h1>" in leaflet(
        client, on_plan.child, AGED_13_UP
    )


def test_an_unknown_version_is_not_found(client, staff, on_plan):
    client.force_login(staff.social_worker)
    url = reverse("family_journey_leaflet", args=[on_plan.child.public_id])
    assert client.get(url, {"audience": "grown-ups"}).status_code == 404


def test_the_under_8_version_has_a_described_picture_for_each_part(client, staff, on_plan):
    client.force_login(staff.social_worker)
    html = leaflet(client, on_plan.child, UNDER_8)
    pictures = re.findall(r'<img src="([^"]+)"[^>]*alt="([^"]*)"', html)
    assert len(pictures) >= 6
    for src, alt in pictures:
        assert src.startswith("/static/documents/journey/"), src
        assert (family_journey.PICTURES_DIR / src.rsplit("/", 1)[1]).is_file()
        assert len(alt) > 10, src
    assert len(html.split("<img")) - 1 == len(pictures)  # no picture without its words


def test_every_version_says_how_to_have_a_say_and_how_to_complain(client, staff, on_plan):
    client.force_login(staff.social_worker)
    for audience in family_journey.AUDIENCES:
        text = main_text(leaflet(client, on_plan.child, audience)).lower()
        for words in ("meeting", "bring", "advocate" if audience != UNDER_8 else "helper",
                      "draw", "complain" if audience != UNDER_8 else "not happy"):  # fmt: skip
            assert words in text, (audience, words)


# --- Plain words ----------------------------------------------------------------------


@pytest.fixture
def demo_like_children(staff):
    """Children like the demo's: at each stage, of each age."""
    children = []
    for age, name in ((5, "Moss"), (10, "Bramble"), (15, "Linnet")):
        children.append(
            child_on_plan(
                chair=staff.iro,
                strategy=date(2023, 9, 1),
                icpc_on=date(2023, 9, 20),
                reviews=(date(2023, 12, 14),),
                team=staff.team,
                first_name=name,
                date_of_birth=born(age),
            ).child
        )
        child = ChildFactory(first_name=name, date_of_birth=born(age), team=staff.team)
        s47_for(child, referral=date(2024, 6, 9), strategy=date(2024, 6, 10))
        children.append(child)
    return children


def test_the_childrens_versions_read_at_a_reading_age_of_about_9_to_11(
    client, staff, demo_like_children
):
    client.force_login(staff.social_worker)
    for child in demo_like_children:
        ages = {}
        for audience in family_journey.CHILDREN:
            result = check(main_text(leaflet(client, child, audience)))
            ages[audience] = result.reading_age
            assert result.findings == [], (audience, result.findings)
        # The words a child reads alone: about 9 to 11.
        assert 9 <= ages[AGED_8_TO_12] <= 11, (child.first_name, ages)
        assert 9 <= ages[AGED_13_UP] <= 11, (child.first_name, ages)
        # The pictures' words are read with a grown-up: no harder than the 8 to 12 version.
        assert 7 <= ages[UNDER_8] <= ages[AGED_8_TO_12], (child.first_name, ages)


def test_the_parents_version_is_plain_english(client, staff, demo_like_children):
    client.force_login(staff.social_worker)
    for child in demo_like_children:
        result = check(main_text(leaflet(client, child, PARENTS)))
        assert result.reading_ease >= PLAIN, result
        assert result.findings == [], result.findings


# --- Access, the read log and the PDF ---------------------------------------------------


def test_the_leaflet_is_logged_as_read(client, staff, on_plan):
    client.force_login(staff.iro)
    leaflet(client, on_plan.child, AGED_8_TO_12)
    export = AccessLogEntry.objects.get(what="family journey (HTML)", child__isnull=True)
    assert export.detail == {"child": str(on_plan.child.public_id), "audience": AGED_8_TO_12}
    assert AccessLogEntry.objects.filter(
        what="family journey (HTML)", child=on_plan.child, user=staff.iro
    ).exists()
    assert AccessLogEntry.objects.filter(
        what="family_journey_leaflet", child=on_plan.child
    ).exists()


@pytest.mark.parametrize("role", ["outsider", "analyst", "partnership", "admin"])
@pytest.mark.parametrize("name", ["family_journey", "family_journey_leaflet", "family_journey_pdf"])
def test_a_user_without_the_child_or_without_names_is_refused(client, staff, on_plan, role, name):
    client.force_login(getattr(staff, role))
    response = client.get(reverse(name, args=[on_plan.child.public_id]))
    assert response.status_code == 403
    assert b"Quilla" not in response.content
    assert not AccessLogEntry.objects.filter(child=on_plan.child).exists()


def test_the_leaflet_pdf_is_tagged_with_its_language_and_has_the_words(client, staff, on_plan):
    client.force_login(staff.social_worker)
    url = reverse("family_journey_pdf", args=[on_plan.child.public_id])
    response = client.get(url, {"audience": UNDER_8})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="journey-{on_plan.child.la_child_id}-under-8.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    raw = inflated(pdf)
    assert b"/StructTreeRoot" in raw and b"pdfuaid" in raw
    assert b"/Lang (en-gb)" in raw
    text = pdf_text(pdf)
    assert "Hello, Quilla" in text
    assert "It will be on or before 20 June 2024." in text
    assert "Ivy Coldharbour is in charge of the meeting." in text
    assert AccessLogEntry.objects.filter(what="family journey (PDF)", child=on_plan.child).exists()


def test_the_pdf_draws_the_pictures_and_tags_them_with_their_words(client, staff, on_plan):
    client.force_login(staff.social_worker)
    url = reverse("family_journey_pdf", args=[on_plan.child.public_id])
    raw = inflated(client.get(url, {"audience": UNDER_8}).content)
    assert raw.count(b"/Figure") >= 6
    assert b"/Alt (A house with a red roof and a heart above the door.)" in raw


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def test_the_childs_page_and_the_plan_link_to_the_journey_for_the_family(client, staff, on_plan):
    client.force_login(staff.social_worker)
    html = client.get(reverse("child_journey", args=[on_plan.child.public_id])).content.decode()
    assert reverse("family_journey", args=[on_plan.child.public_id]) in html
    html = client.get(reverse("plan_detail", args=[on_plan.plan.public_id])).content.decode()
    assert reverse("family_journey", args=[on_plan.child.public_id]) in html


def test_the_staff_page_suggests_the_version_for_the_childs_age(client, staff, on_plan):
    client.force_login(staff.social_worker)
    url = reverse("family_journey", args=[on_plan.child.public_id])
    html = client.get(url).content.decode()
    assert 'id="audience-under-8" name="audience" type="radio" value="under-8" checked' in html
    assert "For Quilla's age (6)" in html
    assert "The leaflet for children under 8 (with pictures)" in html
    assert f"leaflet?audience={UNDER_8}" in html
    html = client.get(url, {"audience": AGED_13_UP}).content.decode()
    assert f"leaflet.pdf?audience={AGED_13_UP}" in html


def test_the_staff_page_explains_a_choice_it_does_not_know(client, staff, on_plan):
    client.force_login(staff.social_worker)
    url = reverse("family_journey", args=[on_plan.child.public_id])
    response = client.get(url, {"audience": "adults"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose who the leaflet is for from the list." in html
    assert "leaflet?audience" not in html


def test_every_fixed_word_of_the_leaflets_is_marked_for_translation():
    """Words outside {% translate %} and {% blocktranslate %} would stay English in every
    language: none are left in the leaflets' templates or the choice page."""
    folder = Path(family_journey.__file__).parent / "templates" / "documents"
    templates = [*folder.glob("family_journey/*.html"), folder / "family_journey_choose.html"]
    assert len(templates) == 6
    for template in templates:
        text = template.read_text()
        text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
        text = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", "", text, flags=re.S)
        text = re.sub(r"{% translate (\"[^\"]*\"|'[^']*') %}", "", text)
        text = re.sub(r"{%.*?%}|{{.*?}}", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        assert re.findall(r"[A-Za-z]{2,}", text) == [], template.name
