"""Correcting a family: an adult's details changed or taken off, and a child added to the
wrong family moved to a brother's or sister's family or to one of their own, each with
its history; the other household's adults are then no longer suggested for invitations."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iro.children import services
from iro.children.models import Child, FamilyMember, Relationship
from tests.factories import ChildFactory, FamilyFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def households(staff):
    """The Okafor family (Amara, with her mother Grace) and the Penhale family (Jory),
    into which Amara's brother Kofi was added by mistake."""
    okafor, penhale = FamilyFactory(name="Okafor family"), FamilyFactory(name="Penhale family")
    team = staff.team
    amara = ChildFactory(first_name="Amara", last_name="Okafor", la_child_id="LA-100",
                         family=okafor, team=team, date_of_birth=date(2016, 2, 9))  # fmt: skip
    kofi = ChildFactory(first_name="Kofi", last_name="Okafor", la_child_id="LA-101",
                        family=penhale, team=team, date_of_birth=date(2019, 5, 1))  # fmt: skip
    jory = ChildFactory(first_name="Jory", last_name="Penhale", la_child_id="LA-200",
                        family=penhale, team=team, date_of_birth=date(2018, 1, 3))  # fmt: skip
    grace = FamilyMember.objects.create(family=okafor, name="Grace Okafor",
                                        relationship=Relationship.MOTHER)  # fmt: skip
    tamsin = FamilyMember.objects.create(family=penhale, name="Tamsin Penhale",
                                         relationship=Relationship.MOTHER)  # fmt: skip
    return amara, kofi, jory, grace, tamsin


def test_a_child_in_the_wrong_family_moves_to_their_sisters_with_the_reason_kept(
    client, staff, households
):
    amara, kofi, _jory, _grace, _tamsin = households
    client.force_login(staff.coordinator)
    url = reverse("child_family", args=[kofi.public_id])
    page = client.get(url).text
    assert "Kofi Okafor is recorded in the Penhale family, with Jory Penhale." in page
    assert "Tamsin Penhale (mother)" in page
    why = "Added to the wrong family."
    response = client.post(url, {"version": kofi.version, "where": "sibling",
                                 "sibling": "la-100", "reason": why})  # fmt: skip
    assert response.status_code == 302
    kofi.refresh_from_db()
    assert kofi.family_id == amara.family_id
    assert kofi.history.first().history_change_reason == "Added to the wrong family."
    journey = client.get(reverse("child_journey", args=[kofi.public_id])).text
    assert "Grace Okafor (mother)" in journey and "Tamsin Penhale" not in journey


def test_a_child_moves_to_a_family_of_their_own(staff, households):
    _amara, kofi, _jory, _grace, _tamsin = households
    old = kofi.family_id
    moved = services.move_to_family(child=kofi, acting_user=staff.coordinator,
                                    expected_version=kofi.version, reason="Not related.",
                                    sibling=None)  # fmt: skip
    assert moved.family_id != old and moved.family.name == "Okafor family"
    assert not moved.family.adults.exists()


def test_a_move_without_a_reason_or_to_an_unknown_child_is_explained_and_nothing_moves(
    client, staff, households
):
    _amara, kofi, _jory, _grace, _tamsin = households
    client.force_login(staff.coordinator)
    url = reverse("child_family", args=[kofi.public_id])
    page = client.post(url, {"version": kofi.version, "where": "sibling", "sibling": ""}).text
    assert "Enter the LA child ID of a brother or sister already recorded." in page
    page = client.post(url, {"version": kofi.version, "where": "sibling",
                             "sibling": "LA-999", "reason": "Wrong family."}).text  # fmt: skip
    assert "No child with the LA child ID LA-999 is recorded that you can see." in page
    page = client.post(url, {"version": kofi.version, "where": "sibling",
                             "sibling": "LA-100"}).text  # fmt: skip
    assert "Enter why the child is moving to another family." in page
    page = client.post(url, {"version": kofi.version, "where": "sibling",
                             "sibling": "LA-200", "reason": "x"}).text  # fmt: skip
    assert "Kofi Okafor is already in the family of Jory Penhale." in page
    page = client.post(url, {"version": kofi.version}).text
    assert "Select which family the child belongs to." in page
    kofi.refresh_from_db()
    assert kofi.family.name == "Penhale family"


