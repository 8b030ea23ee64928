"""The child protection plan as a family document: HTML, and PDF/UA from the same HTML.

Written for the family: the worry in everyday words, what is working well, what needs
to happen (by whom and by when), who is in the core group, and when the next review
meeting is. The PDF is tagged and has its language set (WeasyPrint ``pdf/ua-1``), so
screen readers can read it.

In the family's language (iro/languages.py) with the English version after it: the
fixed wording is translated (iro/locale), the words staff typed stay as typed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

from iro.documents import family_document
from iro.journey.checks import today
from iro.journey.plan_selectors import PlanView
from iro.languages import Choice

PDF_VARIANT = family_document.PDF_VARIANT


def context(view: PlanView) -> dict:
    social_worker = view.plan.child.social_worker
    record = view.latest_record
    day = today()
    # A booking whose day has passed without the meeting recorded as held is not a date
    # to give the family (as the family's journey leaflet); the chair named is the next
    # meeting's, once it is booked, else the last one's.
    booked = view.next_review
    if booked is not None and booked.scheduled_date < day:
        booked = None
    chair = booked.chair if booked is not None and booked.chair_id else None
    if chair is None and record is not None:
        chair = record.conference.chair
    return {
        "view": view,
        "plan": view.plan,
        "council_name": settings.COUNCIL_NAME,
        "social_worker": social_worker,
        "next_meeting": booked,
        "review_late": (
            booked is None and view.next_review_due is not None and view.next_review_due < day
        ),
        "chair": chair,
        "record": record,
        "has_written": bool(
            (record and (record.worries or record.working_well or record.needs_to_happen))
            or view.outcomes
            or view.actions
        ),
    }


def _part(view: PlanView, first: bool, bilingual: bool) -> dict:
    return {
        "title": gettext("%(name)s's child protection plan") % {"name": view.first_name},
        "description": gettext("The child protection plan for %(name)s, written for the family")
        % {"name": view.first_name},
        "language_note": (
            gettext("The same plan in English follows this one.") if first and bilingual else ""
        ),
    }


def render_html(
    view: PlanView, request: HttpRequest | None = None, choice: Choice | None = None
) -> str:
    """The request, when there is one, gives the page's CSP nonce for its stylesheet."""
    return family_document.render(
        "documents/family_plan_part.html",
        context(view),
        part=lambda first, bilingual: _part(view, first, bilingual),
        choice=choice,
        request=request,
    )


def render_pdf(view: PlanView, choice: Choice | None = None) -> bytes:
    """The family document as a tagged PDF (PDF/UA-1) with its language set."""
    return family_document.pdf(render_html(view, choice=choice))
