"""onetime and again: what they send, and money moving at most once."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.subscribe import Subscribe
from iamport_async.errors import (
    BusinessError,
    ClientClosedError,
    ConnectionLost,
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
)
from iamport_async.models.payment import Payment, PaymentStatus
from tests.conftest import envelope
from tests.endpoints._subscribe_payloads import payment

pytestmark = pytest.mark.anyio

CARD: dict[str, Any] = {
    "card_number": "4092-0230-1234-5678",
    "expiry": "2029-07",
    "birth": "880101",
    "pwd_2digit": "12",
}


def subscribe(client: Iamport) -> Subscribe:
    return Subscribe(client._engine)


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


async def test_onetime_sends_exactly_the_fields_given(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/payments/onetime").respond(json=envelope(payment("order_1")))
    paid = await subscribe(client).onetime(
        merchant_uid="order_1",
        amount=Decimal("12.50"),
        currency="USD",
        customer_uid="cust_1",
        name="월간 이용권",
        **CARD,
    )
    assert body_of(route) == {
        "merchant_uid": "order_1",
        "amount": 12.5,
        "currency": "USD",
        "customer_uid": "cust_1",
        "name": "월간 이용권",
        **CARD,
    }
    assert isinstance(paid, Payment)
    assert paid.status is PaymentStatus.PAID


async def test_again_sends_exactly_the_fields_given(api: respx.MockRouter, client: Iamport) -> None:
    route = api.post("/subscribe/payments/again").respond(json=envelope(payment("order_1")))
    paid = await subscribe(client).again(
        customer_uid="cust_1",
        merchant_uid="order_1",
        amount=9900,
        name="월간 이용권",
        tax_free=900,
        extra={"naverUseCfm": "20260131"},
    )
    assert body_of(route) == {
        "customer_uid": "cust_1",
        "merchant_uid": "order_1",
        "amount": 9900,
        "name": "월간 이용권",
        "tax_free": 900,
        "extra": {"naverUseCfm": "20260131"},
    }
    assert paid.amount == Decimal(9900)


async def test_a_declined_again_returns_the_failed_payment(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/again").respond(
        json=envelope(payment("order_1", status="failed"))
    )
    lookup = api.get(FIND_ALL)
    declined = await subscribe(client).again(
        customer_uid="cust_1", merchant_uid="order_1", amount=9900, name="월간 이용권"
    )
    assert declined.status is PaymentStatus.FAILED
    assert not declined.is_paid
    assert declined.fail_reason == "한도초과"
    assert not lookup.called


async def test_a_refused_again_raises_without_looking_anything_up(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/again").respond(
        json=envelope(code=1, message="등록되지 않은 구매자입니다.")
    )
    lookup = api.get(FIND_ALL)
    with pytest.raises(BusinessError) as caught:
        await subscribe(client).again(
            customer_uid="nobody", merchant_uid="order_1", amount=9900, name="월간 이용권"
        )
    assert caught.value.code == 1
    assert not lookup.called


AMBIGUOUS = [
    pytest.param(httpx.ReadTimeout("timed out"), RequestTimeout, id="timeout"),
    pytest.param(httpx.ReadError("reset"), ConnectionLost, id="dropped"),
    pytest.param(httpx.Response(502, text="Bad Gateway"), ServerError, id="502"),
    pytest.param(
        httpx.Response(500, json=envelope(code=-1, message="internal")), ServerError, id="500"
    ),
]


async def charge(client: Iamport, which: str) -> Payment:
    if which == "again":
        return await subscribe(client).again(
            customer_uid="cust_1", merchant_uid="order_1", amount=9900, name="월간 이용권"
        )
    return await subscribe(client).onetime(merchant_uid="order_1", amount=9900, **CARD)


def listing(*payments: dict[str, Any]) -> dict[str, Any]:
    """``GET /payments/findAll/{merchant_uid}``'s answer."""
    return envelope({"total": len(payments), "previous": 0, "next": 0, "list": list(payments)})


FIND_ALL = "/payments/findAll/order_1"
STARTED = 1_700_000_000
"""The server's time when the token was issued (``tests.conftest.token_payload``): the charges
below begin then, on the virtual clock."""


