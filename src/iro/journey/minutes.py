"""The record of a held conference as a document to send: the minutes. HTML to print, and
a tagged PDF (PDF/UA) from the same HTML, in the family documents' layout.

For everyone invited, family and professionals alike: who the conference was about, who
came, and for each child what was decided and why (the agencies' recommendations, any
disagreement, the child's views, the worries, what is working well, what needs to happen,
the scaling judgement), the outline plan and what happens next (the first core group
meeting, the next review by its statutory date). In the family's language and then in
English, as the other family documents (``documents.family_document``): the fixed wording
is translated, the staff's own words, names and places are as they wrote them. It names
the family, so only a reader who sees names may open it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from iro import timescales
from iro.documents import family_document
from iro.journey.invitations import KIND_NAME, council, day_and_time, family_day, plain_list
from iro.journey.models import (
    Category,
    ChildAttendance,
    Conference,
    ConferenceChild,
    ConferenceKind,
    ConferenceStatus,
    Decision,
    Invitation,
    InviteeAttendance,
    InviteeRole,
    PlanEndReason,
)
from iro.journey.selectors import RECOMMENDING_ROLES
from iro.languages import Choice
from iro.people.selectors import closure_days

NOT_HELD = "A conference has minutes once it is held and recorded."


@dataclass(frozen=True)
class ChildMinutes:
    """One child's part of the minutes, with the dates that follow from the decision."""

    view: object  # conference_views.RowView: the row, the name as the reader sees it
    first_core_group_by: date | None  # (a new plan) within 10 working days
    next_review_by: date | None  # (a plan that goes on) the next review's statutory date
    next_review_booked: date | None  # the day it is booked for, when it is already
    decided: str = ""  # the decision as a sentence, in the language of the part
    took_part: str = ""  # how the child took part, as a sentence, likewise


def _booked_reviews(conference: Conference, plan_ids: list) -> dict[int, date]:
    """The day each plan's next review is booked for after ``conference`` (held), by plan,
    as the minutes said it when they were sent: a review booked, moved or held since does
    not change minutes already sent (they are the record the family and agencies have).
    Minutes not yet sent say the bookings as they are now. Two queries at most."""
    reviews = ConferenceChild.objects.filter(
        plan_id__in=[pk for pk in plan_ids if pk is not None],
        conference__kind=ConferenceKind.REVIEW,
    )
    if conference.minutes_sent_on is None:
        rows = (
            reviews.filter(
                conference__status=ConferenceStatus.SCHEDULED,
                conference__scheduled_date__gt=conference.held_on,
            )
            .order_by("conference__scheduled_date")
            .values_list("plan_id", "conference__scheduled_date")
        )
    else:
        plans_of: dict[int, list[int]] = {}  # a sibling group's review is each one's
        for conference_id, plan_id in reviews.values_list("conference_id", "plan_id"):
            plans_of.setdefault(conference_id, []).append(plan_id)
        sent = timezone.make_aware(datetime.combine(conference.minutes_sent_on, time.max))
        then: dict[int, tuple[str, date | None]] = {}
        for pk, status, day in (
            Conference.history.filter(id__in=list(plans_of), history_date__lte=sent)
            .order_by("id", "-history_date", "-history_id")
            .values_list("id", "status", "scheduled_date")
        ):
            then.setdefault(pk, (status, day))  # the row as it stood when they were sent
        rows = sorted(
            (
                (plan_id, day)
                for pk, (status, day) in then.items()
                if status == ConferenceStatus.SCHEDULED
                and day is not None
                and day > conference.held_on
                for plan_id in plans_of[pk]
            ),
            key=lambda row: row[1],
        )
    booked: dict[int, date] = {}
    for plan_id, day in rows:
        booked.setdefault(plan_id, day)
    return booked


