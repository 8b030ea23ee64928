"""The peak resident memory of this process's program, for the benchmarks' children."""

from __future__ import annotations

import resource


def peak_rss_kib() -> int:
    """The peak resident size since this program started, in KiB: Linux's ``VmHWM``,
    which starts afresh when a process runs a new program, where ``ru_maxrss`` keeps the
    peak of the process it was forked from (a benchmark's parent that had grown to 90 MiB
    made every child report at least 90 MiB). ``ru_maxrss`` where there is no /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