@pytest.mark.parametrize("which", ["again", "onetime"])
@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_after_an_ambiguous_failure_the_payment_this_call_made_is_returned(
    api: respx.MockRouter, client: Iamport, which: str, failure: Any, error: type[Exception]
) -> None:
    charged = api.post(f"/subscribe/payments/{which}").mock(side_effect=[failure])
    lookup = api.get(FIND_ALL).respond(json=listing(payment("order_1", started_at=STARTED)))
    made = await charge(client, which)
    assert made.merchant_uid == "order_1"
    assert made.is_paid
    assert charged.call_count == 1
    assert lookup.call_count == 1


@pytest.mark.parametrize("which", ["again", "onetime"])
@pytest.mark.parametrize(("failure", "error"), AMBIGUOUS)
async def test_after_an_ambiguous_failure_with_no_payment_the_outcome_is_unknown(
    api: respx.MockRouter, client: Iamport, which: str, failure: Any, error: type[Exception]
) -> None:
    charged = api.post(f"/subscribe/payments/{which}").mock(side_effect=[failure])
    lookup = api.get(FIND_ALL).respond(
        404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await charge(client, which)
    assert isinstance(caught.value.cause, error)
    assert "new merchant_uid" in caught.value.check
    assert charged.call_count == 1
    assert lookup.call_count == 1


async def test_an_older_failed_payment_of_the_same_order_is_never_taken_for_this_charge(
    api: respx.MockRouter, client: Iamport
) -> None:
    # an earlier attempt of order_1, a minute before this call, was declined
    api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("lost"))
    older = payment("order_1", imp_uid="imp_old", status="failed", started_at=STARTED - 60)
    api.get(FIND_ALL).respond(json=listing(older))
    with pytest.raises(OutcomeUnknownError) as caught:
        await charge(client, "again")
    assert any("1 other(s) ignored" in note for note in caught.value.__notes__)


async def test_a_declined_attempt_this_client_saw_is_not_taken_for_the_repeat(
    api: respx.MockRouter, client: Iamport
) -> None:
    declined = payment("order_1", imp_uid="imp_declined", status="failed", started_at=STARTED)
    charged = api.post("/subscribe/payments/again").mock(
        side_effect=[httpx.Response(200, json=envelope(declined)), httpx.ReadTimeout("lost")]
    )
    assert not (await charge(client, "again")).is_paid  # the app charges again at once
    api.get(FIND_ALL).respond(json=listing(declined))  # same second: only memory tells
    with pytest.raises(OutcomeUnknownError):
        await charge(client, "again")
    assert charged.call_count == 2


async def test_a_with_options_copy_reads_its_lost_charge_back_too(
    api: respx.MockRouter, client: Iamport
) -> None:
    # The token comes through the first client's fetch; the copy must still know the
    # server's time, or every lost charge made through it would be left unknown.
    copy = client.with_options(timeout=30)
    api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get(FIND_ALL).respond(json=listing(payment("order_1", started_at=STARTED)))
    made = await charge(copy, "again")
    assert made.merchant_uid == "order_1"
    assert made.is_paid


async def test_a_declined_attempt_seen_through_one_copy_is_not_taken_through_another(
    api: respx.MockRouter, client: Iamport
) -> None:
    declined = payment("order_1", imp_uid="imp_declined", status="failed", started_at=STARTED)
    api.post("/subscribe/payments/again").mock(
        side_effect=[httpx.Response(200, json=envelope(declined)), httpx.ReadTimeout("lost")]
    )
    assert not (await charge(client.with_options(timeout=30), "again")).is_paid
    api.get(FIND_ALL).respond(json=listing(declined))
    with pytest.raises(OutcomeUnknownError):
        await charge(client.with_options(timeout=20), "again")


async def test_two_candidates_leave_the_outcome_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get(FIND_ALL).respond(
        json=listing(
            payment("order_1", imp_uid="imp_a", started_at=STARTED),
            payment("order_1", imp_uid="imp_b", status="failed", started_at=STARTED),
        )
    )
    with pytest.raises(OutcomeUnknownError):
        await charge(client, "again")


