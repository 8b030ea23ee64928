"""Fixtures for the census tests: small XML files written on the fly, and the shared
reference files (schemas, the community validator's samples) when ../shared exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "reference"
SCHEMAS = SHARED / "cin-census-schema"
SAMPLES = SHARED / "cin-census-samples"


def reference_dir(path: Path) -> Path:
    """`path` under ../shared/reference; skipped with a reason where it is absent, except
    in CI (CI=true), where the reference files must be there."""
    if not path.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{path} is missing; CI must run the census tests against it")
        pytest.skip(f"{path} is not here (the shared reference files are outside the repo)")
    return path


@pytest.fixture
def schemas() -> Path:
    return reference_dir(SCHEMAS)


@pytest.fixture
def samples() -> Path:
    return reference_dir(SAMPLES)


@pytest.fixture
def census_file(tmp_path):
    """Write XML text (or bytes) to a file and return its path."""
    counter = iter(range(1000))

    def write(content: str | bytes, name: str | None = None) -> Path:
        path = tmp_path / (name or f"census-{next(counter)}.xml")
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write
