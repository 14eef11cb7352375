"""No connection leaks, and a client that stays usable after faults and after cancellation at
any point: while connecting, while the token is being fetched, mid-request, mid-stream."""

from __future__ import annotations

import anyio
import pytest

from iamport_async import Iamport
from tests.faults._proxy import not_token, token_only
from tests.faults.conftest import HANG, TIMEOUT, World

pytestmark = pytest.mark.anyio

DELAYS = [0.0, 0.001, 0.003, 0.01, 0.02, 0.04, 0.07, 0.1, 0.13, 0.16, 0.2]
"""Cancellation points: across the token fetch (0.1 s) and the request after it (0.05 s)."""


async def test_no_connection_outlives_the_client_after_every_fault_kind(world: World) -> None:
    seeded = [p["imp_uid"] for p in world.fake.seed_payments(300)]
    client = world.client(max_concurrency=8, timeout=TIMEOUT)  # for its hang and trickle
    world.proxy.script(
        "reset_before", "reset_after", "hang", "trickle", "429", "not_json_after",
        "fake:drop_after", "fake:timeout", "fake:502", "fake:truncated_json",
    )  # fmt: skip
    with anyio.fail_after(HANG):
        async with anyio.create_task_group() as tg:
            for index in range(0, 300, 10):
                tg.start_soon(client.payments.get_many, seeded[index : index + 10])
        result = await client.payments.get_many(seeded)
    assert len(result.found) == 300
    assert sum(world.proxy.applied.values()) == 10
    assert world.proxy.max_open <= 10  # the pool's bound (max_concurrency 8, at least 10)
    assert await _open_after_closing(world, client) == 0


@pytest.mark.parametrize("delay", DELAYS)
async def test_cancelled_at_any_point_the_client_still_works(world: World, delay: float) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.fake.faults.latency(0.05)
    world.proxy.slow_for = 0.1
    world.proxy.script("slow", when=token_only)  # the first token fetch takes 0.1 s more
    client = world.client()
    with anyio.move_on_after(delay) as scope:
        await client.payments.get("imp_1")
    assert scope.cancelled_caught
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).imp_uid == "imp_1"
    assert world.fake.stats.tokens_issued == 1
    assert await _open_after_closing(world, client) == 0


async def test_a_cancelled_token_fetch_leader_does_not_strand_its_waiters(world: World) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.slow_for = 0.2
    world.proxy.script("slow", when=token_only)
    client = world.client()
    got: list[str] = []

    async def get() -> None:
        got.append((await client.payments.get("imp_1")).imp_uid)

    with anyio.fail_after(HANG):
        async with anyio.create_task_group() as tg:
            leader = anyio.CancelScope()
            tg.start_soon(_scoped, leader, client)
            await anyio.sleep(0.01)  # the leader is fetching the token now
            for _ in range(9):
                tg.start_soon(get)
            await anyio.sleep(0.05)
            leader.cancel()
    assert got == ["imp_1"] * 9
    assert world.proxy.forwarded["POST /users/getToken"] <= 2
    assert world.fake.stats.tokens_issued == 1


async def _open_after_closing(world: World, client: Iamport) -> int:
    """Close ``client``; return the proxy's connections still open after it. Bounded, so that
    a hang fails here, inside the event loop, and not by pytest-timeout's signal, which leaves
    the loop's tasks and streams half torn down for later tests to trip over."""
    with anyio.fail_after(HANG):
        await client.aclose()
    return await world.proxy.wait_closed()


async def _scoped(scope: anyio.CancelScope, client: Iamport) -> None:
    with scope:
        await client.payments.get("imp_1")


async def test_every_caller_cancelled_mid_refresh_leaves_no_stuck_flight(world: World) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    world.proxy.slow_for = 0.2
    world.proxy.script("slow", when=token_only)
    client = world.client()
    with anyio.move_on_after(0.05):
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(client.payments.get, "imp_1")
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).imp_uid == "imp_1"
    assert await _open_after_closing(world, client) == 0


async def test_a_stream_left_early_or_cancelled_cleans_up(world: World) -> None:
    seeded = [p["imp_uid"] for p in world.fake.seed_payments(1000)]
    world.fake.faults.latency(0.02)
    world.proxy.script("hang", "hang", when=not_token)
    client = world.client(timeout=TIMEOUT)
    with anyio.fail_after(HANG):
        async with client.payments.iter_many(seeded, concurrency=4) as results:
            async for lookup in results:
                assert lookup.found
                break  # leave with chunks in flight, two of them hanging
        with anyio.move_on_after(0.05):
            async with client.payments.iter_many(seeded, concurrency=4) as results:
                async for _ in results:
                    pass
        result = await client.payments.get_many(seeded[:150])
    assert len(result.found) == 150
    assert await _open_after_closing(world, client) == 0


async def test_the_client_comes_back_when_the_server_does(world: World) -> None:
    world.fake.add_payment(imp_uid="imp_1", amount=1000)
    client = world.client(max_retries=0)
    assert (await client.payments.get("imp_1")).amount == 1000
    await world.proxy.refuse()
    world.proxy.script("reset_before")  # the kept-alive connection dies too
    with pytest.raises(Exception, match="GET /payments/imp_1"):
        await client.payments.get("imp_1")
    await world.proxy.listen()
    with anyio.fail_after(HANG):
        assert (await client.payments.get("imp_1")).amount == 1000
