"""The report as one printable document: HTML, and a tagged PDF (PDF/UA-1) made from it.

The same sections, tables and charts as the web page (``presentation``), laid out for A4.
Charts are SVG images with their alt text, each followed by its data table, so the PDF's
structure tree gives every figure a text alternative. The document language is set.
The published edition has no by-chair table; every edition carries the report's words and
the definitions appendix.
"""

from __future__ import annotations

import base64
from dataclasses import replace

from django.conf import settings
from django.template.loader import render_to_string

from iro.reports import presentation
from iro.reports.builders import Report
from iro.reports.cache import cached_charts, cached_pdf
from iro.reports.management_lists import COUNTS_ONLY

PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "en-GB"


def context(report: Report) -> dict:
    charts = cached_charts(replace(report, management=[]))
    images = {
        key: "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()
        for key, chart in charts.items()
    }
    return {
        "report": report,
        "counts_only": COUNTS_ONLY
        if any(lst.named and lst.count and not lst.rows for lst in report.management)
        else None,
        "council_name": settings.COUNCIL_NAME,
        "language": LANGUAGE,
        "sections": presentation.laid_out(report, charts, images),
        "by_team": presentation.breakdown_rows(report.by_team),
        "by_chair": presentation.breakdown_rows(report.by_chair),
        "breakdown_columns": [title for _, title in presentation.BREAKDOWN_COLUMNS],
        "progress": presentation.progress_rows(report),
        "targets": presentation.target_rows(report),
        **presentation.words_and_definitions(report),
    }


def render_html(report: Report) -> str:
    return render_to_string("reports/document.html", context(report))


def render_pdf(report: Report) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) with its language and title set."""

    def make(html: str) -> bytes:
        from weasyprint import HTML  # imported here: loading it costs a second at start-up

        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)

    return cached_pdf(render_html(report), make)
