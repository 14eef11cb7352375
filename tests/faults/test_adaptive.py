"""Adaptive rate control against a server limit it does not know, in virtual time.

``benchmarks/adaptive_rate.py`` prints the figure over a real socket; this is the same
question made deterministic: a simulated server allowing R requests a second (a token bucket
with a burst of R), answers arriving one round trip after each start, the client's
``AdaptiveRateLimiter`` deciding when to start. No real time passes.
"""

from __future__ import annotations

import collections

import pytest

from iamport_async.ratelimit import AdaptiveRateLimiter
from iamport_async.testing.clock import VirtualClock

pytestmark = pytest.mark.anyio

RTT = 0.05
RUN = 60.0
SETTLED = 30.0


class _Server:
    """Allows ``rate`` starts a second, in bursts of up to ``rate``; the rest are throttled."""

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.at = now

    def admit(self, now: float) -> bool:
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@pytest.mark.parametrize("R", [10.0, 50.0, 200.0])
async def test_the_adaptive_limiter_settles_near_the_servers_limit(R: float) -> None:
    clock = VirtualClock()
    limiter = AdaptiveRateLimiter(clock)
    server = _Server(R, clock.monotonic())
    answers: collections.deque[tuple[float, bool]] = collections.deque()
    start = clock.monotonic()
    accepted = throttled = 0
    while clock.monotonic() - start < RUN:
        await limiter.acquire()
        now = clock.monotonic()
        while answers and answers[0][0] <= now:
            limiter.feedback(throttled=answers.popleft()[1])
        admitted = server.admit(now)
        answers.append((now + RTT, not admitted))
        if now - start >= SETTLED:
            accepted += admitted
            throttled += not admitted
        if limiter.rate is None:
            clock.advance(1 / (4 * R))  # unlimited: a client that can send 4 R a second
    span = RUN - SETTLED
    assert accepted / span >= 0.85 * R
    assert throttled / max(1, accepted + throttled) <= 0.05
