"""``python -m benchmarks``: the report benchmark; ``python -m benchmarks load [...]``: the
load benchmark (``benchmarks/load_bench.py``, the served demo under simulated users). The
census one is ``benchmarks/census_bench.py``; ``make bench`` runs the report and census
ones."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        from benchmarks.load_bench import main as load

        load(sys.argv[2:])
    else:
        from benchmarks.report_bench import main

        main()
