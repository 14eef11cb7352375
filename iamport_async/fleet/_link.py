"""One account's line to Redis: what its rate limiter and its token store both go through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from iamport_async.clock import Clock
from iamport_async.fleet._connection import Arg, RedisConnection
from iamport_async.fleet._health import Health


@attrs.frozen
class RedisLink:
    """The backend's connection and health, an account's key namespace, and the clock of the
    client that bound it.

    The limiter and the token store of one binding share it, so both read Redis's health on
    the same clock and an outage seen by one is known to the other.
    """

    connection: RedisConnection
    health: Health
    clock: Clock
    namespace: str
    """``<prefix>:{<account hash>}``: the braces keep an account's keys in one cluster slot."""

    def key(self, name: str) -> str:
        """The Redis key ``name`` of this account."""
        return f"{self.namespace}:{name}"

    def usable(self) -> bool:
        """Whether to go to Redis now (while it is down: one probe per retry interval)."""
        return self.health.should_try(self.clock.monotonic())

    def failed(self, error: BaseException) -> None:
        """Redis did not answer: fall back until the next probe (one warning per outage)."""
        self.health.failed(self.clock.monotonic(), error)

    def succeeded(self) -> None:
        """Redis answered: share again if it was down."""
        self.health.succeeded()

    async def run(self, script: str, keys: Sequence[str], args: Sequence[Arg]) -> Any:
        """Run a Lua script; a failure is :class:`RedisUnavailable` (not counted here)."""
        return await self.connection.run(script, keys, args)
