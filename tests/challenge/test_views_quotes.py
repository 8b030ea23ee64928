"""The IRO service manager's quote pages: what awaits approval, a refused wording with
its names marked where they are, an approved wording chosen for the annual report."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.challenge.models import Feedback, QuoteStatus
from iro.children.models import FamilyMember
from tests.challenge.factories import FeedbackFactory
from tests.challenge.view_helpers import html, shows
from tests.factories import ChildFactory, ConferenceChildFactory, ConferenceFactory, FamilyFactory

pytestmark = pytest.mark.django_db

RAW = "Thank you. Sara came with me and Bernadette listened."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 9, 1), tick=False):
        yield


@pytest.fixture
def given(staff):
    family = FamilyFactory(name="Alnworth family")
    child = ChildFactory(first_name="Aarav", last_name="Alnworth", family=family, team=staff.team)
    FamilyMember.objects.create(family=family, name="Sara Alnworth", relationship="mother")
    conference = ConferenceFactory(held_on=date(2025, 6, 2), chair=staff.iro)
    ConferenceChildFactory(conference=conference, child=child)
    return FeedbackFactory(conference=conference, text=RAW, respondent="parent_or_carer")


def review(client, given, **data):
    return client.post(reverse("quote_review", args=[given.pk]), data)


def test_the_manager_sees_the_quote_awaiting_approval_with_the_childs_name(client, staff, given):
    client.force_login(staff.iro_manager)
    page = client.get(reverse("quote_list"))
    assert page.status_code == 200
    assert shows(page, "Thank you. Sara came with me")
    assert "Aarav Alnworth" in html(page)
    assert reverse("quote_review", args=[given.pk]) in html(page)


def test_the_review_page_marks_the_names_in_the_comment_as_given(client, staff, given):
    client.force_login(staff.iro_manager)
    page = html(client.get(reverse("quote_review", args=[given.pk])))
    mark = '<mark class="iro-name-found">{}<span class="govuk-visually-hidden"> ({})'
    assert mark.format("Sara", "a name the system knows") in page
    assert mark.format("Bernadette", "looks like a name") in page


def test_approving_a_wording_with_a_name_is_refused_and_shows_where(client, staff, given):
    client.force_login(staff.iro_manager)
    response = review(client, given, action="approve", wording="Sara said it helped.")
    assert response.status_code == 200
    body = html(response)
    assert "Where the names are in your wording" in body
    marked = body.split('id="wording-marked">', 1)[1].split("</div>", 1)[0]
    assert marked.startswith('<p class="govuk-body"><mark class="iro-name-found">Sara<span')
    assert marked.endswith("</mark> said it helped.</p>")
    assert "govuk-error-summary" in body
    given.refresh_from_db()
    assert given.quote_status == QuoteStatus.AWAITING


def test_an_approved_rewording_is_kept_beside_the_comment_and_can_be_featured(client, staff, given):
    client.force_login(staff.iro_manager)
    response = review(
        client, given, action="approve", wording="My mum came with me and I was listened to.",
        themes=["being_heard"],
    )  # fmt: skip
    assert response.status_code == 302
    given.refresh_from_db()
    assert (given.text, given.published_wording, given.themes) == (
        RAW, "My mum came with me and I was listened to.", ["being_heard"]
    )  # fmt: skip
    response = client.post(reverse("quote_feature", args=[given.pk]), {"featured": "yes"})
    assert response.status_code == 302
    assert Feedback.objects.get(pk=given.pk).featured_in == "2025-26"
    page = client.get(reverse("quote_list") + "?year=2025-26")
    assert shows(page, "features 1 of at most 8 quotes")


def test_the_manager_may_decide_not_to_quote_it(client, staff, given):
    client.force_login(staff.iro_manager)
    assert review(client, given, action="decline", wording="").status_code == 302
    given.refresh_from_db()
    assert given.quote_status == QuoteStatus.DECLINED


@pytest.mark.parametrize("who", ["iro", "analyst", "senior_manager", "coordinator"])
def test_a_role_without_the_capability_is_refused_the_approval_pages(client, staff, given, who):
    client.force_login(getattr(staff, who))
    assert client.get(reverse("quote_list")).status_code == 403
    assert client.get(reverse("quote_review", args=[given.pk])).status_code == 403
    response = review(client, given, action="approve", wording="It helped.")
    assert response.status_code == 403
    given.refresh_from_db()
    assert given.quote_status == QuoteStatus.AWAITING
