"""The fingerprint of the code a process runs: reports are kept under it, and the worker
says in its heartbeat which code it runs."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the project's Python code: a deployment that changes how any figure is
    computed or drawn never serves a report built by the code before it."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
