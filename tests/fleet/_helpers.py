"""Building clients on a shared backend, before ``Iamport(shared=...)`` exists."""

from __future__ import annotations

import anyio.lowlevel
import httpx

from iamport_async import Iamport
from iamport_async.fleet import RedisShared, SharedBinding, account_hash
from iamport_async.testing.clock import VirtualClock

IMP_KEY = "fleet-key"


def keys(prefix: str, imp_key: str = IMP_KEY) -> dict[str, str]:
    """The Redis keys of an account, as the backend names them."""
    base = f"{prefix}:{{{account_hash(imp_key)}}}"
    return {
        "rate": f"{base}:rate",
        "members": f"{base}:members",
        "token": f"{base}:token",
        "lock": f"{base}:token:lock",
    }


def bound_client(
    binding: SharedBinding, transport: httpx.AsyncBaseTransport, clock: VirtualClock
) -> Iamport:
    """A client using ``binding``'s limiter and token store: one "process" of a fleet."""
    client = Iamport(
        imp_key=IMP_KEY,
        imp_secret="fleet-secret",
        transport=transport,
        clock=clock,
        rate_limiter=binding.rate_limiter,
        max_concurrency=None,
    )
    client._engine.tokens.store = binding.token_store
    return client


def backend(url: str, prefix: str, **options: object) -> RedisShared:
    return RedisShared.from_url(url, prefix=prefix, **options)  # type: ignore[arg-type]


class RecordingClock:
    """A clock that stands still and writes down every wait asked of it.

    The shared limiter computes waits on Redis's clock; recording them (rather than letting a
    virtual clock jump) shows exactly what Redis handed out, whatever the scheduler does.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep_until(self, deadline: float) -> None:
        self.waits.append(max(0.0, deadline - self.monotonic()))
        await anyio.lowlevel.checkpoint()
