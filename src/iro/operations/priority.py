"""The background worker's CPU priority, below the web servers' on the same machine."""

from __future__ import annotations

import os


def lower_priority(niceness: int) -> int:
    """Run this process at ``niceness`` (at most 19) if it is not already that low, so
    the web servers on the same machine come first; returns the niceness it runs at.
    A priority once lowered is never raised here (only the administrator may)."""
    current = os.nice(0)
    if niceness > current:
        current = os.nice(min(niceness, 19) - current)
    return current
