"""The engine under every endpoint: token, retries, rate control, envelope. Only this
package imports httpx."""

from iamport_async._transport.clock import Clock, SystemClock
from iamport_async._transport.engine import (
    Answer,
    CallOptions,
    Credentials,
    Transport,
    TransportConfig,
)
from iamport_async._transport.ratelimit import (
    AdaptiveRateLimiter,
    RateLimiter,
    TokenBucket,
    Unlimited,
)
from iamport_async._transport.retry import Idempotency, RetryBudget, RetryPolicy

__all__ = [
    "AdaptiveRateLimiter",
    "Answer",
    "CallOptions",
    "Clock",
    "Credentials",
    "Idempotency",
    "RateLimiter",
    "RetryBudget",
    "RetryPolicy",
    "SystemClock",
    "TokenBucket",
    "Transport",
    "TransportConfig",
    "Unlimited",
]