def context(conference: Conference, rows: list) -> dict:
    """What the minutes say of ``conference`` (held), its children's ``rows`` as the
    conference pages read them for the reader (``conference_views.row_views``): the facts,
    read once whatever the languages; ``words`` puts them in the active language."""
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
                # The last working day by then: no meeting is held on a Sunday.
                next_review_by=(
                    timescales.working_day_by(next_review, closures=closures)
                    if next_review is not None
                    else None
                ),
            )
        )
    invited = sorted(
        Invitation.objects.filter(conference=conference).select_related("agency"),
        key=lambda i: (ROLE_ORDER.index(i.role) if i.role in ROLE_ORDER else len(ROLE_ORDER),
                       i.name, i.pk),
    )  # fmt: skip
    amended = None
    if conference.minutes_replaced_sent_on is not None:
        latest = conference.amendments.order_by("-amended_at").first()
        amended = timezone.localtime(latest.amended_at).date() if latest else None
    return {
        "conference": conference,
        "amended_on": amended,  # since minutes were sent, which these replace
        "children": children,
        "came": [i for i in invited if i.attendance in CAME],
        "apologies": [i for i in invited if i.attendance == "apologies"],
        "did_not_come": [i for i in invited if i.attendance == "did_not_attend"],
        "not_recorded": [i for i in invited if not i.attendance],
        "council_name": council(),
        "service_phone": settings.IRO_SERVICE_PHONE,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "has_written": True,
    }


def words(facts: dict) -> dict:
    """The minutes' sentences built from ``facts`` in the active language (the staff's own
    words, names and places stay as written)."""
    conference = facts["conference"]
    held = day_and_time(conference.held_on, conference.scheduled_time)
    if conference.venue:
        held_words = gettext("Held on %(when)s, %(place)s.") % {
            "when": held,
            "place": conference.venue,
        }
    else:
        held_words = gettext("Held on %(when)s.") % {"when": held}
    chair = conference.chair
    replaces = ""
    if conference.minutes_replaced_sent_on is not None:
        replaces = gettext(
            "These minutes were amended on %(amended)s. They replace the minutes sent on %(sent)s."
        ) % {
            "amended": family_day(facts.get("amended_on") or conference.minutes_replaced_sent_on),
            "sent": family_day(conference.minutes_replaced_sent_on),
        }
    return {
        "names": plain_list(c.view.name for c in facts["children"]),
        "held_words": held_words,
        "replaces": replaces,
        "chaired_by": (
            gettext("Chaired by %(chair)s, Independent Reviewing Officer.")
            % {"chair": chair.get_full_name()}
            if chair
            else ""
        ),
        "children": [
            replace(c, decided=decision_words(c.view.row), took_part=took_part_words(c.view.row))
            for c in facts["children"]
        ],
    }


# The fixed choices as the minutes word them, translated for a family's language.
CATEGORY_WORDS = {
    Category.NEG: _("neglect"),
    Category.PHY: _("physical abuse"),
    Category.EMO: _("emotional abuse"),
    Category.SAB: _("sexual abuse"),
}
END_REASON_WORDS = {
    PlanEndReason.STEP_DOWN_CIN: _("stepped down to a Child in Need plan"),
    PlanEndReason.CLOSED: _("case closed"),
    PlanEndReason.LOOKED_AFTER: _("became looked after"),
    PlanEndReason.TRANSFERRED_OUT: _("moved to another authority"),
    PlanEndReason.ADULT: _("reached 18"),
    PlanEndReason.DIED: _("died"),
    PlanEndReason.OTHER: _("another reason"),
}
RECOMMENDATION_WORDS = {
    Decision.PLAN: _("Child protection plan"),
    Decision.NO_PLAN: _("No child protection plan"),
    Decision.CONTINUE: _("Continue the plan"),
    Decision.END: _("End the plan"),
}
ATTENDANCE_WORDS = {
    InviteeAttendance.ATTENDED: _("Attended"),
    InviteeAttendance.PART: _("Attended for part"),
    InviteeAttendance.VIRTUAL: _("Attended virtually"),
}
CHILD_ATTENDANCE_WORDS = {
    ChildAttendance.IN_PERSON: _("Attended in person"),
    ChildAttendance.VIRTUAL: _("Attended virtually"),
    ChildAttendance.PART: _("Attended for part"),
    ChildAttendance.DID_NOT_ATTEND: _("Did not attend"),
}


