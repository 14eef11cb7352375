"""One i'mport client for a FastAPI app's whole life, deadlines, fail-fast.

Run it with ``IAMPORT_API_KEY=... IAMPORT_API_SECRET=...`` and
``uvicorn fastapi_app:app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from iamport_async import (
    BackpressureError,
    Iamport,
    NotFoundError,
    TransportError,
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # the key and secret: IAMPORT_API_KEY, IAMPORT_API_SECRET
    async with Iamport(
        timeout=5,  # seconds per attempt
        total_timeout=10,  # a whole call, retries and backoff included
        max_concurrency=32,  # requests in flight from this process
        # fail fast: a handler never queues longer than this for a slot
        max_wait=0.5,
    ) as client:
        app.state.iamport = client
        yield  # the pool closes when the app shuts down


app = FastAPI(lifespan=lifespan)


def iamport(request: Request) -> Iamport:
    client: Iamport = request.app.state.iamport
    return client


Client = Annotated[Iamport, Depends(iamport)]


@app.exception_handler(BackpressureError)
async def busy(request: Request, error: BackpressureError) -> JSONResponse:
    """Too many calls in flight: the caller retries instead of piling up."""
    return JSONResponse(
        {"detail": "busy"},
        status_code=503,
        headers={"Retry-After": "1"},
    )


@app.exception_handler(TransportError)
async def unreachable(
    request: Request,
    error: TransportError,
) -> JSONResponse:
    return JSONResponse(
        {"detail": "payment service unreachable"},
        status_code=503,
    )


@app.get("/payments/{imp_uid}")
async def show(imp_uid: str, client: Client) -> dict[str, str]:
    try:
        payment = await client.payments.get(imp_uid)
    except NotFoundError:
        raise HTTPException(404, "no such payment") from None
    return {"status": str(payment.status), "amount": str(payment.amount)}


@app.get("/payments/{imp_uid}/status")
async def status(imp_uid: str, client: Client) -> dict[str, str]:
    """A page that must answer fast: one attempt of 2 s, 0.1 s of queueing."""
    quick = client.with_options(timeout=2, max_retries=0, max_wait=0.1)
    try:
        payment = await quick.payments.get(imp_uid)
    except NotFoundError:
        raise HTTPException(404, "no such payment") from None
    return {"status": str(payment.status)}
