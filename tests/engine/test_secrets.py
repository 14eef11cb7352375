"""Keys, secrets and tokens never reach a log line, a repr or an exception message."""

from __future__ import annotations

import logging
import re
import traceback

import httpx
import pytest
import respx

from iamport_async import Iamport, Idempotency
from iamport_async.errors import IamportError
from iamport_async.testing.clock import VirtualClock
from tests.conftest import TOKEN_LIFETIME, envelope

pytestmark = pytest.mark.anyio

IMP_KEY = "imp_key_5b8a61e7"
IMP_SECRET = "imp_secret_0f4c9d2a77e1"
TOKENS = ["access_token_c3f1a9e0", "access_token_77d2b4aa"]
CARD = {
    "card_number": "4092-0230-1234-5678",
    "expiry": "2029-12",
    "birth": "880101",
    "pwd_2digit": "99",
}
SECRETS = [IMP_KEY, IMP_SECRET, *TOKENS, *CARD.values()]


async def test_a_whole_scenario_at_debug_level_leaks_no_secret(
    api: respx.MockRouter, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.routes["token"].side_effect = [
        httpx.Response(
            200, json=envelope({"access_token": token, "now": 0, "expired_at": TOKEN_LIFETIME})
        )
        for token in TOKENS
    ]
    api.get("/payments/imp_1").side_effect = [
        httpx.Response(503, text="busy"),
        httpx.Response(401, json=envelope(code=-1, message="Unauthorized")),
        httpx.Response(200, json=envelope({"imp_uid": "imp_1"})),
    ]
    api.post("/subscribe/payments/onetime").side_effect = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json=envelope(code=-1, message="카드정보 인증에 실패하였습니다.")),
    ]
    seen: list[str] = []
    async with Iamport(imp_key=IMP_KEY, imp_secret=IMP_SECRET, clock=clock) as client:
        seen += [repr(client), repr(client._engine), repr(client._engine.tokens)]
        await client.request("GET", "/payments/imp_1")
        seen.append(repr(await client._engine.tokens.get()))
        try:
            await client.request(
                "POST",
                "/subscribe/payments/onetime",
                json={"merchant_uid": "order-1", "amount": 1000, **CARD},
                idempotency=Idempotency.UNGUARDED,
            )
        except IamportError as error:
            seen += [str(error), repr(error), repr(error.args)]
        else:
            pytest.fail("the refused card did not raise")

    seen += [record.getMessage() for record in caplog.records]
    assert any("retrying" in line for line in seen), "the scenario logged nothing to check"
    leaks = [(secret, line) for line in seen for secret in SECRETS if appears(secret, line)]
    assert leaks == []


def appears(secret: str, text: str) -> bool:
    """``secret`` as a whole token of ``text`` (a two-digit PIN inside a float is no leak)."""
    return re.search(rf"(?<![0-9A-Za-z.]){re.escape(secret)}(?![0-9A-Za-z.])", text) is not None


TOKEN_ANSWER = (
    '{"code":0,"message":null,"response":{"access_token":"' + TOKENS[0] + '","now":1700000000,'
    '"expired_at":1700001800}}'
)


@pytest.mark.parametrize(
    "answer",
    [
        TOKEN_ANSWER[:-30],  # cut after the token
        TOKEN_ANSWER[: TOKEN_ANSWER.index(TOKENS[0]) + 10],  # cut inside the token
        TOKEN_ANSWER.replace('"code":0', '"code":"zero"'),  # no envelope, token whole
        f"access_token={TOKENS[0]}&now=1700000000&expired_at=1700001800",  # a form
        TOKEN_ANSWER[:-1].replace('"code":0', '"code":"zero"') + ',"pad":"' + "x" * 600 + '"}',
        TOKEN_ANSWER[:-2] + ',"pad":"' + "x" * 600,  # cut past the excerpt's limit
    ],
    ids=["cut-after", "cut-inside", "no-envelope", "form", "long", "long-cut"],
)
async def test_a_broken_token_answer_puts_no_token_in_the_error(
    api: respx.MockRouter, answer: str
) -> None:
    api.routes["token"].respond(200, content=answer.encode())
    async with Iamport(imp_key=IMP_KEY, imp_secret=IMP_SECRET, max_retries=0) as client:
        with pytest.raises(IamportError) as caught:
            await client.request("GET", "/payments/imp_1")
    error = caught.value
    shown = [
        str(error),
        repr(error),
        getattr(error, "body", ""),
        *getattr(error, "__notes__", []),
        "".join(traceback.format_exception(error)),
    ]
    tails = [secret[-8:] for secret in (IMP_KEY, IMP_SECRET, TOKENS[0])]  # even part of one
    assert [line for line in shown for tail in tails if tail in line] == []
    assert "[redacted]" in getattr(error, "body", "")
