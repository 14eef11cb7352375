"""A FastAPI handler that verifies a payment after checkout (docs/testing.md).

The browser comes back with ``imp_uid``; the server must not trust it. It
reads the payment from the API and compares it with its own order. A payment
for the wrong amount (a tampered checkout) is refunded at once, and that
refund must never happen twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from iamport_async import Iamport


class Checkout(BaseModel):
    imp_uid: str


def create_app(client: Iamport, orders: Mapping[str, int]) -> FastAPI:
    """``orders`` maps merchant_uid to the amount due (your database)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with client:  # one client for the whole app, closed on shutdown
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/orders/{merchant_uid}/verify")
    async def verify(merchant_uid: str, checkout: Checkout) -> dict[str, str]:
        if merchant_uid not in orders:
            raise HTTPException(404, "no such order")
        # retried on 5xx/timeouts
        payment = await client.payments.get(checkout.imp_uid)
        if payment.merchant_uid != merchant_uid:
            raise HTTPException(400, "payment is for another order")
        if payment.status != "paid":
            raise HTTPException(402, f"payment is {payment.status}")
        if payment.amount == Decimal(orders[merchant_uid]):
            return {"status": "paid"}
        await refund_all(client, payment.imp_uid)
        raise HTTPException(409, "amount does not match the order: refunded")

    return app


async def refund_all(client: Iamport, imp_uid: str) -> None:
    """Refund what is left, exactly once, even if the answer is lost.

    ``cancel_safely`` sends the balance it read as ``checksum``: a retry after
    a lost answer is refused by the API instead of refunding again, and the
    client reads the payment's cancel history back to report the refund that
    happened. Only when that read cannot tell does it raise
    OutcomeUnknownError (its ``check`` says what to look at).
    """
    await client.payments.cancel_safely(imp_uid, reason="amount mismatch")
