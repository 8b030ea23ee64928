"""Data rights pages: the restricted-record list, the subject access export, retention.

Thin views: capabilities from ``access.capabilities``, the child through
``access.scope.child_for`` (404 for a restricted child the user is not allowed),
writes through ``children.services``.
"""

from __future__ import annotations

import csv
import io
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from iro.access import read_log
from iro.access.capabilities import Capability, require_capability
from iro.access.scope import child_for, display_name
from iro.children import services
from iro.children.models import RestrictedAccess
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.rights import retention, subject_access
from iro.rights.forms import RestrictionForm, eligible_users

RESTRICTED_SAVED = "The record is restricted to the people named."
RESTRICTION_LIFTED = "The record is no longer restricted."


def restriction(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The IRO service manager restricts a child's record to named people, or lifts it."""
    require_capability(request.user, Capability.RESTRICT_RECORDS)
    child = child_for(request.user, public_id)
    users = eligible_users()
    current = [
        str(pk)
        for pk in RestrictedAccess.objects.filter(child=child).values_list("user_id", flat=True)
    ]
    if not child.restricted:
        current = [str(request.user.pk)]
    form = RestrictionForm(
        request.POST or None,
        users=users,
        initial={"restricted": child.restricted, "allowed_users": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_restriction(
                child=child,
                acting_user=request.user,
                restricted=form.cleaned_data["restricted"],
                allowed_users=form.chosen_users(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            restricted = form.cleaned_data["restricted"]
            messages.success(request, RESTRICTED_SAVED if restricted else RESTRICTION_LIFTED)
            if restricted and request.user.pk not in {u.pk for u in form.chosen_users()}:
                return redirect("caseload")
            return redirect("child_restriction", public_id=child.public_id)
    errors = error_summary(form)
    return render(
        request,
        "rights/restriction.html",
        {
            "child": child,
            "name": display_name(request.user, child),
            "form": form,
            "on_list": RestrictedAccess.objects.filter(child=child).select_related("user"),
            "history": services.restriction_history(child),
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "children",
        },
    )


@require_GET
def subject_access_export(
    request: HttpRequest, public_id: UUID, output_format: str
) -> HttpResponse:
    """Everything held about the child, downloaded as JSON or a tagged PDF; logged."""
    if output_format not in subject_access.FORMATS:
        raise Http404("No such format")
    child, content = subject_access.export(
        user=request.user, public_id=public_id, output_format=output_format
    )
    content_type = "application/json" if output_format == "json" else "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    filename = f"subject-access-{child.la_child_id}.{output_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def retention_report(request: HttpRequest) -> HttpResponse:
    """Records past the retention period, for a person to act on; CSV with ?format=csv."""
    require_capability(request.user, Capability.REVIEW_RETENTION)
    rows = retention.past_retention()
    read_log.shown(request, pks=[r.child_pk for r in rows])
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(retention.COLUMNS)
        writer.writerows(retention.as_rows(rows))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="retention.csv"'
        return response
    return render(
        request,
        "rights/retention.html",
        {"rows": rows, "years": settings.IRO_RETENTION_YEARS, "active_nav": "reports"},
    )
