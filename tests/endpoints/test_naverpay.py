"""Naver Pay: per-order results of the multi-order actions, requests sent, lookups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.naverpay import NaverPay
from iamport_async.errors import (
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
)
from iamport_async.models.naverpay import (
    NaverCancelReason,
    NaverDeliveryMethod,
    NaverProductOrderStatus,
)
from tests.conftest import envelope

pytestmark = pytest.mark.anyio

IMP = "imp_100"


def product_order(product_order_id: str, status: str = "CANCELED") -> dict[str, Any]:
    """A spec-shaped NaverProductOrderAnnotation."""
    return {
        "product_order_id": product_order_id,
        "product_order_status": status,
        "claim_type": "CANCEL",
        "claim_status": "CANCEL_DONE",
        "product_id": "p-1",
        "product_name": "Mug",
        "product_option_id": "o-1",
        "product_option_name": "Blue",
        "product_amount": 12000,
        "delivery_amount": 2500,
        "quantity": 2,
        "orderer": {"name": "Hong", "id": "hon***", "tel": "010-0000-0000"},
        "shipping_address": {
            "base": "Seoul",
            "detail": "1-1",
            "postcode": "01234",
            "tel1": "010-0000-0000",
            "name": "Hong",
        },
        "shipping_memo": "door",
        "shipping_due": 1_700_000_000,
        "individual_code": "P123456789012",
        "brand_new_field": True,
    }


@pytest.fixture
def naver(client: Iamport) -> NaverPay:
    return NaverPay(client._engine)


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


async def test_all_done_reports_every_requested_order_as_succeeded(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/cancel").respond(
        json=envelope([product_order("po-1"), product_order("po-2")])
    )
    result = await naver.cancel(
        IMP, product_order_id=["po-1", "po-2"], reason=NaverCancelReason.SOLD_OUT
    )
    assert body_of(route) == {"product_order_id": ["po-1", "po-2"], "reason": "SOLD_OUT"}
    assert result.succeeded_ids == ("po-1", "po-2")
    assert result.failed == ()
    assert result.all_succeeded is True
    order = result.succeeded[0]
    assert order.product_order_status is NaverProductOrderStatus.CANCELED
    assert order.product_amount == Decimal(12000)
    assert order.shipping_due == datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert order.unknown_fields == {"brand_new_field": True}
    assert "P123456789012" not in repr(order)
    assert "010-0000-0000" not in repr(order)


async def test_207_does_not_raise_and_names_the_orders_that_failed(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/place").respond(
        207, json=envelope([product_order("po-2", "PAYED")])
    )
    result = await naver.place(IMP, product_order_id=["po-1", "po-2", "po-3"])
    assert route.call_count == 1
    assert result.succeeded_ids == ("po-2",)
    assert result.failed == ("po-1", "po-3")
    assert result.all_succeeded is False
    assert result.all_failed is False


async def test_500_with_an_envelope_means_none_done_and_is_not_resent(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/approve-cancel").respond(
        500, json=envelope(None, code=-1, message="모든주문 환불승인실패")
    )
    result = await naver.approve_cancel(IMP, product_order_id=["po-1", "po-2"])
    assert route.call_count == 1  # UNGUARDED: a 500 is never retried
    assert result.all_failed is True
    assert result.succeeded == ()
    assert result.failed == ("po-1", "po-2")
    assert result.message == "모든주문 환불승인실패"


async def test_500_without_an_envelope_is_a_server_error(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/place").respond(
        500, text="<html>Internal Server Error</html>"
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await naver.place(IMP, product_order_id=["po-1"])
    assert isinstance(caught.value.cause, ServerError)
    assert route.call_count == 1


async def test_without_ids_every_order_is_acted_on_and_failures_are_unknown(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/collect-exchanged").respond(
        207, json=envelope([product_order("po-9")])
    )
    result = await naver.collect_exchanged(IMP)
    assert body_of(route) == {}
    assert result.requested is None
    assert result.succeeded_ids == ("po-9",)
    assert result.failed is None
    assert result.all_succeeded is None


async def test_unknown_payment_is_not_found(api: respx.MockRouter, naver: NaverPay) -> None:
    api.post(f"/payments/{IMP}/naver/resolve-return").respond(
        404, json=envelope(None, code=-1, message="not found")
    )
    with pytest.raises(NotFoundError):
        await naver.resolve_return(IMP, product_order_id=["po-1"])


async def test_ship_sends_the_spec_fields_with_unix_seconds(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/ship").respond(json=envelope([product_order("a")]))
    kst = timezone(timedelta(hours=9))
    dispatched = datetime(2024, 1, 2, 9, 0, tzinfo=kst)
    await naver.ship(
        IMP,
        product_order_id=["a"],
        delivery_method=NaverDeliveryMethod.DELIVERY,
        dispatched_at=dispatched,
        delivery_company="CJGLS",
        tracking_number="123456",
    )
    assert body_of(route) == {
        "product_order_id": ["a"],
        "delivery_method": "DELIVERY",
        "dispatched_at": int(dispatched.timestamp()),
        "delivery_company": "CJGLS",
        "tracking_number": "123456",
    }


async def test_each_action_posts_to_its_own_path(api: respx.MockRouter, naver: NaverPay) -> None:
    routes = {
        action: api.post(f"/payments/{IMP}/naver/{action}").respond(
            json=envelope([product_order("a")])
        )
        for action in (
            "ship-exchanged",
            "request-return",
            "approve-return",
            "reject-return",
            "withhold-return",
        )
    }
    ids = ["a"]
    await naver.ship_exchanged(IMP, product_order_id=ids, delivery_method="QUICK_SVC")
    await naver.request_return(
        IMP, product_order_id=ids, delivery_method="RETURN_INDIVIDUAL", reason="BROKEN"
    )
    await naver.approve_return(IMP, product_order_id=ids)
    await naver.reject_return(IMP, product_order_id=ids, memo="used")
    await naver.withhold_return(
        IMP, product_order_id=ids, memo="pay shipping", reason="ETC", extra_charge=3000
    )
    assert body_of(routes["ship-exchanged"]) == {
        "product_order_id": ids,
        "delivery_method": "QUICK_SVC",
    }
    assert body_of(routes["request-return"]) == {
        "product_order_id": ids,
        "delivery_method": "RETURN_INDIVIDUAL",
        "reason": "BROKEN",
    }
    assert body_of(routes["approve-return"]) == {"product_order_id": ids}
    assert body_of(routes["reject-return"]) == {"product_order_id": ids, "memo": "used"}
    assert body_of(routes["withhold-return"]) == {
        "product_order_id": ids,
        "memo": "pay shipping",
        "reason": "ETC",
        "extra_charge": 3000,
    }


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda n: n.cancel(IMP, product_order_id="po-1"), "product_order_id"),
        (lambda n: n.cancel(IMP, product_order_id=[]), "product_order_id"),
        (lambda n: n.cancel(IMP, product_order_id=[""]), "product_order_id"),
        (lambda n: n.cancel("", product_order_id=["a"]), "imp_uid"),
        (lambda n: n.cancel(IMP, reason="BECAUSE"), "reason"),
        (
            lambda n: n.ship(IMP, delivery_method="NOTHING", dispatched_at=datetime(2024, 1, 1)),
            "dispatched_at",
        ),
        (
            lambda n: n.ship(IMP, delivery_method="DELIVERY", dispatched_at=datetime.now(UTC)),
            "delivery_company",
        ),
        (
            lambda n: n.ship(
                IMP,
                delivery_method="DELIVERY",
                dispatched_at=datetime.now(UTC),
                delivery_company="CJGLS",
            ),
            "tracking_number",
        ),
        (
            lambda n: n.ship(IMP, delivery_method="TELEPORT", dispatched_at=datetime.now(UTC)),
            "delivery_method",
        ),
        (
            lambda n: n.request_return(IMP, delivery_method="RETURN_DELIVERY"),
            "delivery_company",
        ),
        (lambda n: n.reject_return(IMP, memo=""), "memo"),
        (lambda n: n.withhold_return(IMP, memo="m", extra_charge=-1), "extra_charge"),
        (lambda n: n.withhold_return(IMP, memo="m", extra_charge=1.5), "extra_charge"),
        (lambda n: n.confirm(IMP, requester="someone"), "requester"),
        (lambda n: n.product_order(""), "product_order_id"),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    api: respx.MockRouter, naver: NaverPay, call: Any, field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await call(naver)
    assert caught.value.field == field
    assert len(api.calls) == 0  # not even a token request


async def test_point_and_confirm(api: respx.MockRouter, naver: NaverPay) -> None:
    point = api.post(f"/payments/{IMP}/naver/point").respond(json=envelope(None))
    confirm = api.post(f"/payments/{IMP}/naver/confirm").respond(json=envelope(None))
    await naver.deposit_point(IMP)
    await naver.confirm(IMP, requester="customer")
    await naver.confirm(IMP)
    assert point.call_count == 1
    assert json.loads(confirm.calls[0].request.content) == {"requester": "customer"}
    assert json.loads(confirm.calls[1].request.content) == {}


async def test_point_refusal_is_a_server_error_with_the_message_and_not_resent(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/point").respond(
        500, json=envelope(None, code=-1, message="적립 불가")
    )
    with pytest.raises(ServerError) as caught:
        await naver.deposit_point(IMP)
    assert caught.value.message == "적립 불가"
    assert route.call_count == 1


async def test_lookups(api: respx.MockRouter, naver: NaverPay) -> None:
    api.get(f"/payments/{IMP}/naver/product-orders").respond(
        json=envelope([product_order("a", "PAYED"), product_order("b", "SOMETHING_NEW")])
    )
    api.get("/naver/product-orders/a%2Fb").respond(json=envelope(product_order("a/b")))
    api.get(f"/payments/{IMP}/naver/cash-amount").respond(
        json=envelope(
            {
                "amount_total": 10000,
                "amount_by_npoint": 1000,
                "amount_by_primary": 9000,
                "amount_supply": 9091,
                "amount_vat": 909,
            }
        )
    )
    orders = await naver.product_orders(IMP)
    assert [o.product_order_status for o in orders] == [
        NaverProductOrderStatus.PAYED,
        "SOMETHING_NEW",  # an unknown status is kept, not an error
    ]
    assert (await naver.product_order("a/b")).product_order_id == "a/b"
    cash = await naver.cash_amount(IMP)
    assert cash.amount_total == Decimal(10000)
    assert cash.amount_supply + cash.amount_vat == cash.amount_total


async def test_reviews_sends_from_to_and_channel_key_in_the_query(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.get("/naver/reviews").respond(
        json=envelope(
            [
                {
                    "review_id": "r1",
                    "score": 2,  # the spec says string; a number is accepted too
                    "title": "good",
                    "product_order_id": "a",
                    "product_id": "p",
                    "product_name": "Mug",
                    "writer": "w***",
                    "created_at": "1700000000",
                }
            ]
        )
    )
    start = datetime(2024, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=7)
    reviews = await naver.reviews(
        channel_key="channel-key-1", from_=start, to=end, review_type="premium"
    )
    params = route.calls.last.request.url.params
    assert dict(params) == {
        "channel_key": "channel-key-1",
        "from": str(int(start.timestamp())),
        "to": str(int(end.timestamp())),
        "review_type": "premium",
    }
    assert reviews[0].score == "2"
    assert reviews[0].created_at == datetime.fromtimestamp(1_700_000_000, tz=UTC)


async def test_reviews_refuses_a_reversed_window(api: respx.MockRouter, naver: NaverPay) -> None:
    start = datetime(2024, 1, 8, tzinfo=UTC)
    with pytest.raises(InvalidInputError) as caught:
        await naver.reviews(
            channel_key="k", from_=start, to=start - timedelta(days=1), review_type="general"
        )
    assert caught.value.field == "to"
    assert len(api.calls) == 0


async def test_connect_failure_on_a_refund_is_retried_since_nothing_was_sent(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    route = api.post(f"/payments/{IMP}/naver/cancel")
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json=envelope([]))]
    result = await naver.cancel(IMP, product_order_id=["a"])
    assert route.call_count == 2
    assert result.failed == ("a",)


async def test_a_refund_answered_2xx_that_cannot_be_read_is_an_unknown_outcome(
    api: respx.MockRouter, naver: NaverPay
) -> None:
    # The server acted (it answered 2xx): an unreadable list of orders must not pass for a
    # known outcome, which would tell the caller nothing happened.
    api.post(f"/payments/{IMP}/naver/cancel").respond(json=envelope([{"no_id": 1}]))
    with pytest.raises(OutcomeUnknownError) as caught:
        await naver.cancel(IMP, product_order_id=["a"])
    assert isinstance(caught.value.cause, ResponseValidationError)
    assert "product_orders" in caught.value.check


async def test_timeout_on_a_refund_is_not_resent(api: respx.MockRouter, naver: NaverPay) -> None:
    route = api.post(f"/payments/{IMP}/naver/cancel").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await naver.cancel(IMP, product_order_id=["a"])
    assert route.call_count == 1
    assert isinstance(caught.value.cause, RequestTimeout)
    assert caught.value.cause.reached_server is True
