"""What the client needs from a shared backend, without importing one (redis is optional)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from iamport_async._engine.token import TokenStore
    from iamport_async.clock import Clock
    from iamport_async.ratelimit import RateLimiter


@attrs.frozen
class SharedBinding:
    """One client's view of a shared backend: its rate limiter and its token store.

    Either may be ``None``: the client then keeps its own (local) one.
    """

    rate_limiter: RateLimiter | None
    token_store: TokenStore | None


class Shared(Protocol):
    """A backend shared by many processes (see :class:`iamport_async.fleet.RedisShared`)."""

    def bind(self, *, imp_key: str, clock: Clock) -> SharedBinding:
        """The limiter and token store for the account ``imp_key``, sleeping on ``clock``."""
        ...
