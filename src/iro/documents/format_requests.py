"""Asking for a family document in another format, making it in the background, and
handing it over.

``request_format`` checks the user may read the document (``sources.find``) and that the
format can be made here for the document's language, keeps a ``FormatRequest`` and
enqueues ``make_format`` in the same transaction (both or neither). The job finds the
document again as the user who asked (their access as it is then), reads it into
structured text and makes the format, writing its progress on the row as it goes (an
update that commits at once, read by the page every few seconds). A request is the asking
user's own: no one else sees or downloads it, and the download asks the document's access
again and is logged as an export.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from iro.access.log import log_export
from iro.documents import formats, sources
from iro.documents.models import FormatRequest, FormatState
from iro.operations.background import background

log = logging.getLogger(__name__)

NO_SUCH_FORMAT = "Choose large print, audio or Braille."
STOPPED = (
    "The format could not be made because of an unexpected error. Ask again; if it "
    "happens again, the administrator can see the error in the server's log."
)
ACCESS_GONE = "You may no longer read this document, so the format was not made."
# The requests shown beside a document.
SHOWN = 6


def request_format(*, user, kind: str, document: dict, fmt: str) -> FormatRequest:
    """Keep and enqueue a request; the request is returned queued (or, where tasks run
    at once, finished). PermissionDenied / Http404 for a document the user may not read,
    ValidationError (field ``format``) for a format that cannot be made here."""
    source = sources.find(user, kind, document)
    if fmt not in formats.FORMAT_NAMES:
        raise ValidationError({"format": [NO_SUCH_FORMAT]})
    found = formats.availability(fmt, source.language)
    if not found.available:
        raise ValidationError({"format": [found.why]})
    with transaction.atomic():
        job = FormatRequest.objects.create(
            kind=source.kind,
            document=source.document,
            key=source.key,
            format=fmt,
            title=source.title[:300],
            language=source.language,
            requested_by=user,
        )
        make_format.enqueue(job.pk)
    job.refresh_from_db()
    return job


@background()
def make_format(request_id: int) -> str:
    job = FormatRequest.objects.filter(pk=request_id).first()
    if job is None:
        return "no such request"
    run(job)
    return job.state


def _progress(job: FormatRequest):
    def tell(percent: int) -> None:
        FormatRequest.objects.filter(pk=job.pk).update(progress=max(0, min(99, percent)))

    return tell


def _finish(job: FormatRequest, **fields) -> None:
    fields["finished_at"] = timezone.now()
    FormatRequest.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()


def run(job: FormatRequest) -> None:
    """Make a queued request's format; one already taken is left alone."""
    taken = FormatRequest.objects.filter(pk=job.pk, state=FormatState.QUEUED).update(
        state=FormatState.RUNNING, progress=1
    )
    if not taken:
        return
    try:
        source = sources.find(job.requested_by, job.kind, job.document)
        text = source.structured()
        content = formats.produce(job.format, text, _progress(job))
    except (PermissionDenied, Http404):
        _finish(job, state=FormatState.FAILED, error=ACCESS_GONE)
        return
    except formats.FormatError as error:
        _finish(job, state=FormatState.FAILED, error=str(error))
        return
    except Exception:
        log.exception("Making format request %s failed", job.pk)
        _finish(job, state=FormatState.FAILED, error=STOPPED)
        return
    extension, content_type = formats.FORMAT_FILES[job.format]
    seconds = formats.ogg_seconds(content) if job.format == formats.AUDIO else None
    _finish(
        job,
        state=FormatState.DONE,
        progress=100,
        content=content,
        content_type=content_type,
        file_name=f"{source.file_stem}-{job.format.replace('_', '-')}.{extension}",
        seconds=seconds,
    )


def request_for(user, public_id) -> tuple[FormatRequest, sources.Source]:
    """The user's own request (404 for anyone else's or none) and its document, whose
    access is asked again (403 when it is gone)."""
    job = (
        FormatRequest.objects.defer("content")
        .filter(public_id=public_id, requested_by=user)
        .first()
    )
    if job is None:
        raise Http404("No such request")
    return job, sources.find(user, job.kind, job.document)


def download(user, public_id) -> tuple[FormatRequest, bytes]:
    """The made file, its export logged (one row, and one per child in the document)."""
    job, source = request_for(user, public_id)
    if job.state != FormatState.DONE:
        raise Http404("Not made yet")
    content = bytes(FormatRequest.objects.values_list("content", flat=True).get(pk=job.pk))
    log_export(
        user=user,
        what=f"{job.get_kind_display().lower()} ({job.get_format_display().lower()})",
        children=source.children,
        detail={"request": str(job.public_id), **source.document},
    )
    return job, content


def requests_for_document(user, source) -> list[FormatRequest]:
    return list(
        FormatRequest.objects.defer("content")
        .filter(requested_by=user, kind=source.kind, key=source.key)
        .order_by("-queued_at")[:SHOWN]
    )
