"""Sleeping a duration on an injected clock (:mod:`iamport_async.clock`)."""

from __future__ import annotations

from iamport_async.clock import Clock


async def sleep_for(clock: Clock, seconds: float) -> None:
    """Sleep ``seconds`` on ``clock``."""
    await clock.sleep_until(clock.monotonic() + seconds)
