"""The census import page: upload a CIN census return, watch it go in, read what it did.

The file is applied by the worker (``iro.census.jobs``), the same job as
``iro cin import``; the page lists every import, however it was started. Only those
who may import statutory returns see the page (the analyst): it shows LA child IDs of
the children a file could not import, never a name.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iro.access.capabilities import Capability, require_capability
from iro.census import jobs
from iro.census.importer import RECORD_KINDS
from iro.census.models import ImportState
from iro.journey.conference_forms import apply_service_errors, error_summary

SHOWN = 50  # imports listed on the page
KIND_WORDS = {
    "children": "Children",
    "episodes": "Referrals (episodes of need)",
    "section47s": "Section 47 enquiries",
    "icpcs": "Initial conferences",
    "plans": "Child protection plans",
    "reviews": "Reviews",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CIN census file",
        help_text="The XML file of a Children in Need census return. Each file goes in whole "
        "or not at all; importing the same file again changes nothing.",
        required=False,
    )


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.IMPORT_RETURNS)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.queue_import(upload=form.cleaned_data["file"], acting_user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("census_import", public_id=job.public_id)
    imports = list(jobs.imports_for(request.user)[:SHOWN])
    return render(
        request,
        "census/imports.html",
        {
            "form": form,
            "error_list": error_summary(form),
            "imports": imports,
            "active_nav": "census",
        },
    )


@require_http_methods(["GET"])
def import_detail(request: HttpRequest, public_id) -> HttpResponse:
    require_capability(request.user, Capability.IMPORT_RETURNS)
    job = jobs.imports_for(request.user).filter(public_id=public_id).first()
    if job is None:
        raise Http404("No such census import")
    progress = jobs.progress_of(job)
    if "progress" in request.GET:
        return JsonResponse({"state": job.state, "finished": job.finished, **progress})
    summary = job.summary or {}
    added, updated = summary.get("added") or {}, summary.get("updated") or {}
    rows = [(KIND_WORDS[k], added.get(k, 0), updated.get(k, 0)) for k in RECORD_KINDS]
    return render(
        request,
        "census/import.html",
        {
            "job": job,
            "progress": progress,
            "summary": summary,
            "rows": rows,
            "active_nav": "census",
        },
    )


# The most rows a spreadsheet holds (Excel's limit, less the header row).
XLSX_MAX_ROWS = 1_048_575
TOO_MANY_FOR_XLSX = (
    "This import has {count:,} findings, more than a spreadsheet holds: download the CSV."
)


@require_http_methods(["GET"])
def import_findings(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """Every DfE rule finding of an import, as CSV or a spreadsheet (logged as an export)."""
    from iro.access.log import log_export

    require_capability(request.user, Capability.IMPORT_RETURNS)
    job = jobs.imports_for(request.user).filter(public_id=public_id).first()
    if job is None or job.state != ImportState.DONE or fmt not in ("csv", "xlsx"):
        raise Http404("No findings to download")
    stem = Path(job.file_name).stem or "census"
    if fmt == "xlsx" and job.findings_count > XLSX_MAX_ROWS:
        messages.error(request, TOO_MANY_FOR_XLSX.format(count=job.findings_count))
        return redirect("census_import", public_id=job.public_id)
    log_export(
        user=request.user,
        what=f"census import findings ({job.file_name}, {fmt})",
        detail={"import": str(job.public_id), "findings": job.findings_count},
    )
    rows = jobs.findings_rows(job)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}-findings.{fmt}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Findings")
    for number, row in enumerate(rows):
        if number == 0:
            cells = []
            for title in row:
                cell = WriteOnlyCell(sheet, value=title)
                cell.font = Font(bold=True)
                cells.append(cell)
            sheet.append(cells)
        else:
            sheet.append([int(v) if k == 4 and v.isdigit() else v for k, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
