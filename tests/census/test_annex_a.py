"""`iro annex-a`: Ofsted Annex A lists 5 and 7 as CSV or xlsx, safe cells, access-logged."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from iro.access.models import AccessEvent, AccessLogEntry
from iro.census.annex_a import LIST_5_COLUMNS, LIST_7_COLUMNS
from iro.census.export import REFUSED
from tests.census.authority import small_authority
from tests.factories import TeamFactory, UserFactory, child_on_plan, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def authority(staff):
    return small_authority(staff)


def annex(tmp_path, list_number, fmt, *, user="ana-analyst", period="2023-24"):
    path = tmp_path / f"list{list_number}.{fmt}"
    out = StringIO()
    call_command("annex-a", "--period", period, "--list", list_number, "--format", fmt,
                 "--output", str(path), "--user", user, stdout=out)  # fmt: skip
    return path, out.getvalue()


def csv_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def xlsx_rows(path) -> list[dict]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_list_5_has_a_row_per_enquiry_of_the_year(staff, authority, tmp_path):
    path, out = annex(tmp_path, "5", "csv")
    rows = csv_rows(path)
    assert list(rows[0]) == list(LIST_5_COLUMNS)
    by_child = {r["Child unique ID"]: r for r in rows}
    assert sorted(by_child) == ["A001", "A003", "A004", "A005"]
    a001 = by_child["A001"]
    assert a001["Strategy discussion initiating Section 47 enquiry start date"] == "05/06/2023"
    assert a001["Date of ICPC"] == "22/06/2023"
    assert a001["Did the ICPC result in a child protection plan?"] == "Yes"
    assert a001["Was an ICPC deemed unnecessary?"] == "No"
    assert a001["Number of Section 47 enquiries in the last 12 months"] == "1"
    assert a001["Gender"] == "Female"
    assert by_child["A004"]["Date of ICPC"] == ""  # held after the year
    assert by_child["A005"]["Was an ICPC deemed unnecessary?"] == "Yes"
    assert "4 rows" in out


def test_list_7_has_a_row_per_plan_of_the_year_in_a_workbook(staff, authority, tmp_path):
    path, _ = annex(tmp_path, "7", "xlsx")
    rows = xlsx_rows(path)
    assert tuple(rows[0]) == LIST_7_COLUMNS
    by_child = {r["Child unique ID"]: r for r in rows}
    assert sorted(by_child) == ["A001", "A002", "A003"]
    a001 = by_child["A001"]
    assert a001["Child protection plan start date"].date() == date(2023, 6, 22)
    assert a001["Date of latest review conference"].date() == date(2024, 3, 7)
    assert a001["Number of previous child protection plans"] == 1
    assert (a001["Initial category of abuse"], a001["Latest category of abuse"]) == ("EMO", "EMO")
    assert a001["Date of last statutory visit"] is None  # not recorded, never guessed
    assert by_child["A003"]["Child protection plan end date"] is None  # ended after the year


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_that_could_be_formulas_are_made_text(staff, tmp_path, fmt):
    team = TeamFactory(name='=HYPERLINK("http://x.invalid","team")')
    worker = UserFactory(username="eve", first_name="+cmd", last_name="|calc", role="social_worker")
    child_on_plan(chair=staff.iro, strategy=date(2023, 6, 5), icpc_on=date(2023, 6, 22),
                  la_child_id="@SUM(1+1)", team=team, social_worker=worker)  # fmt: skip
    path, _ = annex(tmp_path, "7", fmt)
    (row,) = csv_rows(path) if fmt == "csv" else xlsx_rows(path)
    assert row["Child unique ID"] == "'@SUM(1+1)"
    assert row["Allocated team"] == '\'=HYPERLINK("http://x.invalid","team")'
    assert row["Allocated worker"] == "'+cmd |calc"


def test_the_list_is_access_logged(staff, authority, tmp_path):
    annex(tmp_path, "7", "csv")
    rows = AccessLogEntry.objects.filter(user=staff.analyst, event=AccessEvent.EXPORTED)
    assert rows.filter(child__isnull=True).get().what == "Annex A list 7 2023-24"
    assert rows.filter(child__isnull=False).count() == 3


@pytest.mark.parametrize("username", ["ivy-iro", "sam-social-worker", "oli-outsider",
                                      "pip-partnership"])  # fmt: skip
def test_only_those_who_export_returns_may_write_a_list(staff, authority, tmp_path, username):
    with pytest.raises(CommandError) as refused:
        annex(tmp_path, "5", "csv", user=username)
    assert refused.value.returncode == 2
    assert str(refused.value) == REFUSED.format(user=username)
    assert list(tmp_path.iterdir()) == []


def test_a_quarter_narrows_the_list(staff, authority, tmp_path):
    path, _ = annex(tmp_path, "5", "csv", period="2023-24-Q1")  # April to June 2023
    assert [r["Child unique ID"] for r in csv_rows(path)] == ["A001"]


def test_an_empty_list_writes_nothing(staff, tmp_path):
    with pytest.raises(CommandError) as refused:
        annex(tmp_path, "7", "csv", period="2010-11")
    assert "nothing was written" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_the_format_can_come_from_the_file_name(staff, authority, tmp_path):
    path = tmp_path / "list.xlsx"
    call_command("annex-a", "--period", "2023-24", "--list", "7", "--output", str(path),
                 "--user", "ana-analyst", stdout=StringIO())  # fmt: skip
    assert len(xlsx_rows(path)) == 3
