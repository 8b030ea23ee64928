"""The access log and the sign-in history are append-only: through the ORM, in the
database (triggers on PostgreSQL and SQLite) and in the admin."""

from __future__ import annotations

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from iro.access.log import log_view
from iro.access.models import APPEND_ONLY, AccessLogEntry
from iro.people.models import Role
from tests.factories import ChildFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def entry(staff):
    log_view(user=staff.iro, child=ChildFactory(team=staff.team), what="child_journey")
    return AccessLogEntry.objects.get()


@pytest.fixture
def sign_in():
    return AccessLog.objects.create(
        username="ivy", ip_address="192.0.2.4", user_agent="Firefox", path_info="/accounts/login/"
    )


def _refused(sql: str, params=()) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_orm_cannot_change_or_delete_access_log_rows(entry, staff):
    with pytest.raises(ValueError, match=APPEND_ONLY):
        AccessLogEntry.objects.filter(pk=entry.pk).update(what="nothing")
    with pytest.raises(ValueError, match=APPEND_ONLY):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(ValueError, match=APPEND_ONLY):
        entry.delete()
    entry.what = "nothing"
    with pytest.raises(ValueError, match=APPEND_ONLY):
        entry.save()
    assert AccessLogEntry.objects.get().what == "child_journey"


def test_the_database_refuses_sql_that_changes_or_deletes_access_log_rows(entry):
    _refused("UPDATE access_accesslogentry SET what = 'nothing'")
    _refused("DELETE FROM access_accesslogentry")
    assert AccessLogEntry.objects.get().what == "child_journey"


def test_the_database_refuses_deleting_the_sign_in_history(sign_in):
    _refused("DELETE FROM axes_accesslog")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.count() == 1


def test_signing_out_may_record_the_time_once_and_nothing_else_changes(sign_in):
    _refused("UPDATE axes_accesslog SET username = 'someone else'")
    # What django-axes does when the user signs out:
    AccessLog.objects.filter(pk=sign_in.pk, logout_time__isnull=True).update(
        logout_time=timezone.now()
    )
    _refused("UPDATE axes_accesslog SET logout_time = %s", [timezone.now()])
    sign_in.refresh_from_db()
    assert sign_in.username == "ivy" and sign_in.logout_time is not None


def test_the_database_refuses_changing_the_failed_sign_in_log():
    AccessFailureLog.objects.create(username="ivy", user_agent="Firefox", path_info="/")
    _refused("UPDATE axes_accessfailurelog SET username = 'someone else'")
    _refused("DELETE FROM axes_accessfailurelog")


def test_the_admin_cannot_delete_or_change_sign_in_history(client, sign_in, entry):
    superuser = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for model, obj in (("accesslog", sign_in), ("accesslogentry", entry)):
        app = "axes" if model == "accesslog" else "access"
        changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert changelist.status_code == 200
        assert "delete_selected" not in changelist.content.decode()
        delete = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.count() == 1
    assert AccessLogEntry.objects.count() == 1