async def test_a_failed_lookup_leaves_the_outcome_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    charged = api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("timed out"))
    api.get(FIND_ALL).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await charge(client, "again")
    assert caught.value.path == "/subscribe/payments/again"
    assert isinstance(caught.value.cause, RequestTimeout)
    assert any("reading the payment back failed" in n for n in caught.value.__notes__)
    assert charged.call_count == 1


async def test_an_unreadable_success_is_settled_by_the_lookup_too(
    api: respx.MockRouter, client: Iamport
) -> None:
    charged = api.post("/subscribe/payments/again").respond(json=envelope(None))
    lookup = api.get(FIND_ALL).respond(json=listing(payment("order_1", started_at=STARTED)))
    assert (await charge(client, "again")).is_paid
    assert charged.call_count == 1
    assert lookup.call_count == 1


async def test_a_connection_never_made_is_resent(api: respx.MockRouter, client: Iamport) -> None:
    charged = api.post("/subscribe/payments/again").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=envelope(payment()))]
    )
    lookup = api.get(FIND_ALL)
    assert (await charge(client, "again")).is_paid
    assert charged.call_count == 2  # the first request provably never left
    assert not lookup.called


async def test_a_merchant_uid_needing_encoding_is_looked_up_at_the_right_path(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("timed out"))
    lookup = api.get(url__regex=r"/payments/findAll/order%2F1\?").respond(
        json=listing(payment("order/1", started_at=STARTED))
    )
    made = await subscribe(client).again(
        customer_uid="cust_1", merchant_uid="order/1", amount=9900, name="월간 이용권"
    )
    assert made.merchant_uid == "order/1"
    assert lookup.called


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 9900.0}, "amount"),
        ({"tax_free": 10_000}, "tax_free"),
        ({"vat_amount": -5}, "vat_amount"),
        ({"merchant_uid": ""}, "merchant_uid"),
        ({"customer_uid": " "}, "customer_uid"),
        ({"name": "x" * 41}, "name"),
        ({"name": ""}, "name"),
        ({"buyer_name": "x" * 17}, "buyer_name"),
        ({"currency": "won"}, "currency"),
        ({"card_quota": -1}, "card_quota"),
        ({"product_type": "service"}, "product_type"),
        ({"cash_receipt_type": "someone"}, "cash_receipt_type"),
        ({"extra": {"naverUseCfm": 20260131}}, "extra"),
        ({"use_card_point": "yes"}, "use_card_point"),
    ],
)
async def test_again_refuses_bad_input_before_sending(
    api: respx.MockRouter, client: Iamport, changes: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {
        "customer_uid": "cust_1",
        "merchant_uid": "order_1",
        "amount": 9900,
        "name": "월간 이용권",
        **changes,
    }
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).again(**arguments)
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_onetime_refuses_a_bad_expiry_without_echoing_it(
    api: respx.MockRouter, client: Iamport
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).onetime(
            merchant_uid="order_1", amount=9900, **{**CARD, "expiry": "1229-07-01"}
        )
    assert caught.value.field == "expiry"
    assert "1229-07-01" not in str(caught.value)
    assert len(api.calls) == 0


async def test_a_close_during_a_charges_read_back_leaves_its_outcome_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    reading = anyio.Event()

    async def read(request: httpx.Request) -> httpx.Response:
        reading.set()
        await anyio.sleep_forever()
        raise AssertionError("unreachable")  # pragma: no cover

    api.post("/subscribe/payments/again").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get("/payments/findAll/order_1").mock(side_effect=read)
    caught: list[BaseException] = []

    async def again() -> None:
        try:
            await subscribe(client).again(
                customer_uid="cust_1", merchant_uid="order_1", amount=9900, name="월간 이용권"
            )
        except ClientClosedError as error:
            caught.append(error)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(again)
        await reading.wait()
        await client.aclose()
    [error] = caught
    assert isinstance(error, ClientClosedError)
    assert error.outcome_known is False
    assert "POST /subscribe/payments/again" in str(error)
    assert "merchant_uid" in str(error)