def test_a_child_of_another_team_is_not_a_family_to_move_to(client, staff, households):
    _amara, kofi, _jory, _grace, _tamsin = households
    hidden = ChildFactory(la_child_id="LA-300", team=staff.other_team)
    with pytest.raises(PermissionDenied):
        services.move_to_family(child=kofi, acting_user=staff.social_worker,
                                expected_version=kofi.version, reason="Wrong family.",
                                sibling=hidden)  # fmt: skip
    client.force_login(staff.social_worker)
    page = client.post(reverse("child_family", args=[kofi.public_id]),
                       {"version": kofi.version, "where": "sibling", "sibling": "LA-300",
                        "reason": "Wrong family."}).text  # fmt: skip
    assert "No child with the LA child ID LA-300 is recorded that you can see." in page


def test_an_adults_details_are_corrected_with_their_history(client, staff, households):
    amara, _kofi, _jory, grace, _tamsin = households
    client.force_login(staff.social_worker)
    journey = client.get(reverse("child_journey", args=[amara.public_id])).text
    url = reverse("family_adult_change", args=[amara.public_id, grace.pk])
    assert url in journey
    assert 'value="Grace Okafor"' in client.get(url).text
    response = client.post(url, {"name": "Grace Okafor-Mensah", "relationship": "mother",
                                 "address": "2 Mill Lane", "preferred_language": "Twi",
                                 "interpreter_needed": "on", "version": grace.version,
                                 "reason": "She moved house."})  # fmt: skip
    assert response.status_code == 302
    grace.refresh_from_db()
    assert (grace.name, grace.address, grace.interpreter_needed) == (
        "Grace Okafor-Mensah",
        "2 Mill Lane",
        True,
    )
    assert grace.history.count() == 2
    page = client.get(url).text  # the change is listed below the form, with its reason
    assert "Address: none to 2 Mill Lane" in page
    assert "Needs an interpreter: no to yes" in page
    assert "She moved house." in page
    page = client.post(url, {"name": " ", "relationship": "mother", "preferred_language": "Twi",
                             "version": grace.version}).text  # fmt: skip
    assert "Enter the adult&#x27;s name." in page
    grace.refresh_from_db()
    assert grace.name == "Grace Okafor-Mensah"


def test_a_change_from_a_stale_page_is_refused_and_loses_nothing(client, staff, households):
    amara, _kofi, _jory, grace, _tamsin = households
    client.force_login(staff.social_worker)
    url = reverse("family_adult_change", args=[amara.public_id, grace.pk])
    read = grace.version  # two tabs open on the same details
    details = {"name": "Grace Okafor", "relationship": "mother", "preferred_language": "Twi"}
    first = client.post(url, {**details, "address": "9 Quarry Road", "version": read})
    assert first.status_code == 302
    page = client.post(url, {**details, "phone": "07700 900456", "version": read}).text
    assert 'id="stale"' in page
    assert "07700 900456" in page  # what was typed is kept on the form
    grace.refresh_from_db()
    assert (grace.address, grace.phone) == ("9 Quarry Road", "")  # the first change stands


def test_an_adults_contact_details_are_marked_as_kept_from_the_family(client, staff, households):
    amara, _kofi, _jory, grace, _tamsin = households
    client.force_login(staff.social_worker)
    url = reverse("family_adult_change", args=[amara.public_id, grace.pk])
    details = {"name": "Grace Okafor", "relationship": "mother", "preferred_language": "Twi"}
    response = client.post(
        url, {**details, "address": "Refuge address", "contact_withheld": "on",
              "version": grace.version, "reason": "Fled domestic abuse."},
    )  # fmt: skip
    assert response.status_code == 302
    grace.refresh_from_db()
    assert grace.contact_withheld
    journey = client.get(reverse("child_journey", args=[amara.public_id])).text
    assert "Contact details kept from the family" in journey
    assert "Contact details kept from the family: no to yes" in client.get(url).text
    # A change made from elsewhere (an invitation's contact page) leaves the mark as it is.
    services.change_family_member(
        member=grace, acting_user=staff.social_worker, name=grace.name,
        relationship=grace.relationship, address="Another refuge", expected_version=grace.version,
    )  # fmt: skip
    grace.refresh_from_db()
    assert grace.contact_withheld