def decision_words(row: ConferenceChild) -> str:
    """What the conference decided for one child, as a sentence in the active language."""
    category = row.category
    if row.decision in (Decision.PLAN, Decision.CONTINUE):
        plan = row.decision == Decision.PLAN
        if category in CATEGORY_WORDS:
            sentence = (
                gettext("A child protection plan, under the category of %(category)s.")
                if plan
                else gettext(
                    "The child protection plan goes on, under the category of %(category)s."
                )
            )
            return sentence % {"category": CATEGORY_WORDS[category]}
        if category == Category.MUL:
            return (
                gettext("A child protection plan, under more than one category.")
                if plan
                else gettext("The child protection plan goes on, under more than one category.")
            )
        return (
            gettext("A child protection plan.")
            if plan
            else gettext("The child protection plan goes on.")
        )
    if row.decision == Decision.END:
        reason = row.plan.end_reason if row.plan_id else ""
        if reason in END_REASON_WORDS:
            return gettext("The child protection plan ends: %(reason)s.") % {
                "reason": END_REASON_WORDS[reason]
            }
        return gettext("The child protection plan ends.")
    if row.decision == Decision.NO_PLAN:
        return gettext("No child protection plan.")
    return gettext("Not recorded.")


def took_part_words(row: ConferenceChild) -> str:
    """How the child took part, as a sentence in the active language."""
    said = [
        str(CHILD_ATTENDANCE_WORDS[row.attendance])
        if row.attendance in CHILD_ATTENDANCE_WORDS
        else gettext("How the child took part is not recorded")
    ]
    if row.advocate_attended:
        said.append(gettext("an advocate came"))
    if row.written_views:
        said.append(gettext("written views were shared"))
    if row.direct_work:
        said.append(gettext("direct work was shared"))
    return gettext("; ").join(said) + gettext(".")


CAME = frozenset({"attended", "part", "virtual"})
# Who came, in the order the minutes list them: the family and those with them first,
# then the agencies that give a recommendation.
ROLE_ORDER = [
    InviteeRole.PARENT,
    InviteeRole.RELATIVE,
    InviteeRole.CHILD,
    InviteeRole.ADVOCATE,
    InviteeRole.INTERPRETER,
    *RECOMMENDING_ROLES,
]


def _part(conference: Conference, names: list[str]):
    def part(first: bool, bilingual: bool) -> dict:
        kind = KIND_NAME[conference.kind]
        return {
            "title": gettext("Record of the %(kind)s") % {"kind": kind},
            "description": gettext("The minutes of the %(kind)s about %(names)s")
            % {"kind": kind, "names": plain_list(names)},
            "language_note": (
                gettext("The same record in English follows this one.")
                if first and bilingual
                else ""
            ),
        }

    return part


def render_html(
    conference: Conference,
    rows: list,
    request: HttpRequest | None = None,
    choice: Choice | None = None,
) -> str:
    """The minutes as a web page to print (the request gives the stylesheet's nonce): in
    the ``choice`` of language and then English, or English alone."""
    facts = context(conference, rows)
    return family_document.render(
        "journey/conference/minutes_part.html",
        lambda: facts | words(facts),
        part=_part(conference, [rv.name for rv in rows]),
        choice=choice,
        request=request,
    )


def render_pdf(conference: Conference, rows: list, choice: Choice | None = None) -> bytes:
    return family_document.pdf(render_html(conference, rows, choice=choice))


def held(conference: Conference) -> bool:
    return conference.status == ConferenceStatus.HELD and conference.held_on is not None
