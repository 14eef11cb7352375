"""The API the docs' samples talk to: the fake, with every request checked against the spec.

``FakeIamport`` serves every operation of the API (81 of 81) and answers them. Each request a
sample sends is also checked against the official spec by the contract suite's request check
(parameters, body fields, formats, the token); its complaints are kept in ``problems``, and a
page's test fails on any: a sample must send what the spec accepts.
"""

from __future__ import annotations

import httpx

from iamport_async.testing import FakeIamport
from tests.contract.router import check_request
from tests.contract.test_contract import SPEC


class DocsBackend(httpx.AsyncBaseTransport):
    def __init__(self, fake: FakeIamport) -> None:
        self._fake = fake.transport()
        self._state = fake
        self.problems: list[str] = []
        """What the spec would refuse in the requests the samples sent."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        token = self._state.token
        checked = check_request(SPEC, request, None if token is None else token.access_token)
        self.problems += [f"{checked.label}: {problem}" for problem in checked.problems]
        return await self._fake.handle_async_request(request)
