"""The invitations page suggests the children's social worker, their team manager and the
parents and carers recorded on their family, each once, until they are on the list."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from iro.children.models import Relationship
from iro.children.services import add_family_member
from iro.journey import invitations
from iro.journey.models import Invitation, InviteeRole
from iro.people.models import AgencyKind
from tests.factories import AgencyFactory, make_staff
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
def conference(staff):
    return book_icpc(staff, sibling_group(staff))


def page(client, conference) -> str:
    return client.get(
        reverse("conference_invitations", args=[conference.public_id])
    ).content.decode()


def suggested(html: str) -> str:
    return html.split('id="suggested-invitees"', 1)[1].split("</ul>", 1)[0]


def test_it_suggests_the_social_worker_and_team_manager_once_each(client, staff, conference):
    found = invitations.suggested_invitees(conference)
    assert [(s.name, s.role, s.email, s.why) for s in found] == [
        ("Sam Hartwell", InviteeRole.SOCIAL_WORKER, "sam-social-worker@northmoor.example",
         "Social worker"),
        ("Tess Larkmoor", InviteeRole.TEAM_MANAGER, "tess-manager@northmoor.example",
         "Team manager, Moorside Safeguarding Team"),
    ]  # fmt: skip
    client.force_login(staff.coordinator)
    html = suggested(page(client, conference))
    assert "Invite Sam Hartwell" in html
    assert "Invite Tess Larkmoor" in html


def test_choosing_a_suggestion_adds_them_to_the_list(client, staff, conference):
    client.force_login(staff.coordinator)
    (worker, _) = invitations.suggested_invitees(conference)
    response = client.post(
        reverse("conference_invitations", args=[conference.public_id]),
        {"name": worker.name, "role": worker.role, "email": worker.email,
         "agency": ""},
    )  # fmt: skip
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.role, invitation.email, invitation.agency) == (
        "Sam Hartwell",
        InviteeRole.SOCIAL_WORKER,
        "sam-social-worker@northmoor.example",
        None,
    )
    html = suggested(page(client, conference))
    assert "Sam Hartwell" not in html
    assert "Invite Tess Larkmoor" in html


def test_choosing_the_team_manager_invites_them_as_team_manager_not_social_worker(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    (_, manager) = invitations.suggested_invitees(conference)
    client.post(
        reverse("conference_invitations", args=[conference.public_id]),
        {"name": manager.name, "role": manager.role, "email": manager.email, "agency": ""},
    )
    invitation = Invitation.objects.get()
    assert invitation.role == InviteeRole.TEAM_MANAGER
    assert invitation.get_role_display() == "Team manager"
    table = page(client, conference).split('id="invitations"', 1)[1].split("</table>", 1)[0]
    assert '<td class="govuk-table__cell">Team manager</td>' in table


def test_someone_already_invited_by_email_is_not_suggested(client, staff, conference):
    Invitation.objects.create(
        conference=conference,
        name="T. Larkmoor",
        role=InviteeRole.OTHER,
        email="TESS-manager@northmoor.example",
    )
    assert [s.name for s in invitations.suggested_invitees(conference)] == ["Sam Hartwell"]


def test_with_no_one_to_suggest_the_section_is_left_out(client, staff, conference):
    for child in [row.child for row in conference.children.all()]:
        child.social_worker = None
        child.save()
    staff.team.manager = None
    staff.team.save()
    client.force_login(staff.coordinator)
    assert 'id="suggested-invitees"' not in page(client, conference)


def test_the_councils_own_staff_are_suggested_with_no_agency_guessed(staff, conference):
    """A single agency of the kind "children's social care" may be an early help service
    or another council's: the social worker and their manager are not put in it."""
    AgencyFactory(name="Northmoor Early Help", kind=AgencyKind.SOCIAL_CARE)
    assert {s.agency_id for s in invitations.suggested_invitees(conference)} == {None}


