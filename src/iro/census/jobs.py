"""Census imports as jobs: queued from the page or the API, run by the worker; the
command line runs the same job in its own process (``iro cin import``).

``queue_import`` keeps the uploaded file (gzipped) in a ``CensusImport`` row and enqueues
``run_census_import`` in the same transaction. ``run_import`` applies it with
``importer.import_file``, which keeps the whole file or nothing (one transaction), and
records the outcome on the row: the summary, or why nothing was imported.

Progress while the file is applied. The import's own transaction cannot report it (no
one sees its writes before the end), so the job writes the bytes and children read
through a connection of its own: on PostgreSQL an update of the row that commits at once;
on SQLite, which lets only one connection write at a time, a small file beside the
database, read back by ``progress_of``. Progress is a courtesy: if it cannot be written
the import goes on.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from iro.access.capabilities import Capability, has_capability, require_capability
from iro.census import report
from iro.census.importer import ImportRefused, ImportSummary, import_file, writes_whole_file
from iro.census.models import CensusImport, ImportSource, ImportState
from iro.census.reader import CensusFileError
from iro.operations.background import background

log = logging.getLogger(__name__)

NO_FILE = "Choose a CIN census file to import."
EMPTY_FILE = "The file is empty: choose the CIN census XML file."
NOT_XML = "The file is not XML: a CIN census return is an XML file (it starts with '<')."
TOO_BIG = "The file is larger than {limit} MB, the most the import page takes: use iro cin import."
NAME_TOO_LONG = "The file's name is longer than 255 characters: rename it and try again."
# Why a file went in only in part, or not at all (see ``importer.writes_whole_file``).
NOTHING_KEPT = "Nothing of the file is in the records (a file goes in whole or not at all)."
PART_KEPT = (
    "Some of the file's children may be in the records: import the file again to complete "
    "it (a file imported twice changes nothing)."
)
STOPPED = "The import stopped with an unexpected error. {kept} " + (
    "The administrator can see the error in the tasks of the administration site."
)
NOTHING_IMPORTED = " Nothing of the file was imported."

# The summary keeps at most this many skipped children (the count is always whole).
SKIPPED_KEPT = 1000
# Progress is written at most this often (seconds).
PROGRESS_EVERY = 1.0


def imports_for(user):
    """The imports a user may see: every import, for those who may import."""
    if not has_capability(user, Capability.IMPORT_RETURNS):
        return CensusImport.objects.none()
    return CensusImport.objects.select_related("started_by").defer("content", "findings_csv")


def import_for(user, public_id) -> CensusImport:
    """One import: 403 for a user who may not import, 404 for no such import."""
    require_capability(user, Capability.IMPORT_RETURNS)
    job = imports_for(user).filter(public_id=public_id).first()
    if job is None:
        raise Http404("No such census import")
    return job


def queue_import(*, upload, acting_user, source: str = ImportSource.PAGE) -> CensusImport:
    """Keep an uploaded census file and enqueue its import; the job is returned queued
    (or, where tasks run at once, already finished).

    Raises ``ValidationError`` (field ``file``) for no file, an empty file, one that is
    not XML or one over ``IRO_CENSUS_UPLOAD_MAX_MB``; ``PermissionDenied`` for a user
    who may not import. Nothing is kept when it raises.
    """
    require_capability(acting_user, Capability.IMPORT_RETURNS)
    if upload is None:
        raise ValidationError({"file": [NO_FILE]})
    name = os.path.basename(upload.name or "census.xml")
    if len(name) > 255:
        raise ValidationError({"file": [NAME_TOO_LONG]})
    limit = settings.IRO_CENSUS_UPLOAD_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"file": [TOO_BIG.format(limit=limit)]})
    if not upload.size:
        raise ValidationError({"file": [EMPTY_FILE]})
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as packed:
        digest, first = hashlib.sha256(), b""
        with gzip.GzipFile(fileobj=packed, mode="wb") as out:
            for chunk in upload.chunks():
                if len(first) < 64:
                    first += chunk[:64]
                digest.update(chunk)
                out.write(chunk)
        if not first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise ValidationError({"file": [NOT_XML]})
        packed.seek(0)
        with transaction.atomic():
            job = CensusImport.objects.create(
                file_name=name,
                size=upload.size,
                sha256=digest.hexdigest(),
                content=packed.read(),
                source=source,
                started_by=acting_user,
            )
            run_census_import.enqueue(job.pk)  # a task row in this transaction: both or neither
    job.refresh_from_db()
    return job


@background()
def run_census_import(job_id: int) -> str:
    job = CensusImport.objects.filter(pk=job_id).first()
    if job is None:
        return "no such import"
    run_import(job)
    return job.state


def record_command_import(*, path, acting_user) -> CensusImport:
    """The row for a file imported from the command line, read where it lies."""
    require_capability(acting_user, Capability.IMPORT_RETURNS)
    path = Path(path)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        pass  # the import itself says why the file cannot be read
    return CensusImport.objects.create(
        file_name=path.name[:255],
        size=size,
        sha256=digest.hexdigest(),
        source=ImportSource.COMMAND,
        started_by=acting_user,
    )


def run_import(job: CensusImport, *, path=None, progress=None) -> ImportSummary | None:
    """Apply a queued import; ``path`` for a command-line import (else the kept upload).

    Returns the summary, or None when nothing was imported (the job says why). A job
    already taken by another worker is left alone. ``progress`` is also told.
    """
    now = timezone.now()
    taken = CensusImport.objects.filter(pk=job.pk, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started_at=now, progress_at=now
    )
    if not taken:
        return None
    job.refresh_from_db()
    board = _ProgressBoard(job, also=progress)
    kept = FindingsFile()
    try:
        with _file_of(job, path) as file_path:
            summary = import_file(
                file_path, acting_user=job.started_by, progress=board, findings=kept.add
            )
    except BaseException as exc:
        kept.discard()
        _finish(job, state=ImportState.FAILED, error=_why_not_imported(exc))
        if isinstance(exc, CensusFileError | ImportRefused | PermissionDenied):
            return None
        raise
    finally:
        board.close()
    _finish(
        job,
        state=ImportState.DONE,
        summary=summary_data(summary),
        children_read=summary.children_read,
        bytes_done=job.size,
        findings_csv=kept.content(),
        findings_count=kept.count,
    )
    return summary


class FindingsFile:
    """Every finding of an import or a census return, written as CSV (gzipped) as the
    children are read."""

    def __init__(self) -> None:
        self.count = 0
        self._raw = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="wb")
        self._text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow(report.CSV_COLUMNS)

    def add(self, found) -> None:
        for f in found:
            self._writer.writerow(report.csv_row(f))
            self.count += 1

    def discard(self) -> None:
        """Drop what was written (the import did not finish)."""
        self._raw.close()

    def content(self) -> bytes:
        self._text.flush()
        self._text.detach()
        self._gzip.close()
        self._raw.seek(0)
        data = self._raw.read()
        self._raw.close()
        return data


def findings_rows(job):
    """The rows of a finished import's (or census return's) findings CSV, header first."""
    content = type(job).objects.filter(pk=job.pk).values_list("findings_csv", flat=True)[0]
    if not content:
        return
    with gzip.GzipFile(fileobj=io.BytesIO(bytes(content))) as packed:
        yield from csv.reader(io.TextIOWrapper(packed, encoding="utf-8", newline=""))


def _why_not_imported(exc: BaseException) -> str:
    if isinstance(exc, CensusFileError):
        where = f"line {exc.line}: " if exc.line else ""
        return as_sentence(where + exc.reason) + NOTHING_IMPORTED
    if isinstance(exc, ImportRefused | PermissionDenied):
        return as_sentence(str(exc)) + NOTHING_IMPORTED
    return STOPPED.format(kept=_what_is_kept())


def as_sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _finish(job: CensusImport, **fields) -> None:
    fields.update(finished_at=timezone.now(), content=None)
    CensusImport.objects.filter(pk=job.pk).update(**fields)
    _ProgressBoard.forget(job)
    for name, value in fields.items():
        setattr(job, name, value)


@contextmanager
def _file_of(job: CensusImport, path):
    if path is not None:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="iro-census-") as tmp:
        unpacked = os.path.join(tmp, "census.xml")
        content = CensusImport.objects.filter(pk=job.pk).values_list("content", flat=True)[0]
        with gzip.GzipFile(fileobj=io.BytesIO(bytes(content))) as src, open(unpacked, "wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield unpacked


def summary_data(summary: ImportSummary) -> dict:
    """The summary as kept on the job (and given by the API)."""
    return {
        "children_read": summary.children_read,
        "added": dict(summary.added),
        "updated": dict(summary.updated),
        "skipped_count": len(summary.skipped),
        "skipped": [
            {"la_child_id": s.la_child_id, "line": s.line, "reason": s.reason}
            for s in summary.skipped[:SKIPPED_KEPT]
        ],
        "not_stored": dict(summary.notes.most_common()),
        "findings_by_rule": dict(summary.findings),
    }


STALLED = (
    "This import has said nothing since {since:%-d %B %Y %H:%M}: the worker or the command "
    "that ran it has probably stopped. {kept}"
)
AGAIN_REFUSED = "Only an import that has stopped, with its file still kept, can be started again."


def last_sign_of_life(job: CensusImport):
    """When a running import last said how far it had gone (the row, or on SQLite its
    progress file)."""
    seen = job.progress_at or job.started_at or job.queued_at
    path = _ProgressBoard._path(job)
    try:
        written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return seen
    return max(seen, written)


def stalled(job: CensusImport) -> bool:
    """A running import that has shown no progress for ``IRO_CENSUS_IMPORT_STALLED_SECONDS``."""
    if job.state != ImportState.RUNNING:
        return False
    quiet = (timezone.now() - last_sign_of_life(job)).total_seconds()
    return quiet > settings.IRO_CENSUS_IMPORT_STALLED_SECONDS


def stalled_words(job: CensusImport) -> str:
    """What the page says of a stalled import ("" for one that is not)."""
    from django.utils.timezone import localtime

    if not stalled(job):
        return ""
    return STALLED.format(since=localtime(last_sign_of_life(job)), kept=_what_is_kept())


def _what_is_kept() -> str:
    """What of a file an import that stopped half-way has left in the records."""
    return NOTHING_KEPT if writes_whole_file() else PART_KEPT


def may_start_again(job: CensusImport) -> bool:
    return stalled(job) and job.source != ImportSource.COMMAND


def start_again(*, job: CensusImport, acting_user) -> CensusImport:
    """Queue a stalled upload again from its kept file (its first run kept nothing)."""
    require_capability(acting_user, Capability.IMPORT_RETURNS)
    with transaction.atomic():
        job = CensusImport.objects.select_for_update().defer("content").get(pk=job.pk)
        if (
            not may_start_again(job)
            or not CensusImport.objects.filter(pk=job.pk, content__isnull=False).exists()
        ):
            raise ValidationError(AGAIN_REFUSED)
        CensusImport.objects.filter(pk=job.pk).update(
            state=ImportState.QUEUED, started_at=None, progress_at=None, bytes_done=0,
            children_read=0, queued_at=timezone.now(),
        )  # fmt: skip
        _ProgressBoard.forget(job)
        run_census_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def progress_of(job: CensusImport) -> dict:
    """How far a job has gone: bytes done, the file's size, children read, percent."""
    done, children = job.bytes_done, job.children_read
    if job.state == ImportState.RUNNING:
        written = _ProgressBoard.read_file(job)
        if written:
            done, children = written
    percent = (
        100
        if job.state == ImportState.DONE
        else (min(99, int(100 * done / job.size)) if job.size else 0)
    )
    return {"bytes_done": done, "size": job.size, "children_read": children, "percent": percent}


