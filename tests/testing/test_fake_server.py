"""The fake on a real socket (uvicorn on 127.0.0.1, asyncio only) and as a bare ASGI app."""

from __future__ import annotations

import httpx
import pytest

from iamport_async import Iamport, Idempotency
from iamport_async.errors import ConnectionLost, RequestTimeout
from iamport_async.testing import FakeIamport

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_client_over_a_real_socket() -> None:
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.serve() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with Iamport(
            imp_key=fake.imp_key, imp_secret="test_imp_secret", base_url=base_url
        ) as c:
            assert (await c.request("GET", "/payments/imp_1"))["amount"] == 1000
            await c.request("POST", "/payments/cancel", json={"imp_uid": "imp_1", "amount": 400})
            got = await c.request("GET", "/payments", params=[("imp_uid[]", "imp_1")])
            assert got[0]["cancel_amount"] == 400
    assert fake.stats.requests["GET /payments/{imp_uid}"] == 1


async def test_socket_faults_look_like_socket_faults() -> None:
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=10_000)
    async with (
        fake.serve() as base_url,
        Iamport(
            imp_key=fake.imp_key, imp_secret="test_imp_secret", base_url=base_url, timeout=0.5
        ) as c,
    ):
        await c.request("GET", "/payments/imp_1")
        fake.faults.script("drop_after", operations=["POST /payments/cancel"])
        with pytest.raises(ConnectionLost):
            await c.request(
                "POST",
                "/payments/cancel",
                json={"imp_uid": "imp_1", "amount": 1000},
                idempotency=Idempotency.UNGUARDED,
            )
        assert fake.stats.cancels == 1
        fake.faults.script("timeout", operations=["GET /payments/{imp_uid}"])
        with pytest.raises(RequestTimeout):
            await c.with_options(max_retries=0).request("GET", "/payments/imp_1")
        fake.faults.script("503", "drop_before")
        assert (await c.request("GET", "/payments/imp_1"))["cancel_amount"] == 1000


async def test_raw_http_over_the_socket() -> None:
    fake = FakeIamport()
    async with fake.serve() as base_url, httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post("/users/getToken", json={"imp_key": "x", "imp_secret": "y"})
        assert answer.status_code == 401
        assert answer.json()["code"] == -1
        unknown = await http.get("/payments/imp_1")
        assert unknown.status_code == 401


async def test_the_app_speaks_plain_asgi() -> None:
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", merchant_uid="a/b")
    transport = httpx.ASGITransport(app=fake.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
        token = await http.post(
            "/users/getToken", data={"imp_key": "test_imp_key", "imp_secret": "test_imp_secret"}
        )
        http.headers["Authorization"] = token.json()["response"]["access_token"]
        assert (await http.get("/payments/find/a%2Fb")).json()["response"]["imp_uid"] == "imp_1"
        assert (await http.get("/payments", params={"imp_uid[]": "imp_1"})).status_code == 200


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_serve_needs_asyncio(anyio_backend: str) -> None:
    with pytest.raises(RuntimeError, match="asyncio"):
        async with FakeIamport().serve():
            pass
