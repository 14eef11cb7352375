"""No key, secret, token or card field in any exception, note or repr, whatever the fault.

Log lines are checked for every test of this folder by the autouse ``secret_watch`` fixture
(DEBUG level: the client's, httpx's, httpcore's and uvicorn's loggers). Here a whole scenario
that sends every kind of secret runs once per fault kind, and everything a caller can print
is checked too.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
import respx

from iamport_async.errors import IamportError
from tests.faults._proxy import not_token, token_only
from tests.faults.conftest import (
    CARD,
    HANG,
    REFUND_ACCOUNT,
    SecretWatch,
    World,
    appears,
    attempt_timeout,
)

pytestmark = pytest.mark.anyio

KINDS = [
    "reset_before",
    "reset_after",
    "trickle",
    "429",
    "not_json_after",
    "fake:500_html",
    "fake:503",
    "fake:drop_after",
    "fake:truncated_json",
    "fake:timeout",
    "fake:401",
]


def _printable(error: BaseException) -> list[str]:
    """All a caller can print of ``error``: the traceback has its causes, context and notes."""
    return [
        str(error),
        repr(error),
        repr(error.args),
        str(getattr(error, "body", "")),
        *getattr(error, "__notes__", []),
        # Source line numbers are no data (and one may be 99, the card's pwd_2digit).
        re.sub(r", line \d+", ", line N", "".join(traceback.format_exception(error))),
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_nothing_printable_holds_a_secret(
    world: World, secret_watch: SecretWatch, kind: str
) -> None:
    world.fake.add_payment(imp_uid="imp_vbank", amount=5000, pay_method="vbank", status="paid")
    client = world.client(max_retries=1, timeout=attempt_timeout(kind))
    seen = [repr(client), repr(client._engine), repr(client._engine.tokens)]
    world.proxy.script(kind, when=token_only)
    world.proxy.script(*[kind] * 4, when=not_token)
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: client.customers.issue("billing-s", channel_key="channel-1", **CARD),
        lambda: client.subscribe.onetime(merchant_uid="order-s", amount=1000, **CARD),
        lambda: client.payments.cancel(
            "imp_vbank",
            refund_holder="홍길동",
            refund_bank="04",
            refund_account=REFUND_ACCOUNT,
        ),
        lambda: client.payments.get("imp_vbank"),
    ]
    with anyio.fail_after(HANG):
        for call in calls:
            try:
                seen.append(repr(await call()))
            except IamportError as error:
                seen += _printable(error)
    seen.append(repr(await client._engine.tokens.get()))
    seen += [repr(entry) for entry in world.fake.requests]
    assert sum(world.proxy.applied.values()) >= 1
    assert secret_watch.tokens, "no token was issued: nothing to look for"
    assert secret_watch.leaks(seen) == []


# --- every sensitive operation, every logger at DEBUG ------------------------------------------

PERSON: dict[str, Any] = {
    "buyer_name": "나다름",
    "buyer_email": "nadareum@example.kr",
    "buyer_tel": "010-5151-7272",
    "buyer_addr": "제주특별자치도 서귀포시 중문로 81",
    "buyer_postcode": "63535",
}
CUSTOMER = {
    "customer_name": "나다름",
    "customer_tel": "010-5151-7272",
    "customer_email": "nadareum@example.kr",
    "customer_addr": "제주특별자치도 서귀포시 중문로 81",
    "customer_postcode": "63535",
}
CERTIFIED: dict[str, Any] = {"name": "가온누리", "phone": "01046468282", "birth": "930917"}
BANK_NUM = "3333-01-5566778"
REFUND_HOLDER = "라마바사"
RESPX_TOKEN = "access_token_respx_9e1d04c7"
PERSONAL = [*PERSON.values(), *CERTIFIED.values(), "1993-09-17", BANK_NUM, REFUND_HOLDER]
ALL_LOGGERS = ("", "iamport_async", "httpx", "httpcore", "anyio", "asyncio")


def _mocked_api() -> respx.MockRouter:
    """What the fake cannot do: answers that carry personal data in a broken or failed reply,
    and the routes the fake does not serve (holder, OTP)."""
    router = respx.MockRouter(base_url="https://api.iamport.kr", assert_all_called=False)
    router.post("/users/getToken").respond(
        json={"code": 0, "message": None, "response": {
            "access_token": RESPX_TOKEN, "now": 1_700_000_000, "expired_at": 1_700_001_800}},
    )  # fmt: skip
    payment = {"imp_uid": "imp_broken", "merchant_uid": "order-b", "amount": 1000, **PERSON}
    whole = json.dumps({"code": 0, "message": None, "response": payment}, ensure_ascii=False)
    router.get("/payments/imp_broken").respond(200, content=whole[:-12].encode())
    router.post("/payments/cancel").respond(
        500, json={"code": -1, "message": "internal error", "response": payment}
    )
    router.get("/vbanks/holder").respond(
        json={"code": 0, "message": None, "response": {"bank_holder": REFUND_HOLDER}}
    )
    router.post("/certifications/otp/request").respond(
        400, json={"code": -1, "message": "본인인증 정보 불일치", "response": CERTIFIED}
    )
    return router


async def test_a_scenario_of_every_sensitive_operation_shows_nothing_at_debug(
    world: World, secret_watch: SecretWatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ALL_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    world.fake.add_payment(imp_uid="imp_vbank", amount=5000, pay_method="vbank", status="paid")
    world.fake.add_payment(imp_uid="imp_buyer", amount=3000, status="paid", **PERSON)
    certification = world.fake.add_certification(
        name=CERTIFIED["name"], phone=CERTIFIED["phone"], birthday="1993-09-17"
    )
    fake = world.client(base_url=world.upstream, max_retries=0)
    router = _mocked_api()
    mocked = world.client(
        base_url="https://api.iamport.kr", transport=httpx.MockTransport(router.async_handler)
    )
    seen = [repr(fake), repr(fake._engine), repr(mocked), repr(mocked._engine.tokens)]
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: fake.customers.issue("billing-p", channel_key="channel-1", **CARD, **CUSTOMER),
        lambda: fake.subscribe.onetime(merchant_uid="order-p1", amount=1000, **CARD, **PERSON),
        lambda: fake.subscribe.again(
            customer_uid="billing-p", merchant_uid="order-p2", amount=1000, name="월 구독", **PERSON
        ),
        lambda: fake.vbanks.holder(bank_code="004", bank_num=BANK_NUM),
        lambda: mocked.vbanks.holder(bank_code="004", bank_num=BANK_NUM),
        lambda: fake.certifications.get(certification["imp_uid"]),
        lambda: mocked.certifications.request_otp(
            **CERTIFIED, gender_digit="2", carrier="SKT", channel_key="channel-1"
        ),
        lambda: fake.payments.get("imp_buyer"),  # a broken 2xx from the fake (scripted below)
        lambda: mocked.payments.get("imp_broken"),  # a broken 2xx with the buyer's data
        # a 500 with personal data (unguarded: the POST alone, no balance read first)
        lambda: mocked.payments.cancel("imp_x", reason="test", unguarded=True),
        lambda: fake.payments.cancel(
            "imp_vbank",
            refund_holder=REFUND_HOLDER,
            refund_bank="04",
            refund_account=REFUND_ACCOUNT,
        ),
    ]
    errors = 0
    with anyio.fail_after(HANG):
        for number, call in enumerate(calls):
            if number == 7:
                world.fake.faults.script("truncated_json", operations=["GET /payments/{imp_uid}"])
            try:
                seen.append(repr(await call()))
            except IamportError as error:
                errors += 1
                seen += _printable(error)
    seen.append(repr(await fake._engine.tokens.get()))
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    client_side = [r for r in caplog.records if not r.name.startswith("uvicorn")]  # the "API"'s
    seen += [formatter.format(record) for record in client_side]

    assert errors >= 4, "the scenario raised too few errors to check"
    assert {r.name for r in client_side} >= {"httpx", "httpcore.http11", "iamport_async"}
    assert secret_watch.tokens, "the fake issued no token: nothing to look for"
    secrets = [*PERSONAL, RESPX_TOKEN]
    assert [(s, line) for line in seen for s in secrets if appears(s, line)] == []
    assert secret_watch.leaks(seen) == []
