"""Shared set-up: a sibling group at one conference, the younger child restricted to
the IRO service manager and the chair (Ivy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro.children.models import Child
from iro.children.services import set_restriction
from iro.journey.models import Conference
from tests.factories import Staff
from tests.journey.conference_setup import book_icpc, sibling_group


@dataclass
class Restricted:
    open: Child  # Wren: not restricted
    restricted: Child  # Alder: restricted to the manager and Ivy
    conference: Conference


def restricted_sibling(staff: Staff, *, on: date = date(2024, 6, 28)) -> Restricted:
    siblings = sibling_group(staff)
    conference = book_icpc(staff, siblings, on=on)
    wren, alder = siblings.children
    set_restriction(
        child=alder, acting_user=staff.iro_manager, restricted=True, allowed_users=[staff.iro]
    )
    alder.refresh_from_db()
    return Restricted(open=wren, restricted=alder, conference=conference)
