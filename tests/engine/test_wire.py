"""What goes on the wire: exact money in JSON bodies, and text that cannot be sent (a lone
surrogate, a ``.`` path segment) refused before the token is even asked for."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from iamport_async import Iamport
from iamport_async._engine.wire import encode_json
from iamport_async.errors import IamportError, InvalidInputError
from tests.conftest import envelope
from tests.payloads import payment

pytestmark = pytest.mark.anyio

CARD = {
    "card_number": "1234-5678-1234-5678",
    "expiry": "2030-12",
    "birth": "880101",
    "pwd_2digit": "12",
    "cvc": "123",
}


def test_a_decimal_is_written_digit_for_digit_never_through_float() -> None:
    body = {"a": Decimal("12345678901234567890.123456789"), "b": Decimal("1E+3"), "c": [1, None]}
    assert encode_json(body) == (b'{"a":12345678901234567890.123456789,"b":1000,"c":[1,null]}')
    assert encode_json({"x": Decimal("10.50"), "y": Decimal("-0")}) == b'{"x":10.5,"y":0}'


def test_the_encoding_reads_back_as_json_would_write_it() -> None:
    body = {"name": '결제 🙂 "q" \\ \n', "ok": True, "no": False, "n": 7, "f": 1.5, "m": {}}
    assert json.loads(encode_json(body)) == body


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), object()])
def test_what_json_cannot_hold_is_refused_by_name(bad: Any) -> None:
    with pytest.raises(InvalidInputError) as raised:
        encode_json({"amount": bad})
    assert raised.value.field == "amount"


def test_a_lone_surrogate_is_refused_by_its_key_without_showing_the_text() -> None:
    with pytest.raises(InvalidInputError) as raised:
        encode_json({"card_number": "1234", "reason": "환불 \ud83d"})
    assert raised.value.field == "reason"
    assert "\ud83d" not in str(raised.value)
    assert "1234" not in repr(raised.value)
    assert raised.value.__context__ is None  # no UnicodeEncodeError holding the body


@pytest.fixture
def sent() -> Any:
    """Every request that reaches the network, token included; each answers OK."""
    with respx.mock(base_url="https://api.iamport.kr", assert_all_called=False) as router:
        router.post("/users/getToken").respond(
            json=envelope({"access_token": "t", "now": 1, "expired_at": 1801})
        )
        router.route().respond(json=envelope(None))
        yield router


async def test_client_request_sends_a_decimal_exactly(sent: respx.MockRouter) -> None:
    async with Iamport(imp_key="k", imp_secret="s") as client:
        await client.request("POST", "/x", json={"amount": Decimal("0.10"), "n": 3})
    request = sent.calls[-1].request
    assert request.content == b'{"amount":0.1,"n":3}'
    assert request.headers["content-type"] == "application/json"


async def test_a_cancel_of_a_fraction_goes_out_as_its_exact_digits() -> None:
    # A fraction is checked against the payment's currency, read first: KRW has none.
    usd = payment("imp_1", amount=2_000_000_000, currency="USD", status="paid")
    with respx.mock(base_url="https://api.iamport.kr", assert_all_called=False) as sent:
        sent.post("/users/getToken").respond(
            json=envelope({"access_token": "t", "now": 1, "expired_at": 1801})
        )
        sent.get("/payments/imp_1").respond(json=envelope(usd))
        cancel = sent.post("/payments/cancel").respond(json=envelope(None))
        async with Iamport(imp_key="k", imp_secret="s") as client:
            with contextlib.suppress(IamportError):  # the answer is not what this test reads
                await client.payments.cancel(
                    "imp_1", amount=Decimal("1234567890.99"), unguarded=True
                )
    assert b'"amount":1234567890.99' in cancel.calls.last.request.content


SURROGATE = "\ud83d"
"""What ``json.loads('"\\ud83d"')`` gives for half an emoji in a buyer's input."""


async def _refused(client: Iamport, call: Any) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as raised:
        await call(client)
    error = raised.value
    assert "1234-5678" not in repr(error)
    assert SURROGATE not in str(error)
    return error


@pytest.mark.parametrize(
    ("field", "call"),
    [
        (
            "buyer_name",
            lambda c: c.subscribe.onetime(
                merchant_uid="o-1", amount=1000, **CARD, buyer_name="김" + SURROGATE
            ),
        ),
        ("reason", lambda c: c.payments.cancel("imp_1", reason=SURROGATE)),
        ("imp_uid", lambda c: c.payments.get("imp" + SURROGATE)),
        ("merchant_uid", lambda c: c.payments.find("o" + SURROGATE, status="paid")),
        ("imp_uids", lambda c: c.payments.get_many(["imp_1", SURROGATE])),
        (
            "custom_data",
            lambda c: c.subscribe.again(
                customer_uid="c-1", merchant_uid="o-1", amount=10, name="n", custom_data=SURROGATE
            ),
        ),
        ("a", lambda c: c.request("POST", "/x", json={"a": SURROGATE})),
        ("x", lambda c: c.request("GET", "/x", params={"x": SURROGATE})),
        ("path", lambda c: c.request("GET", "/x/" + SURROGATE)),
    ],
)
async def test_a_lone_surrogate_anywhere_is_refused_before_any_request(
    sent: respx.MockRouter, field: str, call: Any
) -> None:
    async with Iamport(imp_key="k", imp_secret="s") as client:
        error = await _refused(client, call)
    assert error.field == field
    assert sent.calls.call_count == 0  # not even the token


