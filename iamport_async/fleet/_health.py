"""Is Redis usable? One warning per outage, a probe now and then, and back when it answers."""

from __future__ import annotations

import logging

logger = logging.getLogger("iamport_async.fleet")


class Health:
    """Shared by the limiter and the token store of a backend, so an outage warns once.

    While Redis is down, callers use their local fallback and do not touch Redis; every
    ``retry_interval`` seconds one caller probes it. Times are readings of the caller's
    monotonic clock, passed in (the backend has no clock of its own).
    """

    def __init__(self, where: str, retry_interval: float) -> None:
        self._where = where
        self._retry_interval = retry_interval
        self._down = False
        self._probe_at = 0.0
        self.outages = 0
        """Times Redis went from usable to unusable."""
        self.recoveries = 0
        """Times it came back and the fleet was shared again."""

    @property
    def shared(self) -> bool:
        """``True`` while Redis is in use (the fleet shares one budget and one token)."""
        return not self._down

    def should_try(self, now: float) -> bool:
        """Whether to use Redis for this call; while down, ``True`` for one probe per
        interval (the others keep to the fallback meanwhile)."""
        if not self._down:
            return True
        if now < self._probe_at:
            return False
        self._probe_at = now + self._retry_interval
        return True

    def failed(self, now: float, error: BaseException) -> None:
        self._probe_at = now + self._retry_interval
        if self._down:
            return
        self._down = True
        self.outages += 1
        logger.warning(
            "Redis at %s is unavailable (%s): using a local rate limit and token until it "
            "answers again (retrying every %g s)",
            self._where,
            type(error.__cause__ or error).__name__,
            self._retry_interval,
        )

    def succeeded(self) -> None:
        if not self._down:
            return
        self._down = False
        self.recoveries += 1
        logger.info("Redis at %s answers again: shared rate limit and token resumed", self._where)
