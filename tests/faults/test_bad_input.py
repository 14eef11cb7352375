"""Bad input at the edges, over a real socket: odd ids reach the right payment and nothing
else; invalid input is refused with InvalidInputError naming the field, and nothing is sent
that should not be (asserted on the fake's request log and the proxy's connection count)."""

from __future__ import annotations

import collections
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import anyio
import pytest

from iamport_async.errors import InvalidInputError
from iamport_async.models.payment import Payment
from iamport_async.results import BatchStream
from tests.faults._proxy import request_to
from tests.faults.conftest import CARD, HANG, World

pytestmark = pytest.mark.anyio

ODD_IDS = [
    "imp_a&imp_uid[]=imp_b",
    "imp_[]",
    "imp with spaces",
    "결제_한글_1",
    "imp/../cancel",
    "imp?x=1#frag",
    "imp%20percent",
    "imp+plus",
]


def _sent_ids(world: World) -> list[str]:
    return [
        value
        for entry in world.fake.requests
        if entry.operation == "GET /payments"
        for name, value in parse_qsl(entry.query, keep_blank_values=True)
        if name in ("imp_uid[]", "merchant_uid[]")
    ]


async def test_odd_ids_reach_exactly_their_payment(world: World) -> None:
    for n, imp_uid in enumerate(ODD_IDS):
        world.fake.add_payment(imp_uid=imp_uid, merchant_uid=f"{imp_uid}&order-{n}")
    client = world.client()
    with anyio.fail_after(HANG):
        for imp_uid in ODD_IDS:
            assert (await client.payments.get(imp_uid)).imp_uid == imp_uid
        result = await client.payments.get_many(
            ODD_IDS, [f"{i}&order-{n}" for n, i in enumerate(ODD_IDS)]
        )
    assert list(result.imp_uids.found) == ODD_IDS
    assert len(result.merchant_uids.found) == len(ODD_IDS)
    assert result.imp_uids.missing == result.merchant_uids.missing == []
    assert sorted(_sent_ids(world)) == sorted(
        ODD_IDS + [f"{i}&order-{n}" for n, i in enumerate(ODD_IDS)]
    )
    paths = [e.path for e in world.fake.requests if e.operation == "GET /payments/{imp_uid}"]
    assert len(paths) == len(ODD_IDS)
    assert world.fake.stats.requests["POST /payments/cancel"] == 0


async def test_a_huge_list_of_long_ids_is_chunked_within_url_and_count_limits(
    world: World,
) -> None:
    long_ids = [f"{n:05d}" + "결" * 200 for n in range(300)]  # 1,800+ characters encoded each
    short_ids = [f"imp_{n:06d}" for n in range(5_000)]
    world.fake.add_payment(imp_uid=long_ids[7])
    client = world.client()
    with anyio.fail_after(HANG):
        result = await client.payments.get_many(long_ids + short_ids + long_ids, concurrency=8)
    assert len(result) == 5_300
    assert list(result.found) == [long_ids[7]]
    assert len(result.missing) == 5_299
    assert world.fake.stats.max_multi_ids <= 100
    queries = [e.query for e in world.fake.requests if e.operation == "GET /payments"]
    assert max(len(q) for q in queries) <= 6_000
    assert collections.Counter(_sent_ids(world)) == collections.Counter(long_ids + short_ids)


def _nothing_sent(world: World) -> None:
    assert world.fake.stats.total_requests == 0
    assert world.proxy.connections == 0


REFUSED: list[tuple[str, str, Any]] = [
    ("get", "imp_uid", {"imp_uid": 123}),
    ("get", "imp_uid", {"imp_uid": b"imp_1"}),
    ("get", "imp_uid", {"imp_uid": "   "}),
    ("get", "imp_uid", {"imp_uid": "i" * 10_240}),
    ("get", "imp_uid", {"imp_uid": "imp\r\nX-Injected: 1"}),
    ("get_many", "imp_uids", {"imp_uids": "imp_1"}),
    ("get_many", "imp_uids", {"imp_uids": ["imp_1", None]}),
    ("get_many", "imp_uids", {"imp_uids": ["imp_1", "x" * 10_240]}),
    ("get_many", "merchant_uids", {"merchant_uids": [1, 2]}),
    ("get_many", "concurrency", {"imp_uids": ["imp_1"], "concurrency": 0}),
    ("cancel", "amount", {"imp_uid": "imp_1", "amount": 1.5}),
    ("cancel", "amount", {"imp_uid": "imp_1", "amount": "1000"}),
    ("cancel", "amount", {"imp_uid": "imp_1", "amount": -1}),
    ("cancel", "checksum", {"imp_uid": "imp_1", "checksum": Decimal("NaN")}),
    ("cancel", "imp_uid", {}),
    ("onetime", "amount", {"merchant_uid": "o-1", "amount": 1000.0, **CARD}),
    (
        "onetime",
        "card_number",
        {"merchant_uid": "o-1", "amount": 1000, **CARD, "card_number": 4092},
    ),
]


@pytest.mark.parametrize(("method", "field", "arguments"), REFUSED)
async def test_bad_input_is_refused_by_name_and_nothing_is_sent(
    world: World, method: str, field: str, arguments: dict[str, Any]
) -> None:
    client = world.client()
    group = client.subscribe if method == "onetime" else client.payments
    with pytest.raises(InvalidInputError) as raised:
        await getattr(group, method)(**arguments)
    assert raised.value.field == field
    assert "4092" not in str(raised.value)
    _nothing_sent(world)


async def test_none_instead_of_a_list_is_refused_by_name(world: World) -> None:
    client = world.client()
    with pytest.raises(InvalidInputError) as raised:
        await client.payments.get_many(imp_uids=None)  # type: ignore[call-overload]
    assert raised.value.field == "imp_uids"
    _nothing_sent(world)


async def test_none_instead_of_an_iterable_is_refused_by_name_in_a_stream(
    world: World,
) -> None:
    client = world.client()
    with pytest.raises(InvalidInputError) as raised:
        await _drain(client.payments.iter_many(None))  # type: ignore[arg-type]
    assert raised.value.field == "ids"
    _nothing_sent(world)


async def test_a_none_deep_in_a_stream_stops_it_and_nothing_after_it_is_sent(
    world: World,
) -> None:
    before = [p["imp_uid"] for p in world.fake.seed_payments(250)]
    after = [f"imp_after_{n}" for n in range(50)]
    client = world.client()
    answered: list[str] = []
    stream = client.payments.iter_many([*before, None, *after])  # type: ignore[list-item]
    with anyio.fail_after(HANG), pytest.raises(InvalidInputError) as raised:
        await _drain(stream, answered)
    assert raised.value.field == "imp_uid"
    sent = _sent_ids(world)
    assert not set(sent) & set(after)
    assert sent == before[: len(sent)]  # whole chunks, in order, before the None
    assert set(answered) <= set(sent)


async def test_a_stream_refuses_a_wrong_mode_before_sending(world: World) -> None:
    client = world.client()
    with pytest.raises(InvalidInputError) as raised:
        client.payments.iter_many(["imp_1"], by="uid")  # type: ignore[arg-type]
    assert raised.value.field == "by"
    world.proxy.script("reset_before", when=request_to("GET", "/payments"))
    _nothing_sent(world)


async def _drain(stream: BatchStream[Payment], answered: list[str] | None = None) -> None:
    async with stream as results:
        async for lookup in results:
            if answered is not None:
                answered.append(lookup.id)
