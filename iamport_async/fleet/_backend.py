"""``RedisShared``: one Redis URL, and every client bound to it shares its account's budget."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import socket
from types import TracebackType
from typing import Any, Self

from iamport_async.clock import Clock
from iamport_async.errors import InvalidInputError
from iamport_async.fleet._connection import RedisConnection, redacted
from iamport_async.fleet._health import Health
from iamport_async.fleet._limiter import RedisRateLimiter
from iamport_async.fleet._link import RedisLink
from iamport_async.fleet._protocol import SharedBinding
from iamport_async.fleet._settings import FleetSettings
from iamport_async.fleet._tokens import RedisTokenStore

_SCHEMES = ("redis", "rediss", "unix")


class RedisShared:
    """A rate budget and an access token shared through Redis by every process of a fleet.

    ::

        shared = RedisShared.from_url("redis://redis.internal:6379/0", rate_limit=50)
        async with shared, Iamport(imp_key=..., imp_secret=..., shared=shared) as client:
            ...

    Keys are namespaced per account by a hash of ``imp_key`` (never the key itself) under
    ``prefix``, in one Redis Cluster hash slot. If Redis fails, calls go on with a local
    limiter and token (one WARNING per outage), and Redis is retried every
    ``retry_interval`` seconds; :attr:`health` counts outages and recoveries.
    """

    def __init__(self, connection: RedisConnection, settings: FleetSettings, *, where: str) -> None:
        self._connection = connection
        self._settings = settings
        self._where = where
        self.health = Health(where, settings.retry_interval)
        """Whether Redis is in use now, and its outages and recoveries so far."""

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        rate_limit: float | None = None,
        burst: float = 1.0,
        adaptive: bool = False,
        fallback_rate: float | None = None,
        share_token: bool = True,
        prefix: str = "iamport",
        retry_interval: float = 5.0,
        lock_timeout: float = 10.0,
        socket_timeout: float = 1.0,
        **redis_options: Any,
    ) -> RedisShared:
        """Connect (lazily) to ``redis://[[user]:password@]host[:port][/db]`` (or
        ``rediss://``, ``unix://``).

        - ``rate_limit``: requests per second for the whole fleet on this account; ``None``
          shares only the token. ``burst`` (default 1: evenly spaced) lets that many start
          at once after a pause; ``adaptive`` lowers the shared rate on 429/503.
        - ``fallback_rate``: this process's rate while Redis is down; by default its fair
          share, the shared rate divided by the processes last seen.
        - ``share_token``: keep one access token for the fleet (default).
        - ``socket_timeout``: seconds before a silent Redis counts as down; other
          ``redis_options`` go to redis-py.
        """
        if not isinstance(url, str) or url.partition("://")[0] not in _SCHEMES:
            raise InvalidInputError("url", "must be a redis://, rediss:// or unix:// URL")
        if rate_limit is not None:
            _positive("rate_limit", rate_limit)
        if not (isinstance(burst, int | float) and burst >= 1 and math.isfinite(burst)):
            raise InvalidInputError("burst", "must be a number >= 1")
        if adaptive and rate_limit is None:
            raise InvalidInputError("adaptive", "needs a rate_limit to start from")
        if fallback_rate is not None:
            _positive("fallback_rate", fallback_rate)
        for field, value in (
            ("retry_interval", retry_interval),
            ("lock_timeout", lock_timeout),
            ("socket_timeout", socket_timeout),
        ):
            _positive(field, value)
        if not isinstance(prefix, str) or not prefix or "{" in prefix or "}" in prefix:
            raise InvalidInputError("prefix", "must be a non-empty string without braces")
        redis_options.setdefault("socket_timeout", socket_timeout)
        redis_options.setdefault("socket_connect_timeout", socket_timeout)
        settings = FleetSettings(
            rate_limit=rate_limit,
            burst=float(burst),
            adaptive=adaptive,
            fallback_rate=fallback_rate,
            share_token=share_token,
            prefix=prefix,
            retry_interval=float(retry_interval),
            lock_timeout=float(lock_timeout),
        )
        return cls(RedisConnection(url, redis_options), settings, where=redacted(url))

    def __repr__(self) -> str:
        rate_limit = self._settings.rate_limit
        rate = f" rate_limit={rate_limit:g}/s" if rate_limit is not None else ""
        return f"<RedisShared {self._where}{rate} shared={self.health.shared}>"

    def bind(self, *, imp_key: str, clock: Clock) -> SharedBinding:
        """The limiter and token store for the account ``imp_key``, sleeping on ``clock``."""
        if not isinstance(imp_key, str) or not imp_key:
            raise InvalidInputError("imp_key", "must be a non-empty string")
        namespace = f"{self._settings.prefix}:{{{account_hash(imp_key)}}}"
        link = RedisLink(self._connection, self.health, clock, namespace)
        limiter = None
        if self._settings.rate_limit is not None:
            member = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
            limiter = RedisRateLimiter(link, self._settings.rate_limit, self._settings, member)
        store = None
        if self._settings.share_token:
            store = RedisTokenStore(link, lock_timeout=self._settings.lock_timeout)
        return SharedBinding(rate_limiter=limiter, token_store=store)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._connection.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def account_hash(imp_key: str) -> str:
    """A short, stable name for an account in Redis keys that does not reveal ``imp_key``."""
    return hashlib.sha256(b"iamport-async:" + imp_key.encode()).hexdigest()[:16]


def _positive(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, f"must be a positive number, got {value!r}")
    if not (value > 0 and math.isfinite(value)):
        raise InvalidInputError(field, f"must be a positive number, got {value!r}")
