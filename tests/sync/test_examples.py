"""The guide's Django views, Flask app and Celery task, run by the real frameworks against
the fake API: Django's and Flask's test clients, Celery with ``task_always_eager``."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from iamport_async.sync import WebhookVerifier
from iamport_async.testing import FakeIamport, VirtualClock

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def fake() -> FakeIamport:
    fake = FakeIamport(clock=VirtualClock())
    fake.add_payment(imp_uid="imp_1001", merchant_uid="order-1001", amount=15000)
    fake.add_payment(imp_uid="imp_cheap", merchant_uid="order-1001", amount=100)
    return fake


def _example(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setenv("IAMPORT_API_KEY", "key-from-the-environment")
    monkeypatch.setenv("IAMPORT_API_SECRET", "secret-from-the-environment")
    if name in sys.modules:
        return importlib.reload(sys.modules[name])
    return importlib.import_module(name)


@pytest.fixture
def django_shop(fake: FakeIamport, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    import django
    from django.conf import settings

    _example("django_settings", monkeypatch)
    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_settings")
        django.setup()
    shop = _example("django_shop", monkeypatch)
    assert settings.IAMPORT_API_KEY  # read from the environment by the settings module
    shop.client.close()  # the one made at import: this test points it at the fake
    with fake.sync_client() as client:
        monkeypatch.setattr(shop, "client", client)
        monkeypatch.setattr(
            shop, "verifier", WebhookVerifier(client.payments, expected=shop.orders.expected)
        )
        yield shop


def _post(test_client: Any, url: str, body: dict[str, Any]) -> Any:
    return test_client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_django_views_verify_refund_and_hear_the_webhook(
    fake: FakeIamport, django_shop: ModuleType
) -> None:
    from django.test import Client

    browser = Client()
    answer = _post(browser, "/checkout/verify", {"imp_uid": "imp_cheap"})
    assert answer.status_code == 409  # paid 100 for a 15000 order
    answer = _post(browser, "/checkout/verify", {"imp_uid": "imp_1001"})
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "imp_uid": "imp_1001"}

    refund = {"amount": "5000", "balance": "15000", "reason": "one item back"}
    for _ in range(3):  # the customer clicks three times: one refund
        answer = _post(browser, "/orders/order-1001/refund", refund)
        assert answer.status_code == 200
        assert answer.json() == {"ok": True, "refundable": "10000"}
    assert fake.stats.cancels == 1

    django_shop.orders.paid.clear()
    notice = {"imp_uid": "imp_1001", "merchant_uid": "order-1001", "status": "paid"}
    answer = _post(browser, "/iamport/webhook", notice)
    assert answer.status_code == 200
    assert answer.json()["outcome"] in ("paid", "cancelled")
    assert _post(browser, "/iamport/webhook", {"nonsense": 1}).status_code == 400
    assert fake.stats.requests["POST /users/getToken"] == 1


def test_the_django_webhook_pays_an_order(fake: FakeIamport, django_shop: ModuleType) -> None:
    from django.test import Client

    notice = {"imp_uid": "imp_1001", "merchant_uid": "order-1001", "status": "paid"}
    answer = _post(Client(), "/iamport/webhook", notice)
    assert answer.json() == {"outcome": "paid"}
    assert django_shop.orders.paid == {"order-1001": "imp_1001"}


def test_the_flask_app_verifies_a_checkout(
    fake: FakeIamport, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _example("flask_shop", monkeypatch)
    shop.client.close()
    with fake.sync_client() as client:
        monkeypatch.setattr(shop, "client", client)
        browser = shop.app.test_client()
        answer = browser.post("/checkout/verify", json={"imp_uid": "imp_1001"})
        assert answer.status_code == 200
        assert answer.get_json() == {"ok": True, "imp_uid": "imp_1001"}
        assert browser.post("/checkout/verify", json={"imp_uid": "imp_x"}).status_code == 404
        assert browser.post("/checkout/verify", json={"imp_uid": "imp_cheap"}).status_code == 409


def test_the_celery_task_reconciles(
    fake: FakeIamport, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(2, 301):
        amount = 999 if number % 50 == 0 else 1000
        fake.add_payment(imp_uid=f"imp_o{number}", merchant_uid=f"order-{number}", amount=amount)
    tasks = _example("celery_tasks", monkeypatch)
    tasks.app.conf.task_always_eager = True
    tasks.client.close()
    with fake.sync_client() as client:
        monkeypatch.setattr(tasks, "client", client)
        outcome = tasks.reconcile_orders.delay().get(timeout=30)
    # order-1: two payments, neither 1000; orders 50, 100, ... 300: 999
    assert outcome == {"total": 300, "differing": 7}
    assert "300 orders reconciled" in capsys.readouterr().out
