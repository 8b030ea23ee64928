"""The family documents that come in other formats, each found through the user's
access and read into structured text once.

A source is named by its kind and a small dict of ids (what a format request keeps):
``{"plan": <uuid>}`` for the plan for the family, ``{"conference": <uuid>,
"invitation": <pk>}`` for an invitation letter, ``{"year": "2025-26"}`` for the annual
report summary. ``find`` asks the same access as the document's own page (403 refused,
404 none) every time, in the request and again in the background job, so a format is
only made and handed to someone who may read the document. The annual report summary is
always the published edition (it names no child and no chair), for any report reader.

A new family document plugs in with a function here that checks access and returns a
``Source`` with its HTML (the journey leaflet's, for example).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from iro.access.capabilities import Capability, has_capability, require_capability
from iro.documents import family_document
from iro.documents.structured import StructuredText, from_html

FAMILY_PLAN = "family_plan"
LETTER = "letter"
ANNUAL_SUMMARY = "annual_summary"
FAMILY_JOURNEY = "family_journey"

NO_NAMES = (
    "This document is written to the family by name; your role sees identifiers, not "
    "names, so it cannot have it in another format."
)
NO_REPORTS = "Your role does not include the service's reports."

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Source:
    kind: str
    document: dict  # the ids that name it again
    title: str
    file_stem: str  # the downloaded file's name, without its extension
    children: list[int] = field(default_factory=list)  # for the access log
    render: Callable[[], str] | None = None  # the document's HTML
    language: str = "en-GB"  # the document's language (its lang), for voices and tables

    def structured(self) -> StructuredText:
        return from_html(self.render(), language=self.language)

    @property
    def key(self) -> str:
        """The document's ids as one string, to find its requests again."""
        return json.dumps(self.document, sort_keys=True)


def safe(part: str) -> str:
    return _UNSAFE.sub("_", part)[:40].strip("_") or "document"


def _uuid(value) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404("No such document") from exc


def family_plan(user, document: dict) -> Source:
    from iro.documents import family_plan as plan_document
    from iro.journey.plan_selectors import plan_for, plan_view

    plan = plan_for(user, _uuid(document.get("plan")))
    if not has_capability(user, Capability.VIEW_CHILD_NAMES):
        raise PermissionDenied(NO_NAMES)
    view = plan_view(user, plan)
    return Source(
        kind=FAMILY_PLAN,
        document={"plan": str(plan.public_id)},
        title=f"{view.first_name}'s child protection plan",
        file_stem=f"plan-{safe(plan.child.la_child_id)}-{plan.start_date:%Y-%m-%d}",
        children=[plan.child_id],
        render=lambda: plan_document.render_html(view),
    )


def letter(user, document: dict) -> Source:
    from iro.journey.checks import today
    from iro.journey.invitations import letter_context, letter_kind
    from iro.journey.selectors import conference_for

    conference = conference_for(user, _uuid(document.get("conference")), every_child=True)
    require_capability(user, Capability.SCHEDULE_CONFERENCES)
    if not has_capability(user, Capability.VIEW_CHILD_NAMES):
        raise PermissionDenied(NO_NAMES)
    try:
        invitation = conference.invitations.get(pk=int(document.get("invitation")))
    except (TypeError, ValueError, conference.invitations.model.DoesNotExist) as exc:
        raise Http404("No such invitation") from exc

    def render() -> str:
        # The letter's own part, in English: the same template the letter page and its
        # PDF render once per language.
        kind = letter_kind(conference)
        return family_document.render(
            kind.template,
            lambda: letter_context(invitation) | {"today": today()},
            part=lambda first, bilingual: {"title": str(kind.title)},
        )

    return Source(
        kind=LETTER,
        document={"conference": str(conference.public_id), "invitation": invitation.pk},
        title=f"Letter to {invitation.name}",
        file_stem=f"letter-{str(conference.public_id)[:8]}-{invitation.pk}",
        children=list(conference.children.values_list("child_id", flat=True)),
        render=render,
    )


def journey_leaflet(user, document: dict) -> Source:
    """The child's journey for the family: one version (``audience``) in one language
    (``lang``, the family's by default), as its leaflet page shows it."""
    from iro.access.scope import child_for
    from iro.documents import family_journey
    from iro.documents.family_document import family_choice

    child = child_for(user, _uuid(document.get("child")))
    if not has_capability(user, Capability.VIEW_CHILD_NAMES):
        raise PermissionDenied(NO_NAMES)
    audience = document.get("audience") or None
    if audience is not None and audience not in family_journey.AUDIENCES:
        raise Http404("No such version of the leaflet")
    journey = family_journey.build(user, child, audience=audience)
    choice = family_choice(child, document.get("lang"))
    return Source(
        kind=FAMILY_JOURNEY,
        document={"child": str(child.public_id), "audience": journey.audience, "lang": choice.code},
        title=f"Journey for the family: {journey.first_name} ({journey.audience_label})",
        file_stem=f"journey-{safe(child.la_child_id)}-{journey.audience}-{choice.code}",
        children=[child.pk],
        render=lambda: family_journey.render_html(journey, language=choice.code),
        language=choice.language.tag,
    )


def annual_summary(user, document: dict) -> Source:
    from iro import timescales
    from iro.reports import summary
    from iro.reports.builders import ANNUAL

    if not has_capability(user, Capability.VIEW_REPORTS):
        raise PermissionDenied(NO_REPORTS)
    try:
        period = timescales.parse_period(ANNUAL, str(document.get("year")))
    except ValueError as exc:
        raise Http404("No such year") from exc
    label = period.label

    def render() -> str:
        return summary.render_html(summary.build_summary(label, as_at=period.last_day))

    return Source(
        kind=ANNUAL_SUMMARY,
        document={"year": label},
        title=f"IRO child protection annual report summary {label}",
        file_stem=f"iro-annual-report-summary-{label}",
        render=render,
    )


FINDERS = {
    FAMILY_PLAN: family_plan,
    LETTER: letter,
    ANNUAL_SUMMARY: annual_summary,
    FAMILY_JOURNEY: journey_leaflet,
}


def find(user, kind: str, document: dict) -> Source:
    """The document ``user`` may read, or PermissionDenied / Http404."""
    finder = FINDERS.get(kind)
    if finder is None:
        raise Http404("No such document")
    return finder(user, document)
