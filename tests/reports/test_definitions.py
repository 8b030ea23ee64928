"""Every report ends with each measure in plain words, read from the package's own file."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from iro.reports import builders, definitions
from iro.reports.measures import MEASURES
from iro.reports.renderers import document, spreadsheet
from tests.reports.conftest import YEAR, build_authority

pytestmark = pytest.mark.django_db


def test_every_measure_has_a_definition_in_plain_words():
    known = definitions.definitions()
    missing = [key for key in MEASURES if not known.get(key)]
    assert missing == []


def test_a_definition_is_the_paragraphs_under_its_heading():
    text = "# Title\n\nIntro.\n\n## alpha\n\nFirst line\nwrapped.\n\nSecond.\n\n## beta\nOne.\n"
    assert definitions.parse(text) == {"alpha": "First line wrapped.\n\nSecond.", "beta": "One."}


def test_the_docs_point_to_the_one_source():
    from pathlib import Path

    docs = Path(__file__).parents[2] / "docs" / "measures.md"
    assert "src/iro/reports/definitions.md" in docs.read_text()


@pytest.fixture
def report(staff):
    build_authority(staff, 2)
    return builders.build_report("monthly", builders.timescales.parse_period("monthly", "2018-06"))


def test_each_report_carries_the_definitions_of_its_measures_in_order(report):
    assert [key for key, _ in report.definitions] == list(report.measures)
    assert dict(report.definitions)["plans_started"] == (
        "The number of child protection plans that started in the period."
    )


def test_the_json_carries_the_definitions(report):
    entry = report.as_json()["sections"]["definitions"][2]
    assert entry == {
        "measure": "plans_started",
        "label": "Plans started",
        "definition": "The number of child protection plans that started in the period.",
    }


def test_the_spreadsheet_has_a_definitions_sheet(report):
    book = load_workbook(io.BytesIO(spreadsheet.render_xlsx(report)))
    rows = list(book["Definitions"].iter_rows(values_only=True))
    assert rows[0] == ("measure", "label", "definition")
    assert rows[3][:2] == ("plans_started", "Plans started")
    assert len(rows) == len(MEASURES) + 1


def test_the_printable_document_ends_with_the_appendix(report):
    html = document.render_html(report)
    appendix = html[html.index("<h2>What each measure means</h2>") :]
    assert 'Plans started <span class="key">(plans_started)</span>' in appendix
    assert "The number of child protection plans that started in the period." in appendix


def test_the_page_ends_with_the_appendix(client, staff):
    client.force_login(staff.senior_manager)
    page = client.get(f"/reports/annual/{YEAR.label}/").content.decode()
    appendix = page[page.index('id="definitions"') :]
    assert "(reviews_on_time)" in appendix
    assert "had every review on time" in appendix
