"""Listings, streams, reconciliation and the coalescing view, blocking."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from iamport_async.errors import InvalidInputError, NotFoundError
from iamport_async.sync import Iamport, Order, Progress, ReconcileOutcome, reconcile
from iamport_async.testing import FakeIamport, VirtualClock


@pytest.fixture
def fake() -> FakeIamport:
    fake = FakeIamport(clock=VirtualClock())
    for index in range(250):
        fake.add_payment(imp_uid=f"imp_{index}", merchant_uid=f"order-{index}", amount=1000)
    for index in range(45):
        fake.add_payment(imp_uid=f"imp_same_{index}", merchant_uid="order-same", amount=500)
    return fake


FIND_ALL = "GET /payments/findAll/{merchant_uid}/{payment_status}"
"""The fake's name of the listing's operation (its status segment is optional)."""


@pytest.fixture
def client(fake: FakeIamport) -> Iterator[Iamport]:
    with fake.sync_client() as client:
        yield client


def test_a_listing_is_a_plain_iterator_one_page_at_a_time(
    fake: FakeIamport, client: Iamport
) -> None:
    listing = client.payments.find_all("order-same", limit=10)
    first = listing.page()
    assert len(first.list) == 10
    assert len(listing.page(5).list) == 5
    before = fake.stats.requests[FIND_ALL]
    walk = iter(listing)
    next(walk)
    assert fake.stats.requests[FIND_ALL] == before + 1
    rest = list(walk)
    assert len(rest) == 44
    assert fake.stats.requests[FIND_ALL] == before + 5
    assert [len(page.list) for page in listing.pages()] == [10, 10, 10, 10, 5]
    for _ in listing:  # left early: the walk is closed, nothing hangs
        break
    assert list(client.payments.find_all("order-none")) == []


def test_iter_many_reads_a_generator_in_the_callers_thread(client: Iamport) -> None:
    readers: set[int] = set()

    def ids() -> Iterator[str]:
        for index in range(300):
            readers.add(threading.get_ident())
            yield f"imp_{index}"

    with client.payments.iter_many(ids(), concurrency=2) as lookups:
        results = {lookup.id: lookup for lookup in lookups}
    assert readers == {threading.get_ident()}
    assert len(results) == 300
    assert sum(lookup.found for lookup in results.values()) == 250
    assert sum(lookup.missing for lookup in results.values()) == 50


def test_iter_many_left_early_and_with_a_bad_id(client: Iamport) -> None:
    with client.payments.iter_many([f"imp_{i}" for i in range(250)]) as lookups:
        first = next(iter(lookups))
    assert first.found
    with (
        pytest.raises(InvalidInputError),
        client.payments.iter_many(["imp_1", ""]) as lookups,
    ):
        list(lookups)
    assert client.payments.get("imp_1").amount == 1000  # still usable


def test_get_many_takes_a_generator(client: Iamport) -> None:
    result = client.payments.get_many(f"imp_{i}" for i in range(120))
    assert len(result.found) == 120


def test_reconcile_in_a_with_block_reports_progress_in_the_callers_thread(
    client: Iamport,
) -> None:
    reported: list[tuple[int, int]] = []

    def orders() -> Iterator[Order]:
        for index in range(240):
            yield Order(imp_uid=f"imp_{index}", amount=1000 if index % 10 else 999)

    def on_progress(progress: Progress) -> None:
        reported.append((progress.done, threading.get_ident()))

    with reconcile(
        client, orders(), on_progress=on_progress, progress_every=100, total=240
    ) as results:
        outcomes = [result.outcome for result in results]
    assert len(outcomes) == 240
    assert outcomes.count(ReconcileOutcome.AMOUNT_DIFFERS) == 24
    assert results.summary.total == 240
    assert results.summary.counts[ReconcileOutcome.MATCHED] == 216
    assert [done for done, _ in reported] == [100, 200, 240]
    assert {thread for _, thread in reported} == {threading.get_ident()}


def test_coalescing_from_many_threads_sends_fewer_requests(
    fake: FakeIamport, client: Iamport
) -> None:
    client.log_in()
    before = fake.stats.requests["GET /payments"]
    with client.payments.coalescing(window=0.05) as payments, ThreadPoolExecutor(8) as pool:
        amounts = list(pool.map(lambda i: payments.get(f"imp_{i}").amount, range(64)))
        with pytest.raises(NotFoundError):
            payments.get("imp_none")
    assert amounts == [1000] * 64
    assert fake.stats.requests["GET /payments"] - before < 64
