"""The invitations page suggests the children's social worker and their team manager,
each once, until they are on the list."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

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
    assert [(s.name, s.email, s.why) for s in found] == [
        ("Sam Hartwell", "sam-social-worker@northmoor.example", "Social worker"),
        ("Tess Larkmoor", "tess-manager@northmoor.example",
         "Team manager, Moorside Safeguarding Team"),
    ]  # fmt: skip
    client.force_login(staff.coordinator)
    html = suggested(page(client, conference))
    assert "Invite Sam Hartwell" in html
    assert "Invite Tess Larkmoor" in html


def test_choosing_a_suggestion_adds_them_to_the_list(client, staff, conference):
    agency = AgencyFactory(name="Northmoor Children's Services", kind=AgencyKind.SOCIAL_CARE)
    client.force_login(staff.coordinator)
    (worker, _) = invitations.suggested_invitees(conference)
    response = client.post(
        reverse("conference_invitations", args=[conference.public_id]),
        {"name": worker.name, "role": worker.role, "email": worker.email,
         "agency": str(worker.agency_id)},
    )  # fmt: skip
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.role, invitation.email, invitation.agency) == (
        "Sam Hartwell",
        InviteeRole.SOCIAL_WORKER,
        "sam-social-worker@northmoor.example",
        agency,
    )
    html = suggested(page(client, conference))
    assert "Sam Hartwell" not in html
    assert "Invite Tess Larkmoor" in html


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


def test_the_agency_is_left_for_the_coordinator_when_it_is_not_clear(staff, conference):
    AgencyFactory(name="Northmoor Children's Services", kind=AgencyKind.SOCIAL_CARE)
    AgencyFactory(name="Northmoor Early Help", kind=AgencyKind.SOCIAL_CARE)
    assert {s.agency_id for s in invitations.suggested_invitees(conference)} == {None}
