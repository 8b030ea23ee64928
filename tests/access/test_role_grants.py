"""Roles are given by someone else, logged, and shown to the IRO service manager."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from iro.access import grants
from iro.access.models import RoleGrant
from iro.people.models import Role, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def administrator():
    return UserFactory(username="alder-admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def other_administrator():
    return UserFactory(username="birch-admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def test_an_administrator_cannot_give_themself_a_role_through_the_service(administrator):
    with pytest.raises(PermissionDenied, match="own role"):
        grants.change_role(user=administrator, role=Role.IRO_MANAGER, acting_user=administrator)
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMIN
    assert not RoleGrant.objects.exists()


def test_an_administrator_cannot_give_themself_a_role_in_the_admin(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:people_user_change", args=[administrator.pk])
    page = client.get(url).content.decode()
    assert 'name="role"' not in page  # shown, not editable

    client.post(
        url,
        {
            "username": administrator.username,
            "role": Role.IRO_MANAGER,
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMIN


def test_a_role_given_in_the_admin_is_logged_with_who_gave_it(
    client, administrator, other_administrator
):
    colleague = UserFactory(username="cedar", role=Role.PARTNERSHIP)
    client.force_login(other_administrator)
    response = client.post(
        reverse("admin:people_user_change", args=[colleague.pk]),
        {
            "username": colleague.username,
            "role": Role.ANALYST,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = RoleGrant.objects.get()
    assert (grant.user, grant.from_role) == (colleague, Role.PARTNERSHIP)
    assert grant.to_role == Role.ANALYST
    assert grant.granted_by == other_administrator
    assert grant.opens_children


def test_only_an_administrator_gives_roles(administrator):
    manager = UserFactory(role=Role.IRO_MANAGER)
    with pytest.raises(PermissionDenied):
        grants.change_role(user=administrator, role=Role.IRO, acting_user=manager)


def test_the_iro_service_manager_sees_every_role_given(client, administrator):
    colleague = UserFactory(username="cedar", first_name="Cedar", role=Role.PARTNERSHIP)
    grants.change_role(user=colleague, role=Role.SOCIAL_WORKER, acting_user=administrator)
    client.force_login(UserFactory(role=Role.IRO_MANAGER))

    page = client.get(reverse("role_grants")).content.decode()

    assert "Cedar" in page and "Social worker" in page
    assert "Opens children's records" in page
    assert "alder-admin" in page or str(administrator) in page


def test_a_role_that_opens_childrens_records_is_told_to_the_manager_at_once(administrator):
    from django.core import mail

    from iro.notices.models import Notice

    manager = UserFactory(username="hazel-manager", role=Role.IRO_MANAGER)
    colleague = UserFactory(username="cedar", first_name="Cedar", last_name="Vale",
                            role=Role.PARTNERSHIP)  # fmt: skip
    grants.change_role(user=colleague, role=Role.SOCIAL_WORKER, acting_user=administrator)

    (notice,) = Notice.objects.all()
    assert notice.recipient == manager
    assert notice.subject == (
        "Cedar Vale was given the role Social worker, which opens children's records"
    )
    assert [m.to for m in mail.outbox] == [[manager.email]]
    # A role that opens none is listed on the page, not told.
    grants.change_role(user=colleague, role=Role.PARTNERSHIP, acting_user=administrator)
    assert Notice.objects.count() == 1


@pytest.mark.parametrize("role", [Role.IRO, Role.ADMIN, Role.ANALYST, Role.SOCIAL_WORKER])
def test_other_roles_are_refused_the_roles_given_page(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("role_grants")).status_code == 403


def test_roles_given_cannot_be_changed_or_deleted(administrator):
    colleague = UserFactory(role=Role.PARTNERSHIP)
    grant = grants.change_role(user=colleague, role=Role.IRO, acting_user=administrator)
    with pytest.raises(ValueError, match="append-only"):
        grant.save()
    with pytest.raises(ValueError, match="append-only"):
        grant.delete()


def test_the_console_gives_the_first_administrator_their_role():
    first = User.objects.create_superuser("first-admin", "first@northmoor.example", "x" * 16)
    first.role = Role.COORDINATOR
    first.save(update_fields=["role"])
    call_command("grant-role", "first-admin", Role.ADMIN)
    first.refresh_from_db()
    assert first.role == Role.ADMIN
    assert RoleGrant.objects.get().granted_by is None


@pytest.mark.parametrize(
    ("args", "message"),
    [(("nobody", "admin"), "No user is called 'nobody'"), (("first", "king"), "is not a role")],
)
def test_the_console_refuses_an_unknown_user_or_role(args, message):
    UserFactory(username="first", role=Role.IRO)
    with pytest.raises(CommandError, match=message) as error:
        call_command("grant-role", *args)
    assert error.value.returncode == 2


def test_the_database_refuses_to_change_or_delete_a_role_given(administrator):
    from django.db import DatabaseError, connection, transaction

    colleague = UserFactory(role=Role.PARTNERSHIP)
    grant = grants.change_role(user=colleague, role=Role.IRO, acting_user=administrator)
    for sql in (
        "UPDATE access_rolegrant SET to_role = 'admin' WHERE id = %s",
        "DELETE FROM access_rolegrant WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [grant.pk])
    grant.refresh_from_db()
    assert grant.to_role == Role.IRO


def test_a_past_version_of_an_account_is_read_in_the_admin_never_saved(
    client, administrator, other_administrator
):
    colleague = UserFactory(username="cedar", role=Role.SOCIAL_WORKER)
    first = colleague.history.earliest("history_date")
    grants.change_role(user=colleague, role=Role.PARTNERSHIP, acting_user=other_administrator)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    client.force_login(administrator)
    url = reverse("admin:people_user_simple_history", args=[colleague.pk, first.history_id])

    page = client.get(url).text
    assert 'name="_save"' not in page and "Revert" not in page

    response = client.post(
        url,
        {
            "username": colleague.username,
            "role": Role.SOCIAL_WORKER,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert (colleague.role, colleague.is_active) == (Role.PARTNERSHIP, False)
    assert RoleGrant.objects.count() == 1


def test_an_account_history_shows_no_password(client, administrator):
    colleague = UserFactory(username="cedar", role=Role.PARTNERSHIP)
    colleague.set_password("a new long password for cedar")
    colleague.save()
    client.force_login(administrator)
    page = client.get(reverse("admin:people_user_history", args=[colleague.pk])).text
    assert "argon2" not in page and "pbkdf2" not in page
    assert not hasattr(colleague.history.model, "password")
