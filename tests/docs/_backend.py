"""The API the docs' samples talk to: the fake, and the spec where the fake stops.

``FakeIamport`` is stateful but serves only part of the API (payments, billing keys and
charges, receipts, virtual accounts, certifications). A sample of another group (codes, escrow,
Naver Pay, ...) is answered by the contract suite's spec server instead: it checks the request
against the official spec (parameters, body fields, formats, the token) and answers a payload
generated from the operation's response schema. Its complaints are kept in ``problems``, and a
page's test fails on any: a sample must send what the spec accepts.
"""

from __future__ import annotations

import httpx

from iamport_async.testing import FakeIamport
from tests.contract.router import FULL, SpecServer
from tests.contract.test_contract import QUIRKS, SPEC


class DocsBackend(httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeIamport) -> None:
        self._fake = fake.transport()
        self._state = fake
        self._served = set(fake.operations())
        self._spec = SpecServer(SPEC, QUIRKS, FULL)
        self.spec_answered: list[str] = []
        """Operations answered from the spec, in order (``"GET /banks"``)."""

    @property
    def problems(self) -> list[str]:
        return self._spec.problems

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        found = SPEC.match(request.method, path)
        if found is None or f"{found[0].method} {found[0].path}" in self._served:
            return await self._fake.handle_async_request(request)
        token = self._state.token
        self._spec.token = None if token is None else token.access_token
        await request.aread()
        self.spec_answered.append(f"{found[0].method} {found[0].path}")
        response = self._spec.handle(request)
        response.request = request
        return response
