"""Signing in and out, in the service's own GOV.UK-style layout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from iro.people.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ivy():
    return UserFactory(username="ivy-iro", first_name="Ivy", last_name="Coldharbour", role=Role.IRO)


def test_the_sign_in_page_uses_the_council_layout_with_one_h1(client, settings):
    body = client.get(reverse("account_login")).content.decode()
    assert body.count("<h1") == 1
    assert '<h1 class="govuk-heading-xl">Sign in</h1>' in body
    assert settings.COUNCIL_NAME in body
    assert 'class="govuk-skip-link"' in body
    assert "govuk-frontend.min.css" in body
    assert 'name="login"' in body and 'name="password"' in body
    assert "<title>Sign in – " in body
    assert "crown" not in body.lower()


def test_demo_mode_lists_the_demo_logins_and_password(client, settings):
    settings.DEMO_LOGINS_ALLOWED = True
    UserFactory(username="demo-iro", role=Role.IRO)
    UserFactory(username="demo-analyst", role=Role.ANALYST)
    body = client.get(reverse("account_login")).content.decode()
    assert settings.DEMO_PASSWORD in body
    listed = body[body.index('id="demo-logins"') :]
    assert "<code>demo-iro</code>" in listed and "Independent Reviewing Officer" in listed
    assert "<code>demo-analyst</code>" in listed and "Performance analyst" in listed
    assert "Demo</strong>" in body  # the phase banner


def test_production_never_shows_demo_logins_or_the_password(client, settings):
    UserFactory(username="demo-iro", role=Role.IRO)  # say, a demo database moved to production
    settings.DEMO_LOGINS_ALLOWED = False
    body = client.get(reverse("account_login")).content.decode()
    assert settings.DEMO_PASSWORD not in body
    assert "demo-iro" not in body
    assert "govuk-phase-banner" not in body


def test_a_wrong_password_shows_the_error_summary_linked_to_the_username(client, ivy):
    response = client.post(reverse("account_login"), {"login": "ivy-iro", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Sign in" in body
    assert 'class="govuk-error-summary"' in body
    summary = body[body.index("govuk-error-summary__list") :]
    assert summary.index('href="#id_login"') < summary.index("</ul>")
    assert "govuk-form-group--error" in body
    assert 'value="ivy-iro"' in body
    assert "wrong" not in body


def test_missing_fields_are_each_reported(client):
    body = client.post(reverse("account_login"), {"login": "", "password": ""}).content.decode()
    assert 'href="#id_login"' in body and 'href="#id_password"' in body


def test_signing_in_takes_an_iro_to_my_work(client, ivy):
    response = client.post(
        reverse("account_login"), {"login": "ivy-iro", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("my_work")
    assert b'<h1 class="govuk-heading-xl">My work</h1>' in response.content


def test_signing_out_needs_a_post(client, ivy):
    client.force_login(ivy)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200  # a confirmation page, still signed in
    assert client.get(reverse("my_work")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("my_work")).status_code == 302


def test_the_sign_out_confirmation_is_in_the_council_layout(client, ivy):
    client.force_login(ivy)
    body = client.get(reverse("account_logout")).content.decode()
    assert body.count("<h1") == 1
    assert "govuk-button" in body
    assert "govuk-header" in body
