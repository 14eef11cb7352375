"""The ASGI front end of the fake (``fake.app``), for uvicorn or any ASGI server/test client.

Written against the ASGI interface directly: no web framework at runtime.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from iamport_async.testing._http import Drop, FakeRequest, Handler, Reply

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_DROP_HEAD = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
}


class FakeApp:
    """An ASGI 3 application serving one request handler (a fake's ``handle``)."""

    def __init__(self, handle: Handler) -> None:
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            path += "?" + scope["query_string"].decode("latin-1")
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        outcome = await self.handle(FakeRequest(scope["method"], path, headers, bytes(body)))
        if isinstance(outcome, Reply):
            await send(
                {
                    "type": "http.response.start",
                    "status": outcome.status,
                    "headers": [*outcome.headers, (b"content-length", b"%d" % len(outcome.body))],
                }
            )
            await send({"type": "http.response.body", "body": outcome.body})
        elif isinstance(outcome, Drop):
            # A server cannot close a connection through ASGI without starting an answer: it
            # starts one and stops mid-body, which the client sees as a lost connection.
            await send(_DROP_HEAD)
            await send({"type": "http.response.body", "body": b'{"code"', "more_body": True})
        else:
            while (await receive())["type"] != "http.disconnect":
                pass
