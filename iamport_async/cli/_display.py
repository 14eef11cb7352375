"""Progress and the summary table: with ``rich`` when it is installed (the ``cli`` extra),
as plain lines otherwise, so that the command works from a bare install and in cron logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import IO, Any, Protocol

from iamport_async.reconcile import Progress, Summary


class Display(Protocol):
    def start(self, label: str, total: int | None) -> None: ...
    def update(self, progress: Progress) -> None: ...
    def stop(self) -> None: ...
    def table(self, title: str, rows: Sequence[tuple[str, str]], out: IO[str]) -> None: ...


def summary_rows(summary: Summary) -> list[tuple[str, str]]:
    """Counts per outcome (those that occurred, and always ``matched``), then the money."""
    rows = [
        (outcome.value, f"{count:,}")
        for outcome, count in summary.counts.items()
        if count or outcome.value == "matched"
    ]
    rows += [
        ("orders", f"{summary.total:,}"),
        ("expected amount", f"{summary.expected:,}"),
        ("paid amount (found)", f"{summary.actual:,}"),
        ("refunded (found)", f"{summary.refunded:,}"),
    ]
    return rows


def make_display(plain: bool = False, stream: IO[str] | None = None) -> Display:
    """A rich display on ``stream`` (stderr) when rich is installed and ``plain`` is False."""
    stream = stream or sys.stderr
    if not plain:
        try:
            return RichDisplay(stream)
        except ImportError:
            pass
    return PlainDisplay(stream)


class PlainDisplay:
    """A line every few seconds: readable in a log file, silent for short runs."""

    def __init__(self, stream: IO[str], every: float = 5.0) -> None:
        self._stream = stream
        self._every = every
        self._last = 0.0
        self._label = ""

    def start(self, label: str, total: int | None) -> None:
        self._label = label
        self._last = time.monotonic()

    def update(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last < self._every:
            return
        self._last = now
        of = f"/{progress.total:,}" if progress.total is not None else ""
        eta = f", ETA {progress.eta:.0f} s" if progress.eta is not None else ""
        self._stream.write(
            f"{self._label}: {progress.done:,}{of} orders, {progress.rate:,.0f}/s{eta}\n"
        )
        self._stream.flush()

    def stop(self) -> None:
        pass

    def table(self, title: str, rows: Sequence[tuple[str, str]], out: IO[str]) -> None:
        width = max((len(name) for name, _ in rows), default=0)
        out.write(f"{title}\n")
        for name, value in rows:
            out.write(f"  {name:<{width}}  {value:>14}\n")
        out.flush()


class RichDisplay:
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
            console=self._console,
            transient=False,
        )
        self._task: Any = None

    def start(self, label: str, total: int | None) -> None:
        self._bar.start()
        self._task = self._bar.add_task(label, total=total, rate="")

    def update(self, progress: Progress) -> None:
        self._bar.update(self._task, completed=progress.done, rate=f"{progress.rate:,.0f}/s")

    def stop(self) -> None:
        self._bar.stop()

    def table(self, title: str, rows: Sequence[tuple[str, str]], out: IO[str]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        table.add_column("")
        table.add_column("", justify="right")
        for name, value in rows:
            table.add_row(name, value)
        Console(file=out).print(table)
