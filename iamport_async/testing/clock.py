"""A virtual clock for tests: sleeping jumps time forward instead of waiting."""

from __future__ import annotations

import heapq
import itertools

import anyio.lowlevel

_SETTLE_ROUNDS = 10
"""Scheduler rounds a sleeper waits, as the earliest one, before it moves time: enough for the
other runnable tasks to reach their own sleeps, so that concurrent sleepers wake in order."""


class VirtualClock:
    """Monotonic time that only moves when someone sleeps on it or calls :meth:`advance`.

    ``sleep_until(t)`` moves the clock to ``t`` and returns, so code that waits on timers
    (backoff, token expiry, rate limits) runs instantly in tests while still seeing the time it
    asked for pass. Concurrent sleepers wake in the order of their deadlines, each seeing the
    clock at its own deadline, as they would on a real clock.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        """The current time, in seconds; only sleeping and :meth:`advance` move it."""
        self._sleepers: list[tuple[float, int]] = []
        self._tickets = itertools.count()

    def monotonic(self) -> float:
        """The current time (the clock interface's reading)."""
        return self.now

    async def sleep_until(self, deadline: float) -> None:
        """Wait until ``deadline``: the clock jumps there, with no real waiting, once every sleeper
        due earlier has woken."""
        if deadline <= self.now:
            await anyio.lowlevel.checkpoint()
            return
        entry = (deadline, next(self._tickets))
        heapq.heappush(self._sleepers, entry)
        try:
            rounds = 0
            while rounds < _SETTLE_ROUNDS:
                await anyio.lowlevel.checkpoint()
                rounds = rounds + 1 if self._sleepers[0] == entry else 0
        finally:
            self._sleepers.remove(entry)
            heapq.heapify(self._sleepers)
        self.now = max(self.now, deadline)

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds
