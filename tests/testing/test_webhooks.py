"""``fake.send_webhook``: the fake notifies the app under test as i'mport would.

The shop is a FastAPI app whose client is wired to the same fake, so a delivery runs the
whole path a real one does: body in, payment re-fetched from the fake, verdict out.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
import respx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from iamport_async import Iamport
from iamport_async.errors import InvalidInputError
from iamport_async.testing import FakeIamport
from iamport_async.webhooks import (
    IAMPORT_SOURCES,
    Expected,
    SourcePolicy,
    WebhookOutcome,
    WebhookVerifier,
)

pytestmark = pytest.mark.anyio

URL = "/iamport/webhook"
PRICES = {"order-1": 15_000}


def shop(client: Iamport, sources: SourcePolicy | None = None) -> FastAPI:
    """A webhook route that answers the verdict and echoes the body it was sent."""
    verifier = WebhookVerifier(
        client.payments,
        expected=lambda merchant_uid: (
            Expected(PRICES[merchant_uid]) if merchant_uid in PRICES else None
        ),
        sources=sources,
    )
    app = FastAPI()

    @app.post(URL)
    async def webhook(request: Request) -> JSONResponse:
        body = await request.body()
        content_type = request.headers.get("content-type")
        verdict = await verifier.verify_request(
            body,
            content_type,
            peer=request.client.host if request.client else None,
            headers=request.headers,
        )
        if verdict.outcome is WebhookOutcome.SOURCE_NOT_ALLOWED:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        form = content_type != "application/json"
        sent = dict(parse_qsl(body.decode())) if form else json.loads(body)
        return JSONResponse({"outcome": verdict.outcome.value, "sent": sent})

    return app


async def test_a_paid_payment_is_delivered_and_verified_against_the_fake(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=15_000)

    answer = await iamport_fake.send_webhook("imp_1", URL, app=shop(iamport_client))

    assert answer.status_code == 200
    assert answer.json() == {
        "outcome": "paid",
        "sent": {"imp_uid": "imp_1", "merchant_uid": "order-1", "status": "paid"},
    }
    assert iamport_fake.stats.requests["GET /payments/{imp_uid}"] == 1  # the app re-fetched


async def test_a_form_encoded_delivery_as_the_console_can_choose(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=15_000)

    answer = await iamport_fake.send_webhook("imp_1", URL, app=shop(iamport_client), form=True)

    assert answer.json()["outcome"] == "paid"
    assert answer.request.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_a_cancel_carries_its_cancellation_id(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(
        imp_uid="imp_1", merchant_uid="order-1", amount=15_000, status="cancelled"
    )
    cancel = iamport_fake.payment("imp_1")["cancel_history"][-1]  # type: ignore[index]

    answer = await iamport_fake.send_webhook("imp_1", URL, app=shop(iamport_client))

    assert answer.json()["outcome"] == "cancelled"
    assert answer.json()["sent"]["cancellation_id"] == cancel["cancellation_id"]


async def test_a_late_paid_webhook_for_a_cancelled_payment_reads_cancelled(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(
        imp_uid="imp_1", merchant_uid="order-1", amount=15_000, status="cancelled"
    )

    answer = await iamport_fake.send_webhook("imp_1", URL, app=shop(iamport_client), status="paid")

    assert answer.json()["sent"]["status"] == "paid"
    assert answer.json()["outcome"] == "cancelled"  # the re-fetched payment decides


async def test_an_app_that_opted_in_to_the_sender_check_hears_the_fake(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=15_000)
    app = shop(iamport_client, SourcePolicy(IAMPORT_SOURCES))

    from_iamport = await iamport_fake.send_webhook("imp_1", URL, app=app)
    from_stranger = await iamport_fake.send_webhook("imp_1", URL, app=app, sender="203.0.113.9")

    assert [from_iamport.status_code, from_stranger.status_code] == [200, 403]


async def test_to_a_url_the_notification_is_posted_over_http(iamport_fake: FakeIamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=15_000)

    with respx.mock(assert_all_called=True) as http:
        route = http.post("http://127.0.0.1:8000/iamport/webhook").respond(200)
        answer = await iamport_fake.send_webhook("imp_1", "http://127.0.0.1:8000/iamport/webhook")

    assert answer.status_code == 200
    sent = route.calls.last.request
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {
        "imp_uid": "imp_1",
        "merchant_uid": "order-1",
        "status": "paid",
    }


@pytest.mark.parametrize(
    ("imp_uid", "options", "field"),
    [
        ("imp_missing", {}, "imp_uid"),
        (["imp_1"], {}, "imp_uid"),  # was a TypeError (unhashable) from inside the fake
        ("", {}, "imp_uid"),
        ("imp_1", {"status": " "}, "status"),
        ("imp_1", {"sender": "52.78.100.19"}, "sender"),  # a socket's peer cannot be chosen
    ],
)
async def test_what_cannot_be_sent_is_refused_before_sending(
    iamport_fake: FakeIamport, imp_uid: object, options: dict[str, str], field: str
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1")

    with respx.mock(assert_all_called=False) as http:
        route = http.post("http://127.0.0.1:8000/hook").respond(200)
        with pytest.raises(InvalidInputError) as caught:
            await iamport_fake.send_webhook(imp_uid, "http://127.0.0.1:8000/hook", **options)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert route.call_count == 0
