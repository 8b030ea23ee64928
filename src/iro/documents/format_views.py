"""The pages of other formats: ask for one, watch it being made, download it."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from iro.access import read_log
from iro.documents import format_requests, formats, sources

# The ids a document is named by, as posted by the "Other formats" form.
DOCUMENT_FIELDS = ("plan", "conference", "invitation", "year")
NO_DOCUMENT = "The form did not say which document to make: go back to it and try again."


@require_POST
def format_request_new(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    document = {k: request.POST[k] for k in DOCUMENT_FIELDS if request.POST.get(k)}
    fmt = request.POST.get("format", "")
    if kind not in sources.FINDERS or not document:
        return HttpResponseBadRequest(NO_DOCUMENT)
    try:
        job = format_requests.request_format(
            user=request.user, kind=kind, document=document, fmt=fmt
        )
    except ValidationError as error:
        source = sources.find(request.user, kind, document)
        return render(
            request,
            "documents/format_refused.html",
            {"source": source, "errors": error.message_dict.get("format", error.messages)},
        )
    return redirect("format_request", public_id=job.public_id)


@require_GET
def format_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    job, source = format_requests.request_for(request.user, public_id)
    read_log.shown(request, pks=source.children)
    if "progress" in request.GET:
        return JsonResponse({"state": job.state, "finished": job.finished, "percent": job.progress})
    return render(
        request,
        "documents/format_request.html",
        {
            "job": job,
            "source": source,
            "page_url": page_url(source),
            "description": formats.FORMAT_DESCRIPTIONS[job.format],
        },
    )


@require_GET
def format_request_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    job, content = format_requests.download(request.user, public_id)
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name)
    return response


def page_url(source: sources.Source) -> str:
    from django.urls import reverse

    document = source.document
    if source.kind == sources.FAMILY_PLAN:
        return reverse("plan_detail", args=[document["plan"]])
    if source.kind == sources.LETTER:
        return reverse(
            "conference_invitation_letter", args=[document["conference"], document["invitation"]]
        )
    return reverse("report_summary", args=[document["year"]])
