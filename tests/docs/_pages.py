"""What each page's samples may assume, and what they must have done.

``setup`` seeds the fake and puts into the namespace what a reader's own application has at
that point (an ``imp_uid`` the API knows, an ``order`` row, a ``request``); it never provides a
name the library exports, so a sample that forgets an import fails. ``check`` then asserts the
effect the page promises (the refund happened once, the order was fulfilled, ...).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx

from iamport_async.models import Payment
from iamport_async.testing import FakeIamport
from iamport_async.webhooks import Expected

Namespace = dict[str, Any]
Setup = Callable[[FakeIamport, Namespace], Awaitable[None]]
Check = Callable[[FakeIamport, Namespace, list[Any]], Awaitable[None]]

PAYMENT = "imp_123412341234"
"""The ``imp_uid`` the pages write out in full."""


async def _nothing(*_: Any) -> None:
    return None


@dataclass
class Context:
    setup: Setup = _nothing
    check: Check = _nothing
    after: dict[int, Check] = field(default_factory=dict)
    """Checks run right after the page's block of that index (0-based), before the next one
    can rebind what it made (two example apps both called ``app``)."""


@dataclass
class Calls:
    """Stand-ins for the reader's own functions: they record what they were given."""

    seen: dict[str, list[Any]] = field(default_factory=dict)

    def __call__(self, name: str) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> str:
            self.seen.setdefault(name, []).append(args or kwargs)
            return name

        return record


def _calls(ns: Namespace, *names: str) -> Calls:
    calls = Calls()
    ns["calls"] = calls
    for name in names:
        ns[name] = calls(name)
    return calls


# -- payments.md ------------------------------------------------------------------------------


async def _payments_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid=PAYMENT, merchant_uid="order-1", amount=10_000, status="paid")
    for n in range(150):
        fake.add_payment(imp_uid=f"imp_bulk_{n}", merchant_uid=f"bulk-{n}", status="paid")
    ns["imp_uid"] = PAYMENT
    ns["order"] = SimpleNamespace(id="order-1", total=10_000)
    ns["start"] = datetime.fromtimestamp(fake.now(), UTC) - timedelta(days=1)
    ns["end"] = datetime.fromtimestamp(fake.now(), UTC) + timedelta(minutes=1)
    ns["ids"] = [f"imp_bulk_{n}" for n in range(120)] + ["imp_nobody"]
    ns["order_ids"] = [f"bulk-{n}" for n in range(100, 150)]
    ns["app"] = SimpleNamespace(state=SimpleNamespace())
    _calls(ns, "reject", "check", "retry_later", "report_missing")

    async def read_ids_from_db() -> AsyncIterator[str]:
        for n in range(150):
            yield f"imp_bulk_{n}"
        yield "imp_nobody"

    ns["read_ids_from_db"] = read_ids_from_db


async def _payments_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    calls: Calls = ns["calls"]
    assert "reject" not in calls.seen  # the paid payment matches its order
    assert len(calls.seen["check"]) == 150
    assert calls.seen["report_missing"] == [("imp_nobody",)]
    assert "retry_later" not in calls.seen
    result = ns["result"]
    assert len(result) == 121
    assert result.missing == ["imp_nobody"]
    assert len(result.found) == 120
    both = ns["both"]
    assert both.imp_uids.missing == ["imp_nobody"]
    assert len(both.merchant_uids.found) == 50
    assert fake.stats.max_multi_ids <= 100
    assert fake.stats.cancels == 1
    assert fake.payment(PAYMENT)["cancel_amount"] == 3000  # type: ignore[index]


# -- receipts.md ------------------------------------------------------------------------------


async def _receipts_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid=PAYMENT, amount=20_000, status="paid", pay_method="trans")


async def _receipts_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert fake.stats.requests["POST /receipts/{imp_uid}"] == 1
    assert fake.stats.requests["POST /receipts/external/{merchant_uid}"] == 1
    assert ns["receipt"].apply_num


