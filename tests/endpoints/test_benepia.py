"""Benepia points: reading them, paying with them, and a payment after an ambiguous failure
(settled by one lookup, never resent; the API's own refusal, HTTP 500 with its envelope, is
final and looks nothing up)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.benepia import Benepia
from iamport_async.errors import (
    ConnectionLost,
    IamportError,
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
)
from iamport_async.models.payment import Payment, PaymentStatus
from tests.conftest import envelope
from tests.endpoints._helpers import body_of, payment

pytestmark = pytest.mark.anyio

AMBIGUOUS = [
    pytest.param(httpx.ReadTimeout("slow"), RequestTimeout, id="timeout"),
    pytest.param(httpx.ReadError("reset"), ConnectionLost, id="dropped"),
    pytest.param(httpx.Response(502, text="bad gateway"), ServerError, id="502"),
]


@pytest.fixture
def benepia(client: Iamport) -> Benepia:
    return Benepia(client._engine)


async def pay(benepia: Benepia) -> Payment:
    return await benepia.pay(
        benepia_user="member",
        benepia_password="pw-secret",
        merchant_uid="order-1",
        amount=5000,
        name="n",
        channel_key="k",
    )


def point_payment(status: str) -> dict[str, Any]:
    """Started when the token was issued (``tests.conftest.token_payload``): during the call."""
    return payment(
        status=status, pay_method="point", amount=5000, pg_provider="kcp", started_at=1_700_000_000
    )


def listing(*payments: dict[str, Any]) -> dict[str, Any]:
    return envelope({"total": len(payments), "previous": 0, "next": 0, "list": list(payments)})


FIND_ALL = "/payments/findAll/order-1"


@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_the_payment_made_is_returned_and_not_paid_again(
    api: respx.MockRouter, benepia: Benepia, failure: Any, error: type[IamportError]
) -> None:
    charged = api.post("/benepia/payment").mock(side_effect=[failure])
    lookup = api.get(FIND_ALL).respond(json=listing(point_payment("paid")))
    made = await pay(benepia)
    assert made.status is PaymentStatus.PAID
    assert made.amount == 5000
    assert charged.call_count == 1
    assert lookup.call_count == 1


@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_no_payment_found_leaves_the_outcome_unknown(
    api: respx.MockRouter, benepia: Benepia, failure: Any, error: type[IamportError]
) -> None:
    charged = api.post("/benepia/payment").mock(side_effect=[failure])
    lookup = api.get(FIND_ALL).respond(
        404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await pay(benepia)
    assert isinstance(caught.value.cause, error)
    assert "pw-secret" not in str(caught.value)
    assert charged.call_count == 1
    assert lookup.call_count == 1


async def test_the_apis_refusal_is_final_and_looks_nothing_up(
    api: respx.MockRouter, benepia: Benepia
) -> None:
    charged = api.post("/benepia/payment").respond(
        500, json=envelope(code=-1, message="베네피아 포인트 결제 실패")
    )
    lookup = api.get(FIND_ALL)
    with pytest.raises(ServerError) as caught:
        await pay(benepia)
    assert caught.value.message == "베네피아 포인트 결제 실패"
    assert charged.call_count == 1
    assert not lookup.called


async def test_benepia_points_are_read_without_resending_the_login(
    api: respx.MockRouter, benepia: Benepia
) -> None:
    route = api.post("/benepia/point").respond(json=envelope({"point": 35000}))
    result = await benepia.get_points(
        benepia_user="member", benepia_password="pw-secret", channel_key="k"
    )
    assert body_of(route) == {
        "benepia_user": "member",
        "benepia_password": "pw-secret",
        "channel_key": "k",
    }
    assert result.point == Decimal(35000)


async def test_a_failed_benepia_login_is_not_repeated_nor_shown(
    api: respx.MockRouter, benepia: Benepia
) -> None:
    route = api.post("/benepia/point").respond(
        500, json=envelope(None, code=-1, message="베네피아 포인트 조회 실패")
    )
    with pytest.raises(ServerError) as caught:
        await benepia.get_points(
            benepia_user="member", benepia_password="pw-secret", channel_key="k"
        )
    assert route.call_count == 1
    assert "pw-secret" not in str(caught.value)


async def test_benepia_pay_sends_the_spec_fields(api: respx.MockRouter, benepia: Benepia) -> None:
    route = api.post("/benepia/payment").respond(
        json=envelope(payment(status="paid", pay_method="point", amount=5000))
    )
    required: dict[str, Any] = {
        "benepia_user": "member",
        "benepia_password": "pw-secret",
        "merchant_uid": "order-9",
        "amount": 5000,
        "name": "Gift",
        "channel_key": "k",
    }
    result = await benepia.pay(**required)
    assert body_of(route) == required
    assert result.amount == Decimal(5000)

    await benepia.pay(
        **required,
        benepia_member_code="M01",
        buyer_name="Hong",
        buyer_email="hong@example.com",
        buyer_tel="01012345678",
        buyer_addr="Seoul",
        buyer_postcode="06236",
        notice_url="https://shop.example/hook",
        custom_data="{}",
    )
    assert body_of(route) == {
        **required,
        "benepia_member_code": "M01",
        "buyer_name": "Hong",
        "buyer_email": "hong@example.com",
        "buyer_tel": "01012345678",
        "buyer_addr": "Seoul",
        "buyer_postcode": "06236",
        "notice_url": ["https://shop.example/hook"],
        "custom_data": "{}",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": 10.0}, "amount"),
        ({"benepia_password": ""}, "benepia_password"),
        ({"name": "x" * 41}, "name"),
    ],
)
async def test_benepia_pay_refuses_bad_input(
    api: respx.MockRouter, benepia: Benepia, changes: dict[str, Any], field: str
) -> None:
    route = api.post("/benepia/payment").respond(json=envelope(payment()))
    arguments: dict[str, Any] = {
        "benepia_user": "m",
        "benepia_password": "p",
        "merchant_uid": "o",
        "amount": 1000,
        "name": "n",
        "channel_key": "k",
    }
    with pytest.raises(InvalidInputError) as caught:
        await benepia.pay(**{**arguments, **changes})
    assert caught.value.field == field
    assert route.call_count == 0


async def test_benepia_pay_is_not_resent_after_a_5xx(
    api: respx.MockRouter, benepia: Benepia
) -> None:
    route = api.post("/benepia/payment").respond(502, text="bad gateway")
    api.get("/payments/findAll/o").respond(404, json=envelope(None, code=-1))
    with pytest.raises(OutcomeUnknownError):
        await benepia.pay(
            benepia_user="m",
            benepia_password="p",
            merchant_uid="o",
            amount=1000,
            name="n",
            channel_key="k",
        )
    assert route.call_count == 1
