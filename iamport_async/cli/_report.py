"""The reconciliation report: one row per order (and per bad row), CSV or JSON Lines.

The last line is always a trailer saying whether the report is complete or partial (the run
was interrupted): a report without a trailer was cut short by something harsher (a kill, a
full disk) and is partial too.
"""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from iamport_async.cli._orders import BadRow
from iamport_async.reconcile import Result

FIELDS = (
    "line",
    "outcome",
    "imp_uid",
    "merchant_uid",
    "expected_amount",
    "amount",
    "cancel_amount",
    "expected_status",
    "status",
    "currency",
    "reason",
)
BAD_ROW = "bad_row"


def result_row(result: Result) -> dict[str, Any]:
    order, payment = result.order, result.payment
    return {
        "line": order.ref,
        "outcome": result.outcome.value,
        "imp_uid": payment.imp_uid if payment else order.imp_uid,
        "merchant_uid": payment.merchant_uid if payment else order.merchant_uid,
        "expected_amount": order.amount,
        "amount": payment.amount if payment else None,
        "cancel_amount": payment.cancel_amount if payment else None,
        "expected_status": order.status,
        "status": str(payment.status) if payment else None,
        "currency": payment.currency if payment else order.currency,
        "reason": result.reason,
    }


def bad_row(bad: BadRow) -> dict[str, Any]:
    return {"line": bad.line, "outcome": BAD_ROW, "reason": bad.problem}


class ReportWriter:
    """Writes rows as they come; :meth:`finish` adds the trailer and closes the file."""

    def __init__(self, path: str | None) -> None:
        """``path`` ending in ``.jsonl``/``.ndjson`` gives JSON Lines, anything else CSV;
        None writes CSV to stdout."""
        self.rows = 0
        self.format = "csv"
        if path is not None and Path(path).suffix.lower() in (".jsonl", ".ndjson"):
            self.format = "jsonl"
        self._owned = path is not None
        self._stream: IO[str] = (
            open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by finish())
            if path is not None
            else sys.stdout
        )
        self._csv: Any = None
        if self.format == "csv":
            self._csv = csv.DictWriter(self._stream, FIELDS, lineterminator="\n")
            self._csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if self._csv is not None:
            self._csv.writerow({k: "" if v is None else v for k, v in row.items()})
        else:
            self._stream.write(json.dumps(_jsonable(row), ensure_ascii=False) + "\n")

    def finish(self, *, complete: bool, orders: int, bad_rows: int) -> None:
        """The trailer, then close: ``complete`` False marks an interrupted run."""
        state = "complete" if complete else "partial"
        if self._csv is not None:
            note = "" if complete else "; interrupted, orders not listed were not reconciled"
            self._stream.write(f"# {state}: {orders} orders, {bad_rows} bad rows{note}\n")
        else:
            trailer = {"trailer": state, "orders": orders, "bad_rows": bad_rows}
            self._stream.write(json.dumps(trailer) + "\n")
        self._stream.flush()
        if self._owned:
            self._stream.close()


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    """Amounts as JSON numbers when whole (exact), as strings otherwise (no float)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None:
            continue
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else str(value)
        out[key] = value
    return out
