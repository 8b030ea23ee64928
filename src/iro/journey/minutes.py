"""The record of a held conference as a document to send: the minutes. HTML to print, and
a tagged PDF (PDF/UA) from the same HTML, in the family documents' layout.

For everyone invited, family and professionals alike: who the conference was about, who
came, and for each child what was decided and why (the agencies' recommendations, any
disagreement, the child's views, the worries, what is working well, what needs to happen,
the scaling judgement), the outline plan and what happens next (the first core group
meeting, the next review by its statutory date). English: the staff's own words are as
they wrote them. It names the family, so only a reader who sees names may open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import HttpRequest

from iro import timescales
from iro.documents import family_document
from iro.journey.invitations import KIND_NAME, council, english_clock, plain_list
from iro.journey.models import (
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Invitation,
    InviteeRole,
)
from iro.journey.selectors import RECOMMENDING_ROLES
from iro.people.selectors import closure_days

NOT_HELD = "A conference has minutes once it is held and recorded."


@dataclass(frozen=True)
class ChildMinutes:
    """One child's part of the minutes, with the dates that follow from the decision."""

    view: object  # conference_views.RowView: the row, the name as the reader sees it
    first_core_group_by: date | None  # (a new plan) within 10 working days
    next_review_by: date | None  # (a plan that goes on) the next review's statutory date
    next_review_booked: date | None  # the day it is booked for, when it is already


def _booked_reviews(conference: Conference, plan_ids: list) -> dict[int, date]:
    """The day each plan's next review is booked for after ``conference`` (held), by plan:
    one query for all the children."""
    booked: dict[int, date] = {}
    for plan_id, day in (
        ConferenceChild.objects.filter(
            plan_id__in=[pk for pk in plan_ids if pk is not None],
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.SCHEDULED,
            conference__scheduled_date__gt=conference.held_on,
        )
        .order_by("conference__scheduled_date")
        .values_list("plan_id", "conference__scheduled_date")
    ):
        booked.setdefault(plan_id, day)
    return booked


def context(conference: Conference, rows: list) -> dict:
    """What the minutes say of ``conference`` (held), its children's ``rows`` as the
    conference pages read them for the reader (``conference_views.row_views``)."""
    closures = closure_days()
    booked_reviews = _booked_reviews(conference, [rv.row.plan_id for rv in rows])
    children = []
    for rv in rows:
        decision, held = rv.row.decision, conference.held_on
        starts_plan = decision == Decision.PLAN
        goes_on = starts_plan or decision == Decision.CONTINUE
        next_review = None
        if goes_on:
            next_review = (
                timescales.next_review_due(held)
                if conference.kind == ConferenceKind.REVIEW and not starts_plan
                else timescales.first_review_due(held)
            )
        booked = booked_reviews.get(rv.row.plan_id) if next_review is not None else None
        children.append(
            ChildMinutes(
                view=rv,
                next_review_booked=booked,
                first_core_group_by=(
                    timescales.first_core_group_due(held, closures=closures)
                    if starts_plan
                    else None
                ),
                next_review_by=next_review,
            )
        )
    invited = sorted(
        Invitation.objects.filter(conference=conference).select_related("agency"),
        key=lambda i: (ROLE_ORDER.index(i.role) if i.role in ROLE_ORDER else len(ROLE_ORDER),
                       i.name, i.pk),
    )  # fmt: skip
    return {
        "conference": conference,
        "kind_name": KIND_NAME[conference.kind],
        "children": children,
        "names": plain_list(rv.name for rv in rows),
        "held_on": conference.held_on,
        "at": english_clock(conference.scheduled_time) if conference.scheduled_time else "",
        "came": [i for i in invited if i.attendance in CAME],
        "apologies": [i for i in invited if i.attendance == "apologies"],
        "did_not_come": [i for i in invited if i.attendance == "did_not_attend"],
        "not_recorded": [i for i in invited if not i.attendance],
        "council_name": council(),
        "service_phone": settings.IRO_SERVICE_PHONE,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "has_written": True,
    }


CAME = frozenset({"attended", "part", "virtual"})
# Who came, in the order the minutes list them: the family and those with them first,
# then the agencies that give a recommendation.
ROLE_ORDER = [
    InviteeRole.PARENT,
    InviteeRole.CHILD,
    InviteeRole.ADVOCATE,
    InviteeRole.INTERPRETER,
    *RECOMMENDING_ROLES,
]


def _part(conference: Conference, names: str):
    def part(first: bool, bilingual: bool) -> dict:
        return {
            "title": f"Record of the {KIND_NAME[conference.kind]}",
            "description": f"The minutes of the {KIND_NAME[conference.kind]} about {names}",
        }

    return part


def render_html(conference: Conference, rows: list, request: HttpRequest | None = None) -> str:
    """The minutes as a web page to print (the request gives the stylesheet's nonce)."""
    values = context(conference, rows)
    return family_document.render(
        "journey/conference/minutes_part.html",
        values,
        part=_part(conference, values["names"]),
        request=request,
    )


def render_pdf(conference: Conference, rows: list) -> bytes:
    return family_document.pdf(render_html(conference, rows))


def held(conference: Conference) -> bool:
    return conference.status == ConferenceStatus.HELD and conference.held_on is not None
