"""Small helpers for the tests of the challenge pages."""

from __future__ import annotations

import re
from datetime import date

from django.utils.html import escape


def date_data(name: str, d: date) -> dict[str, str]:
    """A date as the GOV.UK date input posts it."""
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def html(response) -> str:
    return response.content.decode()


def shows(response, text: str) -> bool:
    """The page shows ``text`` (as the template escapes it)."""
    return escape(text) in html(response)


def error_summary_links(response) -> list[str]:
    """The anchors the GOV.UK error summary links to, in order."""
    body = html(response)
    if "govuk-error-summary" not in body:
        return []
    summary = body.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)
