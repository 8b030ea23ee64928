"""The guide's script (docs/api.md), run as a council would run it: a separate Python
process with only the standard library, against a live server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iro.journey.models import ConferenceStatus
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def the_script() -> str:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


def test_the_guides_script_saves_the_report_and_records_the_review(
    case, staff, live_server, tmp_path
):
    script = tmp_path / "council_sync.py"
    script.write_text(the_script())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "IRO_URL": live_server.url,
        "IRO_TOKEN": token_for(staff.iro),
        "IRO_CHAIR": staff.iro.username,
    }
    done = subprocess.run(
        [sys.executable, "-I", str(script), "2026-04"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "iro-report-2026-04.json").read_text())
    assert report["period"]["label"] == "2026-04"
    assert "Recorded conference" in done.stdout
    case.review.refresh_from_db()
    assert case.review.status == ConferenceStatus.HELD
    assert case.review.children.get().worries.startswith("Whether the calmer home")
