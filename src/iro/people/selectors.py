"""Reads of people and structure."""

from __future__ import annotations

from datetime import date

from iro.people.models import CHAIR_ROLES, ClosureDay, Leave, User


def closure_days() -> frozenset[date]:
    """All local closure days, for the timescales module's ``closures`` argument."""
    return frozenset(ClosureDay.objects.values_list("date", flat=True))


def iros():
    return User.objects.filter(role__in=CHAIR_ROLES, is_active=True)


def leave_on(user_ids, on: date) -> dict[int, Leave]:
    """Who of ``user_ids`` is away on ``on``: user id to the leave that covers the day."""
    found = Leave.objects.filter(user_id__in=list(user_ids), start_date__lte=on, end_date__gte=on)
    return {leave.user_id: leave for leave in found.order_by("start_date", "pk")}


def leave_between(user_ids, start: date, end: date) -> dict[int, list[Leave]]:
    """Each user's leave overlapping ``start``..``end`` (inclusive), in date order."""
    found: dict[int, list[Leave]] = {}
    rows = Leave.objects.filter(
        user_id__in=list(user_ids), start_date__lte=end, end_date__gte=start
    )
    for leave in rows.order_by("start_date", "pk"):
        found.setdefault(leave.user_id, []).append(leave)
    return found


def leave_from(day: date):
    """The IROs' leave that has not ended by ``day``, earliest first, with each person."""
    return (
        Leave.objects.filter(end_date__gte=day, user__role__in=CHAIR_ROLES)
        .select_related("user")
        .order_by("start_date", "user__last_name", "pk")
    )
