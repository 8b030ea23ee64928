"""``python -m benchmarks``: the report benchmark (the census one is
``benchmarks/census_bench.py``; ``make bench`` runs both)."""

from __future__ import annotations

from benchmarks.report_bench import main

if __name__ == "__main__":
    main()
