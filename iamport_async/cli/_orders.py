"""Reading the merchant's orders from CSV or JSON Lines, one bad row at a time.

A bad row (no id, an amount that is not a number, bytes that are not UTF-8) is reported with
its line number and skipped: one typo must not stop a night's reconciliation. A file that
cannot be read at all, or a CSV without the columns needed, is an input error.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import attrs

from iamport_async import _json
from iamport_async.errors import InvalidInputError
from iamport_async.reconcile import Order

COLUMNS = ("imp_uid", "merchant_uid", "amount", "status", "currency", "cancel_amount")
"""What an order row may carry; ``amount`` and one of the ids are required."""


class InputFileError(Exception):
    """The file cannot be reconciled at all (missing, unknown format, no usable header)."""


@attrs.frozen
class BadRow:
    """A row that could not become an :class:`Order`, and why."""

    line: int
    problem: str


def file_format(path: str) -> str:
    """``csv`` or ``jsonl``, by the file name's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise InputFileError(f"{path}: expected a .csv or .jsonl file")


def count_rows(path: str) -> int:
    """Data rows, roughly (non-blank lines, less a CSV header): enough for an ETA."""
    with open(path, "rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(lines - 1, 0) if file_format(path) == "csv" else lines


class OrderFile:
    """The orders of one file, read lazily; bad rows go to ``on_bad`` as they are met."""

    def __init__(self, path: str, on_bad: Callable[[BadRow], None]) -> None:
        self.path = path
        self.format = file_format(path)
        self._on_bad = on_bad
        try:
            self._handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed by close())
        except OSError as error:
            raise InputFileError(f"{path}: {error.strerror}") from None
        self._header: list[str] | None = None
        if self.format == "csv":
            self._rows = csv.reader(self._lines())
            try:
                self._header = self._read_header()
            except InputFileError:
                self._handle.close()
                raise

    def close(self) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[Order]:
        rows = self._csv_rows() if self.format == "csv" else self._jsonl_rows()
        for line, fields in rows:
            try:
                yield to_order(fields, line)
            except (InvalidInputError, _RowError) as error:
                self._on_bad(BadRow(line, str(error)))

    # -- CSV --------------------------------------------------------------------------------

    def _lines(self) -> Iterator[str]:
        """Lines decoded one by one: undecodable bytes are kept as surrogates and the row
        holding them is refused, instead of the whole file."""
        for number, raw in enumerate(self._handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield raw.decode("utf-8", errors="surrogateescape")

    def _read_header(self) -> list[str]:
        try:
            header = next(self._rows)
        except StopIteration:
            raise InputFileError(f"{self.path}: empty file") from None
        except csv.Error as error:
            raise InputFileError(f"{self.path}: line 1: {error}") from None
        header = [name.strip().lower() for name in header]
        if "amount" not in header or not {"imp_uid", "merchant_uid"} & set(header):
            raise InputFileError(
                f"{self.path}: the header needs 'amount' and 'imp_uid' or 'merchant_uid' "
                f"(columns: {', '.join(COLUMNS)})"
            )
        return header

    def _csv_rows(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        assert self._header is not None
        while True:
            try:
                row = next(self._rows)
            except StopIteration:
                return
            except csv.Error as error:
                self._on_bad(BadRow(self._rows.line_num, f"not valid CSV: {error}"))
                continue
            line = self._rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if _undecodable(row):
                self._on_bad(BadRow(line, "not valid UTF-8"))
                continue
            if len(row) != len(self._header):
                self._on_bad(BadRow(line, f"{len(row)} fields, the header has {len(self._header)}"))
                continue
            yield line, dict(zip(self._header, row, strict=True))

    # -- JSON Lines -------------------------------------------------------------------------

    def _jsonl_rows(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        for line, raw in enumerate(self._handle, start=1):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8-sig" if line == 1 else "utf-8")
            except UnicodeDecodeError:
                self._on_bad(BadRow(line, "not valid UTF-8"))
                continue
            try:
                record = _json.loads(text)
            except json.JSONDecodeError as error:
                self._on_bad(BadRow(line, f"not valid JSON: {error.msg}"))
                continue
            if not isinstance(record, dict):
                self._on_bad(BadRow(line, "not a JSON object"))
                continue
            yield line, record


class _RowError(ValueError):
    pass


def _undecodable(row: Iterable[str]) -> bool:
    return any(any("\udc80" <= char <= "\udcff" for char in cell) for cell in row)


def to_order(fields: Mapping[str, Any], line: int) -> Order:
    """One row as an :class:`Order` whose ``ref`` is its line number."""

    def text(name: str) -> str | None:
        value = fields.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _RowError(f"{name}: must be a string")
        return value.strip() or None

    imp_uid, merchant_uid = text("imp_uid"), text("merchant_uid")
    if imp_uid is None and merchant_uid is None:
        raise _RowError("no imp_uid and no merchant_uid")
    return Order(
        amount=_money("amount", fields.get("amount")),
        imp_uid=imp_uid,
        merchant_uid=merchant_uid,
        status=text("status") or "paid",
        currency=text("currency"),
        cancel_amount=_optional_money("cancel_amount", fields.get("cancel_amount")),
        ref=line,
    )


def _money(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise _RowError(f"{name}: missing")
    if isinstance(value, float):  # json.loads gives Decimal; a float here is a bug upstream
        raise _RowError(f"{name}: must not be a float")
    if not isinstance(value, int | str | Decimal):
        raise _RowError(f"{name}: must be a number")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise _RowError(f"{name}: {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise _RowError(f"{name}: {value!r} is not an amount")
    return amount


def _optional_money(name: str, value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _money(name, value)
