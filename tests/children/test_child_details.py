"""Correcting a child's details and allocating them to a social worker, from the
child's page: one save through ``update_child``, kept in the history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from iro.children import services
from iro.children.forms import NO_DISABILITY_AND_ONE, UPN_SHAPE
from iro.journey.checks import STALE_RECORD
from iro.journey.conference_forms import CHOOSE_ONE
from tests.factories import ChildFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def leo(staff):
    return ChildFactory(
        first_name="Loe", last_name="Quarrymoor", la_child_id="LA-200",
        date_of_birth=date(2016, 2, 9), team=staff.team, sex="M",
    )  # fmt: skip


def details(child, **changes) -> dict:
    data = {
        "la_child_id": child.la_child_id,
        "first_name": child.first_name, "last_name": child.last_name, "born": "born",
        "date_of_birth_day": str(child.date_of_birth.day),
        "date_of_birth_month": str(child.date_of_birth.month),
        "date_of_birth_year": str(child.date_of_birth.year),
        "sex": child.sex, "ethnicity": child.ethnicity, "disabilities": child.disabilities,
        "upn": child.upn, "preferred_language": "English",
        "team": str(child.team_id or ""), "social_worker": str(child.social_worker_id or ""),
        "version": str(child.version),
    }  # fmt: skip
    return data | changes


def test_the_childs_page_leads_to_their_details(client, staff, leo):
    client.force_login(staff.social_worker)
    page = client.get(reverse("child_journey", args=[leo.public_id])).content.decode()
    assert f'href="{reverse("child_details", args=[leo.public_id])}"' in page


def test_a_mistyped_name_is_corrected_and_the_child_allocated_to_a_social_worker(
    client, staff, leo
):
    client.force_login(staff.team_manager)
    url = reverse("child_details", args=[leo.public_id])
    page = client.get(url).content.decode()
    assert f"{staff.social_worker}</option>" in page
    response = client.post(
        url, details(leo, first_name="Leo", social_worker=str(staff.social_worker.pk))
    )
    assert response.url == reverse("child_journey", args=[leo.public_id])
    leo.refresh_from_db()
    assert (leo.first_name, leo.social_worker) == ("Leo", staff.social_worker)
    assert leo.history.first().history_user == staff.team_manager
    assert "The details of Leo Quarrymoor are saved." in (client.get(response.url).content.decode())


def test_a_bad_upn_is_said_and_nothing_is_changed(client, staff, leo):
    client.force_login(staff.social_worker)
    response = client.post(
        reverse("child_details", args=[leo.public_id]), details(leo, first_name="Leo", upn="X1")
    )
    assert UPN_SHAPE in response.content.decode()
    leo.refresh_from_db()
    assert leo.first_name == "Loe"


def test_a_change_saved_meanwhile_is_not_overwritten(client, staff, leo):
    client.force_login(staff.social_worker)
    url = reverse("child_details", args=[leo.public_id])
    stale = details(leo, first_name="Leo")
    client.post(url, details(leo, last_name="Quarrymoore"))
    response = client.post(url, stale)
    page = response.content.decode()
    assert STALE_RECORD in page
    assert "Someone saved this child's details while you were changing them" in page
    leo.refresh_from_db()
    assert (leo.first_name, leo.last_name) == ("Loe", "Quarrymoore")


def test_the_iro_service_manager_corrects_a_childs_details_from_their_page(client, staff, leo):
    client.force_login(staff.iro_manager)
    page = client.get(reverse("child_journey", args=[leo.public_id])).text
    assert f'href="{reverse("child_details", args=[leo.public_id])}"' in page
    assert f'href="{reverse("child_new")}?sibling=' not in page  # corrects, does not add
    response = client.post(
        reverse("child_details", args=[leo.public_id]),
        details(leo, first_name="Leo", reason="Misspelt at the referral."),
    )
    assert response.status_code == 302
    leo.refresh_from_db()
    assert leo.first_name == "Leo"
    assert leo.history.first().history_user == staff.iro_manager


def test_a_mistyped_la_child_id_is_corrected_with_a_reason_kept_in_the_history(client, staff, leo):
    client.force_login(staff.coordinator)
    url = reverse("child_details", args=[leo.public_id])
    response = client.post(url, details(leo, la_child_id=" LA-2000 ", reason="Typed wrongly."))
    assert response.status_code == 302
    leo.refresh_from_db()
    assert leo.la_child_id == "LA-2000"
    page = client.get(url).text
    assert "LA child ID: LA-200 to LA-2000" in page
    assert "Typed wrongly." in page


def test_an_la_child_id_change_needs_a_reason_a_good_shape_and_no_other_childs_id(
    client, staff, leo
):
    ChildFactory(la_child_id="LA-201", team=staff.team)
    client.force_login(staff.coordinator)
    url = reverse("child_details", args=[leo.public_id])
    for changes, message in (
        ({"la_child_id": "LA-202"}, services.LA_CHILD_ID_REASON_REQUIRED),
        ({"la_child_id": "LA-201", "reason": "x"}, services.LA_CHILD_ID_TAKEN.format(id="LA-201")),
        ({"la_child_id": "LA 202", "reason": "x"}, services.LA_CHILD_ID_CHARACTERS),
        ({"la_child_id": "  ", "reason": "x"}, "Enter the LA child ID."),
    ):
        response = client.post(url, details(leo, first_name="Leo", **changes))
        assert response.status_code == 200, changes
        assert escape(message) in response.text, changes
        leo.refresh_from_db()
        assert (leo.la_child_id, leo.first_name) == ("LA-200", "Loe"), changes


def test_those_who_do_not_add_children_or_cannot_see_the_child_are_refused(client, staff, leo):
    url = reverse("child_details", args=[leo.public_id])
    for who in ("iro", "analyst", "partnership", "outsider"):
        client.force_login(getattr(staff, who))
        assert client.get(url).status_code == 403, who
        assert client.post(url, details(leo, first_name="X")).status_code == 403, who
    leo.refresh_from_db()
    assert leo.first_name == "Loe"


def test_ethnicity_and_disabilities_are_recorded_for_the_census(client, staff, leo):
    client.force_login(staff.social_worker)
    url = reverse("child_details", args=[leo.public_id])
    response = client.post(url, details(leo, ethnicity="WBRI", disabilities=["HEAR", "VIS"]))
    assert response.status_code == 302
    leo.refresh_from_db()
    assert (leo.ethnicity, leo.disabilities) == ("WBRI", ["HEAR", "VIS"])
    page = client.get(reverse("child_journey", args=[leo.public_id])).content.decode()
    assert "White British" in page
    assert "Hearing, Vision" in page
    page = client.get(url).content.decode()
    assert 'value="HEAR" checked' in page or 'value="HEAR"\n checked' in page


def test_no_disability_with_a_disability_is_refused_and_nothing_is_changed(client, staff, leo):
    client.force_login(staff.social_worker)
    url = reverse("child_details", args=[leo.public_id])
    page = client.post(url, details(leo, disabilities=["NONE", "HEAR"])).content.decode()
    assert escape(NO_DISABILITY_AND_ONE) in page
    leo.refresh_from_db()
    assert leo.disabilities == []


def test_a_child_with_no_disability_recorded_says_so_on_their_page(client, staff, leo):
    client.force_login(staff.social_worker)
    page = client.get(reverse("child_journey", args=[leo.public_id])).content.decode()
    assert '<dt class="govuk-summary-list__key">Disability</dt>' in page
    assert "Not recorded" in page


def test_no_disability_is_offered_apart_and_unticks_the_others(client, staff, leo):
    client.force_login(staff.social_worker)
    page = client.get(reverse("child_details", args=[leo.public_id])).content.decode()
    divider = page.index('<div class="govuk-checkboxes__divider">or</div>')
    none = page.index('value="NONE"')
    assert divider < none
    assert page.index('value="DDA"') < divider  # after every disability
    assert 'value="NONE" data-behaviour="exclusive"' in page
    assert page.count('data-behaviour="exclusive"') == 1


def test_an_ethnicity_or_disability_not_offered_is_refused_and_nothing_is_changed(
    client, staff, leo
):
    before = (leo.first_name, leo.ethnicity, leo.disabilities)
    client.force_login(staff.social_worker)
    url = reverse("child_details", args=[leo.public_id])
    for bad in ({"ethnicity": "XXXX"}, {"disabilities": ["HEAR", "WINGS"]}):
        page = client.post(url, details(leo, first_name="Leo", **bad)).content.decode()
        assert escape(CHOOSE_ONE) in page, bad
    leo.refresh_from_db()
    assert (leo.first_name, leo.ethnicity, leo.disabilities) == before


def test_a_long_reason_is_kept_whole_and_dates_read_as_dates_in_the_history(client, staff, leo):
    client.force_login(staff.coordinator)
    url = reverse("child_details", args=[leo.public_id])
    why = "The day and month were swapped when the referral was typed in. " * 3
    changed = details(leo, date_of_birth_day="2", date_of_birth_month="9", reason=why)
    assert client.post(url, changed).status_code == 302
    page = client.get(url).text
    assert why.strip() in page
    assert "Date of birth: 9 February 2016 to 2 September 2016" in page