class _ProgressBoard:
    """Where a running import writes how far it has gone (see the module's docstring)."""

    def __init__(self, job: CensusImport, *, also=None) -> None:
        self.job = job
        self.also = also
        self.last = 0.0
        self.connection = None
        self.broken = False

    def __call__(self, done: int, total: int, children: int = 0) -> None:
        if self.also is not None:
            self.also(done, total, children)
        now = time.monotonic()
        if self.broken or now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        try:
            if connection.vendor == "sqlite":
                self._write_file(done, children)
            else:
                self._write_row(done, children)
        except (DatabaseError, OSError) as exc:
            log.warning("census import %s: progress not written (%s)", self.job.pk, exc)
            self.broken = True

    def _write_row(self, done: int, children: int) -> None:
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:
            table = CensusImport._meta.db_table  # the model's own name, never input
            cursor.execute(
                f"UPDATE {table} SET bytes_done = %s, children_read = %s, progress_at = %s "  # noqa: S608
                "WHERE id = %s",
                [done, children, timezone.now(), self.job.pk],
            )

    @staticmethod
    def _path(job: CensusImport) -> Path:
        return Path(settings.VAR_DIR) / "census-imports" / f"{job.public_id}.json"

    def _write_file(self, done: int, children: int) -> None:
        path = self._path(self.job)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps([done, children]))
        partial.replace(path)

    @classmethod
    def read_file(cls, job: CensusImport) -> tuple[int, int] | None:
        try:
            done, children = json.loads(cls._path(job).read_text())
        except (OSError, ValueError, TypeError):
            return None
        return int(done), int(children)

    @classmethod
    def forget(cls, job: CensusImport) -> None:
        cls._path(job).unlink(missing_ok=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
