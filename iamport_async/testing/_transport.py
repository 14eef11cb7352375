"""The in-process front end: an httpx transport that hands requests to the fake directly.

No socket, no ASGI round trip. Connection-level faults surface as the httpx exceptions a real
socket would raise, so the client's retry logic sees the same thing either way.
"""

from __future__ import annotations

import httpx

from iamport_async._engine.clock import sleep_for
from iamport_async.clock import Clock
from iamport_async.testing._http import Drop, FakeRequest, Handler, Reply


class FakeTransport(httpx.AsyncBaseTransport):
    """``fake.transport()``: pass it as ``Iamport(transport=...)`` or to ``httpx.AsyncClient``."""

    def __init__(self, handle: Handler, clock: Clock) -> None:
        self._handle = handle
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        outcome = await self._handle(
            FakeRequest(request.method, request.url.raw_path.decode("ascii"), request.headers, body)
        )
        if isinstance(outcome, Reply):
            return httpx.Response(
                outcome.status, headers=list(outcome.headers), content=outcome.body, request=request
            )
        if isinstance(outcome, Drop):
            if outcome.processed:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        timeout = request.extensions.get("timeout", {}).get("read")
        if timeout:
            await sleep_for(self._clock, float(timeout))  # a hang lasts the read timeout
        raise httpx.ReadTimeout("The read operation timed out", request=request)
