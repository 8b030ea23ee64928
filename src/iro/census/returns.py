"""Census returns made from the records, and the records of a year checked against the
DfE rules, in the background: asked for on the census returns page, made by the worker,
kept for the user who asked and no one else.

``ask`` checks that the user may export statutory returns and what they asked for, keeps
a ``CensusReturn`` and enqueues ``make_census_return`` in the same transaction (both or
neither). The job works as the user who asked, with their access as it is then:

- a **return** is ``export.write_return`` (checked against the DfE schema, the export
  logged with a row per child), then read back through every DfE rule, header included,
  as the DfE's own validation will read it. A year's return can be made once the year is
  over (from 1 April);
- a **check** is ``check_records``, what ``iro cin validate --period`` runs: the records
  of a year through every DfE rule, a year in progress as if it ended that day.

Every finding is kept as gzipped CSV on the row, the return's XML gzipped beside it. A
return's file holds every child of the year, so it is kept only
``IRO_CENSUS_RETURN_KEEP_DAYS`` (30 by default) for its download, then dropped
(``drop_old_files``, whenever returns are asked for or listed): the page says so, and it
can be made again. The findings stay (LA child IDs, no more than the page shows).
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from iro import timescales
from iro.access.capabilities import Capability, has_capability, require_capability
from iro.access.log import log_export
from iro.census.annex_a import AnnexRefused, write_list
from iro.census.export import (
    ExportNotes,
    ExportRefused,
    check_may_export,
    children_in_return,
    return_children,
    return_header,
    write_return,
)
from iro.census.jobs import FindingsFile, as_sentence
from iro.census.models import ANNEX_LISTS, MAKES_A_FILE, CensusReturn, ReturnKind, ReturnState
from iro.census.reader import CensusStream
from iro.census.rules import CensusYear, Finding, Validator
from iro.journey.checks import today
from iro.operations.background import background

log = logging.getLogger(__name__)

# The years the page offers: the one in progress and the five before it.
YEARS_OFFERED = 6
# The notes (what the records hold that a return cannot carry) kept on the row.
NOTES_KEPT = 200

NO_KIND = "Choose whether to check the records or make the return."
NO_YEAR = "Choose the census year."
YEAR_NOT_OVER = (
    "The {label} census year runs to {last}, so its return can be made from {next}: "
    "check its records so far instead."
)
BAD_LEA = "The LA code is three digits, such as 201: correct it, or leave it empty."
STOPPED = (
    "{what} could not be made because of an unexpected error. Ask again; if it happens "
    "again, the administrator can see the error in the tasks of the administration site."
)
NOT_READY = "Not ready"
DROPPED = "The return's file was dropped after its keeping: make it again"


def years_offered(day=None) -> list[timescales.Period]:
    """The census years a user can ask for, newest first: the one ``day`` falls in, then
    the five before it."""
    current = timescales.period_containing(timescales.ANNUAL, day or today())
    years = [current]
    for _ in range(YEARS_OFFERED - 1):
        years.append(years[-1].previous_year())
    return years


def ask(*, user, kind: str, period: str, lea: str = "") -> CensusReturn:
    """Keep and enqueue what ``user`` asked for; the row is returned queued (or, where
    tasks run at once, finished). ``PermissionDenied`` for a user who may not export
    statutory returns; ``ValidationError`` by field (``kind``, ``period``, ``lea``) for
    anything else, with nothing kept."""
    require_capability(user, Capability.EXPORT_RETURNS)
    errors: dict[str, list[str]] = {}
    if kind not in ReturnKind.values:
        errors["kind"] = [NO_KIND]
    year = None
    try:
        year = timescales.parse_period(timescales.ANNUAL, period or "")
    except ValueError as exc:
        errors["period"] = [str(exc) if period else NO_YEAR]
    day = today()
    if year is not None:
        if day < year.first_day:
            errors["period"] = [as_sentence(str(timescales.PeriodNotBegun(year, day)))]
        elif kind == ReturnKind.RETURN and day <= year.last_day:
            after = year.last_day + timedelta(days=1)
            errors["period"] = [
                YEAR_NOT_OVER.format(
                    label=year.label,
                    last=timescales.long_date(year.last_day),
                    next=timescales.long_date(after),
                )
            ]
    lea = (lea or "").strip() if kind == ReturnKind.RETURN else ""
    if lea and not re.fullmatch(r"[0-9]{3}", lea):
        errors["lea"] = [BAD_LEA]
    if errors:
        raise ValidationError(errors)
    drop_old_files()
    with transaction.atomic():
        job = CensusReturn.objects.create(kind=kind, period=year.label, lea=lea, requested_by=user)
        make_census_return.enqueue(job.pk)  # a task row in this transaction: both or neither
    job.refresh_from_db()
    return job


@background()
def make_census_return(return_id: int) -> str:
    job = CensusReturn.objects.filter(pk=return_id).first()
    if job is None:
        return "no such census return"
    run(job)
    return job.state


def run(job: CensusReturn) -> None:
    """Make what a queued row asks for; one already taken is left alone. An unexpected
    error marks the row not made, then goes on up (the task shows it to the
    administrator)."""
    taken = CensusReturn.objects.filter(pk=job.pk, state=ReturnState.QUEUED).update(
        state=ReturnState.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return
    job.refresh_from_db()
    kept = FindingsFile()
    try:
        year = timescales.parse_period(timescales.ANNUAL, job.period)
        if job.kind in ANNEX_LISTS:
            made = _make_annex(job, year)
        else:
            make = _make_return if job.kind == ReturnKind.RETURN else _check
            made = make(job, year, kept.add)
    except (ExportRefused, AnnexRefused, PermissionDenied, timescales.PeriodNotBegun) as exc:
        kept.discard()
        _finish(job, state=ReturnState.FAILED, error=as_sentence(str(exc)))
        return
    except BaseException:
        kept.discard()
        log.exception("Census return %s failed", job.pk)
        _finish(job, state=ReturnState.FAILED, error=STOPPED.format(what=job.get_kind_display()))
        raise
    _finish(
        job,
        state=ReturnState.DONE,
        findings_csv=kept.content(),
        findings_count=kept.count,
        **made,
    )


def _make_return(job: CensusReturn, year: timescales.Period, add) -> dict:
    with tempfile.TemporaryDirectory(prefix="iro-census-") as tmp:
        path = os.path.join(tmp, job.file_name)
        made = write_return(user=job.requested_by, period=year, path=path, lea=job.lea or None)
        stream = CensusStream(path)
        validator = Validator(stream.header)
        add(validator.run(stream.children()))
        packed = path + ".gz"
        with open(path, "rb") as src, gzip.open(packed, "wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
        with open(packed, "rb") as f:
            content = f.read()
    return {
        "content": content,
        "children": made.children,
        "as_at": year.last_day,
        "summary": _summary(validator, made.notes),
    }


def _make_annex(job: CensusReturn, year: timescales.Period) -> dict:
    """Ofsted Annex A list 5 or 7 of the year (to date, for a year in progress) as an Excel
    workbook, kept gzipped as a return's file is (``Download`` reads both alike)."""
    with tempfile.TemporaryDirectory(prefix="iro-annex-") as tmp:
        path = os.path.join(tmp, job.file_name)
        rows = write_list(
            user=job.requested_by,
            period=year.as_at(today()),
            list_number=ANNEX_LISTS[job.kind],
            output_format="xlsx",
            path=path,
        )
        with open(path, "rb") as f:
            content = gzip.compress(f.read())
    return {
        "content": content,
        "children": rows,  # a row an enquiry (list 5) or a plan (list 7)
        "as_at": min(year.last_day, today()),
        "summary": {"rows": rows},
    }


