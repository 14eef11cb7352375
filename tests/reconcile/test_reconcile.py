"""reconcile() against the fake API: every order once, failures kept apart, flat memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import ApiError, InvalidInputError, UnauthorizedError
from iamport_async.reconcile import Order, Progress, ReconcileOutcome, Result, _put, reconcile
from iamport_async.testing import FakeIamport, VirtualClock

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> FakeIamport:
    return FakeIamport(clock=VirtualClock(), seed=3)


def paid(fake: FakeIamport, n: int, prefix: str = "p") -> list[dict[str, Any]]:
    return [
        fake.add_payment(
            imp_uid=f"imp_{prefix}{i}",
            merchant_uid=f"ord_{prefix}{i}",
            amount=1000 + i,
            status="paid",
            cancel_amount=0,
        )
        for i in range(n)
    ]


async def run_all(fake: FakeIamport, orders: Any, **options: Any) -> tuple[list[Result], Any]:
    client = fake.client(**options.pop("client", {}))
    async with client, reconcile(client, orders, **options) as results:
        collected = [result async for result in results]
    return collected, results.summary


async def test_mixed_keys_each_order_once_with_its_outcome(fake: FakeIamport) -> None:
    payments = paid(fake, 250)
    orders = [
        Order(
            amount=p["amount"],
            ref=i,
            **({"imp_uid": p["imp_uid"]} if i % 2 else {"merchant_uid": p["merchant_uid"]}),
        )
        for i, p in enumerate(payments)
    ]
    orders[7] = Order(amount=1, imp_uid=payments[7]["imp_uid"], ref=7)
    orders.append(Order(amount=5, imp_uid="imp_nobody", ref=250))
    orders.append(Order(amount=5, merchant_uid="ord_nobody", ref=251))
    results, summary = await run_all(fake, orders)
    by_ref = {r.order.ref: r for r in results}
    assert len(results) == len(by_ref) == 252
    assert by_ref[7].outcome is ReconcileOutcome.AMOUNT_DIFFERS
    assert by_ref[7].payment is not None
    assert by_ref[7].payment.imp_uid == payments[7]["imp_uid"]
    assert by_ref[250].outcome is by_ref[251].outcome is ReconcileOutcome.UNKNOWN
    assert by_ref[251].payment is None
    assert summary.counts[ReconcileOutcome.MATCHED] == 249
    assert summary.expected == sum(o.amount for o in orders)
    assert summary.actual == sum(p["amount"] for p in payments)
    # 125 imp_uids + 1 unknown, 125 merchant_uids + 1 unknown: 2 requests per kind, 1 token
    assert fake.stats.requests["GET /payments"] == 4
    assert fake.stats.max_multi_ids == 100


async def test_an_async_iterable_of_orders(fake: FakeIamport) -> None:
    payments = paid(fake, 30)

    async def orders() -> AsyncIterator[Order]:
        for p in payments:
            yield Order(amount=p["amount"], imp_uid=p["imp_uid"])

    results, summary = await run_all(fake, orders())
    assert len(results) == 30
    assert summary.all_matched


async def test_a_retried_503_loses_nothing(fake: FakeIamport) -> None:
    payments = paid(fake, 150)
    fake.faults.script("503", "503", operations=["GET /payments"])
    orders = [Order(amount=p["amount"], imp_uid=p["imp_uid"]) for p in payments]
    _results, summary = await run_all(fake, orders)
    assert summary.all_matched
    assert fake.stats.requests["GET /payments"] == 4


async def test_a_failed_lookup_fails_only_its_own_orders(fake: FakeIamport) -> None:
    payments = paid(fake, 300)
    fake.faults.script("503", operations=["GET /payments"])
    orders = [Order(amount=p["amount"], imp_uid=p["imp_uid"]) for p in payments]
    results, summary = await run_all(fake, orders, client={"max_retries": 0})
    failed = [r for r in results if r.outcome is ReconcileOutcome.LOOKUP_FAILED]
    assert len(failed) == 100  # one request of 100 ids
    assert all(r.error is not None and r.payment is None for r in failed)
    assert summary.counts[ReconcileOutcome.MATCHED] == 200
    again, summary = await run_all(fake, [r.order for r in failed])
    assert summary.all_matched
    assert len(again) == 100


async def test_a_repeat_while_the_first_is_in_flight_is_a_duplicate(fake: FakeIamport) -> None:
    (payment,) = paid(fake, 1)
    orders = [Order(amount=payment["amount"], imp_uid=payment["imp_uid"], ref=i) for i in range(3)]
    results, summary = await run_all(fake, orders)
    assert [r.outcome for r in sorted(results, key=lambda r: int(str(r.order.ref)))] == [
        ReconcileOutcome.MATCHED,
        ReconcileOutcome.DUPLICATE,
        ReconcileOutcome.DUPLICATE,
    ]
    assert fake.stats.max_multi_ids == 1  # the id was asked for once
    assert summary.actual == payment["amount"]  # the payment is counted once


async def test_check_duplicates_catches_a_repeat_anywhere(fake: FakeIamport) -> None:
    payments = paid(fake, 500)
    orders = [
        Order(amount=p["amount"], imp_uid=p["imp_uid"], ref=i) for i, p in enumerate(payments)
    ]
    orders.append(Order(amount=payments[0]["amount"], imp_uid=payments[0]["imp_uid"], ref=500))
    results, summary = await run_all(fake, orders, check_duplicates=True, concurrency=1)
    last = next(r for r in results if r.order.ref == 500)
    assert last.outcome is ReconcileOutcome.DUPLICATE
    assert summary.counts[ReconcileOutcome.DUPLICATE] == 1
    assert fake.stats.requests["GET /payments"] == 5  # the repeat cost no lookup


async def test_progress_counts_up_to_the_total(fake: FakeIamport) -> None:
    payments = paid(fake, 250)
    seen: list[Progress] = []
    orders = [Order(amount=p["amount"], imp_uid=p["imp_uid"]) for p in payments]
    await run_all(fake, orders, on_progress=seen.append, progress_every=50)
    assert [p.done for p in seen] == [50, 100, 150, 200, 250, 250]
    assert all(p.total == 250 for p in seen)
    assert seen[-1].eta == 0


def test_rate_and_eta() -> None:
    progress = Progress(done=50, total=150, elapsed=10.0, summary=None)  # type: ignore[arg-type]
    assert progress.rate == 5
    assert progress.eta == 20
    assert Progress(done=50, total=None, elapsed=10.0, summary=None).eta is None  # type: ignore[arg-type]
    assert Progress(done=0, total=9, elapsed=0.0, summary=None).eta is None  # type: ignore[arg-type]


async def test_memory_is_bounded_by_the_lookups_in_flight(fake: FakeIamport) -> None:
    payments = paid(fake, 3000)
    fake.faults.latency(0.05, jitter=0.05)  # completion order differs from input order
    read = 0
    lead = 0

    def orders() -> Iterator[Order]:
        nonlocal read
        for i, p in enumerate(payments):
            read += 1
            yield Order(
                amount=p["amount"],
                **({"imp_uid": p["imp_uid"]} if i % 3 else {"merchant_uid": p["merchant_uid"]}),
            )

    async with fake.client() as client, reconcile(client, orders(), concurrency=2) as results:
        done = 0
        async for _ in results:
            done += 1
            lead = max(lead, read - done)
    assert done == 3000
    # per kind: 2 requests of 100 in flight, a chunk being built, a buffer of 100;
    # plus 200 results waiting to be read
    assert lead <= 2 * (2 * 100 + 100 + 100) + 200 + 2


async def test_leaving_early_cancels_the_lookups(fake: FakeIamport) -> None:
    payments = paid(fake, 400)
    orders = [Order(amount=p["amount"], imp_uid=p["imp_uid"]) for p in payments]
    async with fake.client() as client, reconcile(client, orders) as results:
        async for _ in results:
            break
    assert results.summary.total == 1
    assert fake.stats.requests["GET /payments"] <= 4


async def test_something_that_is_not_an_order_stops_the_run(fake: FakeIamport) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await run_all(fake, [{"imp_uid": "imp_1", "amount": 1}])
    assert caught.value.field == "orders"


async def test_a_failing_input_is_raised_as_itself(fake: FakeIamport) -> None:
    paid(fake, 5)

    def orders() -> Iterator[Order]:
        yield Order(amount=1000, imp_uid="imp_p0")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        await run_all(fake, orders())


def test_bad_arguments_are_refused_before_any_request(fake: FakeIamport) -> None:
    client = fake.client()
    with pytest.raises(InvalidInputError):
        reconcile(client, "imp_1")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        reconcile(client, [], concurrency=0)
    assert fake.stats.total_requests == 0


async def test_a_result_put_after_the_caller_left_ends_the_task_as_cancelled() -> None:
    """The race behind ``test_leaving_early_cancels_the_lookups``, made certain: the caller's
    exit cancels the run and closes the results before a task reaches its next checkpoint."""
    send, receive = anyio.create_memory_object_stream[int](1)
    with send, anyio.CancelScope() as scope:
        scope.cancel()
        receive.close()
        await _put(send, 1)  # without the checkpoint: BrokenResourceError, not a cancellation
    assert scope.cancelled_caught


async def test_refused_credentials_stop_the_run_after_one_login(fake: FakeIamport) -> None:
    """20,000 orders of both kinds: one login attempt and one error, not one per request and
    not 20,000 orders reported lookup_failed."""
    orders = [
        Order(amount=1, **({"imp_uid": f"imp_{i}"} if i % 2 else {"merchant_uid": f"o_{i}"}))
        for i in range(20_000)
    ]
    client = Iamport(
        imp_key=fake.imp_key, imp_secret="wrong", transport=fake.transport(), clock=fake.clock
    )
    seen: list[Result] = []

    async def run() -> None:
        async with client, reconcile(client, orders) as results:
            async for result in results:
                seen.append(result)

    with pytest.raises(UnauthorizedError):
        await run()
    assert seen == []
    assert fake.stats.requests["POST /users/getToken"] == 1
    assert fake.stats.requests.get("GET /payments", 0) == 0


class _Foreign404(httpx.AsyncBaseTransport):
    """A proxy (or a wrong base_url) in front of the fake: ``GET /payments`` is its 404 page."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/payments":
            return httpx.Response(404, html="<html><h1>404 Not Found</h1></html>")
        return await self._inner.handle_async_request(request)


async def test_a_404_that_is_not_the_apis_makes_orders_lookup_failed_not_unknown(
    fake: FakeIamport,
) -> None:
    payments = paid(fake, 5)
    orders = [Order(amount=p["amount"], imp_uid=p["imp_uid"]) for p in payments]
    client = Iamport(
        imp_key=fake.imp_key,
        imp_secret=fake._imp_secret,
        transport=_Foreign404(fake.transport()),
        clock=fake.clock,
    )
    async with client, reconcile(client, orders) as results:
        collected = [result async for result in results]
    assert {r.outcome for r in collected} == {ReconcileOutcome.LOOKUP_FAILED}
    assert all(type(r.error) is ApiError for r in collected)
    assert "not an answer of the i'mport API" in collected[0].reason


async def test_an_unknown_order_is_reported_in_the_callers_words(fake: FakeIamport) -> None:
    results, _ = await run_all(fake, [Order(amount=1, merchant_uid="ord_x")])
    assert results[0].reason == "no payment with merchant_uid ord_x"
