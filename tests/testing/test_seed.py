"""Generated payments: realistic, reproducible, unique, consistent."""

from __future__ import annotations

import collections
from decimal import Decimal

import pytest

from iamport_async import Iamport
from iamport_async.testing import FakeIamport, seed_payments

pytestmark = pytest.mark.anyio


def test_same_seed_same_payments_other_seed_other_payments() -> None:
    assert seed_payments(50, seed=7) == seed_payments(50, seed=7)
    assert seed_payments(50, seed=7) != seed_payments(50, seed=8)


def test_seeded_payments_are_realistic_and_consistent() -> None:
    now = 1_700_000_000
    payments = seed_payments(2000, seed=1, now=now)
    assert len({p["imp_uid"] for p in payments}) == 2000
    assert len({p["merchant_uid"] for p in payments}) == 2000
    statuses = collections.Counter(p["status"] for p in payments)
    assert statuses["paid"] > 1500
    assert statuses["ready"]
    assert statuses["failed"]
    assert statuses["cancelled"]
    assert {p["pay_method"] for p in payments} == {"card", "trans", "vbank"}
    partial = [
        p for p in payments if p["status"] == "cancelled" and p["cancel_amount"] < p["amount"]
    ]
    assert partial
    for p in payments:
        assert isinstance(p["amount"], int)
        assert p["amount"] > 0
        assert p["amount"] % 100 == 0
        assert p["currency"] == "KRW"
        assert now - 30 * 86400 <= p["started_at"] <= now
        assert sum(h["amount"] for h in p["cancel_history"]) == p["cancel_amount"]
        if p["status"] == "ready":
            assert p["pay_method"] == "vbank"
            assert p["paid_at"] == 0
            assert p["vbank_num"]
        if p["status"] in ("paid", "cancelled"):
            assert p["paid_at"] >= p["started_at"]
        if p["status"] == "cancelled":
            assert p["cancelled_at"] >= p["paid_at"]
            assert p["cancel_history"]
        if p["status"] == "failed":
            assert p["failed_at"]
            assert p["fail_reason"]


def test_add_payment_refuses_floats_typos_and_duplicates() -> None:
    fake = FakeIamport()
    with pytest.raises(TypeError):
        fake.add_payment(amount=10.5)
    with pytest.raises(TypeError, match="amout"):
        fake.add_payment(amout=100)
    with pytest.raises(ValueError, match="status"):
        fake.add_payment(status="done")
    fake.add_payment(imp_uid="imp_1")
    with pytest.raises(ValueError, match="exists already"):
        fake.add_payment(imp_uid="imp_1")
    usd = fake.add_payment(amount=Decimal("10.50"), currency="USD")
    assert usd["amount"] == Decimal("10.50")


async def test_reconcile_10k_seeded_payments_in_process(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    """The demo's path: every seeded payment read back by 100-id multi-gets, all matching."""
    seeded = {p["imp_uid"]: p for p in iamport_fake.seed_payments(10_000)}
    ids = list(seeded)
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        got = await iamport_client.request(
            "GET", "/payments", params=[("imp_uid[]", i) for i in chunk]
        )
        for payment in got:
            assert payment["amount"] == seeded[payment["imp_uid"]]["amount"]
        assert len(got) == len(chunk)
    assert iamport_fake.stats.requests["GET /payments"] == 100
    assert iamport_fake.stats.max_multi_ids == 100


async def test_decimal_amount_goes_out_as_a_json_number(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_usd", amount=Decimal("12.34"), currency="USD")
    got = await iamport_client.request("GET", "/payments/imp_usd")
    assert got["amount"] == Decimal("12.34")