def _check(job: CensusReturn, year: timescales.Period, add) -> dict:
    year, validator, notes = check_records(user=job.requested_by, period=year, add=add)
    return {
        "children": validator.children,
        "as_at": year.last_day,
        "summary": _summary(validator, notes),
    }


def check_records(
    *, user, period: timescales.Period, add: Callable[[Iterable[Finding]], None], day=None
) -> tuple[timescales.Period, Validator, ExportNotes]:
    """The records of ``period`` as ``user`` may export them, through every DfE rule; a
    year in progress as if it ended on ``day`` (today): its records to that day, and that
    day the reference date the rules count back from. The findings go to ``add``; the
    check is logged as an export of the children read. Returns the period as read (to
    date, for a year in progress), the validator (its summary) and the notes.
    ``ExportRefused`` for a user who may not export; ``PeriodNotBegun`` for a year to
    come."""
    check_may_export(user)
    period = period.as_at(day or today())
    validator = Validator(
        return_header(period, lea=None), year=CensusYear(period.first_day, period.last_day)
    )
    notes = ExportNotes()
    # The header of a return made here is right by construction (and its reference date
    # is today for a year in progress): only the children's findings and the file-wide
    # rules matter, so the header is not checked.
    add(validator.run(return_children(user=user, period=period, notes=notes), check_header=False))
    log_export(
        user=user,
        what=f"CIN census validation {period.label}",
        children=children_in_return(user, period).values_list("pk", flat=True),
        detail={"period": period.label, "findings": sum(validator.counts.values())},
    )
    return period, validator, notes


