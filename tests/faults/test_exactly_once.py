"""Exactly-once money over a real socket: 30% of refunds and charges are carried out by the
server and then their answer is dropped (a TCP reset after the fake processed the request, or
the fake dropping its own answer). Every call that moved money must be reported as a success,
every call that did not as a failure or an unknown outcome, and nothing moves twice.

The fake is the truth: each cancel carries its call's ``reason``, each charge its own
``merchant_uid``, so what the server did is counted per call and compared with what the call
reported.
"""

from __future__ import annotations

import collections
from decimal import Decimal

import anyio
import pytest

from iamport_async.errors import IamportError, OutcomeUnknownError
from iamport_async.testing._ops_subscribe import UNDERFUNDED_CARD
from tests.faults._proxy import request_to
from tests.faults.conftest import CARD, World

pytestmark = pytest.mark.anyio

CALLS = 40
PART = 1_000
TOTAL = 100_000
PROCESSED_THEN_DROPPED = ["reset_after", "fake:drop_after"]


async def test_40_partial_cancels_through_30_percent_dropped_answers_are_reported_exactly(
    world: World,
) -> None:
    world.fake.add_payment(imp_uid="imp_big", merchant_uid="order-big", amount=TOTAL)
    world.proxy.randomly(0.3, PROCESSED_THEN_DROPPED, when=request_to("POST", "/payments/cancel"))
    client = world.client(max_retries=3)
    reported: dict[str, str] = {}
    balance = Decimal(TOTAL)  # what the shop believes the payment's balance is
    with anyio.fail_after(60):
        for call in range(CALLS):
            reason = f"call-{call}"
            try:  # the shop's own repeat after an unknown outcome: the same checksum
                for _ in range(3):
                    try:
                        after = await client.payments.cancel(
                            "imp_big", amount=PART, checksum=balance, reason=reason
                        )
                    except OutcomeUnknownError:
                        continue
                    reported[reason] = "success"
                    balance = after.refundable_amount
                    break
                else:
                    reported[reason] = "unknown"
            except IamportError:
                reported[reason] = "failure"

    done = collections.Counter(
        entry["reason"] for entry in world.fake.payments["imp_big"]["cancel_history"]
    )
    assert world.proxy.applied.total() >= 8  # the faults did happen (seeded: 30% of ~45)
    assert max(done.values()) == 1  # nothing refunded twice
    misreported = [
        reason
        for reason, outcome in reported.items()
        if (outcome == "success") != (done[reason] == 1)
    ]
    assert misreported == []
    assert list(reported.values()).count("success") == CALLS
    assert world.fake.stats.cancels == CALLS


async def test_40_charges_reusing_a_failed_orders_merchant_uid_are_reported_exactly(
    world: World,
) -> None:
    fake = world.fake
    client = world.client(max_retries=3)
    # every order failed once before: half a minute ago in another process, half just now
    # through this client (an underfunded card: a payment with status failed, code 0)
    for call in range(0, CALLS, 2):
        fake.add_payment(
            merchant_uid=f"order-{call}",
            amount=PART,
            status="failed",
            started_at=fake.now() - 60,
        )
    for call in range(1, CALLS, 2):
        failed = await client.subscribe.onetime(
            merchant_uid=f"order-{call}", amount=PART, **{**CARD, "card_number": UNDERFUNDED_CARD}
        )
        assert failed.status == "failed"
    # 45% of charges faulted: two in three processed then dropped (30%), one in three
    # dropped before the server saw it (15%): then only the older failed payment exists
    world.proxy.randomly(
        0.45,
        [*PROCESSED_THEN_DROPPED, "reset_before"],
        when=request_to("POST", "/subscribe/payments/onetime"),
    )
    reported: dict[str, str] = {}
    with anyio.fail_after(60):
        for call in range(CALLS):
            order = f"order-{call}"
            try:
                made = await client.subscribe.onetime(merchant_uid=order, amount=PART, **CARD)
            except OutcomeUnknownError:
                reported[order] = "unknown"
            except IamportError:
                reported[order] = "failure"
            else:
                assert made.merchant_uid == order
                reported[order] = "success" if made.status == "paid" else "declined"

    paid = collections.Counter(
        p["merchant_uid"] for p in fake.payments.values() if p["status"] == "paid"
    )
    assert world.proxy.applied["reset_before"] >= 2
    assert world.proxy.applied.total() - world.proxy.applied["reset_before"] >= 6
    assert max(paid.values()) == 1  # nothing charged twice
    misreported = [
        order for order, outcome in reported.items() if (outcome == "success") != (paid[order] == 1)
    ]
    assert misreported == []
    assert "declined" not in reported.values()  # an older failed attempt is never the answer
