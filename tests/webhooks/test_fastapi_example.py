"""The FastAPI route in ``docs/examples/fastapi_webhook.py``, driven through ASGI.

The app is loaded from the docs file itself, so the example cannot rot unnoticed. Its client
dependency is overridden with one on the mocked API; requests reach the app in-process,
from httpx's default peer (127.0.0.1): with no sender check, nothing needs to be spoofed.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.webhooks import WebhookVerifier
from tests.conftest import envelope
from tests.webhooks._payloads import payment

pytest.importorskip("fastapi")

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "fastapi_webhook.py"
IAMPORT = "52.78.100.19"
URL = "/iamport/webhook"
PAID = {"imp_uid": "imp_100", "merchant_uid": "order-1001", "status": "paid"}


def load_example(
    client: Iamport, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> ModuleType:
    """A fresh copy of the example, configured by ``env``, its verifier on the mocked API."""
    for name in ("IAMPORT_SENDER_CHECK", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("fastapi_webhook_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verifier = WebhookVerifier(
        client.payments, expected=module.orders.expected, sources=module.SOURCES
    )
    module.app.dependency_overrides[module.get_verifier] = lambda: verifier
    return module


@pytest.fixture
def example(client: Iamport, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example as configured by default: no sender check."""
    return load_example(client, monkeypatch, {})


@pytest.fixture
def checked(client: Iamport, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example with the sender check on, behind a 10/8 proxy."""
    return load_example(
        client, monkeypatch, {"IAMPORT_SENDER_CHECK": "1", "TRUSTED_PROXIES": "10.0.0.0/8"}
    )


@pytest.fixture
async def web(example: ModuleType) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client whose requests reach the app in-process, from httpx's default peer."""
    transport = httpx.ASGITransport(app=example.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://shop.test") as web:
        yield web


def serve(api: respx.MockRouter, **fields: object) -> respx.Route:
    body = envelope(payment("imp_100", "order-1001", **fields))  # type: ignore[arg-type]
    return api.get("/payments/imp_100").respond(json=body)


async def test_a_paid_webhook_fulfils_the_order_once_however_often_it_comes(
    api: respx.MockRouter, example: ModuleType, web: httpx.AsyncClient
) -> None:
    serve(api)

    as_json = await web.post(URL, json=PAID)
    as_form = await web.post(URL, data=PAID)

    assert [as_json.status_code, as_form.status_code] == [200, 200]
    assert as_json.json() == as_form.json() == {"outcome": "paid"}
    assert example.orders.fulfilled == {"order-1001": "imp_100"}


async def test_a_tampered_amount_is_not_fulfilled(
    api: respx.MockRouter, example: ModuleType, web: httpx.AsyncClient
) -> None:
    serve(api, amount=150)

    answer = await web.post(URL, json=PAID)

    assert answer.json() == {"outcome": "mismatch"}
    assert example.orders.fulfilled == {}


async def test_a_cancel_webhook_starts_the_refund_flow(
    api: respx.MockRouter, example: ModuleType, web: httpx.AsyncClient
) -> None:
    serve(api, status="cancelled", cancel_amount=15000)

    answer = await web.post(URL, data={**PAID, "status": "cancelled"})

    assert answer.json() == {"outcome": "cancelled"}
    assert example.orders.refunded == {"order-1001"}
    assert example.orders.fulfilled == {}


async def test_a_forged_webhook_for_an_unknown_payment_is_not_fulfilled(
    api: respx.MockRouter, example: ModuleType, web: httpx.AsyncClient
) -> None:
    api.get("/payments/imp_forged").respond(404, json=envelope(code=-1, message="없음"))

    answer = await web.post(URL, json={**PAID, "imp_uid": "imp_forged"})

    assert answer.json() == {"outcome": "not_found"}
    assert example.orders.fulfilled == {}


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"merchant_uid": "order-1001"}', "application/json"),
        (json.dumps(PAID).encode(), "text/plain"),
        (b"imp_uid=%FF%FE", "application/x-www-form-urlencoded"),
        (b"{broken", "application/json"),
    ],
)
async def test_unreadable_bodies_get_400_and_no_lookup(
    api: respx.MockRouter, web: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    route = serve(api)

    answer = await web.post(URL, content=content, headers={"Content-Type": content_type})

    assert answer.status_code == 400
    assert route.call_count == 0


async def test_with_the_sender_check_a_stranger_gets_403_even_claiming_to_be_forwarded(
    api: respx.MockRouter, checked: ModuleType
) -> None:
    route = serve(api)
    stranger = httpx.ASGITransport(app=checked.app, client=("203.0.113.9", 40000))

    async with httpx.AsyncClient(transport=stranger, base_url="https://shop.test") as web:
        answer = await web.post(URL, json=PAID, headers={"X-Forwarded-For": IAMPORT})

    assert answer.status_code == 403
    assert route.call_count == 0
    assert checked.orders.fulfilled == {}


async def test_with_the_sender_check_the_forwarded_sender_counts_through_the_proxy(
    api: respx.MockRouter, checked: ModuleType
) -> None:
    serve(api)
    proxy = httpx.ASGITransport(app=checked.app, client=("10.0.0.5", 40000))

    async with httpx.AsyncClient(transport=proxy, base_url="https://shop.test") as web:
        allowed = await web.post(URL, json=PAID, headers={"X-Forwarded-For": IAMPORT})
        refused = await web.post(URL, json=PAID, headers={"X-Forwarded-For": "203.0.113.9"})

    assert [allowed.status_code, refused.status_code] == [200, 403]


async def test_when_iamport_cannot_be_asked_the_answer_is_503_so_it_resends(
    api: respx.MockRouter, example: ModuleType, web: httpx.AsyncClient
) -> None:
    api.get("/payments/imp_100").respond(502, text="<html>Bad Gateway</html>")

    answer = await web.post(URL, json=PAID)

    assert answer.status_code == 503
    assert example.orders.fulfilled == {}
