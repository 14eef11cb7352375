"""A closed client, or one used from another event loop: every call ends in
ClientClosedError (an IamportError), which says whether a mutation may have happened."""

from __future__ import annotations

import asyncio

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.errors import ClientClosedError, IamportError
from iamport_async.testing.clock import VirtualClock
from tests.conftest import BASE_URL, envelope, token_payload
from tests.payloads import payment

pytestmark = pytest.mark.anyio


class _Processing(httpx.AsyncBaseTransport):
    """A server that answers the token, then carries every other request out and never
    answers it (the answer is still on its way when the client closes)."""

    def __init__(self) -> None:
        self.reached = anyio.Event()
        self.processed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            return httpx.Response(200, json=token_payload())
        self.processed += 1
        self.reached.set()
        await anyio.sleep_forever()
        raise AssertionError("unreachable")


async def _closed_during(call: str) -> tuple[BaseException, _Processing]:
    server = _Processing()
    client = Iamport(imp_key="k", imp_secret="s", transport=server, clock=VirtualClock())
    ended: list[BaseException] = []

    async def run() -> None:
        try:
            if call == "cancel":
                await client.payments.cancel("imp_1", amount=100, checksum=1000)
            else:
                await client.payments.get("imp_1")
        except BaseException as error:  # what the caller sees, whatever it is
            ended.append(error)
            if not isinstance(error, Exception):
                raise

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        await server.reached.wait()
        await client.aclose()
    return ended[0], server


async def test_a_refund_in_flight_when_the_client_closes_is_outcome_unknown() -> None:
    error, server = await _closed_during("cancel")
    assert isinstance(error, ClientClosedError)
    assert isinstance(error, IamportError)
    assert error.outcome_known is False
    assert "may have carried it out" in str(error)
    assert server.processed == 1


async def test_a_read_in_flight_when_the_client_closes_has_a_known_outcome() -> None:
    error, _ = await _closed_during("get")
    assert isinstance(error, ClientClosedError)
    assert error.outcome_known is True


async def test_a_call_after_aclose_is_refused_before_sending(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/payments/cancel").respond(json=envelope(payment("imp_1")))
    await client.aclose()
    with pytest.raises(ClientClosedError) as caught:
        await client.payments.cancel("imp_1", amount=100, checksum=1000)
    assert caught.value.outcome_known is True
    assert "nothing was sent" in str(caught.value)
    assert not route.called
    assert not api.routes["token"].called


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
def test_a_client_used_from_a_second_event_loop_is_refused(anyio_backend: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as api:
        api.post("/users/getToken").respond(json=token_payload())
        api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
        client = Iamport(imp_key="k", imp_secret="s")
        assert asyncio.run(client.payments.get("imp_1")).imp_uid == "imp_1"
        with pytest.raises(ClientClosedError) as caught:
            asyncio.run(client.payments.get("imp_1"))
        assert "another event loop" in str(caught.value)