def test_an_adult_is_taken_off_the_family_with_a_reason_and_no_longer_suggested(
    client, staff, households
):
    _amara, kofi, _jory, _grace, tamsin = households
    client.force_login(staff.coordinator)
    url = reverse("family_adult_remove", args=[kofi.public_id, tamsin.pk])
    assert "Enter why the adult is being taken off the family." in client.post(url, {}).text
    assert FamilyMember.objects.filter(pk=tamsin.pk).exists()
    assert client.post(url, {"reason": "Added to the wrong family."}).status_code == 302
    assert not FamilyMember.objects.filter(pk=tamsin.pk).exists()
    gone = FamilyMember.history.filter(id=tamsin.pk, history_type="-").get()
    assert gone.history_change_reason == "Added to the wrong family."


def test_an_adult_of_another_family_is_not_reached_through_this_child(client, staff, households):
    amara, _kofi, _jory, _grace, tamsin = households
    client.force_login(staff.coordinator)
    url = reverse("family_adult_change", args=[amara.public_id, tamsin.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("family_adult_remove", args=[amara.public_id, tamsin.pk]),
                       {"reason": "x"}).status_code == 404  # fmt: skip
    assert FamilyMember.objects.filter(pk=tamsin.pk).exists()


@pytest.mark.parametrize("who", ["analyst", "iro", "partnership"])
def test_roles_that_do_not_add_children_cannot_correct_a_family(client, staff, households, who):
    amara, kofi, _jory, grace, _tamsin = households
    client.force_login(getattr(staff, who))
    assert client.get(reverse("child_family", args=[kofi.public_id])).status_code == 403
    assert client.post(reverse("family_adult_remove", args=[amara.public_id, grace.pk]),
                       {"reason": "x"}).status_code == 403  # fmt: skip
    with pytest.raises((PermissionDenied, ValidationError)):
        services.remove_family_member(member=grace, acting_user=getattr(staff, who), reason="x")
    assert FamilyMember.objects.filter(pk=grace.pk).exists()
    assert Child.objects.get(pk=kofi.pk).family.name == "Penhale family"


def test_a_childs_details_page_lists_earlier_changes_with_who_and_why(client, staff, households):
    amara, _kofi, _jory, _grace, _tamsin = households
    client.force_login(staff.coordinator)
    url = reverse("child_details", args=[amara.public_id])
    assert "None since the child was added." in client.get(url).text
    form = {"first_name": "Amarah", "last_name": "Okafor", "born": "born",
            "date_of_birth_day": "9", "date_of_birth_month": "2", "date_of_birth_year": "2016",
            "sex": amara.sex, "ethnicity": amara.ethnicity, "preferred_language": "English",
            "la_child_id": amara.la_child_id,
            "team": str(staff.team.pk), "version": amara.version,
            "reason": "Her name was misspelt."}  # fmt: skip
    assert client.post(url, form).status_code == 302
    page = client.get(url).text
    assert "First name: Amara to Amarah" in page
    assert "Her name was misspelt." in page


def test_the_iro_service_manager_moves_a_child_and_corrects_an_adult(client, staff, households):
    amara, kofi, _jory, grace, _tamsin = households
    client.force_login(staff.iro_manager)
    response = client.post(
        reverse("child_family", args=[kofi.public_id]),
        {"version": kofi.version, "where": "own", "reason": "Added to the wrong family."},
    )
    assert response.status_code == 302
    kofi.refresh_from_db()
    assert kofi.family.name == "Okafor family" and kofi.family_id != amara.family_id
    services.change_family_member(
        member=grace, acting_user=staff.iro_manager, name="Grace Okafor-Bell",
        relationship=Relationship.MOTHER, expected_version=grace.version,
    )  # fmt: skip
    assert FamilyMember.objects.get(pk=grace.pk).name == "Grace Okafor-Bell"
