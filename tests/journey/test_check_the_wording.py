"""'Check the wording' checks only the wording: the jargon found is shown beside the
field, and nothing else is checked yet (no error for a missing date or decision)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.journey.models import Conference, ConferenceStatus, PlanAction, PlanOutcome
from tests.factories import child_on_plan, make_staff
from tests.journey.conference_setup import book_icpc, sibling_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2024, 6, 20), tick=False):
        yield


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    return child_on_plan(
        chair=staff.iro, strategy=date(2024, 3, 1), icpc_on=date(2024, 3, 20), team=staff.team
    )


def test_checking_an_action_shows_the_jargon_and_no_errors(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Mum to engage with the core group", "who": "", "check_wording": "1"},
    ).content.decode()
    assert "“engage”: try “take part”" in page
    assert "There is a problem" not in page
    assert "Enter who will do it." not in page
    assert "Enter the date it needs to happen by." not in page
    assert not PlanAction.objects.exists()


def test_checking_an_outcome_keeps_the_words_typed(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_outcome_new", args=[journey.plan.public_id]),
        {"text": "No more significant harm at home", "check_wording": "1"},
    ).content.decode()
    assert "“significant harm”: try “serious harm”" in page
    assert "No more significant harm at home</textarea>" in page
    assert "There is a problem" not in page
    assert not PlanOutcome.objects.exists()


def test_checking_the_record_does_not_ask_for_the_decision(client, staff):
    conference = book_icpc(staff, sibling_group(staff))
    row = conference.children.first()
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_record", args=[conference.public_id]),
        {f"child{row.pk}-worries": "The S47 found significant harm.", "check_wording": "1"},
    ).content.decode()
    assert "“S47”: try" in page
    assert "There is a problem" not in page
    assert "Select the decision for" not in page
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


def test_a_user_who_may_not_chair_cannot_check_a_plan_s_wording(client, staff, journey):
    client.force_login(staff.social_worker)
    response = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Mum to engage", "check_wording": "1"},
    )
    assert response.status_code == 403


# The check reloads the page at its top: what it found is said there too (a GOV.UK
# notification banner with role="alert", which GOV.UK Frontend focuses and screen readers
# announce), with a link to each text that could be plainer, its suggestions beside it.


def wording_banner(page: str) -> str:
    assert page.count('id="wording-checked"') == 1
    banner = page.split('id="wording-checked"', 1)[1].split("Nothing has been saved yet.", 1)[0]
    start = page.index('id="wording-checked"')
    opening = page[page.rindex("<div", 0, start) : start]
    assert 'class="govuk-notification-banner"' in opening and 'role="alert"' in opening
    assert start < page.index("<h1")  # at the top, before the page's heading
    return banner


def test_checking_an_action_says_at_the_top_what_could_be_plainer(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_action_new", args=[journey.plan.public_id]),
        {"what": "Mum to engage with the core group", "who": "", "check_wording": "1"},
    ).text
    banner = wording_banner(page)
    assert "The text checked could be plainer." in banner
    assert (
        '<a class="govuk-notification-banner__link" href="#id_what">What needs to happen</a>: '
        "uses words a family may not know (“core group”, “engage”)"
    ) in banner
    assert 'id="id_what"' in page  # the link's target: the text, its suggestions below it


def test_checking_the_record_links_to_each_childs_text_that_could_be_plainer(client, staff):
    conference = book_icpc(staff, sibling_group(staff))
    wren, alder = conference.children.order_by("pk")
    client.force_login(staff.iro)
    page = client.post(
        reverse("conference_record", args=[conference.public_id]),
        {
            f"child{wren.pk}-worries": "Mum is not engaging with CAMHS; the s47 threshold is met.",
            f"child{wren.pk}-working_well": "Gran visits every day and cooks for the children.",
            f"child{alder.pk}-needs_to_happen": "The LADO to look into what the coach did.",
            "check_wording": "1",
        },
    ).text
    banner = wording_banner(page)
    assert "2 of the 3 texts checked could be plainer." in banner
    links = re.findall(
        r'<a class="govuk-notification-banner__link" href="#([^"]+)">([^<]+)</a>', banner
    )
    names = [r.child.first_name + " " + r.child.last_name for r in (wren, alder)]
    assert links == [
        (f"id_child{wren.pk}-worries", f"What are we worried about ({names[0]})"),
        (f"id_child{alder.pk}-needs_to_happen", f"What needs to happen ({names[1]})"),
    ]
    for anchor, _ in links:
        assert f'id="{anchor}"' in page
    assert "Gran visits" not in banner and "What is working well" not in banner
    assert Conference.objects.get().status == ConferenceStatus.SCHEDULED


def test_plain_words_are_said_to_need_no_change(client, staff, journey):
    client.force_login(staff.iro)
    page = client.post(
        reverse("plan_outcome_new", args=[journey.plan.public_id]),
        {"text": "Quilla goes to school every day.", "check_wording": "1"},
    ).text
    banner = wording_banner(page)
    assert "Nothing to change: no words a family may not know, and nothing hard to read." in banner
    assert "govuk-notification-banner__link" not in banner


def test_only_a_check_says_what_it_found(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_action_new", args=[journey.plan.public_id])
    assert 'id="wording-checked"' not in client.get(url).text
    refused = client.post(url, {"what": "Mum to engage with the core group", "who": ""}).text
    assert "There is a problem" in refused and 'id="wording-checked"' not in refused


def test_saving_an_action_with_jargon_asks_once_before_it_goes_in_the_familys_plan(
    client, staff, journey
):
    client.force_login(staff.iro)
    url = reverse("plan_action_new", args=[journey.plan.public_id])
    action = {
        "what": "Mum to engage with the DA service",
        "who": "Mum",
        "by_when_day": "1",
        "by_when_month": "8",
        "by_when_year": "2024",
    }
    held = client.post(url, action).text
    assert 'id="wording-checked"' in held and "Nothing has been saved yet." in held
    assert 'id="save-as-it-is"' in held
    assert not PlanAction.objects.exists()
    # Saved as it is, when the author chooses; or as soon as it reads plainly.
    assert client.post(url, action | {"wording_seen": "1"}).status_code == 302
    plain = action | {"what": "Mum to go to the support group each week"}
    assert client.post(url, plain).status_code == 302
    assert PlanAction.objects.count() == 2


def test_saving_an_outcome_with_jargon_asks_once_too(client, staff, journey):
    client.force_login(staff.iro)
    url = reverse("plan_outcome_new", args=[journey.plan.public_id])
    held = client.post(url, {"text": "No more significant harm at home"}).text
    assert "“significant harm”: try “serious harm”" in held
    assert not PlanOutcome.objects.exists()
    saved = client.post(url, {"text": "No more significant harm at home", "wording_seen": "1"})
    assert saved.status_code == 302
    assert PlanOutcome.objects.count() == 1
