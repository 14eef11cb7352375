"""KCP Quick Pay: charges sent once, pre-registration, member and key deletion; a charge
after an ambiguous failure is settled by one lookup, never resent (the money charge by the
PIN-checked payment ``imp_uid``, the autopay charge by a payment for ``merchant_uid`` that
started during the call, server time from the token)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.kcpquick import KcpQuick
from iamport_async.errors import (
    BusinessError,
    ConflictError,
    ConnectionLost,
    IamportError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
    TransportError,
)
from iamport_async.models.payment import Payment, PaymentStatus
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


def payment(merchant_uid: str = "order-1", amount: int = 5000) -> dict[str, Any]:
    return {
        "imp_uid": "imp_kcp_1",
        "merchant_uid": merchant_uid,
        "amount": amount,
        "cancel_amount": 0,
        "currency": "KRW",
        "status": "paid",
        "sandbox": False,
        "pg_provider": "kcp_quick",
        "paid_at": 1_700_000_000,
    }


@pytest.fixture
def kcp(client: Iamport) -> KcpQuick:
    return KcpQuick(client._engine)


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


async def test_pay_with_money_sends_the_spec_fields_and_returns_the_payment(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    route = api.post("/kcpquick/payment/money").respond(json=envelope(payment()))
    result = await kcp.pay_with_money(
        member_id="member-1",
        channel_key="channel-1",
        merchant_uid="order-1",
        name="Coffee",
        amount=Decimal(5000),
        imp_uid="imp_pin_1",
    )
    assert body_of(route) == {
        "member_id": "member-1",
        "channel_key": "channel-1",
        "merchant_uid": "order-1",
        "name": "Coffee",
        "amount": 5000,
        "imp_uid": "imp_pin_1",
    }
    assert isinstance(result, Payment)
    assert result.amount == Decimal(5000)


async def test_pay_with_autopay_sends_the_spec_fields(api: respx.MockRouter, kcp: KcpQuick) -> None:
    route = api.post("/kcpquick/payment/autopay").respond(json=envelope(payment("order-2")))
    result = await kcp.pay_with_autopay(
        customer_uid="cust-1",
        merchant_uid="order-2",
        name="Monthly",
        buyer_name="Hong",
        amount=9900,
        notice_url="https://shop.example/hook",
    )
    assert body_of(route) == {
        "customer_uid": "cust-1",
        "merchant_uid": "order-2",
        "name": "Monthly",
        "buyer_name": "Hong",
        "amount": 9900,
        "notice_url": "https://shop.example/hook",
    }
    assert result.merchant_uid == "order-2"


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped")],
    ids=["timeout", "dropped"],
)
async def test_a_charge_that_may_have_reached_the_server_is_never_resent(
    api: respx.MockRouter, kcp: KcpQuick, failure: Exception
) -> None:
    route = api.post("/kcpquick/payment/autopay").mock(side_effect=failure)
    api.get("/payments/findAll/order-3").respond(404, json=envelope(None, code=-1))
    with pytest.raises(OutcomeUnknownError) as caught:
        await kcp.pay_with_autopay(
            customer_uid="c", merchant_uid="order-3", name="n", buyer_name="b", amount=1000
        )
    assert route.call_count == 1
    assert isinstance(caught.value.cause, TransportError)
    assert caught.value.cause.reached_server is True


async def test_a_charge_answered_500_is_not_resent(api: respx.MockRouter, kcp: KcpQuick) -> None:
    route = api.post("/kcpquick/payment/money").respond(500, json=envelope(None, code=-1))
    api.get("/payments/i").respond(404, json=envelope(None, code=-1))
    with pytest.raises(OutcomeUnknownError):
        await kcp.pay_with_money(
            member_id="m", channel_key="k", merchant_uid="o", name="n", amount=1, imp_uid="i"
        )
    assert route.call_count == 1


async def test_a_charge_whose_connection_was_refused_is_resent_once_it_can_be(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    route = api.post("/kcpquick/payment/money")
    route.side_effect = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json=envelope(payment())),
    ]
    result = await kcp.pay_with_money(
        member_id="m", channel_key="k", merchant_uid="order-1", name="n", amount=1, imp_uid="i"
    )
    assert route.call_count == 2
    assert result.merchant_uid == "order-1"


async def test_a_declined_charge_is_a_business_error(api: respx.MockRouter, kcp: KcpQuick) -> None:
    api.post("/kcpquick/payment/money").respond(json=envelope(None, code=1, message="잔액 부족"))
    with pytest.raises(BusinessError) as caught:
        await kcp.pay_with_money(
            member_id="m", channel_key="k", merchant_uid="o", name="n", amount=1, imp_uid="i"
        )
    assert caught.value.message == "잔액 부족"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({"amount": 10.0}, "amount"),
        ({"amount": Decimal("10.5")}, "amount"),
        ({"merchant_uid": "x" * 41}, "merchant_uid"),
        ({"name": ""}, "name"),
        ({"member_id": "m" * 17}, "member_id"),
        ({"imp_uid": ""}, "imp_uid"),
    ],
)
async def test_bad_charge_input_is_refused_before_any_request(
    api: respx.MockRouter, kcp: KcpQuick, kwargs: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {
        "member_id": "m",
        "channel_key": "k",
        "merchant_uid": "o",
        "name": "n",
        "amount": 1000,
        "imp_uid": "i",
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as caught:
        await kcp.pay_with_money(**arguments)
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_prepare_and_update(api: respx.MockRouter, kcp: KcpQuick) -> None:
    create = api.post("/kcpquick/prepare/order-9").respond(json=envelope(None))
    update = api.put("/kcpquick/prepare/order-9").respond(json=envelope(None))
    await kcp.prepare(
        "order-9",
        btid="bt-1",
        cust_ip="203.0.113.7",
        code_verifier="v" * 43,
        prepaid_auth_yn="Y",
        prepaid_amount=30000,
    )
    await kcp.update_prepare("order-9", btid="bt-2", cust_ip="203.0.113.7", code_verifier="v")
    assert body_of(create) == {
        "btid": "bt-1",
        "cust_ip": "203.0.113.7",
        "code_verifier": "v" * 43,
        "prepaid_auth_yn": "Y",
        "prepaid_amount": 30000,
    }
    assert body_of(update) == {"btid": "bt-2", "cust_ip": "203.0.113.7", "code_verifier": "v"}


async def test_a_second_prepare_is_a_conflict(api: respx.MockRouter, kcp: KcpQuick) -> None:
    api.post("/kcpquick/prepare/order-9").respond(409, json=envelope(None, code=1))
    with pytest.raises(ConflictError):
        await kcp.prepare("order-9", btid="b", cust_ip="10.0.0.1", code_verifier="v")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cust_ip": "::1"}, "cust_ip"),
        ({"cust_ip": "300.1.1.1"}, "cust_ip"),
        ({"btid": "b" * 21}, "btid"),
        ({"prepaid_auth_yn": "yes"}, "prepaid_auth_yn"),
        ({"prepaid_auth_yn": "Y"}, "prepaid_amount"),
        ({"prepaid_amount": 1_000_000_000}, "prepaid_amount"),
        ({"code_verifier": "v" * 201}, "code_verifier"),
    ],
)
async def test_bad_prepare_input_is_refused(
    api: respx.MockRouter, kcp: KcpQuick, kwargs: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {"btid": "b", "cust_ip": "10.0.0.1", "code_verifier": "v", **kwargs}
    with pytest.raises(InvalidInputError) as caught:
        await kcp.prepare("order-9", **arguments)
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_delete_member_sends_accept_json_and_the_query(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    route = api.delete("/kcpquick/members/member-1").respond(
        json=envelope(
            {
                "member_id": "member-1",
                "pg_provider": "kcp_quick",
                "pg_id": "IX0XX",
                "inserted": 1_700_000_000,
                "updated": 0,
            }
        )
    )
    member = await kcp.delete_member(
        "member-1", site_code="IX0XX", partner_type="IX99", partner_subtype="99IX"
    )
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert dict(request.url.params) == {
        "site_code": "IX0XX",
        "partner_type": "IX99",
        "partner_subtype": "99IX",
    }
    assert member.member_id == "member-1"
    assert member.updated is None  # 0 means "never"


async def test_a_lost_delete_answer_is_retried_and_a_404_then_says_so(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    route = api.delete("/kcpquick/autopay/cust-1")
    route.side_effect = [
        httpx.ReadTimeout("slow"),
        httpx.Response(404, json=envelope(None, code=-1, message="not found")),
    ]
    with pytest.raises(OutcomeUnknownError) as caught:
        await kcp.delete_autopay("cust-1")
    assert route.call_count == 2
    assert isinstance(caught.value.cause, NotFoundError)
    assert caught.value.outcome_known is False


async def test_delete_autopay_and_release_fido(api: respx.MockRouter, kcp: KcpQuick) -> None:
    api.delete("/kcpquick/autopay/cust-1").respond(
        json=envelope(
            {"customer_uid": "cust-1"}, message="자동결제 키가 정상적으로 삭제되었습니다."
        )
    )
    fido = api.post("/kcpquick/members/member-1/fido/release").respond(
        json=envelope({"member_id": "member-1"})
    )
    assert (await kcp.delete_autopay("cust-1")).customer_uid == "cust-1"
    assert (await kcp.release_fido("member-1", channel_key="ck")).member_id == "member-1"
    assert body_of(fido) == {"channel_key": "ck"}


async def test_fido_refused_by_kcp_is_a_business_error_and_not_resent(
    api: respx.MockRouter, kcp: KcpQuick
) -> None:
    route = api.post("/kcpquick/members/member-1/fido/release").respond(
        json=envelope(None, code=-1, message="KCP: 해제 실패")
    )
    with pytest.raises(BusinessError):
        await kcp.release_fido("member-1", channel_key="ck")
    assert route.call_count == 1


async def test_timeout_on_fido_release_is_not_resent(api: respx.MockRouter, kcp: KcpQuick) -> None:
    route = api.post("/kcpquick/members/m/fido/release").mock(side_effect=httpx.ReadTimeout("x"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await kcp.release_fido("m", channel_key="ck")
    assert isinstance(caught.value.cause, RequestTimeout)
    assert route.call_count == 1


Charge = Callable[[KcpQuick], Awaitable[Payment]]
"""One of the two charge methods, called on a `KcpQuick` with fixed arguments."""


def pin_payment(status: str) -> dict[str, Any]:
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
    found = pin_payment("paid")
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
    lookup = api.get("/payments/imp_pin_1").respond(json=envelope(pin_payment("ready")))
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
