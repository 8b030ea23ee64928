"""Family-facing documents and the plain-language check behind the writing forms."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from iro.access.capabilities import Capability, has_capability
from iro.access.log import log_export
from iro.documents import family_plan
from iro.documents.family_document import family_choice
from iro.documents.plain_language import MAX_CHARS, check
from iro.journey.plan_selectors import plan_for, plan_view
from iro.languages import ENGLISH

TOO_LONG = f"The text is too long to check: the limit is {MAX_CHARS:,} characters."
NOT_ALLOWED = "Your role does not include writing family documents."
FAMILY_DOCUMENT_REFUSED = (
    "The family's plan is written to the family by name; your role sees identifiers, "
    "not names, so it cannot open or print it."
)


def _plan_for_the_family(request: HttpRequest, public_id: UUID):
    """The plan, for a user who may see the child and their family's names."""
    plan = plan_for(request.user, public_id)
    if not has_capability(request.user, Capability.VIEW_CHILD_NAMES):
        raise PermissionDenied(FAMILY_DOCUMENT_REFUSED)
    return plan


_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9_-]+")


@require_POST
def plain_language_check(request: HttpRequest) -> JsonResponse:
    """The check of the posted ``text`` as JSON. POST: the text is a child's record
    and does not belong in a URL or a server log. Nothing is stored."""
    if not has_capability(request.user, Capability.VIEW_CHILD_NAMES):
        return JsonResponse({"error": NOT_ALLOWED}, status=403)
    text = request.POST.get("text", "")
    if len(text) > MAX_CHARS:
        return JsonResponse({"error": TOO_LONG}, status=400)
    return JsonResponse(check(text).as_dict())


def family_plan_html(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = _plan_for_the_family(request, public_id)
    view = plan_view(request.user, plan)
    choice = family_choice(plan.child, request.GET.get("lang"))
    log_export(
        user=request.user,
        what="family plan (HTML)",
        children=[plan.child_id],
        detail={"plan": str(plan.public_id), "language": choice.code},
    )
    return HttpResponse(family_plan.render_html(view, request, choice))


def family_plan_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = _plan_for_the_family(request, public_id)
    view = plan_view(request.user, plan)
    choice = family_choice(plan.child, request.GET.get("lang"))
    pdf = family_plan.render_pdf(view, choice)
    response = HttpResponse(pdf, content_type="application/pdf")
    # Built before the read is logged, so nothing after the log can fail.
    response["Content-Disposition"] = content_disposition_header(
        True, pdf_filename(plan.child.la_child_id, plan.start_date, choice.code)
    )
    log_export(
        user=request.user,
        what="family plan (PDF)",
        children=[plan.child_id],
        detail={"plan": str(plan.public_id), "language": choice.code},
    )
    return response


def pdf_filename(la_child_id: str, start: date, language: str = ENGLISH) -> str:
    """plan-ID-DATE.pdf (plan-ID-DATE-LANG.pdf in another language than English), with
    anything but letters, digits, - and _ in the ID replaced, so no ID (whatever an older
    import stored) can break or inject a header."""
    safe = _UNSAFE_IN_FILENAME.sub("_", la_child_id)[:40].strip("_") or "child"
    suffix = "" if language == ENGLISH else f"-{language}"
    return f"plan-{safe}-{start:%Y-%m-%d}{suffix}.pdf"
