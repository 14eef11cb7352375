"""Payment models on payloads shaped like the spec, the seed page and real quirks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from iamport_async.errors import InvalidInputError, ResponseValidationError
from iamport_async.models._converter import structure
from iamport_async.models.page import Page
from iamport_async.models.payment import (
    Channel,
    CustomerUidUsage,
    Payment,
    PaymentStatus,
)
from iamport_async.webhooks import Expected
from tests.payloads import payment

SEED = Path(__file__).parent / "data" / "get-payments-example.json"
"""The example answer of ``GET /payments`` ("Response Model Schema") on the API's docs page for
it (https://developers.portone.io/api/rest-v1/payment), copied verbatim: it writes
``card_type`` as the string ``"null"``."""


def load(data: Any) -> Payment:
    result: Payment = structure(data, Payment, status=200, method="GET", path="/payments/x")
    return result


def seed_example() -> dict[str, Any]:
    body = json.loads(SEED.read_text(encoding="utf-8"))
    return body["response"][0]  # type: ignore[no-any-return]


def test_the_seed_example_loads_with_its_string_null_card_type() -> None:
    seeded = seed_example()
    loaded = load(seeded)
    assert seeded["card_type"] == "null"
    assert loaded.card_type is None
    assert loaded.status is PaymentStatus.READY
    assert loaded.customer_uid_usage is CustomerUidUsage.ISSUE
    assert loaded.started_at is None  # 0 means not set
    assert loaded.sandbox is False  # absent from the seed, required by the spec
    assert loaded.cancel_history[0].cancellation_id is None


def test_a_spec_shaped_payment_keeps_every_value() -> None:
    data = payment(
        "imp_1",
        amount=Decimal("10.5"),  # a JSON fraction, as the envelope decodes it
        currency="USD",
        cancel_amount="0.5",
        card_type="1",
        card_quota=3,
        vbank_date="1700003600",
        promotion={"id": "promotion-id-1", "discount": 1000},
        cancel_history=[
            {
                "pg_tid": "t",
                "amount": Decimal("0.5"),
                "cancelled_at": 1_700_000_100,
                "reason": "r",
                "cancellation_id": "c1",
                "receipt_url": "u",
            }
        ],
        deposit_history=[
            {"pg_tid": "d", "amount": 11, "depositor_name": "홍", "deposited_at": 1_700_000_000}
        ],
    )
    loaded = load(data)
    assert loaded.amount == Decimal("10.5")
    assert isinstance(loaded.amount, Decimal)
    assert loaded.refundable_amount == Decimal("10.0")
    assert loaded.card_type == 1
    assert loaded.channel is Channel.PC
    assert loaded.paid_at == datetime.fromtimestamp(1_700_000_060, UTC)
    assert loaded.vbank_date == datetime.fromtimestamp(1_700_003_600, UTC)
    assert loaded.cancel_history[0].cancelled_at == datetime.fromtimestamp(1_700_000_100, UTC)
    assert loaded.deposit_history[0].amount == 11
    assert loaded.promotion is not None
    assert loaded.promotion.discount == 1000
    assert loaded.is_partially_cancelled
    # part of it is refunded: it no longer matches an order of the full amount
    assert loaded.matches(amount=Decimal("10.5"), currency="USD") is False
    assert load(payment("imp_2")).matches(amount=1000, currency="KRW")
    assert not load(payment("imp_2")).matches(amount=999)


def test_unknown_fields_and_values_are_kept_not_crashed_on() -> None:
    loaded = load(
        payment(
            "imp_1",
            status="partial_refunded",
            channel="kiosk",
            customer_uid_usage="payment.future",
            card_type=None,
            cancel_history=None,
            brand_new_field={"x": 1},
        )
    )
    assert loaded.status == "partial_refunded"
    assert loaded.channel == "kiosk"
    assert loaded.customer_uid_usage == "payment.future"
    assert loaded.card_type is None
    assert loaded.cancel_history == ()
    assert loaded.unknown_fields == {"brand_new_field": {"x": 1}}


def test_a_payment_is_immutable_through_and_through_and_hashable() -> None:
    cancel = {"amount": 300, "cancelled_at": 1_700_000_100, "reason": "반품"}
    loaded = load(payment("imp_1", cancel_history=[cancel], cancel_receipt_urls=["https://r"]))
    assert loaded.cancel_history[0].amount == 300
    assert loaded.cancel_receipt_urls == ("https://r",)
    with pytest.raises(AttributeError):
        loaded.cancel_history.append(loaded.cancel_history[0])  # type: ignore[attr-defined]
    again = load(payment("imp_1", cancel_history=[cancel], cancel_receipt_urls=["https://r"]))
    assert {loaded, again} == {loaded}  # a set of payments, e.g. to deduplicate a report


def test_personal_data_stays_out_of_repr() -> None:
    loaded = load(payment("imp_1", buyer_tel="010-1234-5678", card_number="4092-12**-****-1234"))
    assert "010-1234-5678" not in repr(loaded)
    assert "4092" not in repr(loaded)
    assert "imp_1" in repr(loaded)


def test_a_payment_without_its_required_fields_is_a_validation_error() -> None:
    with pytest.raises(ResponseValidationError):
        load({"imp_uid": "imp_1", "status": "paid"})


def test_a_page_round_trips() -> None:
    page = structure(
        {"total": 2, "previous": 0, "next": 2, "list": [payment("a"), payment("b")]},
        Page[Payment],
        status=200,
        method="GET",
        path="/payments/status/all",
    )
    assert [p.imp_uid for p in page.list] == ["a", "b"]
    assert page.next == 2


def test_loose_types_are_read_as_the_fields_types() -> None:
    loaded = load(payment("imp_1", apply_num=12345678, escrow=None, sandbox=1, amount="1000"))
    assert loaded.apply_num == "12345678"
    assert loaded.escrow is False
    assert loaded.sandbox is True
    assert loaded.amount == Decimal(1000)


def test_flags_sent_as_strings_are_read_as_what_they_say() -> None:
    loaded = load(payment("imp_1", escrow="false", sandbox="Y", cash_receipt_issued=0))
    assert (loaded.escrow, loaded.sandbox, loaded.cash_receipt_issued) == (False, True, False)


def test_a_null_identifier_is_refused_not_read_as_the_text_none() -> None:
    with pytest.raises(ResponseValidationError, match="merchant_uid"):
        load({**payment("imp_1"), "merchant_uid": None})


def test_a_value_that_does_not_fit_names_its_field() -> None:
    with pytest.raises(ResponseValidationError, match="paid_at"):
        load(payment("imp_1", paid_at="yesterday"))


def test_the_fast_hook_builds_the_same_payment_as_the_constructor() -> None:
    loaded = load(payment("imp_1", card_type=None, cancel_history=None))
    built = Payment(
        imp_uid="imp_1",
        merchant_uid="order-imp_1",
        amount=Decimal(1000),
        status=PaymentStatus.PAID,
        currency="KRW",
        pay_method="card",
        channel=Channel.PC,
        pg_provider="html5_inicis",
        pg_tid="StdpayCARD_1",
        started_at=datetime.fromtimestamp(1_700_000_000, UTC),
        paid_at=datetime.fromtimestamp(1_700_000_060, UTC),
    )
    assert loaded == built


@pytest.mark.parametrize("amount", [1000.0, "1000", "abc", True, -1, Decimal("NaN"), None])
def test_matches_refuses_what_expected_refuses(amount: Any) -> None:
    """``matches`` is the check before shipping: a float or a string is a caller's bug, said
    as InvalidInputError, never a silent True (1000.0) or a decimal.InvalidOperation."""
    paid = load(payment("imp_1"))
    with pytest.raises(InvalidInputError) as caught:
        paid.matches(amount=amount)
    assert caught.value.field == "amount"
    with pytest.raises(InvalidInputError):
        Expected(amount=amount)


@pytest.mark.parametrize("currency", ["krw", "KRW", " Krw "])
def test_matches_compares_currencies_ignoring_case(currency: str) -> None:
    assert load(payment("imp_1")).matches(amount=1000, currency=currency)
    assert Expected(amount=1000, currency=currency).currency == "KRW"


@pytest.mark.parametrize("currency", ["", "  ", 410])
def test_matches_refuses_a_currency_that_is_no_code(currency: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load(payment("imp_1")).matches(amount=1000, currency=currency)
    assert caught.value.field == "currency"


def test_matches_is_false_for_another_currency_or_one_the_payment_lacks() -> None:
    assert not load(payment("imp_1")).matches(amount=1000, currency="USD")
    assert not load(payment("imp_1", currency=None)).matches(amount=1000, currency="KRW")
    assert load(payment("imp_1", currency=None)).matches(amount=Decimal("1000.00"))
