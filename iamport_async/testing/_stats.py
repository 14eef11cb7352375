"""What a test can assert on: counters and a bounded log of the requests the fake saw."""

from __future__ import annotations

import collections
from decimal import Decimal

import attrs

REQUEST_LOG_SIZE = 10_000


@attrs.define
class Stats:
    """Counters since the fake was made (or since :meth:`reset`).

    ``requests`` counts by operation, ``"METHOD /path/{template}"`` as in the spec;
    ``cancels`` counts cancels that moved money, ``cancelled_amount`` sums them.
    """

    requests: collections.Counter[str] = attrs.field(factory=collections.Counter)
    """Requests seen, by operation (``"GET /payments/{imp_uid}"``); unknown routes too."""
    statuses: collections.Counter[int] = attrs.field(factory=collections.Counter)
    """Answers sent, by HTTP status; dropped or hung connections are not counted."""
    tokens_issued: int = 0
    """Tokens handed out by ``POST /users/getToken``."""
    cancels: int = 0
    """Cancels that refunded money."""
    cancelled_amount: int | Decimal = 0
    """The total those cancels refunded."""
    max_multi_ids: int = 0
    """The most ids asked for in one ``GET /payments`` or ``GET /subscribe/customers``."""
    in_flight: int = 0
    """Requests being handled right now."""
    max_in_flight: int = 0
    """The most requests handled at once: what a concurrency limit is checked with."""
    faults_injected: int = 0
    """Requests answered with a fault (a scripted answer, a 429) instead of normally."""

    def reset(self) -> None:
        """Zero every counter (between the phases of one test)."""
        fresh = Stats()
        for field in attrs.fields(Stats):
            setattr(self, field.name, getattr(fresh, field.name))

    @property
    def total_requests(self) -> int:
        """Every request seen, over all operations."""
        return sum(self.requests.values())


@attrs.frozen
class LoggedRequest:
    """One request as logged: never its body or headers (they carry card data and tokens)."""

    method: str
    """The HTTP method, upper-case."""
    path: str
    """The path, without the query string."""
    query: str
    """The query string as sent, empty if none."""
    operation: str | None
    """The matched operation, ``None`` for an unknown route."""
    status: int | None
    """The HTTP status answered, ``None`` if the connection was dropped or hung."""
    fault: str | None
    """The scripted answer or other fault applied, if any."""
    at: int
    """Server time, UNIX seconds."""


def new_request_log() -> collections.deque[LoggedRequest]:
    return collections.deque(maxlen=REQUEST_LOG_SIZE)
