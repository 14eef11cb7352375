"""An i'mport webhook route for FastAPI, with the order store it needs stubbed in memory.

Run it with ``IAMPORT_API_KEY=... IAMPORT_API_SECRET=... uvicorn fastapi_webhook:app`` and point the
console's webhook URL (or ``notice_url``) at ``https://<your host>/iamport/webhook``.

Answers: 400 for a body that cannot be read, 503 when i'mport could not be asked (so that
it resends, if resending is on), and 200 with the verdict's outcome for everything else: the
delivery was handled, even when the handling was "do not fulfil". The verdict comes from
re-fetching the payment, so any sender is heard; set ``IAMPORT_SENDER_CHECK=1`` to also
refuse (403) senders outside i'mport's addresses, and ``TRUSTED_PROXIES`` behind a proxy.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from iamport_async import Iamport
from iamport_async.errors import IamportError
from iamport_async.webhooks import (
    IAMPORT_SOURCES,
    Expected,
    InvalidWebhookError,
    SourcePolicy,
    WebhookOutcome,
    WebhookVerifier,
)

logger = logging.getLogger("shop.webhooks")

TRUSTED_PROXIES = [net for net in os.environ.get("TRUSTED_PROXIES", "").split(",") if net]
"""Your own load balancers, e.g. ``10.0.0.0/8``; empty when the app faces the internet."""

SOURCES = (
    SourcePolicy(IAMPORT_SOURCES, trusted_proxies=TRUSTED_PROXIES)
    if os.environ.get("IAMPORT_SENDER_CHECK") == "1"
    else None
)
"""The optional sender check: off unless asked for (i'mport's addresses have changed before)."""


class Orders:
    """Stands in for your database: what each order costs, and what has been done to it.

    ``fulfil`` and ``refund`` act once per order however often they are called, because
    i'mport may deliver the same webhook twice.
    """

    def __init__(self, prices: dict[str, int | Decimal]) -> None:
        self.prices = prices
        self.fulfilled: dict[str, str] = {}
        self.refunded: set[str] = set()

    async def expected(self, merchant_uid: str) -> Expected | None:
        price = self.prices.get(merchant_uid)
        return None if price is None else Expected(price, currency="KRW")

    async def fulfil(self, merchant_uid: str, imp_uid: str) -> None:
        self.fulfilled.setdefault(merchant_uid, imp_uid)

    async def refund(self, merchant_uid: str) -> None:
        self.refunded.add(merchant_uid)


orders = Orders({"order-1001": 15000})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One client for the whole app: its token and connection pool serve every request."""
    async with Iamport() as client:  # IAMPORT_API_KEY, IAMPORT_API_SECRET
        app.state.verifier = WebhookVerifier(
            client.payments,
            expected=orders.expected,
            sources=SOURCES,
        )
        yield


app = FastAPI(lifespan=lifespan)


def get_verifier(request: Request) -> WebhookVerifier:
    verifier: WebhookVerifier = request.app.state.verifier
    return verifier


def get_orders() -> Orders:
    return orders


@app.post("/iamport/webhook")
async def iamport_webhook(
    request: Request,
    verifier: Annotated[WebhookVerifier, Depends(get_verifier)],
    store: Annotated[Orders, Depends(get_orders)],
) -> JSONResponse:
    try:
        verdict = await verifier.verify_request(
            await request.body(),
            request.headers.get("content-type"),
            peer=request.client.host if request.client else None,
            headers=request.headers,
        )
    except InvalidWebhookError as error:
        return JSONResponse({"error": str(error)}, status_code=400)
    except IamportError:
        logger.exception("webhook: could not re-fetch the payment; asking for a resend")
        return JSONResponse({"error": "try again"}, status_code=503)

    merchant_uid = verdict.merchant_uid
    match verdict.outcome:
        case WebhookOutcome.SOURCE_NOT_ALLOWED:  # only with a sender check (SOURCES)
            logger.warning("webhook refused: %s", verdict.reason)
            return JSONResponse({"error": "forbidden"}, status_code=403)
        case WebhookOutcome.PAID if verdict.payment is not None and merchant_uid is not None:
            await store.fulfil(merchant_uid, verdict.payment.imp_uid)
        case WebhookOutcome.CANCELLED if merchant_uid is not None:
            await store.refund(merchant_uid)
        case WebhookOutcome.MISMATCH | WebhookOutcome.NOT_FOUND | WebhookOutcome.UNKNOWN_ORDER:
            logger.warning("webhook not honoured (%s): %s", verdict.outcome, verdict.reason)
        case _:  # READY (wait for the deposit), FAILED, UNKNOWN_STATUS
            logger.info("webhook: %s", verdict.reason)
    return JSONResponse({"outcome": verdict.outcome.value})
