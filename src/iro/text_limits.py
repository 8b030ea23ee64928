"""How long free text may be: one limit per kind of field.

Every free-text field a form writes has one of these limits, checked by the form (so
the page says so beside the field) and again by the service that saves it (so an import,
a script or a hand-made request meets the same rule). Nothing is saved when a text is
too long. Issue 9 refines the limits per field: change them here.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

NOTE = 5_000  # notes, a dispute's detail and resolution, concerns, responses, feedback
CONFERENCE_RECORD = 10_000  # a child's worries, what is working well, what needs to happen
PLAN_ITEM = 2_000  # an action's progress, a target's action
# A plan is read by the family and the core group: an outcome is what must be different
# for the child, an action one task someone can do and be checked on. A sentence or two
# each; a longer text is a note or the conference record, not a plan item.
OUTCOME = 1_000
ACTION = 1_000
# A section of a report's words (context, what went well...): a page or so of A4.
NARRATIVE_SECTION = 6_000
REASON = 1_000  # a short explanation, e.g. why a conference was late
ADDRESS = 500  # a postal address
# One-line values are held in columns of a fixed width: the limit is the column's, so a
# long value gets this message instead of a database error.
VENUE = 200  # where the conference meets (Conference.venue)
NAME = 160  # a person's, family's or organisation's name, or who is to do an action
ATTRIBUTION = 120  # who gave feedback, as they agreed to be quoted ("a parent")
LANGUAGE = 60  # a language, e.g. for the interpreter
CHILD_NAME = 80  # a child's first or last name (Child.first_name, Child.last_name)

TOO_LONG = "This is {length:,} characters long: shorten it to {limit:,} characters or fewer."


_TOO_LONG_SAID = re.compile(
    r"This is ([0-9,]+) characters long: (shorten it to [0-9,]+ characters or fewer\.)"
)


def naming(message: str, label: str) -> str:
    """``message`` as shown for a form's field labelled ``label``: a text too long says
    which field it is (the error summary lists it away from the field), other messages
    as they are."""
    said = _TOO_LONG_SAID.fullmatch(str(message))
    if said is None or not label:
        return message
    label = str(label).removesuffix(" (optional)").strip()
    what = f"The answer to “{label}”" if label.endswith("?") else label
    return f"{what} is {said[1]} characters long: {said[2]}"


def too_long(text: str | None, limit: int) -> str | None:
    """The message when ``text`` is longer than ``limit`` characters, else None."""
    if text and len(text) > limit:
        return TOO_LONG.format(length=len(text), limit=limit)
    return None


class MaxChars:
    """A form field validator giving the same message as the services."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: str) -> None:
        message = too_long(value, self.limit)
        if message:
            raise ValidationError(message, code="max_length")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxChars) and other.limit == self.limit

    def deconstruct(self):
        return ("iro.text_limits.MaxChars", (self.limit,), {})
