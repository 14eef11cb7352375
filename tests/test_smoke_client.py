from __future__ import annotations

import pytest
import respx

from iamport_async import Iamport, UnauthorizedError
from iamport_async.testing import VirtualClock
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_a_call_carries_the_token_and_returns_the_payload(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
    assert await client.request("GET", "/payments/imp_1") == {"imp_uid": "imp_1"}
    assert route.calls.last.request.headers["Authorization"] == "Bearer tok-1"


async def test_log_in_fetches_the_token_once_and_refused_credentials_raise_there(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    """``Iamport.log_in``: what reconcile calls once before its two streams start."""
    await client.log_in()
    await client.log_in()
    assert api["token"].call_count == 1
    api["token"].respond(401, json=envelope(code=-1, message="Unauthorized"))
    async with Iamport(imp_key="test-key", imp_secret="wrong", clock=clock) as refused:
        with pytest.raises(UnauthorizedError):
            await refused.log_in()
