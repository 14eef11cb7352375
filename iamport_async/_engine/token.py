"""The access token: cached, refreshed ahead of expiry, fetched once however many ask.

Expiry is kept on the monotonic clock, computed from the server's own ``expired_at - now``,
so a local clock that is minutes off changes nothing. The server hands back the *same* token
when asked within its lifetime (and extends it by 5 minutes in the last minute), so refreshing
a little early costs one cheap round trip and never invalidates tokens other requests carry.

A :class:`TokenStore` (optional) lets many processes share one token: the manager still runs
one refresh at a time in this process, and asks the store instead of the API directly.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Protocol

import anyio
import attrs

import iamport_async._defaults as _defaults
from iamport_async.clock import Clock
from iamport_async.instrumentation import Hooks

logger = logging.getLogger("iamport_async")

DEFAULT_REFRESH_MARGIN = _defaults.TOKEN_REFRESH_MARGIN
"""Seconds before expiry at which a token stops being used (see ``_defaults``)."""

UNKNOWN_LIFETIME_USE = 60.0
"""Seconds a token is used when its answer gives it no lifetime (``expired_at <= now``).
Refetching before every call would double every call's cost; using it for a minute, and
replacing it at once if the API refuses it (401), costs at most one token request a minute."""


_HEADER_TOKEN = re.compile(r"[\x21-\x7e]+")
"""What ``Authorization: Bearer <token>`` can carry: visible ASCII, no space or line break."""


class TokenAnswerError(ValueError):
    """A ``getToken`` answer that does not hold a usable token; says which field, and why."""


@attrs.frozen
class IssuedToken:
    """What ``POST /users/getToken`` answers: the token and the server's clock readings."""

    access_token: str = attrs.field(repr=False)
    now: float
    expired_at: float

    @property
    def lifetime(self) -> float:
        """Seconds the server says the token stays valid (``expired_at - now``)."""
        return self.expired_at - self.now

    @classmethod
    def from_answer(cls, payload: Any) -> IssuedToken:
        """The token in ``getToken``'s ``response`` payload. Raises :class:`TokenAnswerError`
        naming the field and what is wrong with it, never the value (it may be the token)."""
        if not isinstance(payload, dict):
            raise TokenAnswerError(f"response is {_kind(payload)}, not an object")
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            problem = "is missing" if token is None else f"is {_kind(token)}"
            raise TokenAnswerError(f"access_token {problem}, not a non-empty string")
        if not _HEADER_TOKEN.fullmatch(token):  # h11 would refuse it, repeating it in its error
            raise TokenAnswerError("access_token is not a valid header value (printable ASCII)")
        return cls(token, _seconds(payload, "now"), _seconds(payload, "expired_at"))


def _seconds(payload: dict[str, Any], field: str) -> float:
    """UNIX seconds, int or with a fraction (the envelope decodes fractions as Decimal)."""
    value = payload.get(field)
    if value is None:
        raise TokenAnswerError(f"{field} is missing")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TokenAnswerError(f"{field} is {_kind(value)}, not a number of UNIX seconds")
    try:
        seconds = float(value)
    except OverflowError:  # an int of hundreds of digits
        seconds = math.inf
    if not math.isfinite(seconds):
        raise TokenAnswerError(f"{field} is not a finite number")
    return seconds


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


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
        hooks: Hooks | None = None,
    ) -> None:
        self._fetch = fetch
        self._hooks = hooks
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
                raise _own_copy(flight.error)  # each waiter its own: notes stay with their caller
            # The leader was cancelled: go round, and one of the waiters leads a new flight.

    def _start_flight(self) -> _Flight:
        self._flight = _Flight()
        return self._flight

    async def _lead(self, flight: _Flight) -> Token:
        asked_at = self._clock.monotonic()
        try:
            value, lifetime = await self._obtain()
            token = Token(value, asked_at + self._usable_for(lifetime))
            self._token = flight.token = token
            if self._hooks is not None:
                self._hooks.token_refreshed(self._clock.monotonic() - asked_at, None)
            return token
        except Exception as exc:
            flight.error = _own_copy(exc)  # as it was, before the leader's caller adds notes
            if self._hooks is not None:
                self._hooks.token_refreshed(self._clock.monotonic() - asked_at, exc)
            raise
        finally:
            if self._flight is flight:
                self._flight = None
            flight.done.set()

    def _usable_for(self, lifetime: float) -> float:
        """Seconds a token with ``lifetime`` is handed out: up to ``margin`` before expiry, or
        :data:`UNKNOWN_LIFETIME_USE` when the answer gives it no lifetime at all."""
        if lifetime > 0:
            return lifetime - min(self._margin, lifetime / 2)
        logger.warning(
            "token answer gives a lifetime of %g s (expired_at not after now): using the token "
            "for %g s, and replacing it at once if the API refuses it",
            lifetime,
            UNKNOWN_LIFETIME_USE,
        )
        return UNKNOWN_LIFETIME_USE

    async def _obtain(self) -> tuple[str, float]:
        """The token and its lifetime in seconds, from the store if there is one."""
        store = self.store
        if store is None:
            issued = await self._fetch()
            return issued.access_token, issued.lifetime
        rejected = self._rejected
        lease = await store.lease(self._fetch, margin=self._margin, rejected=rejected)
        if self._rejected == rejected:
            self._rejected = None
        return lease.access_token, lease.lifetime


def _own_copy(error: Exception) -> Exception:
    """A twin of ``error`` for one more caller: same class, fields, cause and traceback, its
    own list of notes. Every waiter of a failed refresh gets one, so that what one caller adds
    (a note, ``after_ambiguous_failure``) does not appear on the others' errors."""
    kind = type(error)
    try:
        twin = kind.__new__(kind, *error.args)
        twin.__dict__.update(error.__dict__)
    except (TypeError, AttributeError):  # a built-in error with a fixed layout: copy not
        return error
    twin.args = error.args
    notes = getattr(error, "__notes__", None)
    if notes is not None:
        twin.__notes__ = list(notes)
    twin.__cause__ = error.__cause__
    twin.__context__ = error.__context__
    twin.__suppress_context__ = error.__suppress_context__
    return twin.with_traceback(error.__traceback__)
