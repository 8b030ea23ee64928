"""``python -m benchmarks``: the report benchmark; ``python -m benchmarks load [...]``: the
load benchmark (``benchmarks/load_bench.py``, the served demo under simulated users);
``python -m benchmarks plans [...]``: the list pages' and reports' query plans
(``benchmarks/query_plans.py``). The
census one is ``benchmarks/census_bench.py``; ``make bench`` runs the report and census
ones."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        from benchmarks.load_bench import main as load

        load(sys.argv[2:])
    elif sys.argv[1:2] == ["plans"]:
        from benchmarks.query_plans import main as plans

        plans(sys.argv[2:])
    else:
        from benchmarks.report_bench import main

        main()
