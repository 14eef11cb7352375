"""KCP Quick Pay charges after an ambiguous failure: settled by one lookup, never resent.

The money charge settles the PIN-checked payment ``imp_uid``; the autopay charge takes only a
payment for ``merchant_uid`` that started during the call (server time from the token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.kcpquick import KcpQuick
from iamport_async.errors import (
    BusinessError,
    ConnectionLost,
    IamportError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
)
from iamport_async.models.payment import Payment, PaymentStatus
from tests.conftest import envelope

pytestmark = pytest.mark.anyio

Charge = Callable[[KcpQuick], Awaitable[Payment]]


def payment(status: str) -> dict[str, Any]:
    return {
        "imp_uid": "imp_pin_1",
        "merchant_uid": "order-1",
        "amount": 5000,
        "cancel_amount": 0,
        "currency": "KRW",
        "status": status,
        "sandbox": False,
        "pg_provider": "kcp_quick",
        "started_at": 1_700_000_000,
        "paid_at": 1_700_000_000 if status == "paid" else 0,
    }


def listing(*payments: dict[str, Any]) -> dict[str, Any]:
    return envelope({"total": len(payments), "previous": 0, "next": 0, "list": list(payments)})


LOOKUPS = {
    "/kcpquick/payment/money": "/payments/imp_pin_1",
    "/kcpquick/payment/autopay": "/payments/findAll/order-1",
}


async def with_money(kcp: KcpQuick) -> Payment:
    return await kcp.pay_with_money(
        member_id="m", channel_key="k", merchant_uid="order-1", name="n", amount=5000,
        imp_uid="imp_pin_1",
    )  # fmt: skip


async def with_autopay(kcp: KcpQuick) -> Payment:
    return await kcp.pay_with_autopay(
        customer_uid="c", merchant_uid="order-1", name="n", buyer_name="b", amount=5000
    )


CHARGES = [
    pytest.param("/kcpquick/payment/money", with_money, id="money"),
    pytest.param("/kcpquick/payment/autopay", with_autopay, id="autopay"),
]
AMBIGUOUS = [
    pytest.param(httpx.ReadTimeout("slow"), RequestTimeout, id="timeout"),
    pytest.param(httpx.RemoteProtocolError("dropped"), ConnectionLost, id="dropped"),
    pytest.param(httpx.Response(502, text="Bad Gateway"), ServerError, id="502"),
    pytest.param(httpx.Response(500, json=envelope(code=-1, message="x")), ServerError, id="500"),
]


@pytest.fixture
def kcp(client: Iamport) -> KcpQuick:
    return KcpQuick(client._engine)


def notes(error: BaseException) -> str:
    return " ".join(getattr(error, "__notes__", []))


@pytest.mark.parametrize(("endpoint", "charge"), CHARGES)
@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_the_payment_kcp_settled_is_returned_and_the_charge_not_resent(
    api: respx.MockRouter,
    kcp: KcpQuick,
    endpoint: str,
    charge: Charge,
    failure: Any,
    error: type[IamportError],
) -> None:
    charged = api.post(endpoint).mock(side_effect=[failure])
    found = payment("paid")
    answer = envelope(found) if endpoint.endswith("money") else listing(found)
    lookup = api.get(LOOKUPS[endpoint]).respond(json=answer)
    made = await charge(kcp)
    assert made.status is PaymentStatus.PAID
    assert made.merchant_uid == "order-1"
    assert charged.call_count == 1
    assert lookup.call_count == 1


@pytest.mark.parametrize(("endpoint", "charge"), CHARGES)
@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_no_payment_found_leaves_the_outcome_unknown(
    api: respx.MockRouter,
    kcp: KcpQuick,
    endpoint: str,
    charge: Charge,
    failure: Any,
    error: type[IamportError],
) -> None:
    charged = api.post(endpoint).mock(side_effect=[failure])
    lookup = api.get(LOOKUPS[endpoint]).respond(
        404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await charge(kcp)
    assert caught.value.path == endpoint
    assert isinstance(caught.value.cause, error)
    assert charged.call_count == 1
    assert lookup.call_count == 1


async def test_the_pin_checked_order_still_ready_is_not_taken_for_the_charge(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    charged = api.post("/kcpquick/payment/money").mock(side_effect=httpx.ReadTimeout("slow"))
    lookup = api.get("/payments/imp_pin_1").respond(json=envelope(payment("ready")))
    with pytest.raises(OutcomeUnknownError) as caught:
        await with_money(kcp)
    assert "ready" in notes(caught.value)
    assert charged.call_count == 1
    assert lookup.call_count == 1


async def test_a_declined_charge_is_raised_without_a_lookup(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    api.post("/kcpquick/payment/autopay").respond(json=envelope(code=1, message="잔액 부족"))
    lookup = api.get("/payments/findAll/order-1")
    with pytest.raises(BusinessError):
        await with_autopay(kcp)
    assert not lookup.called
