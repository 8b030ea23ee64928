"""The census import page: the analyst uploads a return, follows it in and reads what it
did; every other role is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from iro.census import jobs
from iro.census.models import CensusImport
from iro.census.rules import RULES
from iro.children.models import Child
from tests.census.builders import child, message
from tests.census.test_import import HOSTILE, YEAR_1, details, ids, plan_block, s47_block
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def xml(text: str, name: str = "cin-2023-24.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/xml")


def test_the_analyst_uploads_a_return_and_reads_what_it_did(client, staff):
    bad = child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX")))  # fmt: skip
    client.force_login(staff.analyst)
    response = client.post(reverse("census_imports"), {"file": xml(message(YEAR_1 + bad))})
    job = CensusImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("census_import", kwargs={"public_id": job.public_id})
    page = client.get(response.url).content.decode()
    assert "cin-2023-24.xml" in page
    assert "2 children read, 1 skipped" in page
    assert "B2" in page and "is not a valid category of abuse" in page  # the skipped child
    assert ">8905</th>" in page  # the DfE rule the file breaks
    assert escape(RULES["8905"].title) in page  # with what the DfE requires
    k1 = Child.objects.get(la_child_id="K1")
    link = reverse("child_journey", kwargs={"public_id": k1.public_id})
    assert f'<a class="govuk-link" href="{link}">K1</a>' in page  # a finding links to the child
    assert "(the whole file)" in page  # a rule of the whole return, such as 2887Q
    listing = client.get(reverse("census_imports")).content.decode()
    assert job.file_name in listing and "Imported" in listing
    assert Child.objects.filter(la_child_id="K1").exists()


def test_a_file_that_cannot_be_read_is_shown_as_not_imported_with_the_reason(client, staff):
    client.force_login(staff.analyst)
    client.post(reverse("census_imports"), {"file": xml(HOSTILE, "hostile.xml")})
    job = CensusImport.objects.get()
    page = client.get(reverse("census_import", kwargs={"public_id": job.public_id}))
    text = page.content.decode()
    assert "The file was not imported" in text
    assert "Line 2: the file declares a DOCTYPE" in text
    assert not Child.objects.exists()


def test_submitting_without_a_file_says_what_is_missing(client, staff):
    client.force_login(staff.analyst)
    response = client.post(reverse("census_imports"), {})
    assert response.status_code == 200
    text = response.content.decode()
    assert jobs.NO_FILE in text
    assert "govuk-error-summary" in text
    assert not CensusImport.objects.exists()


def test_a_file_that_is_not_xml_is_refused_on_the_page(client, staff):
    client.force_login(staff.analyst)
    response = client.post(reverse("census_imports"), {"file": xml("K1,F\n", "return.csv")})
    assert response.status_code == 200
    assert escape(jobs.NOT_XML) in response.content.decode()
    assert not CensusImport.objects.exists()


def test_a_running_import_answers_how_far_it_has_gone(client, staff):
    job = jobs.record_command_import(path="/nowhere/cin.xml", acting_user=staff.analyst)
    CensusImport.objects.filter(pk=job.pk).update(
        state="running", size=1000, bytes_done=250, children_read=40
    )
    client.force_login(staff.analyst)
    url = reverse("census_import", kwargs={"public_id": job.public_id})
    page = client.get(url).content.decode()
    assert 'value="25"' in page and "40 children so far" in page
    assert "census-progress.js" in page
    answer = client.get(url, {"progress": ""}).json()
    assert answer == {
        "state": "running", "finished": False, "bytes_done": 250, "size": 1000,
        "children_read": 40, "percent": 25,
    }  # fmt: skip


@pytest.mark.parametrize("who", ["coordinator", "iro_manager", "social_worker", "admin"])
def test_other_roles_are_refused_and_their_uploads_change_nothing(client, staff, who):
    job = jobs.queue_import(upload=xml(message(YEAR_1)), acting_user=staff.analyst)
    before = Child.objects.count()
    client.force_login(getattr(staff, who))
    assert client.get(reverse("census_imports")).status_code == 403
    assert client.get(reverse("census_import", args=[job.public_id])).status_code == 403
    response = client.post(reverse("census_imports"), {"file": xml(message(YEAR_1))})
    assert response.status_code == 403
    assert CensusImport.objects.count() == 1
    assert Child.objects.count() == before


def test_several_files_are_imported_at_once_and_a_refused_one_is_named(client, staff):
    client.force_login(staff.analyst)
    two = [xml(message(YEAR_1), "a.xml"), xml(message(YEAR_1), "b.xml")]
    response = client.post(reverse("census_imports"), {"file": two}, follow=True)
    assert "2 files are being imported" in response.content.decode()
    assert CensusImport.objects.count() == 2
    mixed = [xml(message(YEAR_1), "c.xml"), xml("K1,F", "d.csv")]
    response = client.post(reverse("census_imports"), {"file": mixed})
    text = response.content.decode()
    assert escape(f"d.csv: {jobs.NOT_XML}") in text
    assert "Of the 2 files chosen, 1 is being imported; the others were refused." in text
    assert CensusImport.objects.count() == 3


def test_the_menu_offers_the_census_import_to_the_analyst_only(client, staff):
    client.force_login(staff.analyst)
    assert reverse("census_imports") in client.get(reverse("reports_index")).content.decode()
    client.force_login(staff.iro_manager)
    assert reverse("census_imports") not in client.get(reverse("reports_index")).content.decode()


def test_the_findings_download_as_csv_and_spreadsheet_and_are_logged(client, staff):
    from openpyxl import load_workbook

    from iro.access.models import AccessEvent, AccessLogEntry

    bad = child(ids("B2"), details(
        "2023-06-01", s47s=s47_block("2023-06-05", "2023-06-22"),
        plans=plan_block("2023-06-22", initial="XXX")))  # fmt: skip
    job = jobs.queue_import(upload=xml(message(YEAR_1 + bad)), acting_user=staff.analyst)
    client.force_login(staff.analyst)
    page = client.get(reverse("census_import", args=[job.public_id])).content.decode()
    csv_url = reverse("census_import_findings", args=[job.public_id, "csv"])
    assert csv_url in page
    response = client.get(csv_url)
    assert response["Content-Disposition"] == 'attachment; filename="cin-2023-24-findings.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == "rule,severity,child,field,line,message"
    assert any(line.startswith("8905,error,B2,") for line in lines)
    book = client.get(reverse("census_import_findings", args=[job.public_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(book.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("rule", "severity", "child", "field", "line", "message")
    assert len(rows) == len(lines)
    exports = AccessLogEntry.objects.filter(user=staff.analyst, event=AccessEvent.EXPORTED)
    assert exports.count() == 2
    client.force_login(staff.iro_manager)
    assert client.get(csv_url).status_code == 403


def test_a_stalled_upload_says_so_and_is_started_again_from_its_page(client, staff, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = jobs.queue_import(upload=xml(message(YEAR_1)), acting_user=staff.analyst)
    then = timezone.now() - timedelta(hours=1)
    CensusImport.objects.filter(pk=job.pk).update(state="running", started_at=then,
                                                  progress_at=then)  # fmt: skip
    client.force_login(staff.analyst)
    page = client.get(reverse("census_import", args=[job.public_id])).content.decode()
    assert "has probably stopped" in page and "Start the import again" in page
    assert "census-progress.js" not in page  # nothing to follow
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(staff.coordinator)
    assert client.post(reverse("census_import_again", args=[job.public_id])).status_code == 403
    client.force_login(staff.analyst)
    done = client.post(reverse("census_import_again", args=[job.public_id]), follow=True)
    assert "The import has been started again." in done.content.decode()
    assert CensusImport.objects.get(pk=job.pk).state == "done"
    assert Child.objects.filter(la_child_id="K1").exists()
