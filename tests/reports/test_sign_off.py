"""Signing off a report for publication: the published edition's files are made once and
kept as they were, whatever is corrected after; the sign-off stands until withdrawn with a
reason; the IRO service manager signs off, everyone who reads reports downloads."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from iro.access.models import AccessLogEntry
from iro.reports import sign_off
from iro.reports.models import SignedOffReport
from iro.timescales import parse_period
from tests.reports.conftest import a_plan, build_authority

pytestmark = pytest.mark.django_db

PAGE = "/reports/annual/2018-19/"
SIGN_OFF = "/reports/annual/2018-19/sign-off/"
YEAR = parse_period("annual", "2018-19")


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    return " ".join(out.split())


def signed_file(fmt: str) -> str:
    return reverse("report_signed_off_download", args=["annual", "2018-19", fmt])


@pytest.fixture
def authority(staff):
    build_authority(staff, 4)
    return staff


@pytest.fixture
def signed(authority):
    return sign_off.sign_off(
        kind="annual",
        period=YEAR,
        statement="Agreed by the safeguarding partnership board on 14 July 2019.",
        acting_user=authority.iro_manager,
    )


def test_signing_off_keeps_the_published_edition_in_every_format(authority, signed):
    files = SignedOffReport.objects.get(pk=signed.pk)
    assert bytes(files.pdf).startswith(b"%PDF")
    assert bytes(files.xlsx).startswith(b"PK")  # a zip, as every xlsx
    figures = json.loads(bytes(files.json))
    assert figures["period"]["label"] == "2018-19"
    assert figures["provisional"] is False
    assert figures["sections"]["edition"] == "published"
    assert "by_chair" not in figures["sections"]  # the published edition names no chair
    said = "Signed off for publication by the IRO service manager on "
    titles = [row[0] for row in csv.reader(io.StringIO(bytes(files.csv).decode())) if len(row) == 1]
    assert titles[0].startswith(said)
    assert titles[0].endswith(". “Agreed by the safeguarding partnership board on 14 July 2019.”")
    assert titles[1:] == ["By team"]  # and no "By chair": the published edition's table
    assert figures["signed_off"] == titles[0]
    text = pdf_text(bytes(files.pdf))
    assert said in text and "Mona Greyfriar" not in text  # by role: nothing published names a chair
    book = load_workbook(io.BytesIO(bytes(files.xlsx)))
    assert book.properties.description == titles[0]
    assert signed.history.get().history_user == authority.iro_manager


def test_the_files_signed_off_stay_as_they_were_after_a_correction(client, authority, signed):
    before = bytes(SignedOffReport.objects.get(pk=signed.pk).json)
    a_plan(authority, date(2018, 5, 1))  # a plan recorded late for that year
    client.force_login(authority.iro_manager)
    kept = client.get(signed_file("json"))
    assert kept.content == before
    live = client.get(reverse("report_download", args=["annual", "2018-19", "json"]))
    assert live.content != before
    page = client.get(PAGE).content.decode()
    assert "Signed off for publication" in page
    assert "Corrections to the records since it was signed off have changed" in page


def test_a_change_that_moves_nothing_in_the_report_raises_no_alarm(client, authority, signed):
    client.force_login(authority.iro_manager)
    assert 'id="changed-since"' not in client.get(PAGE).content.decode()  # internal edition
    a_plan(authority, date(2021, 5, 1))  # another year's record
    assert 'id="changed-since"' not in client.get(PAGE).content.decode()
    client.get(PAGE + "?edition=published")  # worked out for the records as they are now
    assert "The report says today what the files signed off say." in (
        client.get(SIGN_OFF).content.decode()
    )


def test_the_page_offers_the_files_signed_off_to_everyone_who_reads_reports(
    client, authority, signed
):
    client.force_login(authority.partnership)
    page = client.get(PAGE + "?edition=published").content.decode()
    assert "By IRO service manager on " in page  # by role: they see no staff names here
    assert "Mona Greyfriar" not in page
    assert "Agreed by the safeguarding partnership board on 14 July 2019." in page
    assert f'href="{signed_file("pdf")}"' in page
    assert "Withdraw the sign-off" not in page
    response = client.get(signed_file("pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "published-signed-off" in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(
        user=authority.partnership, what__contains="as signed off"
    ).exists()


def test_a_period_not_over_cannot_be_signed_off(authority):
    with time_machine.travel(date(2019, 3, 31), tick=False):
        period = YEAR.as_at(date(2019, 3, 31))
        with pytest.raises(ValidationError) as refused:
            sign_off.sign_off(kind="annual", period=period, acting_user=authority.iro_manager)
    assert "2018-19 is not over until the end of 31 March 2019" in refused.value.messages[0]
    assert not SignedOffReport.objects.exists()


def test_a_second_sign_off_waits_for_the_first_to_be_withdrawn_with_a_reason(
    client, authority, signed
):
    with pytest.raises(ValidationError) as refused:
        sign_off.sign_off(kind="annual", period=YEAR, acting_user=authority.iro_manager)
    assert "was already signed off by Mona Greyfriar" in refused.value.messages[0]
    client.force_login(authority.iro_manager)
    page = client.post(SIGN_OFF, {"withdraw": "1", "reason": "  "}).content.decode()
    assert sign_off.REASON_NEEDED in page
    assert sign_off.standing("annual", "2018-19") is not None
    client.post(SIGN_OFF, {"withdraw": "1", "reason": "A conference date was corrected."})
    assert sign_off.standing("annual", "2018-19") is None
    response = client.post(SIGN_OFF, {"sign_off": "1", "statement": ""}, follow=True)
    assert "Annual report 2018-19 is signed off." in response.content.decode()
    assert SignedOffReport.objects.count() == 2  # the first kept, withdrawn
    page = client.get(SIGN_OFF).content.decode()
    assert "withdrawn by Mona Greyfriar on " in page
    assert "A conference date was corrected." in page
    first = SignedOffReport.objects.get(withdrawn_at__isnull=False)
    old_file = client.get(signed_file("json") + f"?sign_off={first.pk}")
    assert old_file.content == bytes(first.json)
    assert f'href="{signed_file("json")}?sign_off={first.pk}"' in page
    assert client.get(signed_file("json") + "?sign_off=not-a-number").status_code == 404


def test_a_statement_that_names_someone_is_refused(client, authority):
    client.force_login(authority.iro_manager)
    named = f"Thanks to {authority.iro.first_name} {authority.iro.last_name} for the figures."
    page = client.post(SIGN_OFF, {"sign_off": "1", "statement": named}).content.decode()
    assert "This names someone the system knows" in page
    assert not SignedOffReport.objects.exists()


def test_a_statement_over_1000_characters_is_refused_saying_how_long_it_is(client, authority):
    client.force_login(authority.iro_manager)
    page = client.post(SIGN_OFF, {"sign_off": "1", "statement": "a" * 1001}).content.decode()
    assert "The statement is 1001 characters long: keep it to 1000." in page
    assert not SignedOffReport.objects.exists()


@pytest.mark.parametrize("who", ["iro", "coordinator", "senior_manager", "analyst", "partnership"])
def test_only_the_iro_service_manager_signs_off(client, authority, who):
    client.force_login(getattr(authority, who))
    assert client.get(SIGN_OFF).status_code == 403
    assert client.post(SIGN_OFF, {"sign_off": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        sign_off.sign_off(kind="annual", period=YEAR, acting_user=getattr(authority, who))
    assert not SignedOffReport.objects.exists()


def test_a_report_not_signed_off_has_no_files_signed_off(client, authority):
    client.force_login(authority.iro_manager)
    assert client.get(signed_file("csv")).status_code == 404
    page = client.get(PAGE).content.decode()
    assert f'href="{SIGN_OFF}">Sign off for publication' in page
