"""How many requests start per second: a limiter interface and its local implementations.

The concurrency cap (requests in flight) lives in the engine as an anyio
``CapacityLimiter``; this module is about *starts*. A limiter is anything with ``acquire`` and
``feedback``, so a shared backend (Redis, for a fleet of workers) can stand in for the local
one: ``Iamport(rate_limiter=...)`` takes any of them.
"""

from __future__ import annotations

import math
from typing import Protocol

from iamport_async.clock import Clock
from iamport_async.errors import BackpressureError

__all__ = ["AdaptiveRateLimiter", "RateLimiter", "TokenBucket", "Unlimited"]


class RateLimiter(Protocol):
    """Decides when each request may start."""

    async def acquire(self, max_wait: float | None = None) -> None:
        """Wait for the next start slot. If that would take longer than ``max_wait`` seconds,
        raise :class:`~iamport_async.errors.BackpressureError` without taking a slot."""
        ...

    def feedback(self, *, throttled: bool) -> None:
        """Told after every answer whether the server throttled it (429/503)."""
        ...


class Unlimited:
    """No rate limit."""

    async def acquire(self, max_wait: float | None = None) -> None:
        """Return at once: nothing to wait for."""

    def feedback(self, *, throttled: bool) -> None:
        """Ignored: the rate is fixed."""


class TokenBucket:
    """At most ``rate`` starts per second on average, bursts up to ``burst``.

    Kept as a single "theoretical arrival time" (GCRA): each acquire reserves the next slot
    *before* sleeping, so concurrent waiters queue in order and never stampede. Lowering the
    rate gives up the slots already reserved: with 32 callers queued at 10/s, those slots
    reach 3 s ahead, and keeping them would go on sending at the old rate for 3 s after the
    server said it was too fast. Each waiter takes a new slot, at the new rate, when its old
    one comes.
    """

    def __init__(self, rate: float, clock: Clock, burst: float | None = None) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        self._clock = clock
        self._burst = max(1.0, burst if burst is not None else rate)
        self._tat = clock.monotonic()
        self._lowered = 0
        """Times the rate was lowered: a waiter whose slot predates a cut takes a new one."""
        self._set(rate)

    @property
    def rate(self) -> float:
        """Requests started per second; setting it takes effect for the next acquire."""
        return self._rate

    @rate.setter
    def rate(self, value: float) -> None:
        if value < self._rate:
            self._lowered += 1
            self._tat = min(self._tat, self._clock.monotonic())
        self._set(value)

    def _set(self, rate: float) -> None:
        self._rate = rate
        self._interval = 1.0 / rate
        self._tolerance = (self._burst - 1.0) * self._interval

    def reserve(self, max_wait: float | None = None) -> float:
        """Take the next slot and return the monotonic time at which it opens."""
        now = self._clock.monotonic()
        tat = max(self._tat, now)
        opens_at = tat - self._tolerance
        wait = opens_at - now
        if max_wait is not None and wait > max_wait:
            raise BackpressureError(wait, max_wait)
        self._tat = tat + self._interval
        return max(now, opens_at)

    async def acquire(self, max_wait: float | None = None) -> None:
        """Wait for the next slot (see :meth:`RateLimiter.acquire`); a waiter whose slot
        was reserved before a cut of the rate takes a new one at the new rate."""
        deadline = None if max_wait is None else self._clock.monotonic() + max_wait
        while True:
            lowered = self._lowered
            left = None if deadline is None else max(0.0, deadline - self._clock.monotonic())
            opens_at = self.reserve(left)
            if opens_at > self._clock.monotonic():
                await self._clock.sleep_until(opens_at)
            if self._lowered == lowered:
                return

    def feedback(self, *, throttled: bool) -> None:
        """Ignored: the rate is fixed (``AdaptiveRateLimiter`` follows the server)."""


