"""Time, injected: the client never reads a clock or sleeps except through a ``Clock``.

``Iamport(clock=...)`` takes one; tests pass a
:class:`iamport_async.testing.clock.VirtualClock` so that token expiry, backoff and rate
limits run instantly and deterministically.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """A monotonic clock and a way to sleep until a point on it."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    async def sleep_until(self, deadline: float) -> None:
        """Return once ``monotonic() >= deadline`` (at once if it already is)."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic`` and anyio's sleep (asyncio and trio alike)."""

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep_until(self, deadline: float) -> None:
        await anyio.sleep(max(0.0, deadline - time.monotonic()))
