"""Convenience-store barcodes: issued once, revoked with retries."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.cvs import Cvs
from iamport_async.errors import (
    InvalidInputError,
    OutcomeUnknownError,
)
from iamport_async.models.payment import Payment
from tests.conftest import envelope
from tests.endpoints._helpers import body_of, payment

pytestmark = pytest.mark.anyio


@pytest.fixture
def cvs(client: Iamport) -> Cvs:
    return Cvs(client._engine)


async def test_cvs_issue_sends_the_spec_fields(api: respx.MockRouter, cvs: Cvs) -> None:
    route = api.post("/cvs").respond(json=envelope(payment(pay_method="cvs")))
    result = await cvs.issue(channel_key="k", merchant_uid="order-1", amount=15000)
    assert body_of(route) == {"channel_key": "k", "merchant_uid": "order-1", "amount": 15000}
    assert isinstance(result, Payment)

    expires = datetime(2030, 1, 1, tzinfo=UTC)
    await cvs.issue(
        channel_key="k",
        merchant_uid="order-1",
        amount=Decimal(15000),
        barcode="1234567890123",
        expired_at=expires,
        name="Order",
        buyer_name="Hong",
        buyer_email="hong@example.com",
        buyer_tel="01012345678",
        buyer_addr="Seoul",
        buyer_postcode="06236",
        confirm_url="https://shop.example/confirm",
        notice_url=["https://shop.example/a", "https://shop.example/b"],
        custom_data="{}",
    )
    assert body_of(route) == {
        "channel_key": "k",
        "merchant_uid": "order-1",
        "amount": 15000,
        "barcode": "1234567890123",
        "expired_at": int(expires.timestamp()),
        "name": "Order",
        "buyer_name": "Hong",
        "buyer_email": "hong@example.com",
        "buyer_tel": "01012345678",
        "buyer_addr": "Seoul",
        "buyer_postcode": "06236",
        "confirm_url": "https://shop.example/confirm",
        "notice_url": ["https://shop.example/a", "https://shop.example/b"],
        "custom_data": "{}",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"expired_at": datetime(2030, 1, 1)}, "expired_at"),
        ({"buyer_name": "x" * 17}, "buyer_name"),
        ({"notice_url": ["https://a", ""]}, "notice_url"),
    ],
)
async def test_cvs_issue_refuses_bad_input(
    api: respx.MockRouter, cvs: Cvs, changes: dict[str, Any], field: str
) -> None:
    route = api.post("/cvs").respond(json=envelope(payment()))
    arguments: dict[str, Any] = {"channel_key": "k", "merchant_uid": "o", "amount": 1000}
    with pytest.raises(InvalidInputError) as caught:
        await cvs.issue(**{**arguments, **changes})
    assert caught.value.field == field
    assert route.call_count == 0


async def test_cvs_issue_is_not_resent_after_a_timeout(api: respx.MockRouter, cvs: Cvs) -> None:
    route = api.post("/cvs").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError):
        await cvs.issue(channel_key="k", merchant_uid="o", amount=1000)
    assert route.call_count == 1


async def test_cvs_revoke_deletes_and_is_retried_after_a_timeout(
    api: respx.MockRouter, cvs: Cvs
) -> None:
    route = api.delete("/cvs/imp_1").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json=envelope(payment(status="cancelled"))),
        ]
    )
    result = await cvs.revoke("imp_1")
    assert route.call_count == 2
    assert result.status == "cancelled"