class AdaptiveRateLimiter:
    """A rate that drops when the server throttles and climbs back smoothly.

    Modelled on the AWS SDKs' "adaptive" retry mode: on a 429/503 the rate falls to
    ``beta`` (0.7) times what was being sent, once per throttling episode; after that it
    follows a cubic curve back
    towards, and then past, the rate at which throttling began, probing gently near it.
    It never exceeds ``max_rate`` (when set) nor twice the rate actually being sent.
    Before the first throttle it is unlimited, or ``max_rate`` if set.
    """

    BETA = 0.7
    """The fraction of the measured send rate kept after a throttle."""
    SCALE = 0.4
    """The cubic's scale: how fast the rate climbs back after a cut."""
    MIN_RECOVERY = 4.0
    """Seconds at least from a cut back to the rate that was throttled. With the cubic's own
    scale a low rate comes back within 2 s (10/s in 1.96 s) and probes past it again at
    once, so that a tenth of its requests are throttled; slower, the probes are rarer."""
    EPISODE = 1.0
    """Seconds after a cut during which further throttles count as the same episode: the
    requests already in flight when the rate was cut answer 429 too, and must not cut it
    again each (ten in a row would take 100/s to 2.8/s)."""
    MIN_RATE = 0.5
    """Requests per second below which a cut never goes: the limiter always probes."""
    _BUCKET = 0.5
    _SMOOTH = 0.8

    def __init__(self, clock: Clock, max_rate: float | None = None) -> None:
        self._clock = clock
        self.max_rate = max_rate
        """The ceiling, in requests per second; ``None``: only the server's throttles bound it."""
        self._bucket = TokenBucket(max_rate, clock, burst=1) if max_rate else None
        self._throttled_at: float | None = None
        self._last_max = 0.0
        self._k = 0.0
        self._scale = self.SCALE
        self._measured = 0.0
        self._count = 0
        self._window_start = math.floor(clock.monotonic() / self._BUCKET) * self._BUCKET

    @property
    def rate(self) -> float | None:
        """The rate in force now, or ``None`` while unlimited."""
        return None if self._bucket is None else self._bucket.rate

    @property
    def measured_rate(self) -> float:
        """Smoothed requests per second actually started."""
        return self._measured

    async def acquire(self, max_wait: float | None = None) -> None:
        """Wait for a slot at the rate in force (none while unlimited), and count the start."""
        if self._bucket is not None:
            await self._bucket.acquire(max_wait)
        self._count_start()

    def feedback(self, *, throttled: bool) -> None:
        """A throttle cuts the rate (once per episode); other answers let it climb back."""
        now = self._clock.monotonic()
        if throttled:
            if self._throttled_at is not None and now - self._throttled_at < self.EPISODE:
                return  # the rest of the burst that was in flight when the rate was cut
            current = self.rate if self.rate is not None else math.inf
            sending = self._measured if self._measured > 0 else current
            base = min(current, sending)
            if math.isinf(base):
                return  # nothing measured yet: keep going until there is a rate to cut
            self._last_max = base
            self._k = max(self.MIN_RECOVERY, (base * (1 - self.BETA) / self.SCALE) ** (1 / 3))
            self._scale = base * (1 - self.BETA) / self._k**3
            self._throttled_at = now
            self._set_rate(base * self.BETA)
        elif self._throttled_at is not None:
            t = now - self._throttled_at
            cubic = self._scale * (t - self._k) ** 3 + self._last_max
            ceiling = 2 * self._measured if self._measured > 0 else cubic
            self._set_rate(min(cubic, ceiling))

    def _set_rate(self, rate: float) -> None:
        rate = max(self.MIN_RATE, rate)
        if self.max_rate is not None:
            rate = min(rate, self.max_rate)
        if self._bucket is None:
            self._bucket = TokenBucket(rate, self._clock, burst=1)
        else:
            self._bucket.rate = rate

    def _count_start(self) -> None:
        now = self._clock.monotonic()
        window = math.floor(now / self._BUCKET) * self._BUCKET
        self._count += 1
        if window > self._window_start:
            current = self._count / (window - self._window_start)
            self._measured = current * self._SMOOTH + self._measured * (1 - self._SMOOTH)
            self._count = 0
            self._window_start = window
