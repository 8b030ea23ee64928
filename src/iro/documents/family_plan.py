"""The child protection plan as a family document: HTML, and PDF/UA from the same HTML.

Written for the family: the worry in everyday words, what is working well, what needs
to happen (by whom and by when), who is in the core group, and when the next review
meeting is. The PDF is tagged and has its language set (WeasyPrint ``pdf/ua-1``), so
screen readers can read it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from iro.journey.plan_selectors import PlanView

PDF_VARIANT = "pdf/ua-1"


def context(view: PlanView) -> dict:
    social_worker = view.plan.child.social_worker
    record = view.latest_record
    return {
        "view": view,
        "plan": view.plan,
        "council_name": settings.COUNCIL_NAME,
        "social_worker": social_worker,
        "chair": record.conference.chair if record else None,
        "record": record,
    }


def render_html(view: PlanView, request: HttpRequest | None = None) -> str:
    """The request, when there is one, gives the page's CSP nonce for its stylesheet."""
    return render_to_string("documents/family_plan.html", context(view), request=request)


def render_pdf(view: PlanView) -> bytes:
    """The family document as a tagged PDF (PDF/UA-1) with its language set."""
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    html = render_html(view)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)
