"""The engine under every endpoint: token, retries, rate control, envelope; the one place
that sends HTTP.

The policies it is handed are public: :mod:`iamport_async.clock`,
:mod:`iamport_async.ratelimit`, :mod:`iamport_async.retry` and :mod:`iamport_async.raw`."""

from iamport_async._engine.engine import (
    Answer,
    Credentials,
    Engine,
    EngineConfig,
    Request,
)
from iamport_async._engine.retry import RetryPolicy

__all__ = [
    "Answer",
    "Credentials",
    "Engine",
    "EngineConfig",
    "Request",
    "RetryPolicy",
]