# -- certifications.md ------------------------------------------------------------------------


async def _certifications_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_certification(imp_uid="imp_cert_1", unique_key="CI-of-hong", certified=True)
    ns["imp_uid"] = "imp_cert_1"
    ns["user"] = SimpleNamespace()
    ns["code"] = "123456"


async def _certifications_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["user"].ci == "CI-of-hong"
    assert ns["user"].birth_date is not None


# -- other-services.md ------------------------------------------------------------------------


async def _other_services_setup(fake: FakeIamport, ns: Namespace) -> None:
    ns["shipped_at"] = datetime.now(UTC) - timedelta(hours=2)
    ns["user_id"] = "benepia-user"
    ns["password"] = "benepia-password"
    fake.add_payment(imp_uid="imp_123412341234", escrow=True)
    fake.add_benepia_member("benepia-user", "benepia-password", 12_000)


# -- simple-pay.md ----------------------------------------------------------------------------


async def _simple_pay_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid="imp_123", pg_provider="naverco", amount=20_000)
    for product_order_id in ("2024010112345", "2024010112346"):
        fake.add_naver_order("imp_123", product_order_id=product_order_id)
    fake.add_kcpquick_member("kcp-member-1", autopay_customer_uid="cust_1")


# -- vbanks.md --------------------------------------------------------------------------------


async def _vbanks_setup(fake: FakeIamport, ns: Namespace) -> None:
    ns["refund_holder"] = "홍길동"
    fake.add_bank_account("004", "123-456-789012", "홍길동")


async def _vbanks_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    payment: Payment = ns["payment"]
    assert payment.status == "ready"
    assert payment.vbank_num


# -- subscriptions.md -------------------------------------------------------------------------


async def _subscriptions_setup(fake: FakeIamport, ns: Namespace) -> None:
    ns["uids"] = ["user-42-card-1", "user-unknown"]


async def _subscriptions_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["payment"].status == "paid"
    assert len(ns["schedules"]) == 3
    assert ns["result"].missing == ["user-unknown"]


# -- webhooks.md ------------------------------------------------------------------------------


class _Orders:
    def __init__(self) -> None:
        self.fulfilled: dict[str, str] = {}

    async def expected_for(self, merchant_uid: str) -> Expected | None:
        return Expected(15_000) if merchant_uid == "order-1001" else None

    expected = expected_for

    async def fulfil_once(self, merchant_uid: str, imp_uid: str) -> None:
        self.fulfilled.setdefault(merchant_uid, imp_uid)


