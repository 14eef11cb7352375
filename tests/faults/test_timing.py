"""Time at the edges: slow bodies, ``Retry-After`` in both forms, a server clock 10 minutes off."""

from __future__ import annotations

import time

import anyio
import pytest

from iamport_async import Iamport
from iamport_async.errors import RequestTimeout
from iamport_async.testing import FakeIamport
from tests.faults._proxy import FaultProxy, request_to
from tests.faults.conftest import IMP_KEY, IMP_SECRET, TIMEOUT, SecretWatch, World, fast_backoff

pytestmark = pytest.mark.anyio

ONE = request_to("GET", "/payments/imp_1")


async def test_a_body_slower_than_the_read_timeout_is_a_timeout_then_a_retry(
    world: World,
) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.script("trickle", when=ONE)  # one byte, then a 1 s pause: over the 0.5 s
    client = world.client()
    started = time.monotonic()
    with anyio.fail_after(3):
        assert (await client.payments.get("imp_1")).amount == 1000
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 0.5
    assert world.fake.stats.requests["GET /payments/{imp_uid}"] == 2


async def test_a_body_that_trickles_under_the_read_timeout_still_ends_in_time(
    world: World,
) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000, name="x" * 400)
    world.proxy.script("trickle_steady", when=ONE)  # a byte every 0.1 s for 2 s
    client = world.client(max_retries=0, total_timeout=1.0)
    started = time.monotonic()
    with anyio.fail_after(4), pytest.raises(RequestTimeout):
        await client.payments.get("imp_1")
    assert time.monotonic() - started < 1.0 + 0.2


async def test_retry_after_in_seconds_is_honoured(world: World) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.retry_after = "0.3"
    client = world.client()
    await client.payments.get("imp_1")  # token and connection ready
    world.proxy.script("429", when=ONE)
    started = time.monotonic()
    with anyio.fail_after(2):
        await client.payments.get("imp_1")
    assert 0.3 <= time.monotonic() - started < 0.3 + 0.3


async def test_retry_after_as_a_date_is_read_on_the_servers_clock(world: World) -> None:
    """The server's clock is 10 minutes ahead: Retry-After (an HTTP date 1 s after its Date
    header) means 1 s, not 10 minutes and 1 s."""
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    client = world.client()
    await client.payments.get("imp_1")
    world.proxy.script("429_date_skewed", when=ONE)
    started = time.monotonic()
    with anyio.fail_after(3):
        assert (await client.payments.get("imp_1")).amount == 1000
    assert 0.0 < time.monotonic() - started < 2.1  # HTTP dates have whole seconds


@pytest.mark.parametrize("skew", [-600, 600])
async def test_a_server_clock_10_minutes_off_changes_nothing(
    secret_watch: SecretWatch, skew: int
) -> None:
    """Token lifetime comes from the server's own ``expired_at - now``: one token serves
    every call, whichever way the server's clock is off."""
    fake = FakeIamport(imp_key=IMP_KEY, imp_secret=IMP_SECRET, start_time=int(time.time()) + skew)
    secret_watch.record_tokens(fake)
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with (
        fake.serve() as upstream,
        FaultProxy(fake, upstream) as base_url,
        Iamport(
            imp_key=IMP_KEY, imp_secret=IMP_SECRET, base_url=base_url, timeout=TIMEOUT
        ) as client,
    ):
        fast_backoff(client)
        for _ in range(20):
            assert (await client.payments.get("imp_1")).amount == 1000
    assert fake.stats.tokens_issued == 1
    assert fake.stats.requests["POST /users/getToken"] == 1
    assert fake.stats.statuses[401] == 0
