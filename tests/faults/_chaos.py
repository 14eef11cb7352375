"""An ASGI wrapper around the fake that injects a random fault into a share of requests.

For the soak: cheaper than the proxy (no second hop), so 1,000 requests fit in a test. It
uses the fake's own scripted answers, plus two of its own: a 429 with a fractional
``Retry-After`` and an HTML page with status 200.
"""

from __future__ import annotations

import collections
import random
from collections.abc import Sequence
from typing import Any

from iamport_async.testing import FakeIamport
from iamport_async.testing._asgi import Receive, Scope, Send

OWN = {
    "429": (
        429,
        [(b"content-type", b"application/json"), (b"retry-after", b"0.2")],
        b'{"code":-1,"message":"Too Many Requests","response":null}',
    ),
    "200_html": (200, [(b"content-type", b"text/html")], b"<html>OK</html>"),
}


class ChaosApp:
    """One request in ``every`` (token requests excepted) gets a fault, ``faults`` taken in
    turn at a random offset within each stretch, so every kind occurs and the share is exact.
    """

    def __init__(self, fake: FakeIamport, every: int, faults: Sequence[str], seed: int) -> None:
        self.fake = fake
        self.every = every
        self.faults = list(faults)
        self.applied: collections.Counter[str] = collections.Counter()
        self.requests = 0
        self._rng = random.Random(seed)
        self._at = self._rng.randrange(every)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != "/users/getToken":
            stretch, offset = divmod(self.requests, self.every)
            self.requests += 1
            if offset == self._at:
                self._at = self._rng.randrange(self.every)
                fault = self.faults[stretch % len(self.faults)]
                self.applied[fault] += 1
                if fault in OWN:
                    await self._own(fault, send)
                    return
                self.fake.faults.script(fault)  # type: ignore[arg-type]
        await self.fake.app(scope, receive, send)

    @staticmethod
    async def _own(fault: str, send: Send) -> None:
        status, headers, body = OWN[fault]
        length = (b"content-length", b"%d" % len(body))
        message: dict[str, Any] = {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, length],
        }
        await send(message)
        await send({"type": "http.response.body", "body": body})