@pytest.fixture
def parents(staff, conference):
    family = conference.children.first().child.family
    add = dict(family=family, acting_user=staff.coordinator)
    add_family_member(
        **add, name="Hazel Brackwater", relationship=Relationship.MOTHER, email="hazel@example.org"
    )
    add_family_member(
        **add,
        name="Moss Brackwater",
        relationship=Relationship.FATHER,
        address="4 Mill Lane\nNorthmoor NM1 2AB",
        preferred_language="Polish",
        interpreter_needed=True,
    )
    add_family_member(**add, name="Ivy Brackwater", relationship=Relationship.GRANDPARENT)


def test_the_parents_and_carers_on_the_family_are_suggested_after_the_professionals(
    client, staff, conference, parents
):
    found = invitations.suggested_invitees(conference)
    assert [(s.name, s.role, s.email, s.why, s.address) for s in found[2:]] == [
        ("Hazel Brackwater", InviteeRole.PARENT, "hazel@example.org", "Mother", ""),
        ("Moss Brackwater", InviteeRole.PARENT, "", "Father, needs an interpreter (Polish)",
         "4 Mill Lane\nNorthmoor NM1 2AB"),
    ]  # fmt: skip
    client.force_login(staff.coordinator)
    html = suggested(page(client, conference))
    assert "Invite Hazel Brackwater" in html
    assert "Father, needs an interpreter (Polish), no email address: a letter to the" in html
    # A grandparent comes when the family asks: added by hand, not suggested.
    assert "Ivy Brackwater" not in html


def test_choosing_a_parent_keeps_their_address_for_the_letter(client, staff, conference, parents):
    client.force_login(staff.coordinator)
    father = next(
        s for s in invitations.suggested_invitees(conference) if s.name.startswith("Moss")
    )
    response = client.post(
        reverse("conference_invitations", args=[conference.public_id]),
        {"name": father.name, "role": father.role, "email": father.email, "agency": "",
         "address": father.address},
    )  # fmt: skip
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.role, invitation.address) == (
        "Moss Brackwater",
        InviteeRole.PARENT,
        "4 Mill Lane\nNorthmoor NM1 2AB",
    )
    assert "Moss Brackwater" not in suggested(page(client, conference))


def test_a_parent_already_on_the_list_by_name_is_not_suggested(staff, conference, parents):
    Invitation.objects.create(conference=conference, name="hazel brackwater", role="parent")
    names = [s.name for s in invitations.suggested_invitees(conference)]
    assert "Hazel Brackwater" not in names
    assert "Moss Brackwater" in names


def test_with_no_parent_recorded_the_page_offers_to_add_one_and_comes_back(
    client, staff, conference
):
    client.force_login(staff.coordinator)
    html = page(client, conference)
    assert 'id="no-parents-recorded"' in html
    (wren,) = [r.child for r in conference.children.all() if r.child.first_name == "Wren"]
    add = reverse("family_adult_new", args=[wren.public_id])
    back = reverse("conference_invitations", args=[conference.public_id])
    assert f'href="{add}?next={back}"' in html
    # Wren and Alder are of one family: it is offered once, by both names.
    assert html.count("Add a parent or carer to the family of") == 1
    assert "Add a parent or carer to the family of Wren Brackwater and Alder Brackwater" in html
    response = client.post(
        add,
        {
            "name": "Hazel Brackwater",
            "relationship": "mother",
            "preferred_language": "English",
            "next": back,
        },
    )
    assert response.status_code == 302 and response.url == back
    assert "Invite Hazel Brackwater" in suggested(page(client, conference))


def test_the_page_to_add_an_adult_goes_back_only_within_the_site(client, staff, conference):
    client.force_login(staff.coordinator)
    wren = conference.children.first().child
    add = reverse("family_adult_new", args=[wren.public_id])
    response = client.post(
        add,
        {
            "name": "Moss Brackwater",
            "relationship": "father",
            "preferred_language": "English",
            "next": "//evil.example/",
        },
    )
    assert response.url == reverse("child_journey", args=[wren.public_id])
