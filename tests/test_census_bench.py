"""The census benchmark's command line (``benchmarks/census_bench.py``)."""

from __future__ import annotations

import sys

import pytest
from benchmarks import census_bench


@pytest.mark.parametrize("runs", ["0", "-2"])
def test_the_benchmark_refuses_fewer_than_one_first_import_before_any_work(
    runs, monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(sys, "argv", ["census_bench.py", "--import-runs", runs,
                                      "--keep", str(tmp_path), "--no-community"])  # fmt: skip
    with pytest.raises(SystemExit) as stopped:
        census_bench.main()
    assert stopped.value.code == 2
    assert f"--import-runs must be 1 or more, not {runs}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no file generated
