"""Many processes, one account: a rate budget and an access token shared through Redis.

Needs the extra ``iamport-async[redis]``. :class:`Shared` and :class:`SharedBinding` import
without it (the client refers to them); :class:`RedisShared` needs redis-py. See
``docs/scaling.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamport_async.fleet._protocol import Shared, SharedBinding

if TYPE_CHECKING:
    from iamport_async.fleet._backend import RedisShared, account_hash
    from iamport_async.fleet._health import Health
    from iamport_async.fleet._limiter import RedisRateLimiter
    from iamport_async.fleet._tokens import RedisTokenStore

__all__ = [
    "Health",
    "RedisRateLimiter",
    "RedisShared",
    "RedisTokenStore",
    "Shared",
    "SharedBinding",
    "account_hash",
]

_NEEDS_REDIS = {
    "RedisShared": "_backend",
    "account_hash": "_backend",
    "Health": "_health",
    "RedisRateLimiter": "_limiter",
    "RedisTokenStore": "_tokens",
}


def __getattr__(name: str) -> Any:
    module = _NEEDS_REDIS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ImportError(
            f"iamport_async.fleet.{name} needs redis-py: pip install 'iamport-async[redis]'"
        ) from None
    import importlib

    return getattr(importlib.import_module(f"iamport_async.fleet.{module}"), name)
