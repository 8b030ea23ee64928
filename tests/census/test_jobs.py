"""Census imports as jobs: a kept upload applied by the worker's task, its progress
readable while it runs, and its outcome recorded; the command line runs the same job."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from iro.census import jobs
from iro.census.models import CensusImport, ImportSource, ImportState
from iro.census.reader import CensusStream
from iro.census.rules import Validator
from iro.census.synthetic import write_synthetic_file
from iro.children.models import Child
from tests.census.builders import child, message
from tests.census.test_import import (
    HOSTILE,
    YEAR_1,
    details,
    ids,
    plan_block,
    row_counts,
    s47_block,
)
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def upload(content: str | bytes, name: str = "cin-2023-24.xml") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="application/xml")


def test_an_uploaded_file_is_imported_by_the_task_and_the_job_says_what_it_did(staff):
    job = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    assert job.state == ImportState.DONE
    assert (job.source, job.started_by, job.file_name) == (
        ImportSource.PAGE, staff.analyst, "cin-2023-24.xml",
    )  # fmt: skip
    assert job.summary["children_read"] == 1
    assert job.summary["added"] == {
        "children": 1, "episodes": 1, "section47s": 1, "icpcs": 1, "plans": 1, "reviews": 1,
    }  # fmt: skip
    assert job.summary["skipped_count"] == 0
    assert job.content is None  # the records hold what it said; the file is not kept
    assert job.started_at <= job.finished_at
    assert jobs.progress_of(job)["percent"] == 100
    assert Child.objects.filter(la_child_id="K1").exists()


def test_importing_the_same_upload_again_changes_nothing(staff):
    jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    before = row_counts()
    again = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    assert again.state == ImportState.DONE
    assert again.summary["added"] == {}
    assert row_counts() == before


def test_an_unreadable_file_fails_naming_the_line_and_keeps_nothing(staff):
    before = row_counts()
    job = jobs.queue_import(upload=upload(HOSTILE), acting_user=staff.analyst)
    assert job.state == ImportState.FAILED
    assert job.error.startswith("Line 2: the file declares a DOCTYPE")
    assert job.error.endswith("Nothing of the file was imported.")
    assert "iro-census-" not in job.error  # the server's own paths are never shown
    assert job.content is None
    assert row_counts() == before


@pytest.mark.parametrize(
    ("content", "message_"),
    [
        (b"", jobs.EMPTY_FILE),
        (b"LAchildID,Sex\nK1,F\n", jobs.NOT_XML),
        (b"\x89PNG\r\n\x1a\n", jobs.NOT_XML),
    ],
)
def test_a_file_that_is_not_a_census_file_is_refused_at_once_and_nothing_is_kept(
    staff, content, message_
):
    with pytest.raises(ValidationError) as refused:
        jobs.queue_import(upload=upload(content), acting_user=staff.analyst)
    assert refused.value.message_dict == {"file": [message_]}
    assert not CensusImport.objects.exists()


@override_settings(IRO_CENSUS_UPLOAD_MAX_MB=1)
def test_a_file_over_the_size_limit_is_refused_pointing_to_the_command_line(staff):
    big = upload(b"<Message>" + b" " * (1024 * 1024) + b"</Message>")
    with pytest.raises(ValidationError) as refused:
        jobs.queue_import(upload=big, acting_user=staff.analyst)
    assert refused.value.message_dict == {"file": [jobs.TOO_BIG.format(limit=1)]}
    assert "iro cin import" in jobs.TOO_BIG
    assert not CensusImport.objects.exists()


def test_no_file_is_refused_with_the_pages_message(staff):
    with pytest.raises(ValidationError) as refused:
        jobs.queue_import(upload=None, acting_user=staff.analyst)
    assert refused.value.message_dict == {"file": [jobs.NO_FILE]}


@pytest.mark.parametrize("who", ["coordinator", "iro", "iro_manager", "admin"])
def test_only_those_who_may_import_returns_can_queue_an_import(staff, who):
    with pytest.raises(PermissionDenied):
        jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=getattr(staff, who))
    assert not CensusImport.objects.exists()
    assert not Child.objects.exists()
    assert not jobs.imports_for(getattr(staff, who)).exists()


def test_a_job_already_taken_is_not_run_twice(staff):
    job = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    assert jobs.run_import(job) is None
    job.refresh_from_db()
    assert job.state == ImportState.DONE


def test_the_command_line_import_is_recorded_as_a_job(staff, tmp_path):
    path = tmp_path / "cin.xml"
    path.write_text(message(YEAR_1))
    call_command("cin", "import", str(path), "--user", "ana-analyst", stdout=StringIO())
    (job,) = CensusImport.objects.all()
    assert (job.source, job.state, job.file_name) == (ImportSource.COMMAND, "done", "cin.xml")
    assert job.size == path.stat().st_size
    assert job.summary["added"]["children"] == 1


@pytest.mark.django_db(transaction=True)
def test_progress_can_be_read_from_outside_while_the_file_is_applied(tmp_path, monkeypatch):
    staff = make_staff()
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 300, seed=4)
    job = jobs.record_command_import(path=path, acting_user=staff.analyst)
    seen: list[dict] = []

    def look(done, total, children):
        # A reader elsewhere: the job's row as committed, and the progress written for it.
        seen.append(jobs.progress_of(CensusImport.objects.get(pk=job.pk)))

    jobs.run_import(job, path=path, progress=look)
    during = [p for p in seen if 0 < p["percent"] < 100]
    assert during, seen
    assert during[-1]["children_read"] >= during[0]["children_read"] > 0
    assert all(p["size"] == path.stat().st_size for p in seen)
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert jobs.progress_of(job)["percent"] == 100


def test_an_imports_findings_are_those_of_validating_the_file(staff, tmp_path):
    path = tmp_path / "year.xml"
    path.write_text(message(YEAR_1))  # one child: too few disability codes for a return
    stream = CensusStream(path)
    validator = Validator(stream.header)
    list(validator.run(stream.children()))
    job = jobs.record_command_import(path=path, acting_user=staff.analyst)
    jobs.run_import(job, path=path)
    assert job.summary["findings_by_rule"] == validator.summary()["by_rule"]
    assert "2887Q" in job.summary["findings_by_rule"]  # a rule of the whole file


def test_every_finding_is_kept_as_the_csv_of_validating_the_file(staff, tmp_path):
    path = tmp_path / "year.xml"
    bad = child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX")))  # fmt: skip
    path.write_text(message(YEAR_1 + bad))
    out = StringIO()
    call_command("cin", "validate", str(path), "--format", "csv", stdout=out, stderr=StringIO())
    expected = list(csv.reader(io.StringIO(out.getvalue())))
    job = jobs.record_command_import(path=path, acting_user=staff.analyst)
    jobs.run_import(job, path=path)
    assert list(jobs.findings_rows(job)) == expected
    assert job.findings_count == len(expected) - 1 > 0


@pytest.mark.django_db(transaction=True)
def test_an_upload_waits_queued_until_the_worker_applies_it(settings):
    from tests.operations.test_worker import DATABASE_BACKEND, run_worker

    settings.TASKS = DATABASE_BACKEND  # as in demo and production
    staff = make_staff()
    job = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    assert job.state == ImportState.QUEUED
    assert jobs.progress_of(job)["percent"] == 0
    assert job.content  # kept until applied
    assert not Child.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert job.content is None
    assert Child.objects.filter(la_child_id="K1").exists()


def _stop_mid_file(job, *, minutes_ago: int) -> None:
    """As if the worker running ``job`` died: running, silent since ``minutes_ago``."""
    then = timezone.now() - timedelta(minutes=minutes_ago)
    CensusImport.objects.filter(pk=job.pk).update(
        state=ImportState.RUNNING, started_at=then, progress_at=then
    )
    job.refresh_from_db()


def test_an_upload_whose_worker_died_is_seen_as_stalled_and_can_be_started_again(staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    _stop_mid_file(job, minutes_ago=11)
    assert jobs.stalled(job) and jobs.may_start_again(job)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    again = jobs.start_again(job=job, acting_user=staff.analyst)
    assert again.state == ImportState.DONE
    assert Child.objects.filter(la_child_id="K1").exists()


def test_an_import_still_moving_or_finished_cannot_be_started_again(staff, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = jobs.queue_import(upload=upload(message(YEAR_1)), acting_user=staff.analyst)
    _stop_mid_file(job, minutes_ago=2)
    assert not jobs.stalled(job)
    with pytest.raises(ValidationError) as refused:
        jobs.start_again(job=job, acting_user=staff.analyst)
    assert refused.value.messages == [jobs.AGAIN_REFUSED]
    with pytest.raises(PermissionDenied):
        jobs.start_again(job=job, acting_user=staff.coordinator)


def test_a_stalled_command_line_import_is_run_again_by_the_command_not_the_page(staff):
    job = jobs.record_command_import(path="/nowhere/cin.xml", acting_user=staff.analyst)
    _stop_mid_file(job, minutes_ago=30)
    assert jobs.stalled(job)
    assert not jobs.may_start_again(job)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_others_can_write_while_a_large_file_goes_in(tmp_path, monkeypatch):
    from django.db import connection, connections

    from iro.census import importer
    from iro.people.models import Team

    if importer.writes_whole_file():
        pytest.skip("PostgreSQL writes a file in one transaction, without locking others out")
    monkeypatch.setattr(importer, "SQLITE_BATCH", 1)
    staff = make_staff()
    path = tmp_path / "year.xml"
    write_synthetic_file(path, 250, seed=9)
    other = connections.create_connection("default")  # another user's request
    other.settings_dict["OPTIONS"] = {**other.settings_dict.get("OPTIONS", {}), "timeout": 1}
    renamed = []

    def meanwhile(done, total, children):
        with other.cursor() as cursor:  # fails with "database is locked" if the file held it
            cursor.execute("UPDATE people_team SET name = %s WHERE id = %s",
                           [f"Team {children}", staff.team.pk])  # fmt: skip
        renamed.append(children)

    assert connection.vendor == "sqlite"
    importer.import_file(path, acting_user=staff.analyst, progress=meanwhile)
    other.close()
    assert renamed[:2] == [100, 200]
    assert Team.objects.get(pk=staff.team.pk).name.startswith("Team ")
    assert Child.objects.count() == 250


def test_on_sqlite_the_next_transaction_waits_only_for_what_is_left_of_the_pause(monkeypatch):
    from types import SimpleNamespace

    from iro.census import importer

    clock, slept = [100.0], []
    monkeypatch.setattr(importer.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(importer.time, "sleep", slept.append)
    monkeypatch.setattr(importer, "connection", SimpleNamespace(in_atomic_block=False))
    turns = importer._Turns()
    turns.wait()  # the import's first transaction: nobody to make way for yet
    turns.ended()
    clock[0] += 0.05  # 50 ms of reading and building the next batch
    turns.wait()
    assert slept == [pytest.approx(importer.SQLITE_PAUSE_SECONDS - 0.05)]
    turns.ended()
    clock[0] += 1.0  # a batch that took longer to build than the pause
    turns.wait()
    assert len(slept) == 1


def test_on_sqlite_a_file_unreadable_at_its_end_still_changes_nothing(staff, tmp_path):
    path = tmp_path / "cut.xml"
    write_synthetic_file(path, 60, seed=5)
    text = path.read_text()
    path.write_text(text[: int(len(text) * 0.9)])  # most children complete, the end cut
    before = row_counts()
    job = jobs.record_command_import(path=path, acting_user=staff.analyst)
    assert jobs.run_import(job, path=path) is None
    assert job.state == ImportState.FAILED
    assert row_counts() == before
