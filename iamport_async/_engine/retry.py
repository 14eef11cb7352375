"""Which failures are retried, how long to wait, and when to give up.

The decision belongs to the *call*: a read can always be repeated, a refund cannot. Each
request says which kind it is (:class:`iamport_async.retry.Idempotency`);
:func:`is_retryable` is the whole rule.
"""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

import attrs
import tenacity

import iamport_async._defaults as _defaults
from iamport_async.clock import Clock
from iamport_async.errors import (
    ApiError,
    ConnectError,
    IamportError,
    RateLimitedError,
    ResponseValidationError,
    TransportError,
    server_may_have_acted,
)
from iamport_async.retry import Idempotency, RetryBudget

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def is_retryable(error: BaseException, idempotency: Idempotency) -> bool:
    """Whether ``error`` on a call of this kind may be answered by sending the call again."""
    if isinstance(error, ConnectError | RateLimitedError):
        return True
    if idempotency is Idempotency.UNGUARDED:
        return False
    if isinstance(error, TransportError | ResponseValidationError):
        return True
    return isinstance(error, ApiError) and error.status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, server_date: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    An HTTP date is measured against the response's own ``Date`` header when present, so the
    local clock's error does not count; ``now`` (UNIX seconds) is the fallback.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        target = parsedate_to_datetime(value).timestamp()
        reference = parsedate_to_datetime(server_date).timestamp() if server_date else now
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, target - reference)


@attrs.frozen
class RetryPolicy:
    """Backoff and limits for one call."""

    max_retries: int = _defaults.MAX_RETRIES
    base_delay: float = _defaults.RETRY_BASE_DELAY
    max_delay: float = _defaults.RETRY_MAX_DELAY
    max_retry_after: float = _defaults.MAX_RETRY_AFTER
    total_timeout: float = _defaults.TOTAL_TIMEOUT
    """Time budget of the whole call, retries and waits included."""


class CallRetry:
    """The tenacity hooks (``wait``, ``stop``) for one call, plus what the call has spent."""

    def __init__(
        self,
        policy: RetryPolicy,
        idempotency: Idempotency,
        budget: RetryBudget,
        clock: Clock,
        rng: random.Random,
    ) -> None:
        self.policy = policy
        self.idempotency = idempotency
        self.budget = budget
        self.clock = clock
        self.rng = rng
        self.deadline = clock.monotonic() + policy.total_timeout
        self.spent = 0
        self.ambiguous = False
        """Whether an earlier attempt failed in a way the server may have acted on."""

    def retry(self, state: tenacity.RetryCallState) -> bool:
        error = _error_of(state)
        return error is not None and is_retryable(error, self.idempotency)

    def wait(self, state: tenacity.RetryCallState) -> float:
        error = _error_of(state)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        doubled = self.policy.base_delay * 2 ** (state.attempt_number - 1)
        ceiling = min(self.policy.max_delay, doubled)
        return self.rng.uniform(0.0, ceiling)

    def stop(self, state: tenacity.RetryCallState) -> bool:
        error = _error_of(state)
        assert error is not None
        if state.attempt_number > self.policy.max_retries:
            return True
        if state.upcoming_sleep > self.policy.max_retry_after:
            return True
        if self.clock.monotonic() + state.upcoming_sleep >= self.deadline:
            return True
        cost = self.budget.cost_of(error)
        if not self.budget.withdraw(cost):
            return True
        self.spent += cost
        self.ambiguous = self.ambiguous or server_may_have_acted(error)
        return False

    def succeeded(self) -> None:
        self.budget.deposit(self.spent if self.spent else 1)

    def annotate(self, error: BaseException, *, sent: bool = True) -> None:
        """Mark the error that ends the call: whether an earlier attempt may have been acted
        on, and (for a mutation) whether the outcome is known after all attempts. ``sent`` is
        False when the last attempt never sent the request (its token could not be had)."""
        if not isinstance(error, IamportError):
            return
        if self.ambiguous:
            error.after_ambiguous_failure = True
        if self.idempotency is not Idempotency.READ and error.outcome_known:
            acted = sent and server_may_have_acted(error)
            error.outcome_known = not (self.ambiguous or acted)


def _error_of(state: tenacity.RetryCallState) -> BaseException | None:
    outcome = state.outcome
    return None if outcome is None else outcome.exception()
