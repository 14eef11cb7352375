"""A virtual clock for tests: sleeping jumps time forward instead of waiting."""

from __future__ import annotations

import anyio.lowlevel


class VirtualClock:
    """Monotonic time that only moves when someone sleeps on it or calls :meth:`advance`.

    ``sleep_until(t)`` moves the clock to ``t`` (never backwards) and yields once, so code
    that waits on timers (backoff, token expiry, rate limits) runs instantly in tests while
    still seeing the time it asked for pass.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        return self.now

    async def sleep_until(self, deadline: float) -> None:
        self.now = max(self.now, deadline)
        await anyio.lowlevel.checkpoint()

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds
