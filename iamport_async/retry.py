"""What a call may be retried for, and how many retries a client may spend.

Each request says how safely it can be sent twice (:class:`Idempotency`); every copy of a
client shares one :class:`RetryBudget` (``Iamport(retry_budget=...)``), so that an outage
fails fast instead of becoming a retry storm. The rule itself is the engine's.
"""

from __future__ import annotations

import enum

import iamport_async._defaults as _defaults
from iamport_async.errors import RequestTimeout

__all__ = ["Idempotency", "RetryBudget"]


class Idempotency(enum.Enum):
    """How safely a call can be sent twice."""

    READ = "read"
    """No side effect: retried on every transient failure."""
    GUARDED = "guarded"
    """A side effect the API refuses to repeat (cancel with ``checksum``): retried like a read."""
    UNGUARDED = "unguarded"
    """A side effect with no guard: retried only when the request provably never reached the
    server (connection refused) or was refused unprocessed (429)."""


class RetryBudget:
    """A per-client allowance of retries, so that an outage fails fast instead of storming.

    Modelled on the AWS SDKs' retry quota: a retry costs ``retry_cost`` (a timeout costs
    ``timeout_cost``), a call that succeeds on its first try refunds 1, a call that succeeds
    after retrying refunds what it spent. When the budget is empty, calls fail on their first
    error; successes refill it.
    """

    def __init__(
        self,
        capacity: int = _defaults.RETRY_BUDGET_CAPACITY,
        retry_cost: int = _defaults.RETRY_COST,
        timeout_cost: int = _defaults.TIMEOUT_RETRY_COST,
    ) -> None:
        self.capacity = capacity
        """The most the budget holds (and what it starts with)."""
        self.retry_cost = retry_cost
        """What one retry costs."""
        self.timeout_cost = timeout_cost
        """What a retry after a timeout costs: a slow server is not asked twice as often."""
        self.available = capacity
        """What is left now."""

    def cost_of(self, error: BaseException) -> int:
        """What a retry after ``error`` costs."""
        return self.timeout_cost if isinstance(error, RequestTimeout) else self.retry_cost

    def withdraw(self, cost: int) -> bool:
        """Spend ``cost`` for a retry; ``False`` (and nothing spent) when too little is left."""
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def deposit(self, amount: int) -> None:
        """Give back ``amount`` after a success, up to ``capacity``."""
        self.available = min(self.capacity, self.available + amount)
