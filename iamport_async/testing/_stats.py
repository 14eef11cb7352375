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
    statuses: collections.Counter[int] = attrs.field(factory=collections.Counter)
    tokens_issued: int = 0
    cancels: int = 0
    cancelled_amount: int | Decimal = 0
    max_multi_ids: int = 0
    """The most ids asked for in one ``GET /payments`` or ``GET /subscribe/customers``."""
    in_flight: int = 0
    max_in_flight: int = 0
    faults_injected: int = 0

    def reset(self) -> None:
        """Zero every counter (between the phases of one test)."""
        fresh = Stats()
        for field in attrs.fields(Stats):
            setattr(self, field.name, getattr(fresh, field.name))

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


@attrs.frozen
class LoggedRequest:
    """One request as logged: never its body or headers (they carry card data and tokens)."""

    method: str
    path: str
    query: str
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
