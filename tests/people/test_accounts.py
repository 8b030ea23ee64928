"""The administrator looks after accounts without ever being able to sign in as one:
no password typed for someone else, no second factor shown or made, and every such change
told to the account's owner."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iro.access.models import RoleGrant
from iro.people.models import Role, User
from tests.access.sign_in import give_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db]

NEW_PASSWORD = "a-long-new-password-for-oak"
CHANGE_FORM = {"is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"}


@pytest.fixture
def administrator(client):
    admin = UserFactory(username="alder-admin", role=Role.ADMIN)
    client.force_login(admin)
    return admin


@pytest.fixture
def manager():
    return UserFactory(username="oak-manager", role=Role.IRO_MANAGER, email="oak@northmoor.example")


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body)[0]


def set_password_through(client, link: str, password: str = NEW_PASSWORD):
    """What the owner does with the link: open it, then choose a password."""
    path = link.split("://", 1)[1].partition("/")[2]
    opened = client.get("/" + path)
    assert opened.status_code == 302, opened.content[:300]
    return client.post(opened["Location"], {"password1": password, "password2": password})


def signs_in(client, username: str, password: str) -> bool:
    client.logout()
    client.post("/accounts/login/", {"login": username, "password": password})
    return client.session.get("_auth_user_id") is not None


def add_account(client, **fields):
    data = {
        "username": "rowan-iro",
        "first_name": "Rowan",
        "last_name": "Ash",
        "email": "rowan@northmoor.example",
        "role": Role.IRO,
        "team": "",
        "line_manager": "",
        "_save": "Save",
    }
    return client.post(reverse("admin:people_user_add"), data | fields)


def test_a_new_account_has_no_password_and_its_owner_is_sent_a_link(client, administrator):
    page = client.get(reverse("admin:people_user_add")).content.decode()
    assert 'name="password1"' not in page
    assert 'name="email"' in page

    response = add_account(client)

    assert response.status_code == 302
    rowan = User.objects.get(username="rowan-iro")
    assert not rowan.has_usable_password()
    assert RoleGrant.objects.filter(user=rowan, to_role=Role.IRO).exists()
    (message,) = mail.outbox
    assert message.to == ["rowan@northmoor.example"]
    assert "Your username is rowan-iro" in message.body
    shown = client.get(response["Location"]).content.decode()
    assert (
        "A link for rowan-iro to set a password, to rowan@northmoor.example: Kept on this "
        "machine, not sent (mail is not set up to leave it)." in shown
    )

    set_password_through(client, link_in(message))

    assert signs_in(client, "rowan-iro", NEW_PASSWORD)


def test_a_new_account_needs_an_address_for_its_link(client, administrator):
    response = add_account(client, email="")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not User.objects.filter(username="rowan-iro").exists()
    assert mail.outbox == []


def test_the_password_page_offers_a_link_and_never_a_password_field(client, administrator, manager):
    url = reverse("admin:auth_user_password_change", args=[manager.pk])
    page = client.get(url).content.decode()
    assert 'type="password"' not in page
    assert "oak@northmoor.example" in page

    client.post(url, {"password1": "chosen-by-admin-1", "password2": "chosen-by-admin-1"})

    assert not signs_in(client, "oak-manager", "chosen-by-admin-1")
    assert signs_in(client, "oak-manager", PASSWORD)  # the old one keeps working
    (message,) = mail.outbox
    assert message.to == ["oak@northmoor.example"]
    assert "alder-admin" not in message.subject
    assert "Your current password keeps working" in message.body
    logged = LogEntry.objects.get(object_id=str(manager.pk), user=administrator)
    assert logged.get_change_message() == "Sent a link to set a password to oak@northmoor.example."


def test_the_link_sets_a_new_password_once(client, administrator, manager):
    client.post(reverse("admin:auth_user_password_change", args=[manager.pk]))
    link = link_in(mail.outbox[0])

    set_password_through(client, link)
    assert signs_in(client, "oak-manager", NEW_PASSWORD)
    assert not signs_in(client, "oak-manager", PASSWORD)

    client.logout()
    opened = client.get("/" + link.split("://", 1)[1].partition("/")[2], follow=True)
    assert "invalid" in opened.content.decode().lower()


def test_an_account_without_an_address_gets_no_link_and_says_why(client, administrator):
    pine = UserFactory(username="pine-sw", role=Role.SOCIAL_WORKER, email="")
    url = reverse("admin:auth_user_password_change", args=[pine.pk])
    assert "has no email address" in client.get(url).content.decode()

    response = client.post(url, follow=True)

    assert "The account pine-sw has no email address, so no link can reach them" in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_links_are_sent_from_the_list_of_accounts(client, administrator, manager):
    other = UserFactory(username="elm-iro", role=Role.IRO)

    client.post(
        reverse("admin:people_user_changelist"),
        {"action": "send_password_links", "_selected_action": [manager.pk, other.pk]},
    )

    assert sorted(message.to[0] for message in mail.outbox) == [
        "elm-iro@northmoor.example",
        "oak@northmoor.example",
    ]


def test_the_address_of_an_account_in_use_is_not_the_administrators_to_change(
    client, administrator, manager
):
    """Else they could move it to their own and send the password link there."""
    User.objects.filter(pk=manager.pk).update(last_login=timezone.now())
    url = reverse("admin:people_user_change", args=[manager.pk])
    page = client.get(url).text
    assert 'name="email"' not in page
    assert "Only its owner changes the email address" in page

    client.post(
        url,
        {
            **CHANGE_FORM,
            "username": manager.username,
            "role": manager.role,
            "email": "mine@elsewhere.example",
        },
    )
    client.post(reverse("admin:auth_user_password_change", args=[manager.pk]))

    manager.refresh_from_db()
    assert manager.email == "oak@northmoor.example"
    assert [message.to for message in mail.outbox] == [["oak@northmoor.example"]]


def test_the_owner_changes_their_own_address_with_their_password(client, manager):
    client.force_login(manager)

    wrong = client.post(
        reverse("my_account"), {"email": "oak.new@northmoor.example", "password": "not-it"}
    )
    assert "That is not your password" in wrong.text
    manager.refresh_from_db()
    assert manager.email == "oak@northmoor.example"

    response = client.post(
        reverse("my_account"), {"email": "oak.new@northmoor.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "oak.new@northmoor.example"
    (message,) = mail.outbox
    assert message.to == ["oak@northmoor.example"]
    assert "You changed the email address of your iro account" in message.body
    page = client.get(reverse("my_account")).text
    assert "Your email address is now oak.new@northmoor.example" in page


def test_the_own_address_form_says_what_is_wrong(client, manager):
    client.force_login(manager)

    page = client.post(reverse("my_account"), {"email": "not an address", "password": ""}).text

    assert "Enter an email address like name@example.gov.uk" in page
    assert "Enter your password" in page
    same = client.post(
        reverse("my_account"), {"email": "OAK@northmoor.example", "password": PASSWORD}
    ).text
    assert "That is already your email address" in same
    assert mail.outbox == []


def test_changing_an_accounts_address_tells_the_old_one(client, administrator, manager):
    """An account not yet signed in to: a mistyped address is corrected in the admin."""
    url = reverse("admin:people_user_change", args=[manager.pk])
    client.post(
        url,
        {
            **CHANGE_FORM,
            "username": manager.username,
            "email": "not-oak@elsewhere.example",
            "role": manager.role,
        },
    )

    manager.refresh_from_db()
    assert manager.email == "not-oak@elsewhere.example"
    (message,) = mail.outbox
    assert message.to == ["oak@northmoor.example"]
    assert "to not-oak@elsewhere.example" in message.body
    assert "alder-admin" in message.body or str(administrator) in message.body


def test_a_second_factors_secret_is_never_shown_and_none_is_made(client, administrator, manager):
    secret = give_second_factor(manager)
    factor = Authenticator.objects.get(user=manager)

    page = client.get(reverse("admin:mfa_authenticator_change", args=[factor.pk]))

    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert 'name="data"' not in page.content.decode()
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    client.post(
        reverse("admin:mfa_authenticator_change", args=[factor.pk]),
        {"user": administrator.pk, "type": "totp", "data": '{"secret": "X"}'},
    )
    factor.refresh_from_db()
    assert factor.user == manager


def test_removing_a_lost_second_factor_tells_its_owner(client, administrator, manager):
    give_second_factor(manager)
    factor = Authenticator.objects.get(user=manager)

    client.post(reverse("admin:mfa_authenticator_delete", args=[factor.pk]), {"post": "yes"})

    assert not Authenticator.objects.filter(user=manager).exists()
    (message,) = mail.outbox
    assert message.to == ["oak@northmoor.example"]
    assert "removed the second factor" in message.body


def test_an_address_cannot_be_added_to_someone_elses_account(client, administrator, manager):
    assert client.get(reverse("admin:account_emailaddress_add")).status_code == 403
    client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": manager.pk, "email": "mine@elsewhere.example", "primary": "on"},
    )
    assert not manager.emailaddress_set.exists()


def test_only_an_administrator_reaches_the_password_page(client, manager):
    iro = UserFactory(role=Role.IRO)
    client.force_login(iro)

    response = client.post(reverse("admin:auth_user_password_change", args=[manager.pk]))

    assert response.status_code == 403
    assert mail.outbox == []
