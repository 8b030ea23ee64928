"""``{% other_formats kind key=value... %}``: the "Other formats" section of a family
document's page: each format, offered or said to be unavailable and why, and the user's
requests for the document with their state."""

from __future__ import annotations

from django import template
from django.core.exceptions import PermissionDenied
from django.http import Http404

from iro.documents import format_requests, formats, sources

register = template.Library()


@register.inclusion_tag("documents/_other_formats.html", takes_context=True)
def other_formats(context, kind: str, **document):
    request = context.get("request")
    user = getattr(request, "user", None)
    document = {k: str(v) for k, v in document.items()}
    try:
        source = sources.find(user, kind, document)
    except (PermissionDenied, Http404):
        return {"shown": False}
    return {
        "shown": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
        "document": document,
        "source": source,
        "language": formats.language_of(source.language)[1],
        "choices": formats.every_availability(source.language),
        "requests": format_requests.requests_for_document(user, source),
    }
