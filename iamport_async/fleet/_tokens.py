"""The fleet's one access token, kept in Redis with the token's own lifetime as its TTL."""

from __future__ import annotations

import contextlib
import logging
import secrets

from iamport_async._engine.clock import sleep_for
from iamport_async._engine.token import Fetch, Lease
from iamport_async.fleet import _scripts
from iamport_async.fleet._connection import RedisUnavailable
from iamport_async.fleet._link import RedisLink

logger = logging.getLogger("iamport_async.fleet")

POLL_INTERVAL = 0.05
"""Seconds between looks at Redis while another process refreshes the token."""


class RedisTokenStore:
    """A :class:`~iamport_async._engine.token.TokenStore` in Redis.

    The token is stored with ``PX`` set to its remaining lifetime, so every reader learns how
    long it has left from Redis's ``PTTL``: hosts need not agree on the time. A refresh runs
    in one process at a time, under a lock (``SET NX PX``) that expires if its holder dies;
    the others poll until the new token appears and reuse it. A token refused with 401 is
    dropped only if it is still the stored one, so the fleet replaces it once.

    If Redis fails, each process fetches its own token (the API hands back the same one
    while it is valid, so this costs a request, not a new token).
    """

    def __init__(self, link: RedisLink, *, lock_timeout: float) -> None:
        self._link = link
        self._token_key = link.key("token")
        self._lock_key = link.key("token:lock")
        self._lock_timeout = lock_timeout
        self.fetches = 0
        """Tokens this process asked the API for (through the store or as a fallback)."""

    def __repr__(self) -> str:
        return f"<RedisTokenStore fetches={self.fetches}>"

    async def lease(self, fetch: Fetch, *, margin: float, rejected: str | None) -> Lease:
        if not self._link.usable():
            return await self._fetch(fetch)
        try:
            return await self._shared(fetch, margin, rejected)
        except RedisUnavailable as exc:
            self._link.failed(exc)
            return await self._fetch(fetch)

    async def _shared(self, fetch: Fetch, margin: float, rejected: str | None) -> Lease:
        give_up_at = self._link.clock.monotonic() + self._lock_timeout
        owner = secrets.token_hex(8)
        lock_ms = max(1, round(self._lock_timeout * 1000))
        while True:
            found = await self._read(margin, rejected)
            self._link.succeeded()
            if found is not None:
                return found
            if await self._link.run(_scripts.LOCK, [self._lock_key], [owner, lock_ms]):
                try:
                    # Someone may have stored a token between our read and our lock.
                    found = await self._read(margin, None)
                    return found if found is not None else await self._refresh(fetch)
                finally:
                    await self._unlock(owner)
            if self._link.clock.monotonic() >= give_up_at:
                # The holder is slow or gone and its lock not yet expired: do not stall.
                logger.debug("token lock held for %g s: fetching here", self._lock_timeout)
                return await self._fetch(fetch)
            await sleep_for(self._link.clock, POLL_INTERVAL)

    async def _read(self, margin: float, rejected: str | None) -> Lease | None:
        value, ttl_ms = await self._link.run(
            _scripts.READ_LEASE, [self._token_key], [rejected or ""]
        )
        ttl = int(ttl_ms) / 1000
        if not value or ttl <= margin:
            return None
        return Lease(value.decode() if isinstance(value, bytes) else str(value), ttl)

    async def _refresh(self, fetch: Fetch) -> Lease:
        lease = await self._fetch(fetch)
        ttl_ms = int(lease.lifetime * 1000)
        if ttl_ms > 0:
            try:
                await self._link.run(
                    _scripts.STORE_LEASE, [self._token_key], [lease.access_token, ttl_ms]
                )
            except RedisUnavailable as exc:
                self._link.failed(exc)  # keep the token we have
        return lease

    async def _unlock(self, owner: str) -> None:
        with contextlib.suppress(RedisUnavailable):  # else the lock expires on its own
            await self._link.run(_scripts.UNLOCK, [self._lock_key], [owner])

    async def _fetch(self, fetch: Fetch) -> Lease:
        issued = await fetch()
        self.fetches += 1
        return Lease(issued.access_token, issued.lifetime)
