"""The census pages: upload a CIN census return, watch it go in, read what it did; and
make the year's return from the records, or check the records against the DfE rules.

A file is applied by the worker (``iro.census.jobs``), the same job as
``iro cin import``; the import page lists every import, however it was started. Returns
and checks are made by the worker too (``iro.census.returns``), each the asking user's
own. Only those who may import (or export) statutory returns see the pages (the
analyst): they show the LA child IDs of the children concerned, never a name.
"""

from __future__ import annotations

import csv
import io
from itertools import islice
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iro.access import read_log
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.scope import visible_to
from iro.census import jobs, returns
from iro.census.importer import RECORD_KINDS
from iro.census.models import ANNEX_LISTS, MAKES_A_FILE, ImportState, ReturnKind, ReturnState
from iro.census.report import CSV_COLUMNS
from iro.census.rules import RULES
from iro.journey.conference_forms import error_summary

SHOWN = 50  # imports listed on the page
KIND_WORDS = {
    "children": "Children",
    "episodes": "Referrals (episodes of need)",
    "section47s": "Section 47 enquiries",
    "icpcs": "Initial conferences",
    "plans": "Child protection plans",
    "reviews": "Reviews",
    "cin_plans": "Child in Need plans",
    "assessments": "Assessments",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CIN census files",
        help_text="The XML files of Children in Need census returns (choose one or several). "
        "Each file goes in whole or not at all; importing the same file again changes nothing.",
        required=False,
    )


QUEUED = "{n} files are being imported: each one's state is in the list below."
SOME_REFUSED = "Of the {total} files chosen, {n} {verb} being imported; the others were refused."


@require_http_methods(["GET", "HEAD"])
def census_index(request: HttpRequest) -> HttpResponse:
    """/census/: the returns to make, or for a role that only imports them, the imports."""
    if has_capability(request.user, Capability.EXPORT_RETURNS):
        return redirect("census_returns")
    require_capability(request.user, Capability.IMPORT_RETURNS)
    return redirect("census_imports")


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.IMPORT_RETURNS)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        queued, refused = _queue_each(request, request.FILES.getlist("file"))
        if refused:
            form.add_error("file", refused)
            if queued:
                words = SOME_REFUSED.format(
                    total=len(queued) + len(refused),
                    n=len(queued),
                    verb="is" if len(queued) == 1 else "are",
                )
                messages.success(request, words)
        elif len(queued) == 1:
            return redirect("census_import", public_id=queued[0].public_id)
        else:
            messages.success(request, QUEUED.format(n=len(queued)))
            return redirect("census_imports")
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


def _queue_each(request, uploads) -> tuple[list, list[str]]:
    """Queue every file chosen; the refusals as "name: why" (one file: just why)."""
    if not uploads:
        return [], [jobs.NO_FILE]
    queued, refused = [], []
    for upload in uploads:
        try:
            queued.append(jobs.queue_import(upload=upload, acting_user=request.user))
        except ValidationError as error:
            why = " ".join(error.message_dict.get("file", error.messages))
            refused.append(why if len(uploads) == 1 else f"{upload.name}: {why}")
    return queued, refused


@require_http_methods(["GET"])
def import_detail(request: HttpRequest, public_id) -> HttpResponse:
    job = jobs.import_for(request.user, public_id)
    progress = jobs.progress_of(job)
    if "progress" in request.GET:
        read_log.shown(request)
        return JsonResponse({"state": job.state, "finished": job.finished, **progress})
    summary = job.summary or {}
    added, updated = summary.get("added") or {}, summary.get("updated") or {}
    rows = [(KIND_WORDS[k], added.get(k, 0), updated.get(k, 0)) for k in RECORD_KINDS]
    first = _first_findings(request, job, done=job.state == ImportState.DONE)
    return render(
        request,
        "census/import.html",
        {
            "job": job,
            "stalled": jobs.stalled_words(job),
            "may_start_again": jobs.may_start_again(job),
            "progress": progress,
            "summary": summary,
            "rows": rows,
            "rules": _rules(summary.get("findings_by_rule") or {}),
            "findings": first,
            "findings_shown": FINDINGS_SHOWN,
            "active_nav": "census",
        },
    )


