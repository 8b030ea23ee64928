"""Signing in as a person does: password, then a code from their authenticator app."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories import PASSWORD


def give_second_factor(user) -> str:
    """Set up an authenticator app for ``user``; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, counter))


def sign_in_with_second_factor(client, user, secret: str) -> None:
    """The whole sign-in: the password form, then the second-factor form."""
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:400]
    assert response["Location"].startswith("/accounts/2fa/authenticate"), response["Location"]
    response = client.post(response["Location"], {"code": current_code(secret)})
    assert response.status_code == 302, response.content[:400]
    assert client.session["_auth_user_id"] == str(user.pk)
