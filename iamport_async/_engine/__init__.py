"""The engine under every endpoint: token, retries, rate control, envelope. Only this
package imports httpx."""

from iamport_async._engine.clock import Clock, SystemClock
from iamport_async._engine.engine import (
    Answer,
    CallOptions,
    Credentials,
    Engine,
    EngineConfig,
    Request,
)
from iamport_async._engine.ratelimit import (
    AdaptiveRateLimiter,
    RateLimiter,
    TokenBucket,
    Unlimited,
)
from iamport_async._engine.retry import Idempotency, RetryBudget, RetryPolicy

__all__ = [
    "AdaptiveRateLimiter",
    "Answer",
    "CallOptions",
    "Clock",
    "Credentials",
    "Engine",
    "EngineConfig",
    "Idempotency",
    "RateLimiter",
    "Request",
    "RetryBudget",
    "RetryPolicy",
    "SystemClock",
    "TokenBucket",
    "Unlimited",
]
