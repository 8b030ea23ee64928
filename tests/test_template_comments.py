"""Django's {# #} comment is for one line: one that runs over lines is printed on the
page as text. Every template's longer comments use {% comment %}."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR).rglob("templates/**/*.html")) + sorted(
    Path(settings.BASE_DIR).rglob("templates/**/*.txt")
)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 100


def test_no_one_line_comment_runs_over_lines():
    unclosed = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert unclosed == []
