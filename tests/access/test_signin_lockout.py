"""Sign-in lockout by account and address, for passwords and second factors alike
(security review, finding 5). Axes is off in other tests (tests/conftest.py); on here."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from iro.access.signin import LOCKED_OUT, LOCKED_OUT_STATUS, client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db]

OFFICE = "10.20.30.40"  # everyone behind the council's proxy
ELSEWHERE = "10.99.0.1"
LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def ann():
    return UserFactory(username="ann")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def sign_in(client: Client, username: str, password: str, address: str = OFFICE):
    return client.post(LOGIN, {"login": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_passwords(username: str, times: int, address: str = OFFICE):
    response = None
    for _ in range(times):
        response = sign_in(Client(), username, "not-the-password", address)
    return response


def assert_locked_out_page(response) -> None:
    assert response.status_code == LOCKED_OUT_STATUS
    page = response.content.decode()
    assert LOCKED_OUT in page
    assert '<h1 class="govuk-heading-xl">You cannot sign in for now</h1>' in page
    assert "Traceback" not in page


def test_four_wrong_passwords_still_leave_the_form_with_its_message(ann):
    response = fail_passwords("ann", 4)
    assert response.status_code == 200
    client = Client()
    assert sign_in(client, "ann", PASSWORD).status_code == 302
    assert signed_in(client)


def test_five_wrong_passwords_lock_the_account_at_that_address(ann):
    assert_locked_out_page(fail_passwords("ann", 5))
    client = Client()
    assert_locked_out_page(sign_in(client, "ann", PASSWORD))
    assert not signed_in(client)


def test_a_locked_account_is_not_locked_at_another_address(ann):
    fail_passwords("ann", 5)
    client = Client()
    sign_in(client, "ann", PASSWORD, address=ELSEWHERE)
    assert signed_in(client)


def test_one_persons_failures_do_not_lock_out_a_colleague_at_the_same_address(ann, bob):
    fail_passwords("ann", 5)
    client = Client()
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_colleagues_success_does_not_reset_someone_elses_count(ann, bob):
    fail_passwords("ann", 4)
    sign_in(Client(), "bob", PASSWORD)
    assert_locked_out_page(fail_passwords("ann", 1))


def test_a_success_resets_only_that_account_at_that_address(ann):
    fail_passwords("ann", 4)
    sign_in(Client(), "ann", PASSWORD)
    assert fail_passwords("ann", 4).status_code == 200
    assert not AccessAttempt.objects.filter(username="bob").exists()


def test_the_same_account_typed_in_other_cases_shares_one_count(ann):
    for typed in ["ann", "Ann", "ANN", " aNn", "anN"]:
        response = sign_in(Client(), typed, "not-the-password")
    assert_locked_out_page(response)
    assert_locked_out_page(sign_in(Client(), "ann", PASSWORD))


def test_the_lock_is_kept_in_the_database_for_every_worker(ann):
    fail_passwords("ann", 5)
    # A fresh worker: nothing in any in-process cache, a new handler, a new client.
    cache.clear()
    AxesProxyHandler.get_implementation(force=True)
    assert AccessAttempt.objects.get(username="ann", ip_address=OFFICE).failures_since_start == 5
    client = Client()
    assert_locked_out_page(sign_in(client, "ann", PASSWORD))
    assert not signed_in(client)


# The second factor ----------------------------------------------------------------


@pytest.fixture
def ann_with_totp(ann):
    secret = generate_totp_secret()
    TOTP.activate(ann, secret)
    return ann, secret


def valid_codes(secret: str) -> set[str]:
    return {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}


def wrong_code(secret: str) -> str:
    return next(c for c in ("000000", "111111", "222222") if c not in valid_codes(secret))


def at_second_factor(address: str = OFFICE) -> Client:
    client = Client()
    response = sign_in(client, "ann", PASSWORD, address)
    assert response.status_code == 302 and response.url == SECOND_FACTOR
    return client


def send_code(client: Client, code: str, address: str = OFFICE):
    return client.post(SECOND_FACTOR, {"code": code}, REMOTE_ADDR=address)


def test_the_right_code_signs_in(ann_with_totp):
    _, secret = ann_with_totp
    client = at_second_factor()
    response = send_code(client, valid_codes(secret).pop())
    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_codes_count_as_failed_sign_ins(ann_with_totp):
    _, secret = ann_with_totp
    client = at_second_factor()
    for _ in range(2):
        assert send_code(client, wrong_code(secret)).status_code == 200
    attempt = AccessAttempt.objects.get(username="ann", ip_address=OFFICE)
    assert attempt.failures_since_start == 2
    assert wrong_code(secret) not in attempt.post_data  # codes are not kept


def test_five_wrong_codes_lock_the_account(ann_with_totp):
    _, secret = ann_with_totp
    client = at_second_factor()
    for _ in range(4):
        send_code(client, wrong_code(secret))
    assert_locked_out_page(send_code(client, wrong_code(secret)))
    # Not even the right code passes now, and a new sign-in is refused at the password.
    assert_locked_out_page(send_code(client, valid_codes(secret).pop()))
    assert not signed_in(client)
    assert_locked_out_page(sign_in(Client(), "ann", PASSWORD))


def test_password_and_code_failures_add_up(ann_with_totp):
    _, secret = ann_with_totp
    fail_passwords("ann", 3)
    client = at_second_factor()
    send_code(client, wrong_code(secret))
    assert_locked_out_page(send_code(client, wrong_code(secret)))


def test_a_locked_account_cannot_pass_the_second_factor_from_a_stage_begun_earlier(
    ann_with_totp,
):
    _, secret = ann_with_totp
    client = at_second_factor()  # the password was right, the code not yet given
    fail_passwords("ann", 5)  # meanwhile someone else guesses at the same address
    assert_locked_out_page(send_code(client, valid_codes(secret).pop()))
    assert not signed_in(client)


def test_wrong_codes_when_confirming_a_sensitive_change_count_too(ann_with_totp):
    ann, secret = ann_with_totp
    client = Client()
    client.force_login(ann)
    response = client.post(
        reverse("mfa_reauthenticate"), {"code": wrong_code(secret)}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="ann", ip_address=OFFICE).failures_since_start == 1


# The client's address -----------------------------------------------------------


def request_with(rf, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_the_forwarded_header_is_ignored_unless_proxies_are_trusted(rf, settings):
    settings.IRO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with(rf, "127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def test_behind_one_trusted_proxy_the_address_it_saw_is_used(rf, settings):
    settings.IRO_TRUSTED_PROXY_COUNT = 1
    # A client may put anything first; the proxy appends the address it saw.
    request = request_with(rf, "127.0.0.1", "198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(request_with(rf, "127.0.0.1")) == "127.0.0.1"


def test_anything_but_an_ip_address_is_not_taken_as_the_address(rf, settings):
    settings.IRO_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with(rf, "127.0.0.1", "unknown")) == "127.0.0.1"
    assert client_ip(request_with(rf, "not-an-address")) is None


# The shared cache ---------------------------------------------------------------


def test_migrate_makes_the_shared_cache_table_if_it_is_missing(settings):
    from django.db import connection

    from iro.access.apps import create_cache_table

    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    assert table not in connection.introspection.table_names()
    create_cache_table(using="default")
    assert table in connection.introspection.table_names()
    cache.set("probe", 1)
    assert cache.get("probe") == 1