def _summary(validator: Validator, notes: ExportNotes) -> dict:
    summary = validator.summary()
    return {
        "errors": summary["errors"],
        "queries": summary["queries"],
        "by_rule": summary["by_rule"],
        "notes_count": len(notes.lines),
        "notes": [{"child": child, "note": note} for child, note in notes.lines[:NOTES_KEPT]],
    }


def _finish(job: CensusReturn, **fields) -> None:
    fields["finished_at"] = timezone.now()
    CensusReturn.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


# --- Reading them back ---------------------------------------------------------------------


def returns_for(user):
    """The user's own census returns and checks (none for a user who may not export);
    files past their keeping are dropped first."""
    if not has_capability(user, Capability.EXPORT_RETURNS):
        return CensusReturn.objects.none()
    drop_old_files()
    return CensusReturn.objects.filter(requested_by=user).defer("content", "findings_csv")


def keep_until(job: CensusReturn):
    """When a made return's file is dropped (None for one not made)."""
    if job.finished_at is None or job.kind not in MAKES_A_FILE:
        return None
    return job.finished_at + timedelta(days=settings.IRO_CENSUS_RETURN_KEEP_DAYS)


def has_file(job: CensusReturn) -> bool:
    """Whether a made return's file is still kept."""
    return CensusReturn.objects.filter(pk=job.pk, content__isnull=False).exists()


def drop_old_files(now=None) -> int:
    """Drop the files of returns made more than ``IRO_CENSUS_RETURN_KEEP_DAYS`` ago; how
    many were dropped."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IRO_CENSUS_RETURN_KEEP_DAYS)
    stale = CensusReturn.objects.filter(finished_at__lt=cutoff, content__isnull=False)
    # Asked first, so reading the pages (polled every few seconds) writes nothing, and on
    # SQLite takes no write lock, unless there is a file to drop.
    return stale.update(content=None) if stale.exists() else 0


def return_for(user, public_id) -> CensusReturn:
    """One of the user's own: 403 for a user who may not export, 404 for anyone else's."""
    require_capability(user, Capability.EXPORT_RETURNS)
    job = returns_for(user).filter(public_id=public_id).first()
    if job is None:
        raise Http404("No such census return")
    return job


def download(user, public_id) -> tuple[CensusReturn, Download]:
    """A made return's XML, unpacked a chunk at a time as it is sent (a national return is
    about 60 MB unpacked). Its children were logged when it was made (a row each); the
    download is logged too, as one row naming the return."""
    job = return_for(user, public_id)
    if job.kind not in MAKES_A_FILE or job.state != ReturnState.DONE:
        raise Http404(NOT_READY)
    packed = CensusReturn.objects.filter(pk=job.pk).values_list("content", flat=True)[0]
    if packed is None:
        raise Http404(DROPPED)
    log_export(
        user=user,
        what=(
            f"CIN census return {job.period} downloaded"
            if job.kind == ReturnKind.RETURN
            else f"Annex A list {ANNEX_LISTS[job.kind]} {job.period} downloaded"
        ),
        detail={"return": str(job.public_id), "children": job.children, "file": job.file_name},
    )
    return job, Download(bytes(packed))


class Download:
    """A kept return's XML: ``size`` bytes once unpacked, read in ``chunks()``."""

    CHUNK = 1 << 16

    def __init__(self, packed: bytes) -> None:
        self._packed = packed
        # gzip's last four bytes are the unpacked size (modulo 4 GiB) of the one member
        # ``make_census_return`` writes: the browser can then show the download's progress.
        self.size = int.from_bytes(packed[-4:], "little")

    def chunks(self) -> Iterator[bytes]:
        with gzip.GzipFile(fileobj=io.BytesIO(self._packed)) as unpacked:
            while chunk := unpacked.read(self.CHUNK):
                yield chunk

    def read(self) -> bytes:
        return b"".join(self.chunks())
