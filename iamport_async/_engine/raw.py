"""Raw responses, recorded: while a call runs under ``client.raw_response``, the engine
keeps a copy of each answer it receives for it in a context variable, so nothing else
changes and no second request is sent. Only answers are kept: the request's headers
(``Authorization`` carries the token) are never recorded, nor is the token request's body.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import TypeVar

import httpx

from iamport_async.errors import InvalidInputError
from iamport_async.raw import Exchange, RawResponse

T = TypeVar("T")

_recording: ContextVar[tuple[list[Exchange], ...]] = ContextVar("iamport_async_raw", default=())
"""The captures running in this context, outermost first: a nested one does not hide its
answers from the one around it."""


async def capture(call: Awaitable[T]) -> RawResponse[T]:
    """Await ``call`` (an endpoint method's call, not yet awaited) and keep its answers."""
    if not inspect.isawaitable(call):
        raise InvalidInputError(
            "call",
            f"must be an endpoint call not yet awaited, got {type(call).__name__} (a stream "
            "iterated with 'async for' is not one call: capture one page or one lookup)",
        )
    if inspect.iscoroutine(call) and inspect.getcoroutinestate(call) != inspect.CORO_CREATED:
        raise InvalidInputError(
            "call",
            "was already awaited: pass the call itself, raw_response(client.payments.get(...))",
        )
    exchanges: list[Exchange] = []
    reset = _recording.set((*_recording.get(), exchanges))
    try:
        value = await call
    finally:
        _recording.reset(reset)
    return RawResponse(value, tuple(exchanges))


def record(method: str, path: str, response: httpx.Response) -> None:
    """Keep ``response`` for every :func:`capture` running in this context (tasks a call
    starts inherit it, so every chunk of a bulk lookup is kept)."""
    captures = _recording.get()
    if captures:
        exchange = Exchange(
            method, path, response.status_code, httpx.Headers(response.headers), response.content
        )
        for exchanges in captures:
            exchanges.append(exchange)
