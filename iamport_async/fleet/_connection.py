"""One Redis connection pool per process, on asyncio (``redis.asyncio``) or trio.

redis-py's asyncio client runs on asyncio only; on trio the same calls go through its
blocking client in a worker thread. Everything this package sends is a Lua script, so the
two paths differ in one place. Any Redis or socket failure surfaces as
:class:`RedisUnavailable`, which callers turn into their local fallback.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Sequence
from typing import Any

import anyio.to_thread
import redis
import redis.asyncio
import redis.asyncio.retry
import redis.backoff
import redis.retry

from iamport_async._eventloop import on_asyncio

Arg = str | int | float


class RedisUnavailable(Exception):
    """Redis could not run a command (down, unreachable, timed out, refused it)."""


def redacted(url: str) -> str:
    """``url`` without its user name and password, for logs and reprs."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class RedisConnection:
    """Runs Lua scripts on the Redis at ``url``; connects lazily, on first use."""

    def __init__(self, url: str, options: dict[str, Any]) -> None:
        self._url = url
        self._options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._async: redis.asyncio.Redis | None = None
        self._async_scripts: dict[str, Any] = {}
        self._sync: redis.Redis | None = None
        self._sync_scripts: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<RedisConnection {redacted(self._url)}>"

    async def run(self, script: str, keys: Sequence[str], args: Sequence[Arg]) -> Any:
        try:
            if on_asyncio():
                return await self._async_script(script)(keys=keys, args=args)
            runner = self._sync_script(script)
            return await anyio.to_thread.run_sync(lambda: runner(keys=keys, args=args))
        except (redis.RedisError, OSError) as exc:
            raise RedisUnavailable(type(exc).__name__) from exc

    async def aclose(self) -> None:
        client, self._async, self._loop = self._async, None, None
        self._async_scripts.clear()
        if client is not None:
            await client.aclose()
        sync, self._sync = self._sync, None
        self._sync_scripts.clear()
        if sync is not None:
            await anyio.to_thread.run_sync(sync.close)

    def _async_script(self, script: str) -> Any:
        loop = asyncio.get_running_loop()
        if self._async is None or self._loop is not loop:
            # A pool is bound to the loop that opened it: a new loop (a new asyncio.run)
            # needs a new pool.
            self._async = redis.asyncio.Redis.from_url(
                self._url,
                retry=redis.asyncio.retry.Retry(redis.backoff.NoBackoff(), 1),
                **self._options,
            )
            self._loop = loop
            self._async_scripts.clear()
        found = self._async_scripts.get(script)
        if found is None:
            found = self._async_scripts[script] = self._async.register_script(script)
        return found

    def _sync_script(self, script: str) -> Any:
        if self._sync is None:
            self._sync = redis.Redis.from_url(
                self._url, retry=redis.retry.Retry(redis.backoff.NoBackoff(), 1), **self._options
            )
        found = self._sync_scripts.get(script)
        if found is None:
            found = self._sync_scripts[script] = self._sync.register_script(script)
        return found
