"""Reports are the same JSON as ``iro report``; the census is validated and exported
through the same readers and writers as ``iro cin``."""

from __future__ import annotations

import io
import json
import tempfile

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from iro.access.models import AccessEvent, AccessLogEntry
from iro.census.synthetic import write_synthetic_file
from tests.reports.conftest import build_authority

pytestmark = pytest.mark.django_db


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "label"), [("annual", "2018-19"), ("quarterly", "2018-19-Q1"), ("monthly", "2018-04")]
)
def test_a_report_is_the_clis_json_for_the_same_period(staff, api_as, kind, label):
    build_authority(staff, 3)
    response = api_as(staff.analyst).get(f"/api/reports/{kind}/{label}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    # The analyst sees no names, so reads the published edition, as on the pages.
    published = cli(kind, "--period", label, "--format", "json", "--edition", "published")
    assert response.content.decode() == published
    assert json.loads(response.content)["measures"]["children_on_plan_during_period"] > 0
    internal = api_as(staff.senior_manager).get(f"/api/reports/{kind}/{label}/")
    assert internal.content.decode() == cli(kind, "--period", label, "--format", "json")


def test_a_role_that_sees_no_names_is_refused_the_internal_edition(staff, api_as):
    api = api_as(staff.analyst)
    refused = api.get("/api/reports/annual/2018-19/", edition="internal")
    assert refused.status_code == 403
    assert "published edition" in refused.json()["detail"]
    assert api.get("/api/reports/annual/2018-19/", edition="draft").status_code == 404


@time_machine.travel("2026-12-02", tick=False)
def test_a_year_not_begun_has_no_report(staff, api_as):
    response = api_as(staff.senior_manager).get("/api/reports/annual/2027-28/")
    assert response.status_code == 404


def test_a_team_narrows_the_report_as_on_the_command_line(staff, api_as):
    build_authority(staff, 3)
    response = api_as(staff.iro).get("/api/reports/monthly/2018-04/", team=str(staff.team.pk))
    expected = cli("monthly", "--period", "2018-04", "--team", staff.team.name)
    assert response.content.decode() == expected


def test_a_report_is_logged_as_an_export(staff, api_as):
    api_as(staff.analyst).get("/api/reports/annual/2018-19/")
    entry = AccessLogEntry.objects.get(event=AccessEvent.EXPORTED)
    assert (entry.user, entry.what) == (
        staff.analyst,
        "annual report 2018-19 (API, published edition)",
    )


def test_a_bad_period_is_a_404_and_a_role_without_reports_a_403(staff, api_as):
    assert api_as(staff.analyst).get("/api/reports/annual/2018-2019/").status_code == 404
    # Before any record may be dated, as the pages say: not a "final" report of zeros.
    before = api_as(staff.analyst).get("/api/reports/annual/1900-01/")
    assert before.status_code == 404
    assert "ends before 1 January 1990" in before.content.decode()
    assert api_as(staff.coordinator).get("/api/reports/annual/2018-19/").status_code == 403


def test_a_census_file_is_validated_and_its_findings_returned(staff, api_as, tmp_path):
    path = tmp_path / "cin.xml"
    write_synthetic_file(path, 3, messy=True, seed=4)
    api = api_as(staff.analyst)
    with path.open("rb") as f:
        response = api.client.post("/api/census/validate/", {"file": f}, headers=api.headers)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["summary"]["children"] == 3
    out = io.StringIO()
    call_command("cin", "validate", str(path), "--format", "json", stdout=out)
    expected = json.loads(out.getvalue())
    assert data["findings"] == expected["findings"]
    assert data["summary"] == expected["summary"]


def test_a_file_that_is_not_a_census_is_a_400_said_of_the_file_sent(staff, api_as, tmp_path):
    api = api_as(staff.analyst)
    sent = io.BytesIO(b"not xml at all")
    sent.name = "return-2025.xml"
    response = api.client.post("/api/census/validate/", {"file": sent}, headers=api.headers)
    assert response.status_code == 400
    [said] = response.json()["errors"]["file"]
    assert said.startswith("return-2025.xml: line 1:")
    assert tempfile.gettempdir() not in response.content.decode()


def test_only_those_who_export_returns_validate_or_export(staff, api_as):
    api = api_as(staff.iro)
    assert api.get("/api/census/2023-24/export/").status_code == 403
    response = api.client.post(
        "/api/census/validate/", {"file": io.BytesIO(b"<x/>")}, headers=api.headers
    )
    assert response.status_code == 403


def test_the_census_return_is_exported_as_xml_and_logged(staff, api_as, case):
    response = api_as(staff.analyst).get("/api/census/2025-26/export/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    assert b"LA-API-1" in response.content
    assert AccessLogEntry.objects.filter(
        event=AccessEvent.EXPORTED, child=case.journey.child
    ).exists()


def test_a_years_records_are_checked_as_the_census_returns_page_checks_them(staff, api_as, case):
    from iro.census.returns import check_records
    from iro.timescales import ANNUAL, parse_period

    response = api_as(staff.analyst).get("/api/census/2025-26/check/")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["period"], answer["records_read_to"]) == ("2025-26", "2026-03-31")
    found = []
    check_records(user=staff.analyst, period=parse_period(ANNUAL, "2025-26"), add=found.extend)
    assert answer["findings"] == [f.as_dict() for f in found]
    assert answer["summary"]["children"] >= 1
    assert AccessLogEntry.objects.filter(
        what="CIN census validation 2025-26", child=case.journey.child
    ).exists()
    assert api_as(staff.iro).get("/api/census/2025-26/check/").status_code == 403
    assert api_as(staff.analyst).get("/api/census/2025/check/").status_code == 404


def test_an_empty_return_is_a_400_saying_so(staff, api_as):
    response = api_as(staff.analyst).get("/api/census/2019-20/export/")
    assert response.status_code == 400
    assert "No child is in the return" in response.json()["detail"]


def test_the_session_of_a_signed_in_user_works_too(staff):
    client = Client()
    client.force_login(staff.analyst)
    assert client.get("/api/reports/annual/2018-19/").status_code == 200
