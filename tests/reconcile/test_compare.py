"""One order against one payment: which outcome, and a reason naming every difference."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from iamport_async.errors import InvalidInputError
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment
from iamport_async.reconcile import Order, ReconcileOutcome, Result, Summary, compare


def payment(**fields: Any) -> Payment:
    data: dict[str, Any] = {
        "imp_uid": "imp_1",
        "merchant_uid": "order-1",
        "amount": 10_000,
        "cancel_amount": 0,
        "status": "paid",
        "currency": "KRW",
    }
    data.update(fields)
    result: Payment = structure(data, Payment, status=200, method="GET", path="/payments")
    return result


def test_the_same_payment_matches() -> None:
    result = compare(Order(amount=10_000, imp_uid="imp_1"), payment())
    assert result.outcome is ReconcileOutcome.MATCHED
    assert result.matched
    assert result.reason == ""


def test_amount_differs_names_both_amounts() -> None:
    result = compare(Order(amount=12_000, imp_uid="imp_1"), payment())
    assert result.outcome is ReconcileOutcome.AMOUNT_DIFFERS
    assert "10000" in result.reason
    assert "12000" in result.reason


def test_decimal_amounts_compare_exactly() -> None:
    order = Order(amount=Decimal("10.50"), imp_uid="imp_1", currency="USD")
    assert compare(order, payment(amount=Decimal("10.5"), currency="USD")).matched
    assert not compare(order, payment(amount=Decimal("10.51"), currency="USD")).matched


def test_status_differs_for_a_failed_payment() -> None:
    result = compare(Order(amount=10_000, imp_uid="imp_1"), payment(status="failed"))
    assert result.outcome is ReconcileOutcome.STATUS_DIFFERS
    assert "failed" in result.reason


def test_a_full_refund_of_a_paid_order_is_a_status_difference() -> None:
    refunded = payment(status="cancelled", cancel_amount=10_000)
    assert compare(Order(amount=10_000, imp_uid="imp_1"), refunded).outcome is (
        ReconcileOutcome.STATUS_DIFFERS
    )
    expected = Order(amount=10_000, imp_uid="imp_1", status="cancelled")
    assert compare(expected, refunded).matched


def test_a_partial_refund_reads_cancelled_and_is_reported_as_such() -> None:
    partly = payment(status="cancelled", cancel_amount=3_000)
    for status in ("paid", "cancelled"):
        result = compare(Order(amount=10_000, imp_uid="imp_1", status=status), partly)
        assert result.outcome is ReconcileOutcome.REFUNDED_PARTLY
        assert "3000 of 10000" in result.reason


def test_a_partial_refund_the_order_knows_about_matches() -> None:
    partly = payment(status="cancelled", cancel_amount=3_000)
    assert compare(Order(amount=10_000, imp_uid="imp_1", cancel_amount=3_000), partly).matched
    other = compare(Order(amount=10_000, imp_uid="imp_1", cancel_amount=2_000), partly)
    assert other.outcome is ReconcileOutcome.REFUND_DIFFERS


def test_currency_is_checked_only_when_the_order_gives_one() -> None:
    assert compare(Order(amount=10_000, imp_uid="imp_1"), payment(currency="USD")).matched
    assert compare(Order(amount=10_000, imp_uid="imp_1", currency="krw"), payment()).matched
    usd = compare(Order(amount=10_000, imp_uid="imp_1", currency="USD"), payment())
    assert usd.outcome is ReconcileOutcome.CURRENCY_DIFFERS


def test_a_payment_of_another_order_is_reported() -> None:
    order = Order(amount=10_000, imp_uid="imp_1", merchant_uid="order-2")
    assert compare(order, payment()).outcome is ReconcileOutcome.OTHER_ORDER


def test_the_first_outcome_wins_and_the_reason_lists_them_all() -> None:
    order = Order(amount=12_000, imp_uid="imp_1", currency="USD")
    result = compare(order, payment(status="failed"))
    assert result.outcome is ReconcileOutcome.CURRENCY_DIFFERS
    assert "currency" in result.reason
    assert "amount" in result.reason
    assert "status" in result.reason


def test_an_unknown_status_value_is_compared_as_text() -> None:
    result = compare(Order(amount=10_000, imp_uid="imp_1"), payment(status="settling"))
    assert result.outcome is ReconcileOutcome.STATUS_DIFFERS
    assert compare(
        Order(amount=10_000, imp_uid="imp_1", status="settling"), payment(status="settling")
    ).matched


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": 1000.0, "imp_uid": "imp_1"}, "amount"),
        ({"amount": -1, "imp_uid": "imp_1"}, "amount"),
        ({"amount": True, "imp_uid": "imp_1"}, "amount"),
        ({"amount": 1000}, "imp_uid"),
        ({"amount": 1000, "imp_uid": " "}, "imp_uid"),
        ({"amount": 1000, "merchant_uid": "a\nb"}, "merchant_uid"),
        ({"amount": 1000, "imp_uid": "imp_1", "cancel_amount": 1.5}, "cancel_amount"),
        ({"amount": 1000, "imp_uid": "imp_1", "status": ""}, "status"),
    ],
)
def test_an_order_the_api_could_not_answer_is_refused(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Order(**fields)
    assert caught.value.field == field


def test_an_order_is_looked_up_by_imp_uid_when_it_has_one() -> None:
    assert Order(amount=1, imp_uid="i", merchant_uid="m").key == ("imp_uid", "i")
    assert Order(amount=1, merchant_uid="m").key == ("merchant_uid", "m")


def test_the_summary_adds_money_as_decimal_and_counts_a_duplicate_payment_once() -> None:
    summary = Summary()
    paid = payment(amount=1_000, cancel_amount=300, status="cancelled")
    order = Order(amount=1_000, imp_uid="imp_1")
    summary.add(compare(order, paid))
    summary.add(compare(Order(amount=Decimal("0.5"), imp_uid="imp_2"), payment(amount=1)))
    summary.add(Result(order, ReconcileOutcome.DUPLICATE, paid))
    assert summary.total == 3
    assert summary.counts[ReconcileOutcome.DUPLICATE] == 1
    assert summary.expected == Decimal("1000.5") + 1000
    assert summary.actual == 1_001
    assert summary.refunded == 300
    assert summary.differing == 3
    assert not summary.all_matched