class _Request:
    """What a Starlette request offers the sample: the body, headers and the peer."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self.headers = {"content-type": "application/json"}
        self.client = SimpleNamespace(host="52.78.100.19")

    async def body(self) -> bytes:
        return self._body


async def _webhooks_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid="imp_hook_1", merchant_uid="order-1001", amount=15_000, status="paid")
    body = json.dumps(
        {"imp_uid": "imp_hook_1", "merchant_uid": "order-1001", "status": "paid"}
    ).encode()
    ns.update(body=body, content_type="application/json", orders=_Orders())
    ns["request"] = _Request(body)


async def _webhooks_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["orders"].fulfilled == {"order-1001": "imp_hook_1"}
    assert ns["verdict"].fulfil


# -- testing.md -------------------------------------------------------------------------------


async def _testing_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["base_url"].startswith("http://127.0.0.1:")
    assert callable(ns["create_app"])


# -- the guides -------------------------------------------------------------------------------


async def _seed_one(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid=PAYMENT, merchant_uid="order-1", amount=10_000, status="paid")
    fake.add_payment(imp_uid="imp_1", merchant_uid="order-2", amount=10_000, status="paid")


async def _configuration_setup(fake: FakeIamport, ns: Namespace) -> None:
    await _seed_one(fake, ns)
    ns["shop_key"], ns["shop_secret"] = "key-of-a-second-account", "its-secret"


async def _configuration_logging(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    logger = logging.getLogger("iamport_async")
    assert ns["handler"] in logger.handlers
    assert logger.level == logging.DEBUG
    logger.removeHandler(ns["handler"])  # the sample configured this process: undo it
    logger.setLevel(logging.NOTSET)


async def _configuration_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["payment"].imp_uid == PAYMENT
    assert ns["raw"].status == 200
    assert fake.stats.requests["GET /payments/{imp_uid}"] == 1  # the model and the raw answer
    assert [exchange.path for exchange in ns["raw"].exchanges] == ["/payments"]


async def _quickstart_main(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    await ns["main"]()  # what ``anyio.run(main)`` would run
    assert fake.stats.requests["GET /payments/{imp_uid}"] == 1


async def _quickstart_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert fake.payment(PAYMENT)["cancel_amount"] == 3000  # type: ignore[index]


async def _drive(app: Any, paths: list[str]) -> list[tuple[int, Any]]:
    answers = []
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app) as state,
        httpx.AsyncClient(transport=transport, base_url="http://shop") as http,
    ):
        if state:  # Starlette's lifespan state reaches requests through the ASGI scope
            transport = httpx.ASGITransport(app=_with_state(app, state))
            http = httpx.AsyncClient(transport=transport, base_url="http://shop")
        for path in paths:
            answer = await http.get(path)
            answers.append((answer.status_code, answer.json()))
    return answers


def _with_state(app: Any, state: dict[str, Any]) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, "state": dict(state)}, receive, send)

    return wrapped


async def _web_fastapi(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    answers = await _drive(
        ns["app"], [f"/payments/{PAYMENT}", "/payments/imp_nobody", f"/payments/{PAYMENT}/status"]
    )
    assert answers == [
        (200, {"status": "paid", "amount": "10000"}),
        (404, {"detail": "no such payment"}),
        (200, {"status": "paid"}),
    ]
    assert fake.stats.tokens_issued == 1  # one token for every request of the app


async def _web_starlette(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    answers = await _drive(ns["app"], [f"/payments/{PAYMENT}", "/payments/imp_nobody"])
    assert answers == [
        (200, {"status": "paid", "amount": "10000"}),
        (404, {"detail": "no such payment"}),
    ]


async def _workers_setup(fake: FakeIamport, ns: Namespace) -> None:
    due: dict[str, int] = {}
    for n in range(2500):
        amount = 1000 + n
        paid = amount + 1 if n % 500 == 7 else amount  # five orders paid for the wrong amount
        if n % 1000 != 3:  # three orders never paid
            fake.add_payment(imp_uid=f"imp_w{n}", merchant_uid=f"w-{n}", amount=paid, status="paid")
        due[f"w-{n}"] = amount
    ns["ids"] = [f"imp_w{n}" for n in range(250)]

    async def load_orders_due() -> dict[str, int]:
        return due

    async def aenumerate(items: AsyncIterator[Any], start: int = 0) -> AsyncIterator[Any]:
        count = start
        async for item in items:
            yield count, item
            count += 1

    ns["load_orders_due"] = load_orders_due
    ns["aenumerate"] = aenumerate


async def _workers_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert sorted(ns["mismatched"]) == sorted(f"w-{n}" for n in range(2500) if n % 500 == 7)
    assert sorted(ns["missing"]) == ["w-1003", "w-2003", "w-3"]
    assert ns["failed"] == []
    assert len(ns["paid"]) == 249  # imp_w3 was never paid
    assert fake.stats.max_multi_ids <= 100
    assert ns["total"] == sum(p["amount"] for p in fake.payments.values())
    summary = ns["summary"]  # reconcile found what iter_many found
    assert summary.differing == 8
    assert summary.total == 2500


async def _retries_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    shown = ns["fake"]  # the page's own FakeIamport
    assert shown is not fake
    assert shown.stats.cancels == 1
    assert shown.stats.requests["POST /payments/cancel"] == 2
    assert ns["payment"].cancel_amount == 4000
    assert ns["payment"].imp_uid == "imp_1"


class _Database:
    """The reader's database of reconcile.md: ``stream`` rows, ``flag`` what differs."""

    def __init__(self, rows: list[SimpleNamespace]) -> None:
        self.rows = rows
        self.flagged: dict[object, str] = {}

    async def stream(self, query: str, *args: object) -> AsyncIterator[SimpleNamespace]:
        for row in self.rows:
            yield row

    async def flag(self, ref: object, outcome: object, reason: str) -> None:
        self.flagged[ref] = str(outcome)