@require_http_methods(["POST"])
def import_again(request: HttpRequest, public_id) -> HttpResponse:
    """Start a stalled upload again from its kept file."""
    job = jobs.import_for(request.user, public_id)
    try:
        jobs.start_again(job=job, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, STARTED_AGAIN)
    return redirect("census_import", public_id=job.public_id)


STARTED_AGAIN = "The import has been started again."

# The findings listed on an import's page (every one is in the downloads).
FINDINGS_SHOWN = 200


def _first_findings(request, job, *, done: bool) -> list[dict]:
    """The first ``FINDINGS_SHOWN`` findings kept on a finished ``job``, each linked to
    the child's record where the user may open it (the access log told which)."""
    first = []
    if done:
        first = [dict(zip(CSV_COLUMNS, row, strict=False)) for row in
                 islice(jobs.findings_rows(job), 1, FINDINGS_SHOWN + 1)]  # fmt: skip
    records = _records_of(request.user, {f["child"] for f in first if f["child"]})
    read_log.shown(request, pks=[pk for _, pk in records.values()])
    for finding in first:
        finding["record"] = records.get(finding["child"], (None,))[0]
        finding["field_parts"] = finding["field"].split("/")  # wrapped at the slashes
    return first


def _rules(counts: dict[str, int]) -> list[dict]:
    """Findings by rule: the DfE's code, error or query, what it requires, how many."""
    found = []
    for code, count in counts.items():
        rule = RULES.get(code)
        found.append(
            {
                "code": code,
                "severity": rule.severity if rule else "",
                "title": rule.title if rule else "",
                "count": count,
            }
        )
    return found


def _records_of(user, la_child_ids: set[str]) -> dict[str, tuple]:
    """The records the user may open, by LA child ID: (public id, primary key)."""
    if not la_child_ids or not has_capability(user, Capability.VIEW_CHILDREN):
        return {}
    found = visible_to(user).filter(la_child_id__in=la_child_ids)
    return {cid: (public_id, pk) for cid, public_id, pk in
            found.values_list("la_child_id", "public_id", "pk")}  # fmt: skip


# The most rows a spreadsheet holds (Excel's limit, less the header row).
XLSX_MAX_ROWS = 1_048_575
TOO_MANY_FOR_XLSX = "There are {count:,} findings, more than a spreadsheet holds: download the CSV."


