"""The IROs' leave: the IRO service manager records and removes it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iro.access.capabilities import Capability, require_capability
from iro.journey import chairs
from iro.journey.checks import today
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.people import services
from iro.people.forms import LeaveForm
from iro.people.selectors import leave_from

RECORDED = "Leave recorded for {user}: {start:%-d %B %Y} to {end:%-d %B %Y}."
NEEDS_COVER = " {user} is booked to chair {n} conference{s} in it: allocate another chair."
REMOVED = "The leave was removed."


def staff_leave(request: HttpRequest) -> HttpResponse:
    """Who is away, from today; a form to record more; removing cancelled leave."""
    require_capability(request.user, Capability.MANAGE_LEAVE)
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.remove_leave(leave_id=int(request.POST["remove"]), acting_user=request.user)
        except (ValidationError, ValueError):
            messages.error(request, services.NOT_FOUND)
        else:
            messages.success(request, REMOVED)
        return redirect("staff_leave")
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = services.record_leave(
                user=data["user"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            note = RECORDED.format(user=leave.user, start=leave.start_date, end=leave.end_date)
            booked = len(chairs.booked_during([leave])[leave.pk])
            if booked:
                note += NEEDS_COVER.format(user=leave.user, n=booked, s="s" if booked > 1 else "")
            messages.success(request, note)
            return redirect("staff_leave")
    leaves = list(leave_from(today()))
    booked = chairs.booked_during(leaves)
    rows = [{"leave": leave, "booked": booked.get(leave.pk, [])} for leave in leaves]
    errors = error_summary(form)
    return render(
        request,
        "people/leave.html",
        {
            "form": form,
            "rows": rows,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "leave",
        },
    )
