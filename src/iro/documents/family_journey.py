"""The child's journey for the family: where this child is now, in plain words.

A page and a printable leaflet (tagged PDF, like the family plan) explaining the child
protection process to the parents, or to the child in words for their age: under 8 (with
pictures), 8 to 12, and 13 and over. It shows what has happened (with dates), what happens
next and by when, who chairs the meetings, how to have a say and how to disagree or
complain.

Everything about the child is built from the records: the steps and their due dates come
from ``journey.selectors.journey_for`` (which asks ``iro.timescales``; nothing here
computes a rule), the chair from the conference. All fixed wording is marked for
translation; nothing typed by staff appears in the leaflet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from iro import timescales
from iro.children.models import Child
from iro.documents.family_plan import PDF_VARIANT
from iro.journey.models import Conference
from iro.journey.selectors import Step, journey_for

# --- Who the leaflet is for ----------------------------------------------------------------

PARENTS = "parents"
UNDER_8 = "under-8"
AGED_8_TO_12 = "8-to-12"
AGED_13_UP = "13-and-over"
CHILDREN = (UNDER_8, AGED_8_TO_12, AGED_13_UP)
AUDIENCES = {
    PARENTS: _("Parents and carers"),
    UNDER_8: _("Children under 8 (with pictures)"),
    AGED_8_TO_12: _("Children aged 8 to 12"),
    AGED_13_UP: _("Young people aged 13 and over"),
}
TEMPLATES = {
    PARENTS: "documents/family_journey/parents.html",
    UNDER_8: "documents/family_journey/under_8.html",
    AGED_8_TO_12: "documents/family_journey/8_to_12.html",
    AGED_13_UP: "documents/family_journey/13_and_over.html",
}

# The pictures of the under-8 version: original drawings kept with this app's static
# files, never fetched from elsewhere.
PICTURES_DIR = Path(__file__).resolve().parent / "static" / "documents" / "journey"
PICTURES_STATIC = "documents/journey/"


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years from ``date_of_birth`` to ``day``."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def audience_for(child: Child, day: date) -> str:
    """The version for the child's age today; the parents' one for a child not yet born."""
    if child.date_of_birth is None or child.date_of_birth > day:
        return PARENTS
    age = age_on(child.date_of_birth, day)
    if age < 8:
        return UNDER_8
    if age <= 12:
        return AGED_8_TO_12
    return AGED_13_UP


# --- The steps, in each register ---------------------------------------------------------
#
# The stages as ``journey.selectors`` names them, and what each is called in the leaflet
# (for parents, for children up to 12, for young people of 13 and over). Stages not
# listed (assessments, Child in Need plans) are not part of the child protection process
# the leaflet explains.

REFERRAL = "referral"
STRATEGY = "strategy"
ENQUIRY = "enquiry"
INITIAL = "initial"
TRANSFER = "transfer"
PLAN = "plan"
REVIEW = "review"
PLAN_ENDED = "plan_ended"
CLOSED = "closed"

STAGES = {
    "Referral": REFERRAL,
    "Strategy discussion": STRATEGY,
    "Section 47 enquiry started": ENQUIRY,
    "Initial child protection conference": INITIAL,
    "Transfer-in conference": TRANSFER,
    "Child protection plan started": PLAN,
    "Next review conference": REVIEW,
    "Child protection plan ended": PLAN_ENDED,
    "Episode closed": CLOSED,
}
REVIEW_PREFIX = "Review child protection conference"

WORDS = {
    REFERRAL: (
        _("Someone told children's services they were worried about {name}."),
        _("Someone told us they were worried about you."),
        _("Someone told children's services they were worried about you."),
    ),
    STRATEGY: (
        _("Social workers, the police and health staff talked together about the worry."),
        _("Some grown-ups whose job is to help children talked about the worry."),
        _("Social workers, the police and health staff talked about the worry."),
    ),
    ENQUIRY: (
        _("A social worker started to find out more."),
        _("A social worker started to find out more."),
        _("A social worker started to find out more."),
    ),
    INITIAL: (
        _("The first child protection meeting (conference)."),
        _("The first big meeting about you."),
        _("The first child protection conference."),
    ),
    TRANSFER: (
        _("A meeting to carry on the plan that {name} had in another area."),
        _("A meeting to carry on the plan you had where you lived before."),
        _("A meeting to carry on the plan you had where you lived before."),
    ),
    PLAN: (
        _("The child protection plan started."),
        _("Your plan started."),
        _("Your child protection plan started."),
    ),
    REVIEW: (
        _("A review meeting, to check how the plan is going."),
        _("A meeting to check how your plan is going."),
        _("A review conference, to check how your plan is going."),
    ),
    PLAN_ENDED: (
        _("The child protection plan ended."),
        _("Your plan ended."),
        _("Your child protection plan ended."),
    ),
    CLOSED: (
        _("Children's services finished their work with the family."),
        _("The social worker finished their work with your family."),
        _("Children's services finished their work with your family."),
    ),
}
# Which of the three ways of saying it each reader gets.
REGISTER = {PARENTS: 0, UNDER_8: 1, AGED_8_TO_12: 1, AGED_13_UP: 2}


@dataclass(frozen=True)
class Happened:
    kind: str
    on: date
    words: str


@dataclass(frozen=True)
class Next:
    kind: str
    words: str
    due: date | None  # the latest date it should happen (from the timescales)
    booked: date | None  # the date it is booked for, if it is
    late: bool = False  # not booked, and its due date has passed
    time: time | None = None  # the booked time and place, as the booking recorded them
    venue: str = ""


@dataclass
class FamilyJourney:
    """Where this child is now, for one audience."""

    child: Child
    first_name: str
    audience: str
    suggested: str  # the audience for the child's age
    age: int | None
    today: date
    happened: list[Happened] = field(default_factory=list)
    next: Next | None = None
    chair: str = ""
    social_worker: str = ""
    on_plan: bool = False

    @property
    def audience_label(self) -> str:
        return str(AUDIENCES[self.audience])

    @property
    def for_children(self) -> bool:
        return self.audience in CHILDREN


def _kind(step: Step) -> str | None:
    if step.stage.startswith(REVIEW_PREFIX):
        return REVIEW
    return STAGES.get(step.stage)


def _words_now(kind: str, audience: str, first_name: str) -> str:
    return str(WORDS[kind][REGISTER[audience]]).format(name=first_name)


# A step's words are put in the language active when the leaflet is rendered, not when
# the journey is built (one journey is rendered in the family's language, then English).
_words = lazy(_words_now, str)


def _booking(conference_public_id) -> Conference | None:
    return Conference.objects.select_related("chair").filter(public_id=conference_public_id).first()


def _chair_name(conference_public_id) -> str:
    conference = _booking(conference_public_id)
    if conference is None or conference.chair is None:
        return ""
    return conference.chair.get_full_name() or ""


def build(user, child: Child, *, audience: str | None = None, day: date | None = None):
    """The leaflet's facts for ``child`` (already fetched through ``access.scope``).

    Only the child's latest episode counts: an earlier, closed one is not where the child
    is now. ``audience`` defaults to the version for the child's age.
    """
    journey = journey_for(user, child, day=day)
    day = journey.today
    suggested = audience_for(child, day)
    audience = audience or suggested
    if audience not in AUDIENCES:
        raise ValueError(f"No leaflet for {audience!r}")
    # A child not yet named (usually not yet born) is "your child" to the parents.
    first_name = child.first_name or _("your child")
    result = FamilyJourney(
        child=child,
        first_name=first_name,
        audience=audience,
        suggested=suggested,
        age=age_on(child.date_of_birth, day)
        if child.date_of_birth and child.date_of_birth <= day
        else None,
        today=day,
        social_worker=child.social_worker.get_full_name() if child.social_worker else "",
    )
    if not journey.episodes:
        return result
    latest = journey.episodes[0]
    chair_conference = None
    for step in latest.steps:
        kind = _kind(step)
        if kind is None:
            continue
        if step.when is not None and step.when <= day:
            result.happened.append(Happened(kind, step.when, _words(kind, audience, first_name)))
            if kind == STRATEGY and step.section47_pk is not None:
                # The enquiry started at this discussion (the journey shows it as a note).
                result.happened.append(
                    Happened(ENQUIRY, step.when, _words(ENQUIRY, audience, first_name))
                )
            if step.conference_id:
                chair_conference = step.conference_id
            if kind == PLAN:
                result.on_plan = True
            if kind in (PLAN_ENDED, CLOSED):
                result.on_plan = False
        elif result.next is None and step.status != "Not required" and kind in (INITIAL, REVIEW):
            booking = _booking(step.conference_id) if step.conference_id else None
            # A booking whose day has passed without the meeting being recorded as held
            # is not a date to give the family.
            booked = booking.scheduled_date if booking else None
            if booked is not None and booked < day:
                booking, booked = None, None
            result.next = Next(
                kind,
                _words(kind, audience, first_name),
                due=step.due,
                booked=booked,
                late=booked is None and step.due is not None and step.due < day,
                time=booking.scheduled_time if booking else None,
                venue=booking.venue if booking else "",
            )
            if booking is not None and booking.chair_id:
                chair_conference = step.conference_id
    if latest.closure_date is not None:
        result.next = None
    if chair_conference is not None:
        result.chair = _chair_name(chair_conference)
    return result


# --- Rendering -------------------------------------------------------------------------------


def _context(journey: FamilyJourney, pictures: str) -> dict:
    return {
        "journey": journey,
        "council_name": settings.COUNCIL_NAME,
        "pictures": pictures,
        "audiences": AUDIENCES,
        # The timescales the leaflet explains, from the one module that holds them.
        "rules": {
            "icpc_days": timescales.ICPC_WORKING_DAYS,
            "core_group_days": timescales.FIRST_CORE_GROUP_WORKING_DAYS,
            "first_review_months": timescales.FIRST_REVIEW_MONTHS,
            "later_review_months": timescales.LATER_REVIEW_MONTHS,
        },
    }


def render_html(
    journey: FamilyJourney, request: HttpRequest | None = None, *, language: str | None = None
) -> str:
    """The leaflet as a web page; the request, when there is one, gives the CSP nonce."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            TEMPLATES[journey.audience],
            _context(journey, static(PICTURES_STATIC)),
            request=request,
        )


def render_pdf(
    journey: FamilyJourney, *, language: str | None = None, languages: list[str] | None = None
) -> bytes:
    """The leaflet as a tagged PDF (PDF/UA-1) with its language set; the pictures are
    read from this app's static files. With ``languages`` (the family's, then English),
    one PDF holds the leaflet in each, one after the other, each starting on a new page."""
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    documents = []
    for code in languages or [language or settings.LANGUAGE_CODE]:
        with translation.override(code):
            html = render_to_string(
                TEMPLATES[journey.audience], _context(journey, PICTURES_DIR.as_uri() + "/")
            )
        documents.append(HTML(string=html, base_url=str(settings.BASE_DIR)).render())
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    return first.copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
