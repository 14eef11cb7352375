"""Reads under every fault kind: each id ends found, missing or failed, none lost, none twice."""

from __future__ import annotations

import collections

import anyio
import pytest

from iamport_async.errors import (
    ConnectError,
    ConnectionLost,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
)
from tests.faults._proxy import request_to
from tests.faults.conftest import FAST_RETRY, HANG, WaitLog, World, attempt_timeout

pytestmark = pytest.mark.anyio

MULTI = "GET /payments"
ON_MULTI = request_to("GET", "/payments")
FOUND = 250
UNKNOWN = 30

TRANSIENT = [
    # (action, reaches the fake)
    ("reset_before", False),
    ("reset_after", True),
    ("trickle", True),
    ("429", False),
    ("not_json_before", False),
    ("not_json_after", True),
    ("fake:500_html", True),
    ("fake:502", True),
    ("fake:503", True),
    ("fake:drop_before", True),
    ("fake:drop_after", True),
    ("fake:truncated_json", True),
    ("fake:timeout", True),
    ("fake:401", True),
]


def _ids(world: World) -> tuple[list[str], list[str]]:
    seeded = [record["imp_uid"] for record in world.fake.seed_payments(FOUND)]
    unknown = [f"imp_unknown_{n:04d}" for n in range(UNKNOWN)]
    return seeded, unknown


@pytest.mark.parametrize(("action", "reaches_fake"), TRANSIENT)
async def test_a_transient_fault_costs_one_retry_and_loses_no_id(
    world: World, action: str, reaches_fake: bool
) -> None:
    seeded, unknown = _ids(world)
    world.proxy.script(action, when=ON_MULTI)
    client = world.client(timeout=attempt_timeout(action))
    with anyio.fail_after(HANG):
        result = await client.payments.get_many(seeded + unknown, concurrency=3)

    assert len(result) == FOUND + UNKNOWN
    assert {lookup.id for lookup in result} == set(seeded) | set(unknown)
    assert result.failed == {}
    assert set(result.found) == set(seeded)
    assert all(payment.imp_uid == uid for uid, payment in result.found.items())
    assert set(result.missing) == set(unknown)
    assert world.proxy.applied[action] == 1
    chunks = 3
    assert world.proxy.forwarded["GET /payments"] == chunks + (1 if reaches_fake else 0)
    assert world.fake.stats.requests[MULTI] == chunks + (1 if reaches_fake else 0)


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ("reset_before", ConnectionLost),
        ("fake:503", ServerError),
        ("not_json_before", ResponseValidationError),
        ("fake:timeout", RequestTimeout),
    ],
)
async def test_a_chunk_that_keeps_failing_fails_alone_with_a_typed_error(
    world: World, action: str, error: type[Exception]
) -> None:
    seeded, unknown = _ids(world)
    ordered = seeded + unknown
    world.proxy.script(*[action] * 3, when=ON_MULTI)  # every attempt of the first chunk
    clock = WaitLog()
    client = world.client(max_retries=2, clock=clock, timeout=attempt_timeout(action))
    with anyio.fail_after(HANG):
        result = await client.payments.get_many(ordered, concurrency=1)

    assert world.proxy.applied[action] == 3  # tried three times, and no more
    assert len(clock.waits) == 2  # each after the backoff's wait, nothing longer
    assert all(wait <= FAST_RETRY["max_delay"] for wait in clock.waits)
    failed = set(result.failed)
    assert failed == set(ordered[:100])
    assert all(isinstance(e, error) for e in result.failed.values())
    assert set(result.found) == set(seeded) - failed
    assert set(result.missing) == set(unknown) - failed
    assert len(result) == len(ordered)


async def test_a_stream_answers_every_id_once_through_mixed_faults(world: World) -> None:
    seeded, unknown = _ids(world)
    ordered = seeded + unknown
    world.proxy.script(
        "reset_before", "fake:503", "429", "fake:drop_after", "reset_after", when=ON_MULTI
    )
    client = world.client()
    seen: collections.Counter[str] = collections.Counter()
    outcomes: dict[str, str] = {}
    with anyio.fail_after(HANG):
        async with client.payments.iter_many(ordered, concurrency=2) as results:
            async for lookup in results:
                seen[lookup.id] += 1
                outcomes[lookup.id] = (
                    "found" if lookup.found else "failed" if lookup.failed else "missing"
                )

    assert set(seen) == set(ordered)
    assert max(seen.values()) == 1
    assert [i for i in ordered if outcomes[i] == "found"] == seeded
    assert [i for i in ordered if outcomes[i] == "missing"] == unknown
    assert sum(world.proxy.applied.values()) == 5


async def test_connection_refused_is_a_typed_error_and_nothing_is_sent(world: World) -> None:
    await world.proxy.refuse()
    clock = WaitLog()
    client = world.client(max_retries=2, clock=clock)
    with anyio.fail_after(HANG), pytest.raises(ConnectError) as raised:
        await client.payments.get("imp_1")
    assert len(clock.waits) == 2  # connecting is retried (nothing was sent), after the
    assert all(wait <= FAST_RETRY["max_delay"] for wait in clock.waits)  # backoff's wait
    assert raised.value.reached_server is False
    assert world.fake.stats.total_requests == 0
    assert world.proxy.connections == 0


async def test_a_refused_lookup_in_a_batch_is_failed_not_lost(world: World) -> None:
    seeded, unknown = _ids(world)
    await world.proxy.refuse()
    client = world.client(max_retries=1)
    with anyio.fail_after(HANG):
        result = await client.payments.get_many(seeded + unknown)
    assert len(result) == FOUND + UNKNOWN
    assert set(result.failed) == set(seeded) | set(unknown)
    assert all(isinstance(e, ConnectError) for e in result.failed.values())


async def test_401_mid_flight_refreshes_once_and_every_call_succeeds(world: World) -> None:
    seeded, _ = _ids(world)
    client = world.client()
    await client.payments.get(seeded[0])
    first_token = world.fake.token
    world.fake.faults.latency(0.05)

    async def revoke() -> None:
        await anyio.sleep(0.02)  # the calls below are in flight on the old token now
        world.fake.expire_token()

    results = []

    async def get(imp_uid: str) -> None:
        results.append(await client.payments.get(imp_uid))

    with anyio.fail_after(HANG):
        async with anyio.create_task_group() as tg:
            tg.start_soon(revoke)
            for imp_uid in seeded[:40]:
                tg.start_soon(get, imp_uid)

    assert sorted(p.imp_uid for p in results) == sorted(seeded[:40])
    assert world.fake.token is not first_token
    assert world.fake.stats.tokens_issued == 2
    assert world.proxy.forwarded["POST /users/getToken"] <= 2
    assert world.fake.stats.statuses[401] >= 1
