"""No key, secret, token or card field in any exception, note or repr, whatever the fault.

Log lines are checked for every test of this folder by the autouse ``secret_watch`` fixture
(DEBUG level: the client's, httpx's, httpcore's and uvicorn's loggers). Here a whole scenario
that sends every kind of secret runs once per fault kind, and everything a caller can print
is checked too.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable

import anyio
import pytest

from iamport_async.errors import IamportError
from tests.faults._proxy import not_token, token_only
from tests.faults.conftest import CARD, REFUND_ACCOUNT, SecretWatch, World

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
    return [
        str(error),
        repr(error),
        repr(error.args),
        *getattr(error, "__notes__", []),
        "".join(traceback.format_exception(error)),
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_nothing_printable_holds_a_secret(
    world: World, secret_watch: SecretWatch, kind: str
) -> None:
    world.fake.add_payment(imp_uid="imp_vbank", amount=5000, pay_method="vbank", status="paid")
    client = world.client(max_retries=1)
    seen = [repr(client), repr(client._transport), repr(client._transport.tokens)]
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
    with anyio.fail_after(8):
        for call in calls:
            try:
                seen.append(repr(await call()))
            except IamportError as error:
                seen += _printable(error)
    seen.append(repr(await client._transport.tokens.get()))
    seen += [repr(entry) for entry in world.fake.requests]
    assert sum(world.proxy.applied.values()) >= 1
    assert secret_watch.tokens, "no token was issued: nothing to look for"
    assert secret_watch.leaks(seen) == []
