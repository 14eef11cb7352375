"""Raw responses: the status, headers and body of a call beside its model, from the one
request the call sends, and never what was sent (the token)."""

from __future__ import annotations

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport, RawResponse
from iamport_async.errors import IamportError, InvalidInputError, NotFoundError
from iamport_async.models import Payment
from tests.conftest import envelope, token_payload
from tests.payloads import payment

pytestmark = pytest.mark.anyio


async def test_a_call_gives_its_status_headers_body_and_model_from_one_request(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/imp_1").respond(
        json=envelope(payment("imp_1")), headers={"X-Request-Id": "req-77"}
    )
    raw = await client.raw_response(client.payments.get("imp_1"))
    assert route.call_count == 1
    assert raw.status == 200
    assert raw.headers["x-request-id"] == "req-77"
    assert raw.json()["response"]["imp_uid"] == "imp_1"
    assert raw.body == route.calls.last.response.content
    parsed = raw.parse()
    assert isinstance(parsed, Payment)
    assert parsed.imp_uid == "imp_1"
    assert [(e.method, e.path) for e in raw.exchanges] == [("GET", "/payments/imp_1")]


async def test_the_token_and_the_authorization_header_are_never_kept(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
    raw = await client.raw_response(client.payments.get("imp_1"))
    assert "authorization" not in raw.headers
    kept = repr(raw) + "".join(f"{e.headers!r}{e.body!r}{e.path}" for e in raw.exchanges)
    assert "tok-1" not in kept  # the token the fixture's getToken hands out
    assert "getToken" not in kept


async def test_the_json_keeps_money_exact(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/payments/imp_1").respond(
        content=b'{"code":0,"message":null,"response":{"imp_uid":"imp_1","amount":0.1}}'
    )
    raw = await client.raw_response(client.request("GET", "/payments/imp_1"))
    assert str(raw.json()["response"]["amount"]) == "0.1"
    assert raw.parse() == {"imp_uid": "imp_1", "amount": raw.json()["response"]["amount"]}


async def test_a_replay_after_401_lists_both_answers_and_shows_the_last(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].side_effect = [
        httpx.Response(200, json=token_payload("tok-1")),
        httpx.Response(200, json=token_payload("tok-2")),
    ]
    api.get("/payments/imp_1").mock(
        side_effect=[
            httpx.Response(401, json=envelope(code=-1, message="expired")),
            httpx.Response(200, json=envelope(payment("imp_1"))),
        ]
    )
    raw = await client.raw_response(client.payments.get("imp_1"))
    assert [e.status for e in raw.exchanges] == [401, 200]
    assert raw.status == 200


async def test_a_bulk_lookup_keeps_every_chunks_answer(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=envelope([payment(i) for i in request.url.params.get_list("imp_uid[]")]),
        )
    )
    ids = [f"imp_{n}" for n in range(150)]
    raw = await client.raw_response(client.payments.get_many(ids))
    assert sorted(len(e.json()["response"]) for e in raw.exchanges) == [50, 100]
    assert len(raw.parse().found) == 150


async def test_an_error_is_raised_as_without_raw_response(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_x").respond(404, json=envelope(code=1, message="none"))
    with pytest.raises(NotFoundError) as caught:
        await client.raw_response(client.payments.get("imp_x"))
    assert caught.value.status == 404


async def test_concurrent_captures_each_keep_only_their_own_call(
    api: respx.MockRouter, client: Iamport
) -> None:
    for name in ("imp_1", "imp_2"):
        api.get(f"/payments/{name}").respond(json=envelope(payment(name)))
    found: dict[str, RawResponse[Payment]] = {}

    async def one(name: str) -> None:
        found[name] = await client.raw_response(client.payments.get(name))

    async with anyio.create_task_group() as group:
        group.start_soon(one, "imp_1")
        group.start_soon(one, "imp_2")
    assert [e.path for e in found["imp_1"].exchanges] == ["/payments/imp_1"]
    assert [e.path for e in found["imp_2"].exchanges] == ["/payments/imp_2"]


async def test_a_value_that_is_not_a_call_is_refused(client: Iamport) -> None:
    with pytest.raises(InvalidInputError, match="call"):
        await client.raw_response("imp_1")  # type: ignore[arg-type]


async def test_a_call_that_sent_nothing_says_so(client: Iamport) -> None:
    async def nothing() -> int:
        return 1

    raw = await client.raw_response(nothing())
    assert raw.parse() == 1
    assert raw.exchanges == ()
    with pytest.raises(IamportError, match="no HTTP request"):
        _ = raw.status


async def test_a_call_already_awaited_is_refused_as_bad_input(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
    call = client.payments.get("imp_1")
    await call
    with pytest.raises(InvalidInputError, match=r"call: .*already awaited"):
        await client.raw_response(call)


async def test_an_outer_capture_keeps_the_answers_of_an_inner_one(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
    api.get("/payments/imp_2").respond(json=envelope(payment("imp_2")))

    async def both() -> RawResponse[Payment]:
        inner = await client.raw_response(client.payments.get("imp_1"))
        await client.payments.get("imp_2")
        return inner

    outer = await client.raw_response(both())
    assert [e.path for e in outer.parse().exchanges] == ["/payments/imp_1"]
    assert [e.path for e in outer.exchanges] == ["/payments/imp_1", "/payments/imp_2"]


async def test_a_stream_is_refused_with_what_to_capture_instead(client: Iamport) -> None:
    with pytest.raises(InvalidInputError, match="async for"):
        await client.raw_response(client.payments.iter_many(["imp_1"]))  # type: ignore[arg-type]
