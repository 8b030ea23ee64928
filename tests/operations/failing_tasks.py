"""Tasks for the worker's tests, importable by the worker as any task is."""

from __future__ import annotations

from iro.operations.background import background


class PrinterJammed(Exception):
    pass


@background(attempts=3, backoff_seconds=0, retry_on=(PrinterJammed,))
def always_fails(record_id: int, *, attempt: int) -> None:
    raise PrinterJammed(f"jammed on try {attempt} for record {record_id}")


@background(attempts=3, backoff_seconds=0, retry_on=(PrinterJammed,))
def refuses_for_good(record_id: int) -> None:
    raise ValueError("not worth another try")
