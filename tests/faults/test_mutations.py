"""Money moves at most once, whatever the fault: cancel (guarded by the balance it reads
first, by the caller's ``checksum``, and ``unguarded=True``),
``subscribe.onetime`` and ``subscribe.again``, each against every fault kind, once.

For each pair the expected outcome is written down: which faults the server carried the
request out under, what the caller gets (a result, or OutcomeUnknownError naming the fault it
could not settle), and exactly how many times money moved, counted on the fake. A call that
moved money is never reported as a failure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import anyio
import pytest

from iamport_async import Iamport
from iamport_async.errors import (
    ConnectionLost,
    IamportError,
    OutcomeUnknownError,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
)
from iamport_async.models.payment import Payment
from tests.faults._proxy import request_to
from tests.faults.conftest import CARD, HANG, World, attempt_timeout

pytestmark = pytest.mark.anyio

AMOUNT = 10_000
PART = 1_000

# fault -> (the server carried the request out, the error a single attempt ends in)
FAULTS: dict[str, tuple[bool, type[IamportError] | None]] = {
    "reset_before": (False, ConnectionLost),
    "fake:drop_before": (False, ConnectionLost),
    "reset_after": (True, ConnectionLost),
    "fake:drop_after": (True, ConnectionLost),
    "trickle": (True, RequestTimeout),
    "fake:timeout": (False, RequestTimeout),
    "not_json_after": (True, ResponseValidationError),
    "fake:truncated_json": (True, ResponseValidationError),
    "fake:500_html": (False, ServerError),
    "fake:502": (False, ServerError),
    "fake:503": (False, ServerError),
    "429": (False, None),  # refused unprocessed: retried for every call
    "fake:401": (False, None),  # refused unprocessed: new token, one replay
}

OPERATIONS = {
    "cancel": "POST /payments/cancel",
    "cancel_checksum": "POST /payments/cancel",
    "cancel_unguarded": "POST /payments/cancel",
    "onetime": "POST /subscribe/payments/onetime",
    "again": "POST /subscribe/payments/again",
}


def expected(operation: str, fault: str) -> tuple[bool, int]:
    """Whether the caller gets a result (else OutcomeUnknownError caused by the fault's error)
    and how many times money moves."""
    processed, error = FAULTS[fault]
    if error is None:
        return True, 1
    if operation == "cancel_unguarded":  # never resent, and nothing to settle it with
        return False, 1 if processed else 0
    if operation.startswith("cancel"):  # guarded: resent; settled from cancel_history
        return True, 1
    # onetime / again: not resent; settled by the payment this call started, if any
    return processed, 1 if processed else 0


Call = Callable[[Iamport], Awaitable[Payment]]


async def _setup(world: World, client: Iamport, operation: str) -> tuple[Call, Callable[[], int]]:
    """The call under test, and a count of the money movements it made."""
    fake = world.fake
    if operation.startswith("cancel"):
        fake.add_payment(imp_uid="imp_paid", merchant_uid="order-c", amount=AMOUNT, status="paid")
        checksum = AMOUNT if operation == "cancel_checksum" else None
        unguarded = operation == "cancel_unguarded"

        async def cancel(c: Iamport) -> Payment:
            return await c.payments.cancel(
                "imp_paid",
                amount=PART,
                checksum=checksum,
                reason="fault suite",
                unguarded=unguarded,
            )

        def cancels() -> int:
            assert Decimal(fake.stats.cancelled_amount) == PART * fake.stats.cancels
            return fake.stats.cancels

        return cancel, cancels

    def charges() -> int:
        return sum(1 for p in fake.payments.values() if p["merchant_uid"] == "order-s")

    if operation == "onetime":

        async def onetime(c: Iamport) -> Payment:
            return await c.subscribe.onetime(merchant_uid="order-s", amount=AMOUNT, **CARD)

        return onetime, charges

    await client.customers.issue("billing-1", channel_key="channel-key-1", **CARD)

    async def again(c: Iamport) -> Payment:
        return await c.subscribe.again(
            customer_uid="billing-1", merchant_uid="order-s", amount=AMOUNT, name="월 구독"
        )

    return again, charges


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_money_moves_at_most_once(world: World, operation: str, fault: str) -> None:
    client = world.client(timeout=attempt_timeout(fault))
    call, moved = await _setup(world, client, operation)
    succeeds, times = expected(operation, fault)
    endpoint = OPERATIONS[operation].split(" ")[1]
    world.proxy.script(fault, when=request_to("POST", endpoint))

    with anyio.fail_after(HANG):
        if succeeds:
            payment = await call(client)
            assert payment.status in ("paid", "cancelled")
        else:
            with pytest.raises(OutcomeUnknownError) as raised:
                await call(client)
            assert raised.value.outcome_known is False
            assert isinstance(raised.value.cause, FAULTS[fault][1])  # type: ignore[arg-type]

    assert world.proxy.applied[fault] == 1
    assert moved() == times
    guarded = operation in ("cancel", "cancel_checksum")
    assert world.processed(OPERATIONS[operation]) <= 1 or guarded
    # the client is still usable, and agrees with the server about what happened
    with anyio.fail_after(HANG):
        if operation.startswith("cancel"):
            after = await client.payments.get("imp_paid")
            assert after.cancel_amount == PART * times
        else:
            assert times == (1 if await _found(client) else 0)


async def _found(client: Iamport) -> bool:
    lookups = await client.payments.get_many(merchant_uids=["order-s"])
    return bool(lookups.found)


@pytest.mark.parametrize("operation", ["cancel_unguarded", "onetime", "again"])
async def test_an_unguarded_mutation_is_not_resent_after_two_ambiguous_faults(
    world: World, operation: str
) -> None:
    client = world.client(max_retries=5)
    call, moved = await _setup(world, client, operation)
    endpoint = OPERATIONS[operation].split(" ")[1]
    world.proxy.script("reset_after", "reset_after", when=request_to("POST", endpoint))
    with anyio.fail_after(HANG):
        if operation == "cancel_unguarded":
            with pytest.raises(OutcomeUnknownError) as raised:
                await call(client)
            assert isinstance(raised.value.cause, ConnectionLost)
        else:
            await call(client)
    assert world.proxy.forwarded[OPERATIONS[operation]] == 1
    assert moved() == 1


async def test_a_guarded_cancel_under_repeated_faults_refunds_once(world: World) -> None:
    client = world.client(max_retries=4)
    call, moved = await _setup(world, client, "cancel_checksum")
    world.proxy.script(
        "fake:503", "reset_after", "fake:drop_after", when=request_to("POST", "/payments/cancel")
    )
    with anyio.fail_after(HANG):
        payment = await call(client)  # the last repeat is refused: the history shows the cancel
    assert payment.cancel_amount == PART
    assert moved() == 1
    assert world.fake.stats.requests["POST /payments/cancel"] == 4


def _kinds(values: dict[str, Any]) -> set[str]:
    return {name.removeprefix("fake:") for name in values}


def test_every_scripted_answer_of_the_fake_is_covered() -> None:
    from iamport_async.testing._faults import ANSWERS

    assert set(ANSWERS) <= _kinds(FAULTS)
