"""The same client lifecycle in plain Starlette (docs/web-apps.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from iamport_async import Iamport, NotFoundError


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Iamport]]:
    # the key and secret: IAMPORT_API_KEY, IAMPORT_API_SECRET
    async with Iamport(max_wait=0.5) as client:
        # lifespan state: request.state.iamport in every handler
        yield {"iamport": client}


async def show(request: Request) -> JSONResponse:
    client: Iamport = request.state.iamport
    try:
        payment = await client.payments.get(request.path_params["imp_uid"])
    except NotFoundError:
        return JSONResponse({"detail": "no such payment"}, status_code=404)
    return JSONResponse(
        {"status": str(payment.status), "amount": str(payment.amount)},
    )


app = Starlette(routes=[Route("/payments/{imp_uid}", show)], lifespan=lifespan)
