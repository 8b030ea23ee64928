"""One entry point for every file format of a report."""

from __future__ import annotations

import json

from iro.reports.builders import Report

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def render(report: Report, fmt: str) -> tuple[str | bytes, str]:
    """The report in ``fmt`` and its content type. Raises KeyError for an unknown format."""
    content_type = CONTENT_TYPES[fmt]
    if fmt == "json":
        return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n", content_type
    if fmt == "csv":
        from iro.reports.renderers.tabular import render_csv

        return render_csv(report), content_type
    if fmt == "html":
        from iro.reports.renderers.document import render_html

        return render_html(report), content_type
    if fmt == "pdf":
        from iro.reports.renderers.document import render_pdf

        return render_pdf(report), content_type
    from iro.reports.renderers.spreadsheet import render_xlsx

    return render_xlsx(report), content_type
