"""The sync form of :class:`iamport_async.reconcile.Reconciliation`: a ``with`` block.

The async reconciliation runs on the loop, in one task that enters, iterates and leaves it;
results come to the caller through a bounded buffer. Orders from a generator or a cursor
are read in the caller's thread (a Django queryset in the thread owning its connection).
``on_progress`` is called in the caller's thread too, when the caller asks for the next
result after the ones it counts, as on the async client; ``summary`` counts the results the
caller has read.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import attrs

from iamport_async.reconcile import Progress, Reconciliation, Result, Summary
from iamport_async.sync._blocks import Feed, _Block

if TYPE_CHECKING:
    from iamport_async.sync._client import Client


class _Report:
    """A progress report on its way to the caller's thread."""

    __slots__ = ("progress",)

    def __init__(self, progress: Progress) -> None:
        self.progress = progress


class ReconciliationBase:
    """What the generated ``Reconciliation`` runs on: its constructor is the async one's."""

    def __init__(self, client: Client, arguments: dict[str, Any]) -> None:
        feed = Feed()
        arguments["orders"] = feed.of(arguments["orders"])
        self._hook: Callable[[Progress], None] | None = arguments.get("on_progress")
        if self._hook is not None:
            arguments["on_progress"] = self._reported
        link = client._link
        self._async = Reconciliation(link.client(), **arguments)
        self.summary = Summary()
        """Counts per outcome and money totals of the results read so far."""
        self.total: int | None = self._async.total
        """How many orders there are, if it was given (or the input is a list)."""
        self._block: _Block[Result | _Report] = _Block(link, self._async, feed, iterate=True)

    def _reported(self, progress: Progress) -> None:  # on the loop
        channel = self._block.channel
        if channel is not None:
            channel.push(_Report(progress))

    def __enter__(self) -> Self:
        self._block.enter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._block.leave()

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Result:
        while True:
            item = next(self._block)
            if isinstance(item, _Report):
                if self._hook is not None:
                    self._hook(self._as_read(item.progress))
                continue
            self.summary.add(item)
            return item

    def progress(self) -> Progress:
        """Where the run stands now (the results read so far)."""
        return self._as_read(self._async.progress())

    def _as_read(self, progress: Progress) -> Progress:
        return attrs.evolve(progress, done=self.summary.total, summary=self.summary)
