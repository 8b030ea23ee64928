"""The sign-off of a report for publication: the page to sign off or withdraw (the IRO
service manager), and the files kept when it was signed off (everyone with reports)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iro import timescales
from iro.access import read_log
from iro.access.capabilities import Capability, require_capability
from iro.access.log import log_export
from iro.journey.conference_forms import apply_service_errors, error_summary
from iro.reports import sign_off
from iro.reports.models import SignedOffReport
from iro.reports.renderers.formats import CONTENT_TYPES
from iro.reports.views import _not_begun, _period, _require_reports

SIGNED = (
    "{name} is signed off. Its published edition is kept as it is now, in every format, "
    "whatever is corrected after."
)
WITHDRAWN = (
    "The sign-off is withdrawn. Its files are kept with it, and the report can be signed off again."
)


class SignOffForm(forms.Form):
    statement = forms.CharField(
        label="Statement (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Shown with the files, for example: agreed by the safeguarding partnership "
            "board on 14 July 2026. Name no child or family."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the sign-off withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": sign_off.REASON_NEEDED},
        help_text="For example: a conference's date was corrected after the report was published.",
    )


def sign_off_page(request: HttpRequest, kind: str, label: str) -> HttpResponse:
    """Sign off a report whose period is over, or withdraw its sign-off with a reason."""
    require_capability(request.user, Capability.WRITE_REPORT_NARRATIVE)
    try:
        period = _period(kind, label)
    except timescales.PeriodNotBegun as error:
        return _not_begun(request, error)
    standing = sign_off.standing(kind, period.label)
    form = SignOffForm(request.POST if "sign_off" in request.POST else None)
    withdraw_form = WithdrawForm(request.POST if "withdraw" in request.POST else None)
    if "sign_off" in request.POST and form.is_valid():
        try:
            sign_off.sign_off(
                kind=kind,
                period=period,
                statement=form.cleaned_data["statement"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, SIGNED.format(name=_title(kind, period)))
            # Here, where the files signed off are listed at once (the report page may be
            # waiting for the worker to make the report again).
            return redirect("report_sign_off", kind=kind, label=period.label)
    if "withdraw" in request.POST and withdraw_form.is_valid() and standing is not None:
        try:
            sign_off.withdraw(
                signed=standing,
                reason=withdraw_form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(withdraw_form, error)
        else:
            messages.success(request, WITHDRAWN)
            return redirect("report_sign_off", kind=kind, label=period.label)
    read_log.shown(request, pks=[])  # figures and who signed: no child
    errors = error_summary(form, withdraw_form)
    return render(
        request,
        "reports/sign_off.html",
        {
            "title": _title(kind, period),
            "kind": kind,
            "period": period,
            "over": sign_off.is_over(period),
            "standing": standing,
            "changed": standing is not None and _figures_changed(standing, kind, period),
            "withdrawn": sign_off.withdrawn(kind, period.label),
            "sign_off_form": form,
            "withdraw_form": withdraw_form,
            "formats": SignedOffReport.FORMATS,
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "reports",
        },
    )


def signed_off_download(request: HttpRequest, kind: str, label: str, fmt: str) -> HttpResponse:
    """A file of the standing sign-off (the published edition as it was signed off), or
    with ``?sign_off=<id>`` of an earlier one of the same report, withdrawn since."""
    _require_reports(request.user)
    standing = sign_off.standing(kind, label)
    asked = request.GET.get("sign_off", "")
    if asked:  # a sign-off withdrawn: what was published before
        standing = (
            SignedOffReport.objects.filter(kind=kind, period=label, pk=asked)
            .defer(*SignedOffReport.FORMATS)
            .first()
            if asked.isdigit()
            else None
        )
    if standing is None:
        raise Http404("This report is not signed off.")
    content = bytes(
        SignedOffReport.objects.filter(pk=standing.pk).values_list(fmt, flat=True).get()
    )
    log_export(
        user=request.user,
        what=f"{kind} report {label} ({fmt.upper()}), published edition as signed off",
        detail={"signed_off_at": standing.signed_at.isoformat()},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    day = f"{standing.signed_at:%Y-%m-%d}"
    filename = f"iro-{kind}-report-{label}-published-signed-off-{day}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _figures_changed(standing, kind: str, period) -> bool | None:
    """Whether the live published report says other than the files signed off; None
    when it is not worked out for the records as they are (it is not built here)."""
    from iro.reports.builders import PUBLISHED
    from iro.reports.cache import page_report, page_report_ready

    if not page_report_ready(kind, period, edition=PUBLISHED):
        return None
    report = page_report(kind, period, edition=PUBLISHED, recent_ok=True)
    return sign_off.figures_changed(standing, report)


def _title(kind: str, period) -> str:
    from iro.reports.views import KIND_TITLES

    return f"{KIND_TITLES[kind]} {period.name}"
