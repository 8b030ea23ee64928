"""When a second factor is required, every session must have passed it."""

from __future__ import annotations

import pytest

from iro.access.middleware import SIGN_IN_AGAIN
from iro.people.models import Role
from tests.access.sign_in import current_code, give_second_factor, sign_in_with_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.IRO_REQUIRE_MFA = True


def test_a_session_that_passed_the_second_factor_opens_pages(client):
    iro = UserFactory(role=Role.IRO)
    sign_in_with_second_factor(client, iro, give_second_factor(iro))
    assert client.get("/my-work/").status_code == 200


def test_a_session_signed_in_by_password_alone_is_signed_out(client):
    iro = UserFactory(role=Role.IRO)
    give_second_factor(iro)
    client.force_login(iro)  # as a session from before the second factor was required

    response = client.get("/my-work/", follow=True)

    assert response.redirect_chain[0][0] == "/accounts/login/?next=/my-work/"
    assert "_auth_user_id" not in client.session
    assert SIGN_IN_AGAIN in response.content.decode()


def test_a_user_without_a_second_factor_is_sent_to_set_one_up(client):
    iro = UserFactory(role=Role.IRO)
    response = client.post("/accounts/login/", {"login": iro.username, "password": PASSWORD})
    assert response.status_code == 302

    response = client.get("/my-work/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db(transaction=True)  # allauth signals the new factor on commit
def test_setting_up_the_second_factor_counts_as_passing_it(client):
    iro = UserFactory(role=Role.IRO)
    client.post("/accounts/login/", {"login": iro.username, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # allauth asks again
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    assert response.status_code == 302
    assert client.get("/my-work/").status_code == 200


def test_a_demo_session_from_before_production_is_signed_out(client, settings):
    settings.DEMO_LOGINS_ALLOWED = True
    demo = UserFactory(username="demo-iro", role=Role.IRO)
    sign_in_with_second_factor(client, demo, give_second_factor(demo))
    settings.DEMO_LOGINS_ALLOWED = False

    response = client.get("/my-work/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
