"""100,000 orders through the fake with faults on: every order accounted for exactly once.

asyncio only (the stream logic is the same on trio, covered by test_reconcile.py): the run
costs about 10 s of CPU, most of it building 100,000 payment models.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import pytest

from iamport_async.reconcile import Order, ReconcileOutcome, reconcile
from iamport_async.testing import Answer, FakeIamport, VirtualClock

N = 100_000
FAULTS: tuple[Answer, ...] = ("503", "502", "500_html", "drop_before", "truncated_json") * 2

# CPU-bound: 47 s on a loaded 2-core machine (measured), where the suite's 120 s would be close
pytestmark = [pytest.mark.anyio, pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def record(i: int) -> dict[str, Any]:
    """A payment with the fields reconciliation reads (and those the fake needs)."""
    return {
        "imp_uid": f"imp_{i:09d}",
        "merchant_uid": f"ord_{i:09d}",
        "amount": 1000 + i % 97 * 100,
        "cancel_amount": 0,
        "status": "paid",
        "currency": "KRW",
        "started_at": 1_700_000_000 + i,
        "cancel_history": [],
        "deposit_history": [],
        "cancel_receipt_urls": [],
    }


def orders(expected: dict[int, set[ReconcileOutcome]]) -> Iterator[Order]:
    """One order per payment (a quarter by merchant_uid), one in 1,000 with a wrong amount,
    one in 200 repeated at once, and 500 unknown ids; ``expected`` gets each ref's outcome."""
    ref = 0
    for i in range(N):
        amount = 1000 + i % 97 * 100 + (1 if i % 1000 == 7 else 0)
        ids = {"merchant_uid": f"ord_{i:09d}"} if i % 4 == 0 else {"imp_uid": f"imp_{i:09d}"}
        outcome = ReconcileOutcome.AMOUNT_DIFFERS if i % 1000 == 7 else ReconcileOutcome.MATCHED
        for copy in range(2 if i % 200 == 3 else 1):
            # a repeat is a duplicate while the first is in flight, else compared again
            expected[ref] = {outcome, ReconcileOutcome.DUPLICATE} if copy else {outcome}
            yield Order(amount=amount, ref=ref, **ids)
            ref += 1
        if i % 200 == 0:
            expected[ref] = {ReconcileOutcome.UNKNOWN}
            yield Order(amount=1, imp_uid=f"imp_unknown_{i}", ref=ref)
            ref += 1


async def test_every_order_is_accounted_for_exactly_once() -> None:
    fake = FakeIamport(clock=VirtualClock(), seed=5)
    fake.add_payments(record(i) for i in range(N))
    fake.faults.latency(0.02, jitter=0.03)  # completions out of order
    fake.faults.script(*FAULTS, operations=["GET /payments"])
    expected: dict[int, set[ReconcileOutcome]] = {}
    seen: collections.Counter[int] = collections.Counter()
    failed = 0
    client = fake.client(max_retries=0)  # each fault fails one request
    async with client, reconcile(client, orders(expected), concurrency=16) as results:
        async for result in results:
            ref = int(str(result.order.ref))
            seen[ref] += 1
            if result.outcome is ReconcileOutcome.LOOKUP_FAILED:
                failed += 1
                assert result.error is not None
            else:
                assert result.outcome in expected[ref], (ref, result)
    assert len(expected) == N + N // 200 + N // 200  # payments, repeats, unknown ids
    assert set(seen) == set(expected)
    assert max(seen.values()) == 1
    assert results.summary.total == len(expected)
    assert fake.stats.faults_injected == len(FAULTS)
    assert len(FAULTS) <= failed <= 100 * len(FAULTS)
    assert results.summary.counts[ReconcileOutcome.LOOKUP_FAILED] == failed
