"""The shared token: fetched by one process, reused by the fleet, replaced once after a 401.

Each client here stands for one process: its own token manager, bound to the same Redis
keys as the others.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest
import redis

from iamport_async import Iamport
from iamport_async.testing.clock import VirtualClock
from tests.conftest import TOKEN_LIFETIME, envelope
from tests.fleet._helpers import backend, bound_client, keys
from tests.fleet._server import RedisServer

pytestmark = pytest.mark.anyio

NOW = 1_700_000_000


class TokenApi:
    """An API that issues ``tok-N`` and accepts only the current token; counts token requests."""

    def __init__(self) -> None:
        self.token_requests = 0
        self.current: str | None = None
        self.carried: list[str] = []

    def revoke(self) -> None:
        self.current = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            self.token_requests += 1
            if self.current is None:
                self.current = f"tok-{self.token_requests}"
            answer = {"access_token": self.current, "now": NOW, "expired_at": NOW + TOKEN_LIFETIME}
            return httpx.Response(200, json=envelope(answer))
        bearer = request.headers["Authorization"].removeprefix("Bearer ")
        self.carried.append(bearer)
        if bearer != self.current:
            return httpx.Response(401, json=envelope(code=-1, message="Unauthorized"))
        return httpx.Response(200, json=envelope({"ok": True}))


@pytest.fixture
def token_api() -> TokenApi:
    return TokenApi()


@asynccontextmanager
async def two_processes(
    url: str, prefix: str, api: TokenApi, clock: VirtualClock
) -> AsyncIterator[tuple[Iamport, Iamport]]:
    """Two open clients, each with its own Redis connection and token manager, bound to the
    same keys: two processes of one fleet."""
    first, second = backend(url, prefix), backend(url, prefix)
    transport = httpx.MockTransport(api)
    async with first, second:
        a = bound_client(first.bind(imp_key="fleet-key", clock=clock), transport, clock)
        b = bound_client(second.bind(imp_key="fleet-key", clock=clock), transport, clock)
        async with a, b:
            yield a, b


async def test_the_fleet_fetches_one_token_and_shares_it(
    redis_server: RedisServer, prefix: str, clock: VirtualClock, token_api: TokenApi
) -> None:
    fleet = two_processes(redis_server.url, prefix, token_api, clock)
    async with fleet as (a, b), anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(a.request, "GET", "/payments/imp_1")
            tg.start_soon(b.request, "GET", "/payments/imp_1")
    assert token_api.token_requests == 1
    assert token_api.carried == ["tok-1"] * 40


async def test_the_shared_token_lives_as_long_as_its_redis_ttl(
    redis_server: RedisServer,
    prefix: str,
    clock: VirtualClock,
    token_api: TokenApi,
    peek: redis.Redis,
) -> None:
    async with two_processes(redis_server.url, prefix, token_api, clock) as (a, b):
        await a.request("GET", "/payments/imp_1")
        assert peek.pttl(keys(prefix)["token"]) > (TOKEN_LIFETIME - 5) * 1000
        peek.pexpire(keys(prefix)["token"], 100_000)  # as if it were issued long ago
        await b.request("GET", "/payments/imp_1")
        held = await b._engine.tokens.get()
    # 100 s left, less the 30 s refresh margin: b stops using it in 70 s, not in 30 min
    assert held.use_until - clock.monotonic() == pytest.approx(70, abs=0.5)
    assert token_api.token_requests == 1


async def test_a_token_about_to_expire_is_refreshed_once_and_shared_again(
    redis_server: RedisServer,
    prefix: str,
    clock: VirtualClock,
    token_api: TokenApi,
    peek: redis.Redis,
) -> None:
    async with two_processes(redis_server.url, prefix, token_api, clock) as (a, b):
        await a.request("GET", "/payments/imp_1")
        peek.pexpire(keys(prefix)["token"], 20_000)  # inside the refresh margin
        await b.request("GET", "/payments/imp_1")
        assert token_api.token_requests == 2  # b refreshed (the API extends the token)
        assert peek.pttl(keys(prefix)["token"]) > (TOKEN_LIFETIME - 5) * 1000


async def test_a_revoked_token_is_replaced_once_for_the_whole_fleet(
    redis_server: RedisServer, prefix: str, clock: VirtualClock, token_api: TokenApi
) -> None:
    async with two_processes(redis_server.url, prefix, token_api, clock) as (a, b):
        await a.request("GET", "/payments/imp_1")
        await b.request("GET", "/payments/imp_1")
        token_api.revoke()
        await a.request("GET", "/payments/imp_1")  # 401, a new token, replayed
        await b.request("GET", "/payments/imp_1")  # 401, takes a's new token
    assert token_api.token_requests == 2
    assert token_api.carried == ["tok-1", "tok-1", "tok-1", "tok-2", "tok-1", "tok-2"]


async def test_while_one_process_refreshes_the_others_wait_and_reuse_its_token(
    redis_server: RedisServer,
    prefix: str,
    clock: VirtualClock,
    token_api: TokenApi,
    peek: redis.Redis,
) -> None:
    names = keys(prefix)
    peek.set(names["lock"], "another-process", px=60_000)
    async with backend(redis_server.url, prefix) as shared:
        client = bound_client(
            shared.bind(imp_key="fleet-key", clock=clock), httpx.MockTransport(token_api), clock
        )

        async def the_other_process_stores_its_token() -> None:
            await clock.sleep_until(clock.monotonic() + 0.5)
            token_api.current = "tok-other"
            peek.set(names["token"], "tok-other", px=TOKEN_LIFETIME * 1000)
            peek.delete(names["lock"])

        async with client, anyio.create_task_group() as tg:
            tg.start_soon(the_other_process_stores_its_token)
            await client.request("GET", "/payments/imp_1")
    assert token_api.token_requests == 0
    assert token_api.carried == ["tok-other"]


async def test_a_lock_whose_holder_died_does_not_stall_the_fleet(
    redis_server: RedisServer,
    prefix: str,
    clock: VirtualClock,
    token_api: TokenApi,
    peek: redis.Redis,
) -> None:
    peek.set(keys(prefix)["lock"], "a-dead-process", px=60_000)
    async with backend(redis_server.url, prefix, lock_timeout=2) as shared:
        client = bound_client(
            shared.bind(imp_key="fleet-key", clock=clock), httpx.MockTransport(token_api), clock
        )
        t0 = clock.monotonic()
        async with client:
            await client.request("GET", "/payments/imp_1")
    assert token_api.carried == ["tok-1"]
    assert 2 <= clock.monotonic() - t0 < 3


async def test_tokens_never_reach_logs_or_reprs(
    redis_server: RedisServer,
    prefix: str,
    clock: VirtualClock,
    token_api: TokenApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with backend(redis_server.url, prefix) as shared:
        binding = shared.bind(imp_key="fleet-key", clock=clock)
        client = bound_client(binding, httpx.MockTransport(token_api), clock)
        async with client:
            await client.request("GET", "/payments/imp_1")
            token_api.revoke()
            await client.request("GET", "/payments/imp_1")
            shown = [repr(binding), repr(shared), repr(await client._engine.tokens.get())]
    assert token_api.token_requests == 2
    for token in ("tok-1", "tok-2"):
        assert all(token not in text for text in shown)
        assert all(token not in record.getMessage() for record in caplog.records)
