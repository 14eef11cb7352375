"""Redis down: payments go on with a local limiter and token, one warning; Redis back: shared."""

from __future__ import annotations

import logging

import anyio
import httpx
import pytest
import redis

from iamport_async.fleet import RedisRateLimiter, RedisShared
from iamport_async.testing.clock import VirtualClock
from tests.conftest import token_payload
from tests.fleet._helpers import IMP_KEY, RecordingClock, backend, bound_client, keys
from tests.fleet._server import RedisServer, free_port

pytestmark = pytest.mark.anyio

RETRY = 5.0


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "iamport_async.fleet" and record.levelno >= logging.WARNING
    ]


def is_shared(shared: RedisShared) -> bool:
    return shared.health.shared


def limiter_of(shared: RedisShared, clock: RecordingClock) -> RedisRateLimiter:
    found = shared.bind(imp_key=IMP_KEY, clock=clock).rate_limiter
    assert isinstance(found, RedisRateLimiter)
    return found


async def burst(limiter: RedisRateLimiter, count: int) -> None:
    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(limiter.acquire)


async def test_the_limiter_falls_back_to_its_fair_share_and_comes_back(
    own_redis: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = RecordingClock()
    async with backend(own_redis.url, prefix, rate_limit=40, retry_interval=RETRY) as shared:
        fleet = [limiter_of(shared, clock) for _ in range(4)]
        for each in fleet + fleet:
            await each.acquire()  # each has seen four processes: its share is 10/s
        own_redis.stop()
        clock.waits.clear()
        await burst(fleet[0], 10)
        assert not is_shared(shared)
        assert sorted(clock.waits) == pytest.approx([i / 10 for i in range(1, 10)])
        await burst(fleet[1], 10)
        assert len(warnings(caplog)) == 1
        assert shared.health.outages == 1

        own_redis.start()
        clock.advance(RETRY - 0.1)
        await fleet[0].acquire()
        assert not is_shared(shared)  # not probed before retry_interval
        clock.advance(0.1)
        with caplog.at_level(logging.INFO, logger="iamport_async.fleet"):
            await fleet[0].acquire()
        assert is_shared(shared)
        assert shared.health.recoveries == 1
        assert any("answers again" in record.getMessage() for record in caplog.records)
    peek = redis.Redis.from_url(own_redis.url, decode_responses=True)
    try:
        assert peek.exists(keys(prefix)["rate"]) == 1  # the state is in Redis again
    finally:
        peek.close()
    assert len(warnings(caplog)) == 1


async def test_calls_get_a_token_without_redis(
    prefix: str, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    token_requests = 0

    def api(request: httpx.Request) -> httpx.Response:
        nonlocal token_requests
        if request.url.path == "/users/getToken":
            token_requests += 1
            return httpx.Response(200, json=token_payload())
        return httpx.Response(200, json={"code": 0, "message": None, "response": {}})

    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    async with backend(nowhere, prefix, rate_limit=50) as shared:
        client = bound_client(
            shared.bind(imp_key=IMP_KEY, clock=clock), httpx.MockTransport(api), clock
        )
        async with client, anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(client.request, "GET", "/payments/imp_1")
    assert token_requests == 1  # the process's own single flight still holds
    assert len(warnings(caplog)) == 1
    assert shared.health.outages == 1


async def test_the_redis_password_never_reaches_logs_or_reprs(
    prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://worker:hunter2@127.0.0.1:{free_port()}/0"
    clock = RecordingClock()
    async with backend(url, prefix, rate_limit=5) as shared:
        limiter = limiter_of(shared, clock)
        await limiter.acquire()
        shown = [repr(shared), repr(limiter), *warnings(caplog)]
    assert len(shown) == 3
    assert all("hunter2" not in text for text in shown)
    assert "127.0.0.1" in shown[2]  # but it says which Redis
