"""Reading a guarded cancel's fate from ``cancel_history`` (``endpoints/_cancel.py``)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from iamport_async.endpoints._cancel import Verdict, verdict
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment
from tests.payments._payloads import payment


def after(*amounts: int, total: int = 10_000, cancel_amount: int | None = None) -> Payment:
    """A payment of ``total`` after cancels of ``amounts`` (oldest first, one second apart)."""
    history = [
        {"amount": amount, "cancelled_at": 1_700_000_100 + i} for i, amount in enumerate(amounts)
    ]
    record = payment(
        "imp_1",
        amount=total,
        cancel_amount=sum(amounts) if cancel_amount is None else cancel_amount,
        status="cancelled" if amounts else "paid",
        cancel_history=history,
    )
    result: Payment = structure(record, Payment, status=200, method="GET", path="/payments/imp_1")
    return result


@pytest.mark.parametrize(
    ("cancels", "checksum", "amount", "expected"),
    [
        ((1000,), 10_000, 1000, Verdict.MADE),
        ((500, 1000, 200), 9_500, 1000, Verdict.MADE),  # later cancels do not hide it
        ((10_000,), 10_000, None, Verdict.MADE),  # a full cancel takes the whole balance
        ((), 10_000, 1000, Verdict.PENDING),
        ((500,), 9_500, 1000, Verdict.PENDING),
        ((300,), 10_000, 1000, Verdict.OVERTAKEN),  # another cancel took the balance first
        ((500,), 12_000, 1000, Verdict.UNCLEAR),  # the balance never was 12,000
    ],
)
def test_the_history_tells_whether_this_cancel_happened(
    cancels: tuple[int, ...], checksum: int, amount: int | None, expected: Verdict
) -> None:
    wanted = None if amount is None else Decimal(amount)
    assert verdict(after(*cancels), Decimal(checksum), wanted) is expected


def test_a_history_that_does_not_add_up_tells_nothing() -> None:
    assert verdict(after(1000, cancel_amount=3000), Decimal(10_000), Decimal(1000)) is (
        Verdict.UNCLEAR
    )


def test_the_order_of_the_history_is_taken_from_cancelled_at() -> None:
    oldest_first = after(1000, 2000)
    newest_first = attrs.evolve(
        oldest_first, cancel_history=tuple(reversed(oldest_first.cancel_history))
    )
    assert verdict(newest_first, Decimal(10_000), Decimal(1000)) is Verdict.MADE
    assert verdict(newest_first, Decimal(9_000), Decimal(2000)) is Verdict.MADE
