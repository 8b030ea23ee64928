"""The annual report summary: the published year in about six A4 pages, in the seed's
shape, naming no child and no chair, its figures the annual report's own."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from iro.documents import plain_language
from iro.reports import summary
from iro.reports.builders import PUBLISHED, build_report
from tests.reports.conftest import YEAR, build_authority
from tests.reports.test_editions import (
    every_name_in_the_database,
    names_found,
    pdf_text,
)
from tests.reports.test_editions import named_authority as _named_authority

pytestmark = pytest.mark.django_db

named_authority = _named_authority

SEEN_ON = "2026-12-02"


def pdf_pages(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "summary.pdf"
        pdf.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.decode().splitlines() if ":" in line)
    assert "yes" in fields["Tagged"], "the PDF must be tagged"
    assert "595" in fields["Page size"], "the PDF must be A4"
    return int(fields["Pages"])


@time_machine.travel(SEEN_ON, tick=False)
def test_the_summarys_figures_are_the_published_annual_reports_own(staff):
    build_authority(staff, 6)
    found = summary.build_summary(YEAR.label)
    report = build_report("annual", YEAR, edition=PUBLISHED)
    for key, figure in found.figures.items():
        assert figure.this_value == report.measures[key], key
        assert figure.previous_value == report.previous[key], key
    data = found.as_json()
    assert data["edition"] == PUBLISHED and data["provisional"] is False
    assert data["figures"]["children_on_plan_during_period"]["this_year"] == 6
    assert data["period"]["label"] == "2018-19"


@time_machine.travel(SEEN_ON, tick=False)
def test_the_summary_names_no_child_and_no_chair_in_any_format(named_authority, client, staff):
    parts = every_name_in_the_database()
    found = summary.build_summary(YEAR.label)
    html = summary.render(found, "html")[0]
    pdf = summary.render(found, "pdf")[0]
    as_json = summary.render(found, "json")[0]
    for text in (html, pdf_text(pdf), as_json):
        assert not names_found(text, parts)
    client.force_login(staff.iro_manager)
    page = client.get(reverse("report_summary", args=[YEAR.label]))
    assert page.status_code == 200
    assert not names_found(page.content.decode(), parts - {"mona", "greyfriar"})


@time_machine.travel(SEEN_ON, tick=False)
def test_the_summary_is_a_tagged_a4_pdf_of_about_six_pages_in_the_seeds_order(staff):
    build_authority(staff, 12)
    found = summary.build_summary(YEAR.label)
    content = summary.render(found, "pdf")[0]
    assert 4 <= pdf_pages(content) <= 8
    text = pdf_text(content)
    headings = [
        "What an IRO does",
        "Children on child protection plans",
        "Meetings on time",
        "The child's journey",
        "When IROs have worries",
        "How are we doing?",
        "What people told us",
        "What needs to be done next",
        "Other languages and formats",
    ]
    places = [text.replace("’", "'").index(heading) for heading in headings]
    assert places == sorted(places)


def test_the_summarys_own_words_read_as_plain_language():
    words = [
        *summary.ROLE_OF_THE_IRO,
        *(text for _, text in summary.JOURNEY),
        summary.HAVE_YOUR_SAY,
        summary.WORRIES,
        summary.OTHER_FORMATS,
    ]
    for text in words:
        result = plain_language.check(text)
        assert result.level in (plain_language.GOOD, plain_language.SHORT, plain_language.FAIR), (
            text,
            result.reading_ease,
        )


@time_machine.travel("2026-12-02", tick=False)
def test_a_year_not_over_is_a_provisional_summary_and_a_year_not_begun_is_refused(staff, client):
    found = summary.build_summary("2026-27")
    assert found.report.provisional
    html = summary.render(found, "html")[0]
    assert "Provisional: year to date, as at 2 December 2026" in html
    # A plan today is not one "on 31 March"; the year before is read to the same day.
    assert found.figures["children_on_plan_at_period_end"].label == (
        "Children on a child protection plan on 2 December"
    )
    assert "on 31 March" not in html and "in the year" not in html
    assert (found.this_column, found.previous_column) == ("2026-27 to 2 Dec", "2025-26 to 2 Dec")
    assert "beside the same months of 2025-26" in html
    client.force_login(staff.senior_manager)
    refused = client.get(reverse("report_summary", args=["2027-28"]))
    assert refused.status_code == 404
    assert "There is no report yet for 2027-28" in refused.content.decode()
    with pytest.raises(CommandError) as error:
        call_command("report", "summary", "--period", "2027-28", "--format", "json")
    assert error.value.returncode == 2


@time_machine.travel(SEEN_ON, tick=False)
def test_the_command_writes_the_summary_and_refuses_what_it_cannot_do(staff, tmp_path, capsys):
    build_authority(staff, 3)
    call_command("report", "summary", "--period", "2018-19", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "summary"
    out = tmp_path / "summary.pdf"
    call_command("report", "summary", "--period", "2018-19", "--format", "pdf", "--output", out)
    assert out.read_bytes().startswith(b"%PDF")
    for args, message in [
        (["--format", "xlsx"], "pdf, html or json"),
        (["--team", "Moorside Safeguarding Team"], "whole service"),
        (["--format", "pdf"], "--output"),
    ]:
        with pytest.raises(CommandError) as error:
            call_command("report", "summary", "--period", "2018-19", *args)
        assert error.value.returncode == 2
        assert message in str(error.value)


@time_machine.travel(SEEN_ON, tick=False)
def test_every_report_reader_may_read_and_download_the_summary_and_others_are_refused(
    staff, client
):
    build_authority(staff, 3)
    client.force_login(staff.analyst)
    page = client.get(reverse("report_summary", args=["2018-19"]))
    assert page.status_code == 200
    assert "Annual report summary 2018-19" in page.content.decode()
    pdf = client.get(reverse("report_summary_download", args=["2018-19", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(staff.social_worker)
    assert client.get(reverse("report_summary", args=["2018-19"])).status_code == 403
