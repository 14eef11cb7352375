"""Faults on demand: latency, a server-side rate limit, and scripted bad answers.

Scripted answers replace the next matching requests' answers; they are the failures a client
meets in production (a proxy's HTML 500, a 502/503, a dropped connection, a cut-off body, a
revoked token, a hang) and the one that makes duplicate refunds possible: the server does the
work, then the connection drops before the answer arrives (``"drop_after"``).
"""

from __future__ import annotations

import collections
import math
import random
from collections.abc import Collection, Iterable
from typing import Literal, get_args

from iamport_async.testing._router import TOKEN_OPERATION

Answer = Literal[
    "500_html", "502", "503", "drop_before", "drop_after", "truncated_json", "401", "timeout"
]
ANSWERS: frozenset[str] = frozenset(get_args(Answer))


class Faults:
    """``fake.faults``: what goes wrong, and how often."""

    def __init__(self, rng: random.Random, operations: Collection[str]) -> None:
        self._rng = rng
        self._operations = operations
        self._latency = 0.0
        self._jitter = 0.0
        self._rate: float | None = None
        self._burst = 0.0
        self._retry_after = 1.0
        self._tokens = 0.0
        self._refilled_at: float | None = None
        self._script: collections.deque[tuple[str, frozenset[str] | None]] = collections.deque()

    def latency(self, seconds: float, jitter: float = 0.0) -> None:
        """Every request takes ``seconds`` plus up to ``jitter`` (uniform) more, on the fake's
        clock: virtual with a ``VirtualClock``, real otherwise."""
        if seconds < 0 or jitter < 0:
            raise ValueError("latency and jitter must be >= 0")
        self._latency = seconds
        self._jitter = jitter

    def rate_limit(self, per_second: float, retry_after: float = 1.0) -> None:
        """At most ``per_second`` requests a second (bursts of up to that many); the rest are
        answered 429 with ``Retry-After: retry_after`` (whole seconds, rounded up), unprocessed.
        """
        if not per_second > 0 or retry_after < 0:
            raise ValueError("per_second must be > 0 and retry_after >= 0")
        self._rate = per_second
        self._burst = max(1.0, per_second)
        self._tokens = self._burst
        self._refilled_at = None
        self._retry_after = retry_after

    def script(self, *answers: Answer, operations: Iterable[str] | None = None) -> None:
        """The next ``len(answers)`` matching requests get these answers, in order.

        ``operations`` names operations as ``"POST /payments/cancel"``; ``None`` matches every
        operation except ``POST /users/getToken`` (name it to fault token requests).
        """
        wanted = None if operations is None else frozenset(operations)
        for name in wanted or ():
            if name not in self._operations:
                raise ValueError(f"unknown operation {name!r}; e.g. 'GET /payments/{{imp_uid}}'")
        for answer in answers:
            if answer not in ANSWERS:
                raise ValueError(f"unknown answer {answer!r}; one of {sorted(ANSWERS)}")
            self._script.append((answer, wanted))

    def clear(self) -> None:
        """No more faults: no latency, no rate limit, no scripted answers left."""
        self._latency = self._jitter = 0.0
        self._rate = None
        self._script.clear()

    @property
    def pending(self) -> int:
        """Scripted answers not used yet."""
        return len(self._script)

    # -- used by the fake --------------------------------------------------------------------

    def delay(self) -> float:
        if not self._jitter:
            return self._latency
        return self._latency + self._rng.uniform(0.0, self._jitter)

    def throttled(self, now: float) -> str | None:
        """``Retry-After`` header value if this request is over the rate, else ``None``."""
        if self._rate is None:
            return None
        if self._refilled_at is not None:
            self._tokens = min(self._burst, self._tokens + (now - self._refilled_at) * self._rate)
        self._refilled_at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return str(math.ceil(self._retry_after))

    def take(self, operation: str | None) -> str | None:
        """The scripted answer for this request, if one matches (it is used up)."""
        for index, (answer, wanted) in enumerate(self._script):
            if wanted is None:
                if operation == TOKEN_OPERATION:
                    continue
            elif operation not in wanted:
                continue
            del self._script[index]
            return answer
        return None