async def _reconcile_setup(fake: FakeIamport, ns: Namespace) -> None:
    rows = []
    for n in range(300):
        if n % 100 != 42:  # three orders whose payment i'mport does not have
            fake.add_payment(imp_uid=f"imp_r{n}", amount=5000 + n, status="paid")
        total = 5000 + n + (10 if n % 60 == 1 else 0)  # five orders with another total
        rows.append(SimpleNamespace(id=n, imp_uid=f"imp_r{n}", total=total))
    ns["db"] = _Database(rows)
    ns["day"] = datetime.now(UTC).date()


async def _reconcile_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["db"].flagged == {
        **dict.fromkeys((42, 142, 242), "unknown"),
        **{n: "amount_differs" for n in range(300) if n % 60 == 1},
    }


async def _tiers_setup(fake: FakeIamport, ns: Namespace) -> None:
    fake.add_payment(imp_uid="imp_a01_000001", amount=5000, status="paid", tier="A01")
    fake.add_tier("A01", "강남점")


async def _tiers_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    assert ns["payment"].imp_uid == "imp_a01_000001"
    assert ns["tier"].tier_code


async def _errors_check(fake: FakeIamport, ns: Namespace, results: list[Any]) -> None:
    refund = ns["refund"]
    assert await refund(ns["client"], "") == "bad input: imp_uid"
    assert fake.stats.cancels == 1


async def _sync_setup(fake: FakeIamport, ns: Namespace) -> None:
    """The Django example reads its settings: configured as a project's would be."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_settings")
        django.setup()


CONTEXTS: dict[str, Context] = {
    "certifications.md": Context(_certifications_setup, _certifications_check),
    "codes.md": Context(),
    "configuration.md": Context(
        _configuration_setup, _configuration_check, after={1: _configuration_logging}
    ),
    "errors.md": Context(_seed_one, _errors_check),
    "index.md": Context(_seed_one),
    "other-services.md": Context(_other_services_setup),
    "observability.md": Context(_seed_one),
    "payments.md": Context(_payments_setup, _payments_check),
    "quickstart.md": Context(_seed_one, _quickstart_check, after={0: _quickstart_main}),
    "rate-limits.md": Context(_seed_one),
    "receipts.md": Context(_receipts_setup, _receipts_check),
    "reconcile.md": Context(_reconcile_setup, _reconcile_check),
    "retries.md": Context(_seed_one, _retries_check),
    "simple-pay.md": Context(_simple_pay_setup),
    "subscriptions.md": Context(_subscriptions_setup, _subscriptions_check),
    "testing.md": Context(check=_testing_check),
    "sync.md": Context(_sync_setup),
    "tiers.md": Context(_tiers_setup, _tiers_check),
    "vbanks.md": Context(_vbanks_setup, _vbanks_check),
    "web-apps.md": Context(_seed_one, after={0: _web_fastapi, 1: _web_starlette}),
    "webhooks.md": Context(_webhooks_setup, _webhooks_check),
    "workers.md": Context(_workers_setup, _workers_check),
}
NO_CONTEXT_NEEDED: set[str] = set()
