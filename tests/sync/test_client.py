"""The blocking client runs the one engine for every thread: one token, one rate limit, one
concurrency cap, exactly-once money, and a close that leaves no thread waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from iamport_async.errors import (
    ClientClosedError,
    IamportError,
    InvalidInputError,
    NotFoundError,
)
from iamport_async.models import Payment
from iamport_async.sync import Iamport
from iamport_async.testing import FakeIamport, VirtualClock


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` for each i in ``count`` threads started together; results or errors."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait()
        try:
            return work(index)
        except Exception as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_a_call_blocks_and_returns_the_model(iamport_fake: FakeIamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    with iamport_fake.sync_client() as client:
        payment = client.payments.get("imp_1")
        assert isinstance(payment, Payment)
        assert payment.amount == 1000
        with pytest.raises(NotFoundError):
            client.payments.get("imp_missing")
        with pytest.raises(InvalidInputError):
            client.payments.get("")
        assert client.request("GET", "/payments/imp_1")["amount"] == 1000
    assert iamport_fake.stats.tokens_issued == 1


def test_the_fixture_needs_no_async_test(
    iamport_fake: FakeIamport, iamport_sync_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    assert iamport_sync_client.payments.get("imp_1").amount == 1000


def test_16_threads_by_200_calls_share_one_token_one_rate_and_one_cap() -> None:
    clock = VirtualClock()
    fake = FakeIamport(clock=clock)
    fake.add_payment(imp_uid="imp_1", amount=1000)
    fake.faults.latency(0.05)  # on the virtual clock: calls overlap, no real time passes
    rate, cap, threads, calls = 400.0, 4, 16, 200
    with fake.sync_client(rate_limit=rate, max_concurrency=cap) as client:
        started = clock.now

        def work(index: int) -> int:
            return sum(1 for _ in range(calls) if client.payments.get("imp_1").amount == 1000)

        done = _in_threads(threads, work)
        elapsed = clock.now - started
    assert done == [calls] * threads
    assert fake.stats.tokens_issued == 1
    assert fake.stats.requests["POST /users/getToken"] == 1
    assert fake.stats.requests["GET /payments/{imp_uid}"] == threads * calls
    assert fake.stats.max_in_flight == cap
    # a bucket of `rate` a second with a burst of `rate`: the rest waits for its slots
    assert elapsed >= (threads * calls - rate) / rate
    starts = sorted(r.at for r in fake.requests if r.operation == "GET /payments/{imp_uid}")
    for first, second in zip(starts, starts[int(2 * rate) + 1 :], strict=False):
        assert second - first >= 1  # never more than burst + rate in any second


def test_a_refund_from_8_threads_through_lost_answers_is_made_once() -> None:
    fake = FakeIamport(clock=VirtualClock())
    fake.add_payment(imp_uid="imp_r", merchant_uid="order-r", amount=10_000)
    fake.faults.script(
        "drop_after", "timeout", "drop_after", "502", "drop_after", "timeout",
        operations=["POST /payments/cancel"],
    )  # fmt: skip
    with fake.sync_client(max_retries=3) as client:

        def refund(index: int) -> Payment:
            return client.payments.cancel(
                "imp_r", amount=1000, checksum=10_000, reason="order r: one item back"
            )

        outcomes = _in_threads(8, refund)
    history = fake.payments["imp_r"]["cancel_history"]
    assert len(history) == 1
    assert fake.stats.cancels == 1
    assert fake.stats.cancelled_amount == 1000
    assert fake.stats.faults_injected == 6
    for outcome in outcomes:  # each call says the one refund was made, or raises
        if isinstance(outcome, Payment):
            assert outcome.cancel_amount == Decimal(1000)
        else:
            assert isinstance(outcome, IamportError)
    assert any(isinstance(outcome, Payment) for outcome in outcomes)


def test_close_ends_the_calls_in_flight_in_other_threads() -> None:
    fake = FakeIamport()  # the real clock: the calls really are in flight
    fake.add_payment(imp_uid="imp_1", amount=1000)
    client = fake.sync_client()
    client.log_in()
    fake.faults.latency(60)
    results: list[BaseException | object] = []

    def call() -> None:
        try:
            results.append(client.payments.get("imp_1"))
        except BaseException as error:
            results.append(error)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while fake.stats.in_flight < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.stats.in_flight == 4
    begun = time.monotonic()
    client.close()
    for thread in threads:
        thread.join(10)
    assert time.monotonic() - begun < 5
    assert len(results) == 4
    assert all(isinstance(result, ClientClosedError) for result in results)
    with pytest.raises(ClientClosedError):
        client.payments.get("imp_1")
    client.close()  # again: nothing


def test_a_closed_client_never_used_refuses_calls() -> None:
    client = Iamport(imp_key="key", imp_secret="secret")
    client.close()
    with pytest.raises(ClientClosedError):
        client.payments.get("imp_1")


def test_a_client_made_in_one_thread_serves_others(iamport_fake: FakeIamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    client = iamport_fake.sync_client()  # as at import, in the main thread
    try:
        amounts = _in_threads(4, lambda _: client.payments.get("imp_1").amount)
    finally:
        client.close()
    assert amounts == [1000] * 4


def test_with_options_copies_share_the_token_and_the_loop(iamport_fake: FakeIamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    with iamport_fake.sync_client() as client:
        quick = client.with_options(timeout=2, max_retries=0)
        assert quick.payments.get("imp_1").amount == 1000
        assert client.payments.get("imp_1").amount == 1000
        quick.close()  # closes nothing
        assert client.payments.get("imp_1").amount == 1000
        with pytest.raises(InvalidInputError):
            client.with_options(max_retries=-1)
    assert iamport_fake.stats.tokens_issued == 1


def test_raw_response_gives_the_answer_beside_the_result(iamport_fake: FakeIamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    with iamport_fake.sync_client() as client:
        raw = client.raw_response(client.payments.get, "imp_1")
        assert raw.status == 200
        assert raw.parse().amount == 1000
        with pytest.raises(TypeError):
            client.raw_response(len, "x")


def test_a_call_from_the_loop_thread_is_refused_not_a_deadlock(
    iamport_fake: FakeIamport,
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    seen: list[BaseException] = []

    class Hook:
        def on_event(self, event: object) -> None:
            if not seen:
                try:
                    client.payments.get("imp_1")
                except RuntimeError as error:
                    seen.append(error)

    with iamport_fake.sync_client(instrumentation=Hook()) as client:
        assert client.payments.get("imp_1").amount == 1000
    assert seen
    assert "own event loop thread" in str(seen[0])
