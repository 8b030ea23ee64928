"""Small checks shared by the write services: dates, versions, who saved."""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone

from iro import timescales

STALE_RECORD = (
    "This record was changed while you were editing it (by someone else, or by you in "
    "another tab or window). Nothing has been overwritten: reload the page, check the "
    "changes and make yours again."
)
VERSION_MISSING = (
    "The page did not say which version of the record you were editing, so your change "
    "could overwrite someone else's: reload the page and make your change again."
)
DATE_IN_FUTURE = "The date cannot be in the future."
DATE_TOO_FAR_AHEAD = "The date cannot be more than a year from now."
DATE_TOO_EARLY = "The date cannot be before 1 January 1990."

BEFORE_BIRTH = (
    "{date:%-d %B %Y} is before {child} was born on {born:%-d %B %Y}: work before a birth "
    "starts at most 40 weeks ahead of it."
)
# Years before the birth, the 40 weeks are beside the point: a year typed wrong.
BEFORE_BIRTH_BY_YEARS = (
    "{date:%-d %B %Y} is before {child} was born on {born:%-d %B %Y}: check the year."
)

CONTROL_CHARACTERS = "This cannot contain line breaks or other control characters."

EARLIEST_DATE = date(1990, 1, 1)
# C0 and C1 control characters (CR, LF, tab, NUL...) and the Unicode line separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# The day fixed by ``one_day`` for the work under way, if any.
_fixed_day: ContextVar[date | None] = ContextVar("iro_checks_fixed_day", default=None)


def today() -> date:
    """Today in the service's time zone; the day ``one_day`` fixed, inside it."""
    fixed = _fixed_day.get()
    return fixed if fixed is not None else timezone.localdate()


@contextmanager
def one_day():
    """Every check inside takes today to be the day this was entered (read once).

    For long work that checks many records in one go (a census import): the rules are the
    same, asked of one day, instead of reading the clock for each date checked. Work that
    runs past midnight keeps judging "in the future" against the day it started, as one
    transaction would. Nested, the outermost day holds."""
    if _fixed_day.get() is not None:
        yield
        return
    with as_at(timezone.localdate()):
        yield


@contextmanager
def as_at(day: date):
    """Every check inside takes today to be ``day``, whatever holds outside.

    Only for writing synthetic history as it would have been recorded (the demo books
    each conference on the day it would have been booked, so a date then still ahead is
    not "in the past"); never for a person's request, whose today is the clock's."""
    token = _fixed_day.set(day)
    try:
        yield
    finally:
        _fixed_day.reset(token)


@cache
def choice_values(choices) -> frozenset[str]:
    """The stored values of a ``TextChoices`` (or other ``Choices``) class, read once.

    ``SomeChoices.values`` builds a new list on every call; the checks ask for membership
    many times in an import, and a class's members never change while the process runs."""
    return frozenset(choices.values)


def not_in_future(d: date | None) -> str | None:
    """An error message when ``d`` is after today or implausibly early, else None."""
    if d is None:
        return None
    if d > today():
        return DATE_IN_FUTURE
    if d < EARLIEST_DATE:
        return DATE_TOO_EARLY
    return None


def not_far_ahead(d: date | None) -> str | None:
    """For planned dates: at most a year ahead."""
    if d is None:
        return None
    if d > today() + timedelta(days=366):
        return DATE_TOO_FAR_AHEAD
    if d < EARLIEST_DATE:
        return DATE_TOO_EARLY
    return None


def before_birth(d: date | None, *, child, name: str) -> str | None:
    """An error message when ``d`` is before the child could have been known to the
    service (more than a pregnancy before the recorded birth), else None. ``name`` is the
    child as the acting user may see them. A child not yet born (no date of birth) has
    no limit: a pre-birth conference is ordinary work."""
    born = getattr(child, "date_of_birth", None)
    if d is None or born is None or d >= timescales.earliest_event(born):
        return None
    words = BEFORE_BIRTH if (born - d).days <= 366 else BEFORE_BIRTH_BY_YEARS
    return words.format(date=d, child=name, born=born)


def one_line(text: str | None) -> str | None:
    """An error message when ``text`` holds a line break or another control character,
    else None. One-line values (names, places) go into calendar files and headers, where
    a line break would start a line of its own."""
    if text and _CONTROL.search(text):
        return CONTROL_CHARACTERS
    return None


def check_version(record, expected_version: int | None) -> None:
    """Refuse a save made from a stale copy (the second of two editors), and one that does
    not say which version it was made from (it cannot be checked)."""
    if expected_version is None:
        raise ValidationError(VERSION_MISSING, code="stale")
    if record.version != expected_version:
        raise ValidationError(STALE_RECORD, code="stale")


def current_version(record) -> int:
    """The version of ``record`` now saved. Only for writers that hold no page a person
    read (the census import, the demo, tests): they say so explicitly by passing this as
    ``expected_version``; a form always sends the version its page showed."""
    return type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get()


# django-simple-history keeps a change's reason in a column of 100 characters.
def change_reason(text: str) -> str:
    """``text`` as a history row's change reason, whole (a text column: the setting
    ``SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD``), on one line."""
    return " ".join(text.split())


def saved_by(instance, acting_user):
    """Attach the acting user to the history row the next save writes."""
    instance._history_user = acting_user
    return instance


class Errors:
    """Collects field-level messages, then raises one ValidationError."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str | None) -> None:
        if message:
            messages = self.by_field.setdefault(field, [])
            if message not in messages:  # once, however many children it holds for
                messages.append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


# ---------------------------------------------------------- a booking's warnings

BOOKING_AFTER_DUE = "{day:%-d %B %Y} is after the conference is due on {due:%-d %B %Y}."
# The after-due warning as ``booking_warnings`` wrote it, found again in the saved text.
_AFTER_DUE_SAID = re.compile(
    r"\s*\d{1,2} [A-Z][a-z]+ \d{4} is after the conference is due on \d{1,2} [A-Z][a-z]+ \d{4}\."
)


def warnings_now(warnings: str, *, scheduled_date: date | None, due: date | None) -> str:
    """A booking's saved warnings as they stand today. The due date follows the records
    (a review recorded since the booking, a date held corrected), so the warning that the
    booking is after it is said again from the due date now, or dropped once the booking
    is in time; a booking that had no such warning gets none (nobody booked it anyway)."""
    if not warnings or not _AFTER_DUE_SAID.search(warnings):
        return warnings
    rest = _AFTER_DUE_SAID.sub("", warnings).strip()
    if scheduled_date is not None and due is not None and scheduled_date > due:
        rest = f"{rest} {BOOKING_AFTER_DUE.format(day=scheduled_date, due=due)}".strip()
    return rest
