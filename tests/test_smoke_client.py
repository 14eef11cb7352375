from __future__ import annotations

import pytest
import respx

from iamport_async import Iamport
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_a_call_carries_the_token_and_returns_the_payload(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
    assert await client.request("GET", "/payments/imp_1") == {"imp_uid": "imp_1"}
    assert route.calls.last.request.headers["Authorization"] == "Bearer tok-1"
