"""The access token: cached, refreshed ahead of expiry, fetched once however many ask.

Expiry is kept on the monotonic clock, computed from the server's own ``expired_at - now``,
so a local clock that is minutes off changes nothing. The server hands back the *same* token
when asked within its lifetime (and extends it by 5 minutes in the last minute), so refreshing
a little early costs one cheap round trip and never invalidates tokens other requests carry.

A :class:`TokenStore` (optional) lets many processes share one token: the manager still runs
one refresh at a time in this process, and asks the store instead of the API directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import anyio
import attrs

from iamport_async._transport.clock import Clock

DEFAULT_REFRESH_MARGIN = 30.0
"""Seconds before expiry at which a token stops being used. Below 60 s on purpose: earlier,
the server would return the same token with the same expiry."""


@attrs.frozen
class IssuedToken:
    """What ``POST /users/getToken`` answers: the token and the server's clock readings."""

    access_token: str = attrs.field(repr=False)
    now: int
    expired_at: int


Fetch = Callable[[], Awaitable[IssuedToken]]
"""Asks the API for a token (``POST /users/getToken``)."""


@attrs.frozen
class Lease:
    """A token from a :class:`TokenStore` and how many seconds it stays valid from now."""

    access_token: str = attrs.field(repr=False)
    lifetime: float


class TokenStore(Protocol):
    """Where a fleet of processes keeps the token it shares (e.g. Redis).

    Called by the manager's one refresh flight, never concurrently within a process.
    """

    async def lease(self, fetch: Fetch, *, margin: float, rejected: str | None) -> Lease:
        """A token valid for more than ``margin`` seconds if the store has one, else one from
        ``fetch`` (which the store then shares). ``rejected`` is a token the API refused with
        401: drop it from the store if it is still there, so the fleet replaces it once."""
        ...


@attrs.frozen
class Token:
    """A token and the monotonic instant after which it must not be sent."""

    value: str = attrs.field(repr=False)
    use_until: float


@attrs.define
class _Flight:
    """One refresh in progress; waiters read its outcome once ``done`` is set."""

    done: anyio.Event = attrs.field(factory=anyio.Event)
    token: Token | None = None
    error: Exception | None = None


class TokenManager:
    """Hands out a valid token; at most one refresh runs at a time.

    Fast path: a fresh cached token is returned with no lock and no await. Otherwise the first
    caller leads a refresh and the others wait for its outcome. A failed refresh hands its
    error to every waiter of that flight; a cancelled one hands nothing, and the waiters start
    a new flight. Neither leaves state behind: the next caller simply tries again.
    """

    def __init__(
        self,
        fetch: Fetch,
        clock: Clock,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        store: TokenStore | None = None,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = refresh_margin
        self._token: Token | None = None
        self._flight: _Flight | None = None
        self._rejected: str | None = None
        self.store = store
        """A fleet's shared token store, or ``None``: this process fetches its own."""

    def is_fresh(self, token: Token | None) -> bool:
        return token is not None and self._clock.monotonic() < token.use_until

    async def get(self) -> Token:
        token = self._token
        if self.is_fresh(token):
            assert token is not None
            return token
        return await self._refresh()

    def invalidate(self, token: Token) -> None:
        """Forget ``token`` after a 401, unless a newer token has replaced it already."""
        if self._token is token:
            self._token = None
            self._rejected = token.value

    async def _refresh(self) -> Token:
        while True:
            token = self._token
            if self.is_fresh(token):
                assert token is not None
                return token
            flight = self._flight
            if flight is None:
                return await self._lead(self._start_flight())
            await flight.done.wait()
            if flight.token is not None:
                return flight.token
            if flight.error is not None:
                raise flight.error
            # The leader was cancelled: go round, and one of the waiters leads a new flight.

    def _start_flight(self) -> _Flight:
        self._flight = _Flight()
        return self._flight

    async def _lead(self, flight: _Flight) -> Token:
        asked_at = self._clock.monotonic()
        try:
            value, lifetime = await self._obtain()
            margin = min(self._margin, lifetime / 2)
            token = Token(value, asked_at + lifetime - margin)
            self._token = flight.token = token
            return token
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            if self._flight is flight:
                self._flight = None
            flight.done.set()

    async def _obtain(self) -> tuple[str, float]:
        """The token and its lifetime in seconds, from the store if there is one."""
        store = self.store
        if store is None:
            issued = await self._fetch()
            return issued.access_token, issued.expired_at - issued.now
        rejected = self._rejected
        lease = await store.lease(self._fetch, margin=self._margin, rejected=rejected)
        if self._rejected == rejected:
            self._rejected = None
        return lease.access_token, lease.lifetime
