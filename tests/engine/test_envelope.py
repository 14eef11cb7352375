"""Every answer is read through the envelope: success, refusals and broken bodies."""

from __future__ import annotations

import json
import traceback
from decimal import Decimal

import httpx
import pytest
import respx

from iamport_async import Iamport, Idempotency
from iamport_async.errors import (
    BODY_EXCERPT_LIMIT,
    ApiError,
    BusinessError,
    NotFoundError,
    ResponseValidationError,
    ServerError,
)
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_200_with_a_nonzero_code_is_a_business_error_that_keeps_everything(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/payments/cancel").respond(
        200, json=envelope(code=1, message="취소할 결제건이 존재하지 않습니다.")
    )
    with pytest.raises(BusinessError) as caught:
        await client.request("POST", "/payments/cancel", idempotency=Idempotency.UNGUARDED)
    error = caught.value
    assert (error.status, error.code, error.message) == (
        200,
        1,
        "취소할 결제건이 존재하지 않습니다.",
    )
    assert "취소할 결제건이 존재하지 않습니다." in error.body
    assert "취소할 결제건이 존재하지 않습니다." in str(error)


async def test_207_is_a_success_that_returns_the_partial_payload(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").respond(207, json=envelope([{"imp_uid": "imp_1"}]))
    assert await client.request("GET", "/payments", params=[("imp_uid[]", "imp_1")]) == [
        {"imp_uid": "imp_1"}
    ]


async def test_404_raises_not_found_with_the_apis_code_and_message(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_x").respond(
        404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")
    )
    with pytest.raises(NotFoundError) as caught:
        await client.request("GET", "/payments/imp_x")
    assert (caught.value.status, caught.value.code) == (404, -1)
    assert caught.value.message == "존재하지 않는 결제정보입니다."


async def test_an_html_502_page_raises_a_server_error_with_a_bounded_excerpt(
    api: respx.MockRouter, client: Iamport
) -> None:
    page = "<html><body>" + "Bad Gateway " * 1000 + "</body></html>"
    api.get("/payments/imp_1").respond(502, html=page)
    with pytest.raises(ServerError) as caught:
        await client.request("GET", "/payments/imp_1")
    error = caught.value
    assert error.status == 502
    assert error.code is None
    assert error.message is None
    assert error.body.startswith("<html><body>Bad Gateway")
    assert len(error.body) < BODY_EXCERPT_LIMIT + 50
    assert len(str(error)) < BODY_EXCERPT_LIMIT + 200


@pytest.mark.parametrize(
    "body",
    [b'{"code": 0, "message": null, "response": {"imp_uid": "im', b"[1, 2]", b'{"ok": true}', b""],
    ids=["truncated", "not-an-object", "no-envelope", "empty"],
)
async def test_a_2xx_without_a_readable_envelope_is_a_validation_error(
    api: respx.MockRouter, client: Iamport, body: bytes
) -> None:
    route = api.get("/payments/imp_1").respond(200, content=body)
    with pytest.raises(ResponseValidationError) as caught:
        await client.request("GET", "/payments/imp_1")
    assert caught.value.status == 200
    assert route.call_count == 4  # a read is retried: a truncated body is a transport hiccup


async def test_a_truncated_answer_to_a_mutation_is_not_retried(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/payments/again").respond(200, content=b'{"code": 0, "resp')
    with pytest.raises(ResponseValidationError):
        await client.request("POST", "/subscribe/payments/again", idempotency=Idempotency.UNGUARDED)
    assert route.call_count == 1


async def test_amounts_with_a_fraction_arrive_as_decimal_never_float(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(
        200, content=b'{"code": 0, "message": null, "response": {"amount": 10.10}}'
    )
    payload = await client.request("GET", "/payments/imp_1")
    assert payload == {"amount": Decimal("10.10")}
    assert isinstance(payload["amount"], Decimal)


async def test_a_code_sent_as_a_string_is_read_as_a_number(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(200, json={"code": "1", "message": "no", "response": None})
    with pytest.raises(BusinessError) as caught:
        await client.request("GET", "/payments/imp_1")
    assert caught.value.code == 1


async def test_a_404_without_the_envelope_is_an_api_error_not_not_found(
    api: respx.MockRouter, client: Iamport
) -> None:
    """A route the server lacks, a proxy or a wrong base_url: "not found" would be a guess."""
    api.get("/nowhere").mock(return_value=httpx.Response(404, text="Cannot GET /nowhere"))
    with pytest.raises(ApiError) as caught:
        await client.request("GET", "/nowhere")
    error = caught.value
    assert not isinstance(error, NotFoundError)
    assert (error.status, error.code, error.message) == (404, None, None)
    assert error.body == "Cannot GET /nowhere"
    assert str(error).startswith(
        "GET /nowhere: HTTP 404 without the API's {code, message, response} envelope: "
        "not an answer of the i'mport API"
    )


@pytest.mark.parametrize(
    "body",
    [{"code": -1, "message": "no route"}, {"code": -1, "response": None}, {"detail": "x"}, []],
)
async def test_a_404_with_part_of_the_envelope_is_not_not_found_either(
    api: respx.MockRouter, client: Iamport, body: object
) -> None:
    api.get("/payments/imp_1").respond(404, json=body)
    with pytest.raises(ApiError) as caught:
        await client.request("GET", "/payments/imp_1")
    assert not isinstance(caught.value, NotFoundError)


async def test_a_207_without_the_whole_envelope_is_not_a_partial_answer(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").respond(207, json={"code": 0, "response": []})
    with pytest.raises(ResponseValidationError):
        await client.request("GET", "/payments")


BUYER = {
    "imp_uid": "imp_448280090638",
    "merchant_uid": "order-1",
    "buyer_name": "김철수",
    "buyer_email": "chulsoo@example.kr",
    "buyer_tel": "010-2222-3333",
    "buyer_addr": "부산광역시 해운대구 우동 1408",
    "buyer_postcode": "48060",
}
BUYER_VALUES = [value for key, value in BUYER.items() if key.startswith("buyer_")]


def _everything_printable(error: BaseException) -> str:
    return "".join(
        [str(error), repr(error), getattr(error, "body", ""), *traceback.format_exception(error)]
    )


async def test_a_broken_2xx_keeps_the_shape_and_ids_of_the_answer_but_no_buyer_data(
    api: respx.MockRouter, client: Iamport
) -> None:
    whole = json.dumps(envelope(BUYER), ensure_ascii=False).encode()
    api.get("/payments/imp_448280090638").respond(200, content=whole[: len(whole) - 20])
    with pytest.raises(ResponseValidationError) as caught:
        await client.request("GET", "/payments/imp_448280090638")
    shown = _everything_printable(caught.value)
    assert [value for value in BUYER_VALUES if value in shown] == []
    assert "imp_448280090638" in caught.value.body
    assert '"buyer_name":"[redacted]"' in caught.value.body.replace(" ", "")


@pytest.mark.parametrize("status", [200, 500])
async def test_an_error_answer_keeps_its_code_and_message_but_no_personal_data(
    api: respx.MockRouter, client: Iamport, status: int
) -> None:
    answer = envelope(BUYER, code=-1 if status == 500 else 1, message="처리할 수 없습니다.")
    api.post("/payments/cancel").respond(status, json=answer)
    with pytest.raises(BusinessError if status == 200 else ServerError) as caught:
        await client.request("POST", "/payments/cancel", idempotency=Idempotency.UNGUARDED)
    error = caught.value
    assert isinstance(error, BusinessError | ServerError)
    assert (error.code, error.message) == (answer["code"], "처리할 수 없습니다.")
    shown = _everything_printable(error)
    assert [value for value in BUYER_VALUES if value in shown] == []
    assert "imp_448280090638" in error.body
