"""The administration site: only through the service's sign-in, only for administrators,
and its delete confirmations name no child."""

from __future__ import annotations

import pytest

from iro.people.models import Role
from tests.access.sign_in import give_second_factor, sign_in_with_second_factor
from tests.factories import PASSWORD, ChildFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def production_sign_in(settings):
    settings.IRO_REQUIRE_MFA = True
    settings.DEMO_LOGINS_ALLOWED = False


@pytest.fixture
def administrator():
    return UserFactory(username="alder-admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def test_a_signed_in_iro_cannot_become_the_administrator_with_a_password_alone(
    client, production_sign_in, administrator
):
    iro = UserFactory(role=Role.IRO)
    sign_in_with_second_factor(client, iro, give_second_factor(iro))
    give_second_factor(administrator)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": administrator.username, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(iro.pk)
    assert client.get("/admin/").status_code == 403


def test_the_admin_sign_in_page_sends_a_visitor_to_the_service_sign_in(client):
    response = client.get("/admin/login/?next=/admin/people/team/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_admin_sign_in_form_never_signs_anyone_in(client, administrator):
    response = client.post(
        "/admin/login/", {"username": administrator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_signed_in_administrator_goes_on_from_the_admin_sign_in_page(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/login/?next=/admin/people/team/")
    assert response["Location"] == "/admin/people/team/"


def test_the_admin_sign_in_page_does_not_send_anyone_elsewhere(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/login/?next=https://elsewhere.example/")
    assert response["Location"] == "/admin/"


def test_an_administrator_reaches_the_admin_after_both_factors(
    client, production_sign_in, administrator
):
    sign_in_with_second_factor(client, administrator, give_second_factor(administrator))
    assert client.get("/admin/").status_code == 200


def test_a_staff_account_without_the_administrator_role_is_refused(client):
    iro = UserFactory(role=Role.IRO, is_staff=True, is_superuser=True)
    client.force_login(iro)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/people/team/").status_code == 403


def test_deleting_a_team_counts_its_children_without_naming_them(client, administrator):
    team = TeamFactory(name="Larkmoor Family Support")
    children = [
        ChildFactory(team=team, first_name="Quorrelle", last_name="Vossberg"),
        ChildFactory(team=team, first_name="Zanthe", last_name="Ibbotrove"),
    ]
    client.force_login(administrator)

    page = client.get(f"/admin/people/team/{team.pk}/delete/").content.decode()

    for child in children:
        assert child.first_name not in page
        assert child.last_name not in page
    assert "Children: 2" in page
    assert "Larkmoor Family Support" in page


def test_deleting_teams_in_bulk_names_no_child(client, administrator):
    team = TeamFactory(name="Millbeck Team")
    ChildFactory(team=team, first_name="Quorrelle", last_name="Vossberg")
    client.force_login(administrator)

    response = client.post(
        "/admin/people/team/",
        {"action": "delete_selected", "_selected_action": [team.pk]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Quorrelle" not in page and "Vossberg" not in page
    assert "Children: 1" in page


def test_the_administrator_role_alone_opens_the_admin_without_django_flags(client):
    given = UserFactory(username="rowan-admin", role=Role.ADMIN, is_staff=False)
    client.force_login(given)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/people/user/" in index.text and "/admin/people/team/" in index.text
    assert client.get("/admin/people/user/").status_code == 200
    assert client.get(f"/admin/people/user/{given.pk}/change/").status_code == 200
    assert client.get("/admin/people/closureday/add/").status_code == 200


def test_the_superuser_flag_without_the_role_opens_nothing(client):
    client.force_login(UserFactory(role=Role.ANALYST, is_staff=True, is_superuser=True))
    assert client.get("/admin/people/user/").status_code == 403
