"""Roles that see identifiers, not names (the analyst, the partnership officer): the plan,
conference and challenge pages show them no child's or family member's name, in the
record's own fields or in its free text; the family's plan is not theirs to open."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils.html import escape

from iro.access.scope import FREE_TEXT_WITHHELD
from iro.children.models import Family
from iro.documents.views import FAMILY_DOCUMENT_REFUSED
from iro.journey.models import (
    CoreGroupMember,
    Invitation,
    InviteeRole,
    PlanAction,
    PlanOutcome,
    StrategyDiscussion,
)
from tests.challenge.factories import DisputeFactory, MultiAgencyChallengeFactory
from tests.factories import child_on_plan, make_staff

pytestmark = [pytest.mark.django_db]

NAMES = ("Quorrelle", "Vossberg", "Zanthe", "Ibbotrove")


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def journey(staff):
    family = Family.objects.create(name="Vossberg family")
    journey = child_on_plan(
        chair=staff.iro,
        strategy=date(2024, 3, 1),
        icpc_on=date(2024, 3, 20),
        team=staff.team,
        family=family,
        first_name="Quorrelle",
        last_name="Vossberg",
    )
    plan = journey.plan
    outcome = PlanOutcome.objects.create(plan=plan, text="Quorrelle sleeps in her own bed")
    PlanAction.objects.create(
        plan=plan,
        outcome=outcome,
        what="Zanthe Ibbotrove takes Quorrelle to the GP",
        who="Zanthe (mother)",
        by_when=date(2024, 5, 1),
        progress="Zanthe has booked it",
    )
    CoreGroupMember.objects.create(
        plan=plan, name="Zanthe Ibbotrove", role=InviteeRole.PARENT, joined_on=date(2024, 3, 20)
    )
    Invitation.objects.create(
        conference=journey.icpc, name="Zanthe Ibbotrove", role=InviteeRole.PARENT
    )
    row = journey.icpc.children.get()
    row.worries = "Quorrelle said she is scared when Zanthe shouts."
    row.save(update_fields=["worries"])
    # Held at home: the place names the family, as a coordinator types it.
    journey.icpc.venue = "Vossberg family home (Zanthe Ibbotrove), 12 Mill Lane"
    journey.icpc.virtual_link = "https://meet.example.org/zanthe-vossberg"
    journey.icpc.scheduled_time = time(10)
    journey.icpc.save(update_fields=["venue", "virtual_link", "scheduled_time"])
    return journey


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_no_names(page: str) -> None:
    lowered = page.lower()
    for name in NAMES:
        assert name.lower() not in lowered, name


def test_the_analyst_reads_the_plan_without_any_family_name(client, staff, journey):
    page = _page(client, staff.analyst, reverse("plan_detail", args=[journey.plan.public_id]))
    _assert_no_names(page)
    assert escape(FREE_TEXT_WITHHELD) in page  # the outcome, the action, its progress
    assert "sleeps in her own bed" not in page
    assert 'id="free-text-withheld"' in page  # the page says why, once
    assert "Parent or carer" in page


def test_the_analyst_reads_the_conference_without_any_family_name(client, staff, journey):
    url = reverse("conference_detail", args=[journey.icpc.public_id])
    page = _page(client, staff.analyst, url)
    _assert_no_names(page)
    assert "is scared when" not in page
    assert "Mill Lane" not in page
    assert escape(FREE_TEXT_WITHHELD) in page
    assert f"<br>Online: {escape(FREE_TEXT_WITHHELD)}" in page  # online, but not the link


def test_the_conference_place_and_link_are_withheld_from_the_analyst_in_the_api(
    client, staff, journey
):
    client.force_login(staff.analyst)
    api = client.get(reverse("api_conference", args=[journey.icpc.public_id]))
    assert api.status_code == 200
    assert api.json()["venue"] == api.json()["virtual_link"] == FREE_TEXT_WITHHELD
    _assert_no_names(api.content.decode())
    client.force_login(staff.iro)
    conference = client.get(reverse("api_conference", args=[journey.icpc.public_id])).json()
    assert conference["venue"] == "Vossberg family home (Zanthe Ibbotrove), 12 Mill Lane"
    assert conference["virtual_link"] == "https://meet.example.org/zanthe-vossberg"


def test_the_analyst_is_shown_no_free_text_so_no_name_screening_misses_reaches_them(
    client, staff, journey
):
    """A partner, a grandparent, a nickname, a name at the start of a sentence or in
    lower case: typed into the progress of an action, recorded nowhere else. Screening
    cannot know them all; the analyst's work is the dates and decisions, so the text is
    not shown to them, on the page or through the API."""
    PlanAction.objects.filter(plan=journey.plan).update(
        progress="Quorrelle's mum and her new partner Dabney Frostwick were at home. "
        "Orlaith takes her to school. ms vossberg-tull will come."
    )
    page = _page(client, staff.analyst, reverse("plan_detail", args=[journey.plan.public_id]))
    for name in ("Dabney", "Frostwick", "Orlaith", "Tull", *NAMES):
        assert name.lower() not in page.lower(), name
    assert "were at home" not in page
    api = client.get(reverse("api_plan", args=[journey.plan.public_id]))
    assert api.status_code == 200
    (action,) = api.json()["actions"]
    assert action["progress"] == action["what"] == action["who"] == FREE_TEXT_WITHHELD
    assert "Orlaith" not in api.content.decode()


def test_the_strategy_discussions_notes_show_on_the_journey_to_readers_who_see_names(
    client, staff, journey
):
    StrategyDiscussion.objects.filter(episode__child=journey.child).update(
        notes="Police and health agreed Zanthe's bruising needs an enquiry."
    )
    url = reverse("child_journey", args=[journey.child.public_id])
    page = _page(client, staff.iro, url)
    assert escape("Police and health agreed Zanthe's bruising needs an enquiry.") in page
    page = _page(client, staff.analyst, url)
    _assert_no_names(page)
    assert "bruising" not in page
    assert escape(FREE_TEXT_WITHHELD) in page


def test_names_the_records_do_not_hold_are_screened_for_the_partnership(client, staff, journey):
    challenge = MultiAgencyChallengeFactory(
        child=journey.child,
        concern="Quorrelle's mum and her new partner Dabney Frostwick were at home. "
        "Her nan Orlaith Frostwick takes her to school. Ms Vossberg-Tull will come.",
        raised_by=staff.iro,
    )
    page = _page(client, staff.partnership, reverse("challenge_detail", args=[challenge.public_id]))
    for name in ("Dabney", "Frostwick", "Orlaith", "Tull", *NAMES):
        assert name.lower() not in page.lower(), name
    assert escape("[name]'s mum and her new partner [name] [name] were at home.") in page


def test_an_iro_still_reads_the_names(client, staff, journey):
    page = _page(client, staff.iro, reverse("plan_detail", args=[journey.plan.public_id]))
    assert "Quorrelle sleeps in her own bed" in page
    assert 'id="free-text-withheld"' not in page
    assert "Zanthe Ibbotrove" in page
    page = _page(client, staff.iro, reverse("conference_detail", args=[journey.icpc.public_id]))
    assert escape("Vossberg family home (Zanthe Ibbotrove), 12 Mill Lane") in page
    assert "https://meet.example.org/zanthe-vossberg</span>" in page  # a long run wraps


@pytest.mark.parametrize("url_name", ["family_plan", "family_plan_pdf"])
def test_the_family_plan_is_refused_to_the_analyst(client, staff, journey, url_name):
    client.force_login(staff.analyst)
    response = client.get(reverse(url_name, args=[journey.plan.public_id]))
    assert response.status_code == 403
    assert escape(FAMILY_DOCUMENT_REFUSED) in response.content.decode()
    _assert_no_names(response.content.decode())


def test_the_plan_page_offers_the_analyst_no_family_plan(client, staff, journey):
    page = _page(client, staff.analyst, reverse("plan_detail", args=[journey.plan.public_id]))
    assert reverse("family_plan", args=[journey.plan.public_id]) not in page


def test_the_partnership_reads_a_concern_without_the_childs_name(client, staff, journey):
    challenge = MultiAgencyChallengeFactory(
        child=journey.child,
        concern="The health visitor did not see Quorrelle or tell Zanthe.",
        raised_by=staff.iro,
    )
    detail = _page(
        client, staff.partnership, reverse("challenge_detail", args=[challenge.public_id])
    )
    listing = _page(client, staff.partnership, reverse("challenge_list"))
    for page in (detail, listing):
        _assert_no_names(page)
        assert "did not see [name] or tell [name]" in page


def test_the_analyst_reads_a_resolved_dispute_without_its_typed_names(client, staff, journey):
    dispute = DisputeFactory(
        child=journey.child, raised_by=staff.iro, raised_on=date(2024, 4, 2),
        resolved_on=date(2024, 4, 20),
        resolution="Quorrelle is now seen alone every week; Zanthe agreed.",
    )  # fmt: skip
    dispute.stages.update(note="Escalated because Zanthe Ibbotrove told me so.")
    page = _page(client, staff.analyst, reverse("dispute_detail", args=[dispute.public_id]))
    _assert_no_names(page)
    assert "seen alone every week" not in page and "Escalated because" not in page
    iro = _page(client, staff.iro, reverse("dispute_detail", args=[dispute.public_id]))
    assert "Quorrelle is now seen alone every week" in iro
    assert "Escalated because Zanthe Ibbotrove told me so." in iro


def test_the_reason_a_conference_was_booked_anyway_is_free_text_the_analyst_is_not_shown(
    client, staff, journey
):
    journey.icpc.booking_warnings = "It is after the due date."
    journey.icpc.booking_reason = "Zanthe Ibbotrove asked for a later day."
    journey.icpc.save(update_fields=["booking_warnings", "booking_reason"])
    url = reverse("conference_detail", args=[journey.icpc.public_id])
    page = _page(client, staff.analyst, url)
    _assert_no_names(page)
    assert "asked for a later day" not in page
    assert "It is after the due date." in page  # iro's own words, naming no one
    assert "Zanthe Ibbotrove asked for a later day." in _page(client, staff.iro, url)


def test_a_childs_challenges_are_listed_to_the_analyst_without_links_they_are_refused(
    client, staff, journey
):
    challenge = MultiAgencyChallengeFactory(child=journey.child, raised_by=staff.iro)
    url = reverse("child_worries", args=[journey.child.public_id])
    detail = reverse("challenge_detail", args=[challenge.public_id])
    page = _page(client, staff.analyst, url)
    assert f'href="{detail}"' not in page
    assert client.get(detail).status_code == 403
    assert f'href="{detail}"' in _page(client, staff.iro, url)
