"""The child's journey for the family: the staff page that chooses the version, the
leaflet as a web page, and the leaflet as a PDF.

Each checks the child through ``access.scope.child_for`` (403 or 404), then that the
user's role sees children's names (the leaflet names the child): the analyst, the
partnership officer and the administrator are refused. The read is logged twice, as for
the family plan: the middleware's ``viewed`` row for the child's URL, and an export row
saying which leaflet.
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from iro.access.capabilities import Capability, has_capability
from iro.access.log import log_export
from iro.access.scope import child_for
from iro.children.models import Child
from iro.documents import family_journey
from iro.documents.family_document import family_choice
from iro.documents.views import _UNSAFE_IN_FILENAME
from iro.languages import ENGLISH, SUPPORTED, Choice

REFUSED = _(
    "The journey for the family is written to the family by name; your role sees "
    "identifiers, not names, so it cannot open or print it."
)
UNKNOWN_AUDIENCE = _("There is no version of the leaflet for that reader.")


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who is the leaflet for?"),
        choices=list(family_journey.AUDIENCES.items()),
        error_messages={"invalid_choice": _("Choose who the leaflet is for from the list.")},
    )


def _child_for_the_family(request: HttpRequest, public_id: UUID) -> Child:
    child = child_for(request.user, public_id)
    if not has_capability(request.user, Capability.VIEW_CHILD_NAMES):
        raise PermissionDenied(REFUSED)
    return child


def _audience(request: HttpRequest) -> str | None:
    """The ``audience`` asked for; None (the child's age decides) when none was."""
    audience = request.GET.get("audience") or None
    if audience is not None and audience not in family_journey.AUDIENCES:
        raise Http404(UNKNOWN_AUDIENCE)
    return audience


def _language(request: HttpRequest, child: Child) -> Choice:
    """The family's recorded language by default; another when the chooser asks."""
    return family_choice(child, request.GET.get("lang"))


def _log(request: HttpRequest, journey: family_journey.FamilyJourney, output: str) -> None:
    log_export(
        user=request.user,
        what=f"family journey ({output})",
        children=[journey.child.pk],
        detail={"child": str(journey.child.public_id), "audience": journey.audience},
    )


def family_journey_choose(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Choose the version (the child's age suggests one); see what it will say."""
    child = _child_for_the_family(request, public_id)
    form = AudienceForm(request.GET if "audience" in request.GET else None)
    audience = form.cleaned_data["audience"] if form.is_bound and form.is_valid() else None
    journey = family_journey.build(request.user, child, audience=audience)
    if not form.is_bound:
        form = AudienceForm(initial={"audience": journey.suggested})
    return render(
        request,
        "documents/family_journey_choose.html",
        {
            "form": form,
            "journey": journey,
            "shown": form.is_bound and not form.errors,
            "choices": [
                {
                    "value": value,
                    "label": label,
                    "id": f"audience-{value}",
                    "checked": value == (form["audience"].value() or journey.suggested),
                    "suggested": value == journey.suggested,
                }
                for value, label in family_journey.AUDIENCES.items()
            ],
            "language": _language(request, child),
            "languages": SUPPORTED,
            "english": ENGLISH,
            "active_nav": "children",
        },
    )


def family_journey_html(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = _child_for_the_family(request, public_id)
    journey = family_journey.build(request.user, child, audience=_audience(request))
    choice = _language(request, child)
    html = family_journey.render_html(journey, request, language=choice.code)
    _log(request, journey, "HTML")
    return HttpResponse(html)


def family_journey_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    child = _child_for_the_family(request, public_id)
    journey = family_journey.build(request.user, child, audience=_audience(request))
    choice = _language(request, child)
    # The family's language first, then the English leaflet: one file to print and post.
    pdf = family_journey.render_pdf(journey, languages=[lang.code for lang in choice.languages])
    response = HttpResponse(pdf, content_type="application/pdf")
    # Built before the read is logged, so nothing after the log can fail.
    response["Content-Disposition"] = content_disposition_header(
        True, pdf_filename(child.la_child_id, journey.audience, choice.code)
    )
    _log(request, journey, "PDF")
    return response


def pdf_filename(la_child_id: str, audience: str, language: str = ENGLISH) -> str:
    """journey-ID-AUDIENCE[-LANGUAGE].pdf, the ID made safe for a header as for the
    family plan."""
    safe = _UNSAFE_IN_FILENAME.sub("_", la_child_id)[:40].strip("_") or "child"
    suffix = "" if language == ENGLISH else f"-{language}"
    return f"journey-{safe}-{audience}{suffix}.pdf"
