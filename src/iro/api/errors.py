"""One error body for every refusal: ``{"status", "detail", "errors"}``.

``errors`` maps a field to its messages (the same messages the pages' forms show,
because they come from the same services); ``"non_field_errors"`` holds the rest. A
service's ``ValidationError`` is a 400, a stale version a 409 (412 when the version came
in ``If-Match``), a missing version a 428, a refusal 403, an unknown or hidden record 404.
No traceback reaches the caller: anything unexpected is a 500 with a plain message,
logged for the service.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from iro.journey.checks import VERSION_MISSING

logger = logging.getLogger("iro.api")

NON_FIELD = "non_field_errors"
INVALID = "The request has problems: see errors."
SERVER_ERROR = "Something went wrong on the server. Nothing was changed. Try again later."
NOT_FOUND = "Not found."


def _messages(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for item in value:
            out.extend(_messages(item))
        return out
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return [str(value)]


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key == "non_field_errors" and not prefix else key
            path = f"{prefix}.{name}" if prefix else name
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, dict) for v in value)
            ):
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        out.update(_flatten(item, f"{path}.{i}") if item else {})
                else:
                    out.update(_flatten(value, path))
            else:
                out.setdefault(path, []).extend(_messages(value))
    else:
        out.setdefault(prefix or NON_FIELD, []).extend(_messages(detail))
    return out


def body(code: int, detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"status": code, "detail": detail, "errors": errors or {}}


class StaleVersion(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT


def service_errors(error: DjangoValidationError, *, rename=None) -> dict[str, list[str]]:
    """A service's ``ValidationError`` as field -> messages (``rename`` maps its field
    names to the API's)."""
    rename = rename or (lambda name: name)
    if hasattr(error, "error_dict"):
        out: dict[str, list[str]] = {}
        for name, errs in error.error_dict.items():
            key = NON_FIELD if name == "__all__" else rename(name)
            out.setdefault(key, []).extend(m for e in errs for m in e.messages)
        return out
    return {NON_FIELD: list(error.messages)}


def is_stale(error: DjangoValidationError) -> bool:
    return (
        any(getattr(e, "code", None) == "stale" for e in error.error_list)
        if not hasattr(error, "error_dict")
        else any(
            getattr(e, "code", None) == "stale" for es in error.error_dict.values() for e in es
        )
    )


# The version check as a program calling the API reads it (the pages' messages speak of
# reloading a page).
API_VERSION_MISSING = (
    "The request did not say which version of the record it changes, so it could overwrite "
    "someone else's change: send the version as read (the record's ETag) as If-Match, or "
    'as "version". Nothing was saved.'
)
API_STALE = (
    "The record was changed after the version sent was read. Nothing was saved: read it "
    "again and send the change with its new version."
)


def validation_response(error: DjangoValidationError, request=None, *, rename=None) -> Response:
    """The response for a service's ``ValidationError``: 409/412/428 for the version
    check, 400 otherwise."""
    errors = service_errors(error, rename=rename)
    if is_stale(error):
        messages = [m for ms in errors.values() for m in ms]
        if VERSION_MISSING in messages:
            code, said = status.HTTP_428_PRECONDITION_REQUIRED, API_VERSION_MISSING
        elif request is not None and request.headers.get("If-Match"):
            code, said = status.HTTP_412_PRECONDITION_FAILED, API_STALE
        else:
            code, said = status.HTTP_409_CONFLICT, API_STALE
        return Response(body(code, said, {"version": [said]}), status=code)
    return Response(body(400, INVALID, errors), status=400)


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):
        return validation_response(exc, request)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(body(500, SERVER_ERROR), status=500)
    if isinstance(exc, exceptions.ValidationError):
        response.data = body(400, INVALID, _flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = body(response.status_code, " ".join(_messages(detail)))
    return response


NO_SUCH_ADDRESS = "There is no such address in the API: see /api/docs/ for its calls."


def page_not_found(request, exception):
    """The site's 404: for an address under ``/api/`` (a mistyped call, an id that is not
    one) the API's one error shape, as JSON; the page everywhere else."""
    from django.http import JsonResponse
    from django.views import defaults

    if request.path.startswith("/api/"):
        return JsonResponse(body(404, NO_SUCH_ADDRESS), status=404)
    return defaults.page_not_found(request, exception)
