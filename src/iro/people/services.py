"""Writes of people's records: an IRO's leave, recorded by the IRO service manager.

Keyword-only, the acting user required, one transaction, a history row for each change.
Leave is what stops a chair being booked on a day (``journey.services`` refuses it) and
what the chair proposals leave out.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from iro.access.capabilities import Capability
from iro.access.guards import require
from iro.journey.checks import EARLIEST_DATE, Errors, one_line, saved_by, today
from iro.people.models import Leave, Role, User

# Messages (tests import these).
NOT_AN_IRO = "Leave is recorded here for Independent Reviewing Officers only."
END_BEFORE_START = "The last day away cannot be before the first."
TOO_EARLY = "The first day away cannot be before 1 January 1990."
TOO_FAR_AHEAD = "Leave can be recorded up to two years ahead."
OVERLAPS = "{user} already has leave recorded from {start:%-d %B %Y} to {end:%-d %B %Y}."
DESCRIPTION_TOO_LONG = "The description must be at most {max} characters."
NOT_FOUND = "That leave has already been removed."

DESCRIPTION_MAX = Leave._meta.get_field("description").max_length
AHEAD = timedelta(days=2 * 366)


@transaction.atomic
def record_leave(
    *, user: User, start_date: date, end_date: date, acting_user, description: str = ""
) -> Leave:
    """Record days an IRO is away (inclusive); refused where it overlaps their leave."""
    require(acting_user, Capability.MANAGE_LEAVE)
    user = User.objects.select_for_update().get(pk=user.pk)  # one writer of their leave
    errors = Errors()
    if user.role not in (Role.IRO, Role.IRO_MANAGER):
        errors.add("user", NOT_AN_IRO)
    if end_date < start_date:
        errors.add("end_date", END_BEFORE_START)
    if start_date < EARLIEST_DATE:
        errors.add("start_date", TOO_EARLY)
    if end_date > today() + AHEAD:
        errors.add("end_date", TOO_FAR_AHEAD)
    errors.add("description", one_line(description))
    if len(description.strip()) > DESCRIPTION_MAX:
        errors.add("description", DESCRIPTION_TOO_LONG.format(max=DESCRIPTION_MAX))
    overlapping = (
        Leave.objects.filter(user=user, start_date__lte=end_date, end_date__gte=start_date)
        .order_by("start_date")
        .first()
    )
    if overlapping is not None:
        errors.add(
            "start_date",
            OVERLAPS.format(user=user, start=overlapping.start_date, end=overlapping.end_date),
        )
    errors.raise_if_any()
    leave = Leave(
        user=user, start_date=start_date, end_date=end_date, description=description.strip()
    )
    saved_by(leave, acting_user).save()
    return leave


@transaction.atomic
def remove_leave(*, leave_id: int, acting_user) -> Leave:
    """Take leave off the record (cancelled leave); the history keeps the row. The leave
    removed."""
    require(acting_user, Capability.MANAGE_LEAVE)
    leave = Leave.objects.select_for_update().select_related("user").filter(pk=leave_id).first()
    if leave is None:
        raise ValidationError({"remove": NOT_FOUND})
    saved_by(leave, acting_user).delete()
    return leave
