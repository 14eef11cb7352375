"""Time at the edges: slow bodies, ``Retry-After`` in both forms, a server clock 10 minutes off.

What is asserted is what the client did (the error it raised, the waits it asked its clock
for, the requests the fake served), never how long the wall clock ran: a loaded machine
stretches every real-socket exchange. Each case is bounded by ``HANG`` only.
"""

from __future__ import annotations

import time

import anyio
import pytest

from iamport_async import Iamport
from iamport_async.errors import RequestTimeout
from iamport_async.testing import FakeIamport
from tests.faults._proxy import FaultProxy, request_to
from tests.faults.conftest import (
    HANG,
    IMP_KEY,
    IMP_SECRET,
    PATIENT,
    TIMEOUT,
    SecretWatch,
    WaitLog,
    World,
    fast_backoff,
)

pytestmark = pytest.mark.anyio

ONE = request_to("GET", "/payments/imp_1")


async def test_a_body_slower_than_the_read_timeout_is_a_timeout_then_a_retry(
    world: World,
) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.script("trickle", when=ONE)  # one byte, then nothing for longer than HANG
    clock = WaitLog()
    client = world.client(timeout=TIMEOUT, clock=clock)
    started = time.monotonic()
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).amount == 1000
    assert time.monotonic() - started >= TIMEOUT  # it waited out the read timeout ...
    assert len(clock.waits) == 1  # ... then retried once, on a connection that answers
    assert world.proxy.applied["trickle"] == 1
    assert world.fake.stats.requests["GET /payments/{imp_uid}"] == 2


async def test_a_body_that_trickles_under_the_read_timeout_still_ends_in_time(
    world: World,
) -> None:
    """Each byte comes well inside the read timeout; only the call's total_timeout ends it.
    Without that bound the whole answer would arrive (after ``steady_for``) and succeed."""
    world.fake.add_payment(imp_uid="imp_1", amount=1000, name="x" * 400)
    world.proxy.steady_for = HANG / 2  # a byte every 0.1 s; the rest after 30 s
    world.proxy.script("trickle_steady", when=ONE)
    client = world.client(timeout=PATIENT, max_retries=0, total_timeout=1.0)
    started = time.monotonic()
    with anyio.fail_after(HANG), pytest.raises(RequestTimeout, match="total_timeout"):
        await client.payments.get("imp_1")
    assert time.monotonic() - started >= 1.0
    assert world.proxy.applied["trickle_steady"] == 1


async def test_retry_after_in_seconds_is_honoured(world: World) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.retry_after = "0.3"
    clock = WaitLog()
    client = world.client(clock=clock)
    await client.payments.get("imp_1")  # token and connection ready
    world.proxy.script("429", when=ONE)
    started = time.monotonic()
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).amount == 1000
    assert clock.waits == [pytest.approx(0.3)]  # the server's wait, not the client's backoff
    assert time.monotonic() - started >= 0.3


async def test_retry_after_as_a_date_is_read_on_the_servers_clock(world: World) -> None:
    """The server's clock is 10 minutes ahead: Retry-After (an HTTP date 1 s after its Date
    header) means 1 s, not 10 minutes and 1 s."""
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    clock = WaitLog()
    client = world.client(clock=clock)
    await client.payments.get("imp_1")
    world.proxy.script("429_date_skewed", when=ONE)
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).amount == 1000
    assert clock.waits == [pytest.approx(1.0)]  # both headers in whole seconds, 1 s apart


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
            imp_key=IMP_KEY, imp_secret=IMP_SECRET, base_url=base_url, timeout=PATIENT
        ) as client,
    ):
        fast_backoff(client)
        for _ in range(20):
            assert (await client.payments.get("imp_1")).amount == 1000
    assert fake.stats.tokens_issued == 1
    assert fake.stats.requests["POST /users/getToken"] == 1
    assert fake.stats.statuses[401] == 0