@pytest.mark.parametrize("dots", [".", ".."])
@pytest.mark.parametrize(
    "call",
    [
        lambda c, d: c.payments.get(d),
        lambda c, d: c.payments.find(d, status="paid"),
        lambda c, d: c.payments.find_all(d),
        lambda c, d: c.receipts.issue(d, identifier="01012345678"),
        lambda c, d: c.customers.get(d),
        lambda c, d: c.request("GET", f"/payments/{d}/balance"),
    ],
)
async def test_dot_segments_are_refused_for_every_id(
    sent: respx.MockRouter, dots: str, call: Any
) -> None:
    async with Iamport(imp_key="k", imp_secret="s") as client:
        with pytest.raises(InvalidInputError) as raised:
            await _consume(call(client, dots))
    assert "'.'" in str(raised.value)
    assert sent.calls.call_count == 0


async def _consume(result: Any) -> Any:
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return await result


async def test_httpx_would_otherwise_call_another_endpoint() -> None:
    """Why ``.`` matters: the HTTP client resolves it, so ``find(".", status="paid")`` would
    ask ``/payments/find/paid`` (another order's payment)."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        await http.get("https://api.iamport.kr/payments/find/./paid")
    assert seen == ["/payments/find/paid"]


class _Recorder:
    """A transport that answers every request OK and keeps the URL each was sent to."""

    def __init__(self) -> None:
        self.urls: list[httpx.URL] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        if request.url.path.endswith("/users/getToken"):
            return httpx.Response(
                200, json=envelope({"access_token": "t", "now": 1, "expired_at": 1801})
            )
        return httpx.Response(200, json=envelope(None))


@pytest.mark.parametrize(
    "path",
    [
        ".evil.example/steal",  # httpx: host api.iamport.kr.evil.example, with the token
        "payments/imp_1",  # host api.iamport.krpayments
        "@evil.example/x",  # host evil.example
        ":443@evil.example/x",
        "\\\\evil.example/x",
        "",
        "/a\\..\\b",  # a backslash, which some servers and proxies read as a slash
        "/payments/%2e%2e/admin",  # a server that decodes before it resolves
        "/payments/%2E%2e",
        "/payments/.%2E/x",
        "/payments/%2e",
        "/payments/imp_1#frag",  # httpx drops the fragment: another path is called
        "/payments/imp_1\r\nX-Injected: 1",  # httpx: a bare InvalidURL
        "/payments/\t",
        "/payments/\x00",
    ],
)
async def test_a_path_that_could_leave_the_api_or_its_route_is_refused_before_any_request(
    path: str,
) -> None:
    transport = _Recorder()
    async with Iamport(
        imp_key="k", imp_secret="s", transport=httpx.MockTransport(transport)
    ) as client:
        with pytest.raises(InvalidInputError) as raised:
            await client.request("GET", path)
    assert raised.value.field == "path"
    assert transport.urls == []  # not even the token
    assert "evil" not in str(raised.value)  # the path itself is not repeated


@settings(max_examples=300)
@given(
    path=st.text(
        alphabet=st.sampled_from([*"/\\@:.%2eE#?&=a-_ ~+;,", "\r", "\x00", "é"]),
        max_size=16,
    )
)
async def test_whatever_the_path_the_request_goes_to_the_api_host_or_nowhere(path: str) -> None:
    transport = _Recorder()
    async with Iamport(
        imp_key="k",
        imp_secret="s",
        base_url="https://api.iamport.kr/v1",
        transport=httpx.MockTransport(transport),
    ) as client:
        with contextlib.suppress(InvalidInputError):
            await client.request("GET", path)
    for url in transport.urls:
        assert (url.scheme, url.host, url.port) == ("https", "api.iamport.kr", None)
        assert url.path.startswith("/v1/")


async def test_a_query_longer_than_httpx_can_send_is_refused_by_name_before_any_request() -> None:
    transport = _Recorder()
    async with Iamport(
        imp_key="k", imp_secret="s", transport=httpx.MockTransport(transport)
    ) as client:
        with pytest.raises(InvalidInputError) as raised:
            await client.request("GET", "/payments/status/all", params={"sorting": "x" * 100_000})
        with pytest.raises(InvalidInputError) as long_path:
            await client.request("GET", "/payments/" + "x" * 100_000)
    assert raised.value.field == "sorting"
    assert "too long" in raised.value.problem
    assert long_path.value.field == "path"
    assert transport.urls == []
