"""Keys, secrets and tokens never reach a log line, a repr or an exception message."""

from __future__ import annotations

import contextlib
import logging
import pickle
import re
import traceback
from collections.abc import Awaitable, Callable

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


# --- what an error tracker shows of an error: its chain, attributes and frames' locals --------

BANK_NUM = "110123456789"


def tracked(error: BaseException, *, arguments: bool = True) -> list[str]:
    """What an error tracker (Sentry with local variables, say) may show of ``error``: its
    str, repr, traceback text and pickle; for it and every error of its chain (``__cause__``,
    ``__context__``, ``cause``), the httpx request or response it holds (URL, headers,
    content) and each traceback frame's local variables (containers walked, others repr'd).
    The test's own frames, which hold the secrets it sent, are left out; so are, unless
    ``arguments``, the frames of the methods the caller handed them to (``client.request``'s
    ``json``, an endpoint's ``card_number``): the caller's own values, in the caller's call."""
    shown = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        pickle.dumps(error).decode("latin-1"),
    ]
    seen: set[int] = set()
    chain: list[BaseException | None] = [error]
    while chain:
        link = chain.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        shown += [str(link), repr(link), *map(repr, vars(link).values())]
        for attribute in ("request", "_request", "response"):
            try:
                value = getattr(link, attribute, None)
            except RuntimeError:  # httpx: ".request is not set"
                value = None
            if isinstance(value, httpx.Request | httpx.Response):
                shown += _httpx_object(value)
        frame_traceback = link.__traceback__
        while frame_traceback is not None:
            frame = frame_traceback.tb_frame
            name = frame.f_code.co_filename
            if "/tests/" not in name and (arguments or not name.endswith(CALLED)):
                shown += [_serialised(value) for value in frame.f_locals.values()]
            frame_traceback = frame_traceback.tb_next
        chain += [link.__cause__, link.__context__, getattr(link, "cause", None)]
    return shown


def _httpx_object(value: httpx.Request | httpx.Response) -> list[str]:
    shown = [str(value.url) if isinstance(value, httpx.Request) else repr(value)]
    shown += [f"{name}: {header}" for name, header in value.headers.items()]
    with contextlib.suppress(httpx.RequestNotRead, httpx.ResponseNotRead):
        shown.append(value.content.decode("utf-8", "replace"))
    return shown


def _serialised(value: object, depth: int = 0) -> str:
    """A local variable as an error tracker shows it: containers walked, others repr'd."""
    if depth > 6:
        return ""
    if isinstance(value, dict):
        return " ".join(
            f"{_serialised(key, depth + 1)}={_serialised(item, depth + 1)}"
            for key, item in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(_serialised(item, depth + 1) for item in value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    try:
        return repr(value)
    except Exception:  # a repr that fails shows nothing
        return ""


CALLED = ("iamport_async/client.py", "endpoints/_base.py", "vbanks.py", "payments.py")
CREDENTIALS = [IMP_KEY, IMP_SECRET, *TOKENS]
"""Values the caller never handed a call (the token), or handed the client long before."""


def leaked(error: BaseException, others: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Credentials anywhere; card data, account numbers and ``others`` beyond the frames of
    the calls they were handed to."""
    secrets = [*CREDENTIALS, *others]
    found = [(s, line[:200]) for line in tracked(error) for s in secrets if s in line]
    data = [value for value in (BANK_NUM, *CARD.values()) if len(value) > 4]
    found += [
        (s, line[:200]) for line in tracked(error, arguments=False) for s in data if s in line
    ]
    return found


ECHOED_REQUEST = (
    "<html><body><h1>502 Bad Gateway</h1><pre>POST /subscribe/payments/onetime HTTP/1.1\r\n"
    f"Host: api.iamport.kr\r\nAuthorization: Bearer {TOKENS[0]}\r\n"
    "Cookie: session=s3ss10n-c00k1e; theme=dark\r\nContent-Type: application/json\r\n"
    "</pre></body></html>"
)


def _token_then(answer: httpx.Response | httpx.RequestError) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            return httpx.Response(
                200, json=envelope({"access_token": TOKENS[0], "now": 0, "expired_at": 1800})
            )
        if isinstance(answer, httpx.RequestError):
            answer.request = request  # as httpx's own transports raise it
            raise answer
        return answer

    return httpx.MockTransport(handler)


def _client(transport: httpx.MockTransport) -> Iamport:
    return Iamport(
        imp_key=IMP_KEY, imp_secret=IMP_SECRET, transport=transport, max_retries=0,
        clock=VirtualClock(),
    )  # fmt: skip


async def _raised(client: Iamport, call: str) -> IamportError:
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "onetime": lambda: client.request(
            "POST",
            "/subscribe/payments/onetime",
            json={"merchant_uid": "order-1", "amount": 1000, **CARD},
            idempotency=Idempotency.UNGUARDED,
        ),
        "holder": lambda: client.vbanks.holder(bank_code="004", bank_num=BANK_NUM),
        "cancel": lambda: client.payments.cancel("imp_1", amount=100, checksum=1000),
    }
    async with client:
        with pytest.raises(IamportError) as caught:
            await calls[call]()
    return caught.value


@pytest.mark.parametrize("call", ["onetime", "holder", "cancel"])
async def test_a_proxy_page_echoing_the_request_headers_shows_no_token_or_cookie(
    call: str,
) -> None:
    error = await _raised(_client(_token_then(httpx.Response(502, text=ECHOED_REQUEST))), call)
    assert leaked(error, ("s3ss10n-c00k1e",)) == []
    assert "502 Bad Gateway" in str(getattr(error, "body", "")) or error.__cause__ is not None


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text=f"bad token {TOKENS[0]} for {IMP_KEY}/{IMP_SECRET}"),
        httpx.Response(
            400, json=envelope(code=-1, message=f"토큰 {TOKENS[0]} 이 {IMP_KEY} 의 것이 아님")
        ),
        httpx.Response(200, json=envelope(code=1, message=f"echo {TOKENS[0]}")),
    ],
    ids=["text", "message", "business"],
)
async def test_the_clients_own_token_key_and_secret_echoed_by_a_server_are_scrubbed(
    answer: httpx.Response,
) -> None:
    error = await _raised(_client(_token_then(answer)), "onetime")
    assert leaked(error) == []
    assert "[redacted]" in str(error)


async def test_a_token_answer_echoing_the_key_and_secret_hides_them() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, text=f"key {IMP_KEY} and secret {IMP_SECRET} refused")

    error = await _raised(_client(httpx.MockTransport(handler)), "onetime")
    assert leaked(error) == []


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("connection reset by peer"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("peer closed connection"),
    ],
    ids=lambda failure: type(failure).__name__,
)
@pytest.mark.parametrize("call", ["onetime", "holder", "cancel"])
async def test_a_transport_failure_chains_from_a_sanitised_copy_of_the_request(
    failure: httpx.TransportError, call: str
) -> None:
    error = await _raised(_client(_token_then(failure)), call)
    assert leaked(error) == []
    causes = [error.__cause__, getattr(error, "cause", None)]
    httpx_causes = [cause for cause in causes if isinstance(cause, httpx.HTTPError)]
    for cause in httpx_causes:
        assert type(cause) is type(failure)
        assert cause.request.headers.get("authorization") is None
        assert cause.__traceback__ is None  # no frame of httpx's, with the raw request


async def test_a_failed_token_request_leaves_no_key_or_secret_in_any_frame() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset", request=request)

    error = await _raised(_client(httpx.MockTransport(handler)), "onetime")
    assert leaked(error) == []
