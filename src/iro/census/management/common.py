"""What the census commands share: one-line errors, the acting user, periods."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from iro import timescales
from iro.census.export import ExportRefused, check_may_export
from iro.census.importer import ImportRefused, check_may_import

USER_REQUIRED = "--user is required: the username of the person doing this."
NO_SUCH_USER = "No user is called {name!r}."


def fail(message: str) -> CommandError:
    """A one-line error on stderr and exit status 2."""
    return CommandError(message, returncode=2)


class Raw:
    """Django's stdout wrapper ends every write with a newline; reports write pieces."""

    def __init__(self, wrapper) -> None:
        self._wrapper = wrapper

    def write(self, text: str) -> None:
        self._wrapper.write(text, ending="")


def parse_year(label: str) -> timescales.Period:
    try:
        return timescales.parse_period(timescales.ANNUAL, label)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _named_user(username: str | None):
    if not username:
        raise fail(USER_REQUIRED)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise fail(NO_SUCH_USER.format(name=username))
    return user


def exporting_user(username: str | None):
    """The named user, if they may export statutory returns; else a one-line refusal."""
    user = _named_user(username)
    try:
        check_may_export(user)
    except ExportRefused as exc:
        raise fail(str(exc)) from None
    return user


def importing_user(username: str | None):
    """The named user, if they may import statutory returns; else a one-line refusal."""
    user = _named_user(username)
    try:
        check_may_import(user)
    except ImportRefused as exc:
        raise fail(str(exc)) from None
    return user
