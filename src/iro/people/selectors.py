"""Reads of people and structure."""

from __future__ import annotations

from datetime import date

from iro.people.models import ClosureDay, Role, User


def closure_days() -> frozenset[date]:
    """All local closure days, for the timescales module's ``closures`` argument."""
    return frozenset(ClosureDay.objects.values_list("date", flat=True))


def iros():
    return User.objects.filter(role__in=[Role.IRO, Role.IRO_MANAGER], is_active=True)
