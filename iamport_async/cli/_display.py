"""Progress and the summary table: with ``rich`` when it is installed (the ``cli`` extra),
as plain lines otherwise, so that the command works from a bare install and in cron logs."""

from __future__ import annotations

import abc
import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from iamport_async.reconcile import Progress, Summary

Row = tuple[str, ...]

MEANINGS = {
    "matched": "agrees with i'mport",
    "amount_differs": "i'mport has another amount",
    "status_differs": "i'mport has another status",
    "refund_differs": "i'mport has another refund",
    "refunded_partly": "partly refunded; the order says not",
    "currency_differs": "i'mport has another currency",
    "other_order": "the imp_uid is another order's",
    "duplicate": "id seen earlier in the orders",
    "unknown": "no such payment at i'mport",
    "lookup_failed": "not checked: the lookup failed",
}
"""What each outcome means, beside its count, so that a table explains itself."""


class Display(abc.ABC):
    """Progress while a command runs, then tables laid out once (numbers right, text left)
    and drawn by each kind its own way."""

    @abc.abstractmethod
    def start(self, label: str, total: int | None) -> None: ...
    @abc.abstractmethod
    def update(self, progress: Progress, activity: str = "") -> None: ...
    @abc.abstractmethod
    def stop(self) -> None: ...

    def table(
        self,
        title: str,
        rows: Sequence[Row],
        out: IO[str],
        headers: Sequence[str] | None = None,
    ) -> None:
        """``rows`` under ``title`` (and ``headers``) on ``out``: numbers right, text left."""
        columns = max((len(row) for row in rows), default=0)
        right = [_right(rows, c) for c in range(columns)]
        self._draw(title, rows, out, tuple(headers or ()), right)

    @abc.abstractmethod
    def _draw(
        self, title: str, rows: Sequence[Row], out: IO[str], headers: Row, right: list[bool]
    ) -> None: ...


def summary_rows(summary: Summary, notes: Mapping[str, str] | None = None) -> list[Row]:
    """Orders per outcome (those that occurred, and always ``matched``) with what each
    means; ``notes`` replaces a meaning (by outcome value) where the caller knows more."""
    meanings = {**MEANINGS, **(notes or {})}
    rows: list[Row] = [
        (outcome.value, f"{count:,}", meanings.get(outcome.value, ""))
        for outcome, count in summary.counts.items()
        if count or outcome.value == "matched"
    ]
    rows.append(("orders", f"{summary.total:,}", "in all"))
    return rows


SUMMARY_HEADERS = ("outcome", "orders", "meaning")


def money_rows(summary: Summary) -> list[Row]:
    """The sums of money, in the currency's units."""
    return [
        ("expected amount", f"{summary.expected:,}", "the orders' amounts"),
        ("paid amount (found)", f"{summary.actual:,}", "the payments found"),
        ("refunded (found)", f"{summary.refunded:,}", "refunded from those payments"),
    ]


MONEY_HEADERS = ("sum", "amount", "of")


def _is_number(text: str) -> bool:
    return bool(text) and all(c.isdigit() or c in ",.-" for c in text)


def _right(rows: Sequence[Row], column: int) -> bool:
    """Numbers are right-aligned, text left: per column, as a person lines figures up."""
    cells = [row[column] for row in rows if column < len(row)]
    return bool(cells) and all(_is_number(cell) or cell == "-" for cell in cells)


def make_display(plain: bool = False, stream: IO[str] | None = None) -> Display:
    """A rich display on ``stream`` (stderr) when rich is installed and ``plain`` is False."""
    target = stream if stream is not None else sys.stderr
    if not plain:
        try:
            return RichDisplay(target)
        except ImportError:
            pass
    return PlainDisplay(target)


class PlainDisplay(Display):
    """A line every few seconds, and the last one at the end: readable in a log file."""

    def __init__(self, stream: IO[str], every: float = 5.0) -> None:
        self._stream = stream
        self._every = every
        self._last = 0.0
        self._label = ""
        self._unwritten = ""

    def start(self, label: str, total: int | None) -> None:
        self._label = label
        self._last = time.monotonic()

    def update(self, progress: Progress, activity: str = "") -> None:
        of = f"/{progress.total:,}" if progress.total is not None else ""
        eta = f", ETA {progress.eta:.0f} s" if progress.eta is not None else ""
        also = f"; {activity}" if activity else ""
        self._unwritten = (
            f"{self._label}: {progress.done:,}{of} orders, {progress.rate:,.0f}/s{eta}{also}\n"
        )
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._write()

    def _write(self) -> None:
        self._stream.write(self._unwritten)
        self._stream.flush()
        self._unwritten = ""

    def stop(self) -> None:
        """The last progress line, so that a log ends with where the run got to."""
        if self._unwritten:
            self._write()

    def _draw(
        self, title: str, rows: Sequence[Row], out: IO[str], headers: Row, right: list[bool]
    ) -> None:
        lines = [headers] if headers else []
        widths = [
            max((len(row[c]) for row in [*lines, *rows] if c < len(row)), default=0)
            for c in range(len(right))
        ]

        def line(row: Row) -> str:
            cells = [
                f"{cell:>{widths[c]}}" if right[c] else f"{cell:<{widths[c]}}"
                for c, cell in enumerate(row)
            ]
            return ("  " + "  ".join(cells)).rstrip() + "\n"

        out.write(f"{title}\n")
        if headers:
            out.write(line(tuple(headers)))
            out.write(line(tuple("-" * width for width in widths[: len(headers)])))
        for row in rows:
            out.write(line(row))
        out.flush()


class RichDisplay(Display):
    """A rich progress bar (count, rate, ETA) and rich tables."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self._console = Console(file=stream)
        self._bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[activity]}"),
            console=self._console,
            transient=False,
        )
        self._task: Any = None

    def start(self, label: str, total: int | None) -> None:
        self._bar.start()
        self._task = self._bar.add_task(label, total=total, rate="", activity="")

    def update(self, progress: Progress, activity: str = "") -> None:
        rate = f"{progress.rate:,.0f}/s"
        self._bar.update(self._task, completed=progress.done, rate=rate, activity=activity)

    def stop(self) -> None:
        self._bar.stop()

    def _draw(
        self, title: str, rows: Sequence[Row], out: IO[str], headers: Row, right: list[bool]
    ) -> None:
        from rich import box
        from rich.console import Console
        from rich.table import Table

        names = list(headers) + [""] * (len(right) - len(headers))
        table = Table(
            title=title,
            title_justify="left",
            show_header=bool(headers),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        for column, name in enumerate(names):
            numbers = column < len(right) and right[column]
            table.add_column(name, justify="right" if numbers else "left", no_wrap=not numbers)
        for row in rows:
            table.add_row(*row)
        Console(file=out).print(table)
