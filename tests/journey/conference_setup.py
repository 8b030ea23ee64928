"""Shared set-up for the conference tests: a sibling group and its conference, built
through the services so the records are those a user would make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from iro.children.models import Child
from iro.children.services import create_child, create_family
from iro.journey import services
from iro.journey.models import Conference, ConferenceKind, Section47
from iro.journey.services import Subject
from iro.notices.mail import recorded_only
from tests.factories import Staff


@dataclass
class Siblings:
    children: list[Child]
    section47s: list[Section47]


def sibling_group(
    staff: Staff,
    *,
    strategy_on: date = date(2024, 6, 10),
    surname: str = "Brackwater",
    names: tuple[str, str] = ("Wren", "Alder"),
    enquiry: bool = True,
) -> Siblings:
    """Two children of one family in ``staff.team``, each with an S47 from ``strategy_on``
    (``enquiry=False``: only referred that day, no strategy discussion yet)."""
    family = create_family(name=f"{surname} household", acting_user=staff.coordinator)
    children = [
        create_child(
            acting_user=staff.coordinator,
            la_child_id=f"{surname[:3].upper()}{n}",
            first_name=name,
            last_name=surname,
            date_of_birth=date(2015 + n, 4, 2),
            family=family,
            team=staff.team,
            social_worker=staff.social_worker,
        )
        for n, name in enumerate(names, start=1)
    ]
    section47s = []
    for child in children:
        episode = services.open_episode(
            child=child, referral_date=strategy_on, acting_user=staff.coordinator
        )
        if not enquiry:
            continue
        discussion = services.record_strategy_discussion(
            episode=episode, held_on=strategy_on, acting_user=staff.coordinator
        )
        section47s.append(discussion.section47)
    return Siblings(children, section47s)


def book_icpc(
    staff: Staff,
    siblings: Siblings,
    *,
    on: date = date(2024, 6, 28),
    at: time | None = time(10, 0),
    chair=None,
) -> Conference:
    """The conference booked, its chair not told (``services.CHAIR_GIVEN``: a notice and
    an email): the tests that read the mail read the invitations."""
    with recorded_only():
        return _book_icpc(staff, siblings, on=on, at=at, chair=chair)


def _book_icpc(staff: Staff, siblings: Siblings, *, on, at, chair) -> Conference:
    return services.schedule_conference(
        kind=ConferenceKind.INITIAL,
        subjects=[
            Subject(child=c, section47=s)
            for c, s in zip(siblings.children, siblings.section47s, strict=True)
        ],
        scheduled_date=on,
        scheduled_time=at,
        chair=chair if chair is not None else staff.iro,
        venue="Northmoor Civic Centre, Room 2",
        # The tests record what happened in 2024: a booking in the past is confirmed.
        confirm_reason="Recorded after the event",
        acting_user=staff.coordinator,
    )


def record_data(row_pk: int, *, core_group_on: date | None = None) -> dict[str, str]:
    """The parts of one child's record form that ``services.record_errors`` asks of every
    record made by a chair (add the decision and category; ``core_group_on`` for a new
    plan)."""
    prefix = f"child{row_pk}-"
    data = {
        prefix + "attendance": "did_not_attend",
        prefix + "wishes_feelings": "Wants to stay at home with her brother.",
        prefix + "worries": "The home is cold.",
        prefix + "working_well": "School attendance is good.",
        prefix + "needs_to_happen": "Weekly visits.",
        prefix + "outline_plan": "Weekly visits; a warm home.",
    }
    if core_group_on is not None:
        for part in ("day", "month", "year"):
            data[f"{prefix}first_core_group_on_{part}"] = str(getattr(core_group_on, part))
    return data
