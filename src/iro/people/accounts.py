"""An account's password, second factor and address: looked after by an administrator who
never learns what would let them sign in as its owner.

The administrator sees no child's name, so they must not be able to become someone who
does. In the admin:

- **No password is ever set by the administrator.** A new account has none usable until
  its owner sets one through a link emailed to them (``send_password_link``); a
  forgotten password is the same link, and the old password keeps working until a new
  one is set. The link works once and for ``PASSWORD_RESET_TIMEOUT`` (it is django-
  allauth's password reset key: made from the password, the last sign-in and the address,
  so setting a password, signing in or changing the address ends it).
- **A second factor is never shown or made,** only removed when its owner lost it
  (``tell_second_factor_removed``): they set up a new one when they next sign in.
- **The address the link goes to is the owner's.** Once an account has been signed in
  to, only its owner changes its address (``change_own_address``, on "Your account", with
  their password): an administrator who could move it to their own address could then
  send the link there. Before the first sign-in the administrator may still correct a
  mistyped address; taking over such an account is no more than making one, and a role
  given with it is logged for the IRO service manager (``access.grants``).
- **Every such change is told to the owner** at the address it was made for: the link
  itself, a removed second factor, and a changed address (told to the *old* address).
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iro.notices.mail import queue_mail
from iro.notices.models import MailKind, OutgoingMail

NO_ADDRESS = (
    "The account {user} has no email address, so no link can reach them. Add their work "
    "address, save, then send the link."
)
NOT_ACTIVE = "The account {user} is not active: make it active before sending a link."
WRONG_PASSWORD = "That is not your password. Enter the password you sign in with."  # noqa: S105
SAME_ADDRESS = "That is already your email address."
NO_NEW_ADDRESS = "Enter your new email address."


def owner_keeps_address(user) -> bool:
    """Has the account been signed in to, so that only its owner changes its address?"""
    return user.last_login is not None


def change_own_address(*, user, address: str, password: str) -> None:
    """``user`` changes their own email address, their password asked again; the old
    address is told. ``ValidationError`` by field: ``email``, ``password``."""
    address = address.strip()
    if not address:
        raise ValidationError({"email": NO_NEW_ADDRESS})
    if address.lower() == (user.email or "").lower():
        raise ValidationError({"email": SAME_ADDRESS})
    if not user.check_password(password):
        raise ValidationError({"password": WRONG_PASSWORD})
    old_address = user.email
    with transaction.atomic():
        user.email = address
        user._change_reason = "Changed by its owner"
        user.save(update_fields=["email"])
        tell_address_changed(user=user, old_address=old_address, acting_user=user)


def link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def password_link(user) -> str:
    """The address at which ``user`` sets a new password, as django-allauth reads it."""
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.IRO_SITE_URL + path.replace("UID-KEY", key)


def send_password_link(*, user, acting_user, new_account: bool = False) -> OutgoingMail:
    """Email ``user`` a link to set their password; refused (``ValidationError``) when it
    could not reach them."""
    if not user.email:
        raise ValidationError(NO_ADDRESS.format(user=user.username))
    if not user.is_active:
        raise ValidationError(NOT_ACTIVE.format(user=user.username))
    context = _context(user, acting_user) | {
        "url": password_link(user),
        "days": link_days(),
        "new_account": new_account,
    }
    subject = "Your iro account: set your password" if new_account else "Set a new iro password"
    return _send(user.email, subject, "people/accounts/password_link.txt", context, acting_user)


def tell_second_factor_removed(*, user, acting_user) -> OutgoingMail | None:
    if not user.email:
        return None
    return _send(
        user.email,
        "The second factor of your iro account was removed",
        "people/accounts/second_factor_removed.txt",
        _context(user, acting_user),
        acting_user,
    )


def tell_address_changed(*, user, old_address: str, acting_user) -> OutgoingMail | None:
    if not old_address:
        return None
    return _send(
        old_address,
        "The email address of your iro account was changed",
        "people/accounts/address_changed.txt",
        _context(user, acting_user) | {"new_address": user.email or "none"},
        acting_user,
    )


def _context(user, acting_user) -> dict:
    return {
        "user": user,
        "acting": (
            "You"
            if acting_user is not None and acting_user.pk == user.pk
            else str(acting_user or "The server's console")
        ),
        "on": timezone.localdate(),
        "council_name": settings.COUNCIL_NAME,
        "sign_in": settings.IRO_SITE_URL + reverse("account_login"),
    }


def _send(to: str, subject: str, template: str, context: dict, acting_user) -> OutgoingMail:
    return queue_mail(
        kind=MailKind.ACCOUNT,
        to=to,
        subject=subject,
        body=render_to_string(template, context),
        link=reverse("account_login"),
        acting_user=acting_user,
    )
