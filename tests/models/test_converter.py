"""Answers that do not fit: a ResponseValidationError with the answer's real HTTP status and
the ids of the payment concerned, never a bare OSError or a status made up."""

from __future__ import annotations

import builtins
from typing import Any

import pytest
import respx

from iamport_async import Iamport
from iamport_async.errors import OutcomeUnknownError, ResponseValidationError
from iamport_async.models._converter import structure
from iamport_async.models._types import to_timestamp
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment
from tests.conftest import envelope

pytestmark = pytest.mark.anyio

GOOD = {
    "imp_uid": "imp_1",
    "merchant_uid": "order-1",
    "amount": 1000,
    "status": "paid",
    "cancel_amount": 0,
    "cancel_history": [],
}
OUT_OF_RANGE = [10**18, -1, "1e30", "nan", 253_402_300_800, 1e300]


@pytest.mark.parametrize("seconds", OUT_OF_RANGE)
def test_an_out_of_range_timestamp_is_a_value_error_not_an_os_error(seconds: Any) -> None:
    with pytest.raises(ValueError, match="out of range"):
        to_timestamp(seconds)


@pytest.mark.parametrize("seconds", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["paid_at", "cancelled_at", "vbank_date", "started_at"])
def test_an_out_of_range_timestamp_names_the_payment(seconds: Any, field: str) -> None:
    with pytest.raises(ResponseValidationError) as raised:
        structure({**GOOD, field: seconds}, Payment, status=200, method="GET", path="/x")
    assert raised.value.ids == {"imp_uid": "imp_1", "merchant_uid": "order-1"}
    assert "imp_1" in str(raised.value)
    assert "order-1" in str(raised.value)
    assert f"Payment.{field}" in str(raised.value)


def test_in_a_list_or_a_page_the_ids_are_the_failed_items() -> None:
    bad = {**GOOD, "imp_uid": "imp_2", "merchant_uid": "order-2", "paid_at": 10**18}
    with pytest.raises(ResponseValidationError) as in_list:
        structure([GOOD, bad], builtins.list[Payment], status=207, method="GET", path="/x")
    assert in_list.value.ids == {"imp_uid": "imp_2", "merchant_uid": "order-2"}
    assert in_list.value.status == 207
    page = {"total": 2, "previous": 0, "next": 0, "list": [GOOD, bad]}
    with pytest.raises(ResponseValidationError) as in_page:
        structure(page, Page[Payment], status=200, method="GET", path="/x")
    assert in_page.value.ids == {"imp_uid": "imp_2", "merchant_uid": "order-2"}


def test_a_cancel_history_entry_that_does_not_fit_names_its_payment() -> None:
    history = [{"amount": 10, "cancelled_at": 10**18}]
    with pytest.raises(ResponseValidationError) as raised:
        structure(
            [{**GOOD, "cancel_history": history}],
            builtins.list[Payment],
            status=200,
            method="GET",
            path="/x",
        )
    assert raised.value.ids == {"imp_uid": "imp_1", "merchant_uid": "order-1"}


@pytest.mark.parametrize("status", [200, 201, 207])
async def test_the_error_carries_the_answers_real_status(
    api: respx.MockRouter, client: Iamport, status: int
) -> None:
    api.get("/payments/imp_1").respond(status, json=envelope({"imp_uid": "imp_1"}))
    with pytest.raises(ResponseValidationError) as raised:
        await client.payments.get("imp_1")
    assert raised.value.status == status
    assert f"HTTP {status}" in str(raised.value)


async def test_a_charge_whose_answer_has_a_bad_timestamp_says_which_payment_was_made(
    api: respx.MockRouter, client: Iamport
) -> None:
    """The charge went through: the error must say what to look up, not be a bare OSError."""
    made = {**GOOD, "imp_uid": "imp_made", "merchant_uid": "o-9", "paid_at": 10**18}
    api.post("/subscribe/payments/again").respond(json=envelope(made))
    # the read-back that would settle it meets the same payment: it cannot be read either
    api.get("/payments/findAll/o-9").respond(json=envelope({"total": 1, "list": [made]}))
    with pytest.raises(OutcomeUnknownError) as raised:
        await client.subscribe.again(
            customer_uid="c-1", merchant_uid="o-9", amount=1000, name="plan"
        )
    cause = raised.value.cause
    assert isinstance(cause, ResponseValidationError)
    assert cause.ids == {"imp_uid": "imp_made", "merchant_uid": "o-9"}
