"""``iro report``: JSON and CSV to standard output, files with --output, one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iro.reports.management.commands import report as command
from tests.reports.conftest import build_authority

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_json_goes_to_standard_output_in_the_shape_of_metrics_md(staff):
    build_authority(staff, 3)
    data = json.loads(run("annual", "--period", "2018-19", "--format", "json"))
    assert data["period"]["label"] == "2018-19"
    assert data["previous"]["period"]["label"] == "2017-18"
    assert data["measures"]["children_on_plan_during_period"] == 3


def test_csv_goes_to_standard_output_one_row_per_number(staff):
    build_authority(staff, 3)
    rows = list(
        csv.reader(io.StringIO(run("quarterly", "--period", "2018-19-Q1", "--format", "csv")))
    )
    assert rows[0] == ["measure", "label", "item", "2018-19-Q1", "2017-18-Q1", "note"]
    by_item = {(r[0], r[2]): r[3:5] for r in rows[1:]}
    assert by_item["children_on_plan_during_period", ""] == ["3", "0"]
    assert by_item["icpc_within_15_working_days", "percent"] == ["100.0", ""]
    assert by_item["plans_at_period_end_by_latest_category", "Neglect"] == ["3", "0"]
    assert by_item["dispute_reasons", "Progress: count"] == ["0", "0"]


def test_a_team_or_chair_narrows_the_report(staff):
    build_authority(staff, 3)
    data = json.loads(run("monthly", "--period", "2018-04", "--team", staff.team.name))
    assert data["filters"] == {"team": staff.team.name, "chair": None}
    assert data["measures"]["plans_started"] == 1
    data = json.loads(run("monthly", "--period", "2018-04", "--chair", "otto-iro"))
    assert data["measures"]["plans_started"] == 0  # Otto chairs only the later reviews


def test_output_writes_a_file(staff, tmp_path):
    target = tmp_path / "annual.json"
    assert run("annual", "--period", "2018-19", "--output", str(target)) == ""
    assert json.loads(target.read_text())["report"] == "annual"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["yearly", "--period", "2018-19"], command.UNKNOWN_KIND.format(kind="yearly")),
        (["annual"], command.PERIOD_REQUIRED.format(example="2018-19")),
        (
            ["annual", "--period", "2018-2019"],
            'Period "2018-2019" is not a reporting year; expected YYYY-YY such as 2018-19',
        ),
        (
            ["monthly", "--period", "2019-13"],
            'Period "2019-13" is not a month; expected YYYY-MM such as 2019-02',
        ),
        (
            ["quarterly", "--period", "2018-19"],
            'Period "2018-19" is not a quarter; expected YYYY-YY-QN such as 2018-19-Q3',
        ),
        (
            ["annual", "--period", "2018-19", "--format", "docx"],
            command.UNKNOWN_FORMAT.format(format="docx", formats=", ".join(command.FORMATS)),
        ),
        (
            ["annual", "--period", "2018-19", "--team", "Nowhere Team"],
            command.UNKNOWN_TEAM.format(name="Nowhere Team"),
        ),
        (
            ["annual", "--period", "2018-19", "--chair", "sam-social-worker"],
            command.UNKNOWN_CHAIR.format(username="sam-social-worker"),
        ),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_status_2(staff, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert str(error.value) == message
    assert "\n" not in message
    assert error.value.returncode == 2


def test_an_unwritable_output_is_one_line_and_exit_status_2(staff, tmp_path):
    with pytest.raises(CommandError) as error:
        run("annual", "--period", "2018-19", "--output", str(tmp_path / "no" / "such.json"))
    assert error.value.returncode == 2
    assert str(error.value).startswith("Cannot write")


def test_the_iro_command_prints_one_line_and_exits_2(staff, capsys):
    from iro.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["report", "annual", "--period", "2018-2019"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "not a reporting year" in err


def test_pdf_and_xlsx_are_written_to_the_output_file(staff, tmp_path):
    build_authority(staff, 2)
    pdf, xlsx = tmp_path / "annual.pdf", tmp_path / "annual.xlsx"
    run("annual", "--period", "2018-19", "--format", "pdf", "--output", str(pdf))
    run("annual", "--period", "2018-19", "--format", "xlsx", "--output", str(xlsx))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert xlsx.read_bytes().startswith(b"PK")


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_binary_format_without_output_is_one_line_and_exit_status_2(staff, fmt):
    with pytest.raises(CommandError) as error:
        run("annual", "--period", "2018-19", "--format", fmt)
    assert str(error.value) == command.OUTPUT_REQUIRED.format(format=fmt.upper())
    assert error.value.returncode == 2


def test_html_goes_to_standard_output(staff):
    page = run("monthly", "--period", "2019-02", "--format", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Monthly report February 2019</h1>" in page
