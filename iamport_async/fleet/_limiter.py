"""A rate limiter whose budget lives in Redis: N processes together start at most R a second."""

from __future__ import annotations

from iamport_async.errors import BackpressureError
from iamport_async.fleet import _scripts
from iamport_async.fleet._connection import RedisUnavailable
from iamport_async.fleet._link import RedisLink
from iamport_async.fleet._settings import FleetSettings
from iamport_async.ratelimit import AdaptiveRateLimiter, RateLimiter, TokenBucket

MEMBER_TTL = 10.0
"""Seconds after its last request that a process stops counting as a member of the fleet."""
IDLE_TTL = 60.0
"""Seconds an idle account's state stays in Redis (beyond its queued slots)."""


class RedisRateLimiter:
    """GCRA in one Lua script: each ``acquire`` reserves the next slot in Redis, then sleeps
    until it opens (on this process's clock; the script measures on Redis's clock, so hosts
    need not agree on the time).

    Adaptive mode cuts the shared rate on a 429/503 (once per episode, however many processes
    saw it) and climbs back on a cubic curve; the state is in Redis, so the fleet follows it.

    If Redis fails, the limiter falls back to a local bucket at this process's fair share:
    the shared rate divided by the processes seen in the last ``MEMBER_TTL`` seconds (or
    ``fallback_rate`` if given), and goes back to Redis when it answers again.
    """

    def __init__(self, link: RedisLink, rate: float, settings: FleetSettings, member: str) -> None:
        self._link = link
        self._keys = (link.key("rate"), link.key("members"))
        self._max_rate = rate
        self._settings = settings
        self._member = member
        self._throttled = False
        self._local: TokenBucket | AdaptiveRateLimiter | None = None
        self.rate = rate
        """The shared rate in force at the last answer from Redis (lower after a cut)."""
        self.members = 1
        """Processes sharing the budget, as Redis saw them at the last answer."""

    def __repr__(self) -> str:
        return f"<RedisRateLimiter rate={self.rate:g}/s members={self.members}>"

    @property
    def fair_share(self) -> float:
        """The local rate used while Redis is down."""
        if self._settings.fallback_rate is not None:
            return self._settings.fallback_rate
        return max(self.rate / max(1, self.members), _scripts.MIN_RATE)

    async def acquire(self, max_wait: float | None = None) -> None:
        if self._link.usable():
            try:
                answer = await self._link.run(
                    _scripts.ACQUIRE, self._keys, self._arguments(max_wait)
                )
            except RedisUnavailable as exc:
                self._link.failed(exc)
            else:
                self._link.succeeded()
                self._local = None
                await self._take(answer, max_wait)
                return
        await self._fallback().acquire(max_wait)

    def feedback(self, *, throttled: bool) -> None:
        """Adaptive mode: a throttle is reported to Redis with the next acquire (this method
        cannot await)."""
        if not self._settings.adaptive:
            return
        if throttled:
            self._throttled = True
        local = self._local
        if local is not None:
            local.feedback(throttled=throttled)

    def _arguments(self, max_wait: float | None) -> list[str | int | float]:
        throttled, self._throttled = self._throttled, False
        return [
            repr(self._max_rate),
            repr(self._settings.burst),
            -1 if max_wait is None else round(max_wait * 1_000_000),
            int(self._settings.adaptive),
            int(throttled),
            self._member,
            round(MEMBER_TTL * 1_000_000),
            round(IDLE_TTL * 1000),
        ]

    async def _take(self, answer: list[bytes | int], max_wait: float | None) -> None:
        granted, wait_us, rate, members = answer
        wait = int(wait_us) / 1_000_000
        self.rate = float(rate)
        self.members = int(members)
        if not granted:
            raise BackpressureError(wait, max_wait if max_wait is not None else 0.0)
        if wait > 0:
            await self._link.clock.sleep_until(self._link.clock.monotonic() + wait)

    def _fallback(self) -> RateLimiter:
        """The local limiter for this outage, made once at the fair share known when it began."""
        if self._local is None:
            share = self.fair_share
            if self._settings.adaptive:
                self._local = AdaptiveRateLimiter(self._link.clock, max_rate=share)
            else:
                self._local = TokenBucket(share, self._link.clock, burst=1)
        return self._local
