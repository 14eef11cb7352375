"""The FastAPI example of docs/testing.md, run against the fake (FastAPI is test-only)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from iamport_async.testing import FakeIamport

pytest.importorskip("fastapi")

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "fastapi_verify.py"
ORDERS = {"order-1": 25_000}


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_verify", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def shop(iamport_fake: FakeIamport) -> AsyncIterator[httpx.AsyncClient]:
    app = load_example().create_app(iamport_fake.client(), ORDERS)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as http,
    ):
        yield http


async def test_a_paid_order_is_verified(iamport_fake: FakeIamport, shop: httpx.AsyncClient) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=25_000)
    answer = await shop.post("/orders/order-1/verify", json={"imp_uid": "imp_1"})
    assert answer.status_code == 200
    assert answer.json() == {"status": "paid"}


async def test_a_503_is_retried_by_the_client(
    iamport_fake: FakeIamport, shop: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(
        imp_uid="imp_1",
        merchant_uid="order-1",
        amount=25_000,
    )
    iamport_fake.faults.script("503", operations=["GET /payments/{imp_uid}"])
    answer = await shop.post(
        "/orders/order-1/verify",
        json={"imp_uid": "imp_1"},
    )
    assert answer.status_code == 200
    assert iamport_fake.stats.requests["GET /payments/{imp_uid}"] == 2


async def test_a_tampered_payment_is_refunded_once_despite_a_lost_answer(
    iamport_fake: FakeIamport, shop: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(
        imp_uid="imp_1",
        merchant_uid="order-1",
        amount=250,
    )
    iamport_fake.faults.script(
        "drop_after",
        operations=["POST /payments/cancel"],
    )
    answer = await shop.post(
        "/orders/order-1/verify",
        json={"imp_uid": "imp_1"},
    )
    assert answer.status_code == 409
    # the retry was refused
    assert iamport_fake.stats.requests["POST /payments/cancel"] == 2
    assert iamport_fake.stats.cancels == 1
    payment = iamport_fake.payment("imp_1")
    assert payment["cancel_amount"] == 250  # type: ignore[index]


async def test_an_unpaid_payment_is_refused(
    iamport_fake: FakeIamport, shop: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", status="failed")
    answer = await shop.post("/orders/order-1/verify", json={"imp_uid": "imp_1"})
    assert answer.status_code == 402
    assert iamport_fake.stats.cancels == 0


def test_the_page_shows_the_code_that_is_tested() -> None:
    page = (EXAMPLE.parents[1] / "testing.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") in page
    source = Path(__file__).read_text(encoding="utf-8")
    for name in (
        "test_a_503_is_retried_by_the_client",
        "test_a_tampered_payment_is_refunded_once_despite_a_lost_answer",
    ):
        start = source.index(f"async def {name}(")
        body = source[start : source.index("\n\n\n", start)]
        assert body in page, name