@require_http_methods(["GET"])
def import_findings(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """Every DfE rule finding of an import, as CSV or a spreadsheet (logged as an export)."""
    job = jobs.import_for(request.user, public_id)
    if job.state != ImportState.DONE or fmt not in ("csv", "xlsx"):
        raise Http404("No findings to download")
    return _findings_download(
        request,
        job,
        fmt,
        stem=Path(job.file_name).stem or "census",
        what=f"census import findings ({job.file_name}, {fmt})",
        detail={"import": str(job.public_id)},
        back=redirect("census_import", public_id=job.public_id),
    )


def _findings_download(request, job, fmt: str, *, stem, what, detail, back) -> HttpResponse:
    """The findings kept on ``job`` as CSV or a spreadsheet, logged as an export (``back``
    when there are more than a spreadsheet holds)."""
    from iro.access.log import log_export

    if fmt == "xlsx" and job.findings_count > XLSX_MAX_ROWS:
        messages.error(request, TOO_MANY_FOR_XLSX.format(count=job.findings_count))
        return back
    log_export(user=request.user, what=what, detail={**detail, "findings": job.findings_count})
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


# --- Census returns and checks of the records ---------------------------------------------


class ReturnForm(forms.Form):
    period = forms.ChoiceField(
        label="Census year",
        error_messages={"invalid_choice": "Choose one of the census years listed."},
    )
    lea = forms.CharField(
        label="LA code (for the return)",
        help_text="The three-digit DfE number of your local authority, written in the "
        "return's header. Leave it empty to leave it out.",
        required=False,
        max_length=10,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = returns.years_offered()
        self.fields["period"].choices = [
            (year.label, f"{year.label} (in progress)" if i == 0 else year.label)
            for i, year in enumerate(years)
        ]
        if not self.is_bound and len(years) > 1:
            self.initial["period"] = years[1].label  # the last whole year


@require_http_methods(["GET", "POST"])
def return_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.EXPORT_RETURNS)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = returns.ask(
                user=request.user,
                kind=request.POST.get("kind", ""),
                period=form.cleaned_data["period"],
                lea=form.cleaned_data["lea"],
            )
        except ValidationError as error:
            for field, words in error.message_dict.items():
                form.add_error(field if field in form.fields else None, words)
        else:
            return redirect("census_return", public_id=job.public_id)
    return render(
        request,
        "census/returns.html",
        {
            "form": form,
            "error_list": error_summary(form),
            "asked": list(returns.returns_for(request.user)[:SHOWN]),
            "active_nav": "census_returns",
        },
    )


@require_http_methods(["GET"])
def return_detail(request: HttpRequest, public_id) -> HttpResponse:
    job = returns.return_for(request.user, public_id)
    words = RETURN_WAITING if job.state == ReturnState.QUEUED else RETURN_RUNNING
    if "progress" in request.GET:
        read_log.shown(request)
        return JsonResponse({"state": job.state, "finished": job.finished, "words": words})
    summary = job.summary or {}
    return render(
        request,
        "census/return.html",
        {
            "job": job,
            "is_return": job.kind == ReturnKind.RETURN,
            "is_annex": job.kind in ANNEX_LISTS,
            "kept_until": returns.keep_until(job),
            "file_kept": job.kind in MAKES_A_FILE and returns.has_file(job),
            "to_date": job.as_at is not None and job.as_at < _year_end(job.period),
            "waiting_words": words,
            "summary": summary,
            "rules": _rules(summary.get("by_rule") or {}),
            "findings": _first_findings(request, job, done=job.state == ReturnState.DONE),
            "findings_shown": FINDINGS_SHOWN,
            "active_nav": "census_returns",
        },
    )


RETURN_WAITING = "Waiting for the worker to start it."
RETURN_RUNNING = "Reading the records: a year of them takes a few seconds, a region's a minute."


def _year_end(label: str):
    from iro.timescales import ANNUAL, parse_period

    return parse_period(ANNUAL, label).last_day


@require_http_methods(["GET"])
def return_download(request: HttpRequest, public_id) -> HttpResponse:
    """The return's XML (its download logged as an export)."""
    job, content = returns.download(request.user, public_id)
    kind = XLSX if job.kind in ANNEX_LISTS else "application/xml"
    response = StreamingHttpResponse(content.chunks(), content_type=kind)
    response["Content-Length"] = str(content.size)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response


@require_http_methods(["GET"])
def return_findings(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """Every DfE rule finding of a return or a check, as CSV or a spreadsheet (logged as
    an export)."""
    job = returns.return_for(request.user, public_id)
    if job.state != ReturnState.DONE or fmt not in ("csv", "xlsx"):
        raise Http404("No findings to download")
    what = "census return" if job.kind == ReturnKind.RETURN else "census check"
    return _findings_download(
        request,
        job,
        fmt,
        stem=f"cin-{job.period}-{'return' if job.kind == ReturnKind.RETURN else 'check'}",
        what=f"{what} findings ({job.period}, {fmt})",
        detail={"return": str(job.public_id)},
        back=redirect("census_return", public_id=job.public_id),
    )
