"""A quote with a family member's name is refused at approval and never reaches any
format of any report; what the manager approves instead appears, attributed by role."""

from __future__ import annotations

import io
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from iro.challenge import services
from iro.children.models import FamilyMember
from iro.reports import builders
from iro.reports.renderers.formats import FORMATS, render
from tests.challenge.factories import FeedbackFactory
from tests.factories import ChildFactory, ConferenceChildFactory, ConferenceFactory, FamilyFactory

pytestmark = pytest.mark.django_db

RAW = "Sara Alnworth, mother of Aarav, said the meeting helped."
APPROVED = "A mother said the meeting helped her understand the worries."
NAMES = ("Sara", "Alnworth", "Aarav")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield


@pytest.fixture
def quotes(staff):
    family = FamilyFactory(name="Alnworth family")
    child = ChildFactory(first_name="Aarav", last_name="Alnworth", family=family, team=staff.team)
    FamilyMember.objects.create(family=family, name="Sara Alnworth", relationship="mother")
    conference = ConferenceFactory(held_on=date(2025, 6, 2), chair=staff.iro)
    ConferenceChildFactory(conference=conference, child=child)
    given = FeedbackFactory(
        conference=conference, text=RAW, respondent="parent_or_carer", rating_plan_clear=4
    )
    # The same words given again, left awaiting approval: never printed either.
    FeedbackFactory(conference=conference, text=RAW, respondent="parent_or_carer")
    with pytest.raises(ValidationError):
        services.approve_quote(feedback=given, wording=RAW, acting_user=staff.iro_manager)
    services.approve_quote(feedback=given, wording=APPROVED, acting_user=staff.iro_manager)
    services.feature_quote(feedback=given, featured=True, acting_user=staff.iro_manager)
    return given


def text_of(report, fmt: str) -> str:
    content, _ = render(report, fmt)
    if fmt == "pdf":
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "report.pdf"
            pdf.write_bytes(content)
            done = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
            )
            return " ".join(done.stdout.decode().split())
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content


REPORTS = [("annual", "2025-26"), ("quarterly", "2025-26-Q1"), ("monthly", "2025-06")]


@pytest.mark.parametrize(("kind", "label"), REPORTS)
def test_no_format_of_any_report_holds_the_refused_words(quotes, kind, label):
    report = builders.build_report(kind, builders.timescales.parse_period(kind, label))
    for fmt in FORMATS:
        text = text_of(report, fmt)
        for name in NAMES:
            assert name not in text, (kind, fmt, name)
        if kind == "annual" and fmt != "csv":  # the CSV is figures only
            assert "A mother said the meeting helped" in text, fmt
            assert "A parent or carer" in text, fmt
    # Every format has the feedback as figures: two pieces from a parent or carer, and
    # the one rating given.
    assert 'feedback_received,"Feedback received, by who gave it",Parent or carer,2,' in (
        text_of(report, "csv")
    )
    assert "feedback_rating,The plan is clear,average,4.0," in text_of(report, "csv")
    assert report.as_json()["measures"]["feedback_received"]["parent_or_carer"] == 2
    assert "4.0 out of 5 (1 answer)" in text_of(report, "pdf")


@pytest.mark.parametrize(("kind", "label"), REPORTS)
@pytest.mark.parametrize("who", ["iro_manager", "analyst"])
def test_the_report_page_holds_none_of_them_either(client, staff, quotes, kind, label, who):
    client.force_login(getattr(staff, who))
    page = client.get(reverse("report", kwargs={"kind": kind, "label": label}))
    assert page.status_code == 200
    html = page.content.decode()
    for name in NAMES:
        assert name not in html, name
    assert ("A mother said the meeting helped" in html) == (kind == "annual")
    assert "Feedback received, by who gave it" in html


def test_a_name_recorded_anywhere_after_approval_is_screened_from_the_published_quote(
    staff, quotes
):
    wording = "The chair listened. daisy alnby felt heard."
    services.approve_quote(feedback=quotes, wording=wording, acting_user=staff.iro_manager)
    ChildFactory(first_name="Daisy", last_name="Alnby", team=staff.other_team)  # recorded later
    report = builders.build_report("annual", builders.timescales.parse_period("annual", "2025-26"))
    published = text_of(report, "json")
    assert "The chair listened. [name] [name] felt heard." in published
    assert "daisy" not in published.lower()
