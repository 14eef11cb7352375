"""`payments.get`, `get_many`, `iter_many` and the coalescing view against a mocked API
(the rest of `endpoints/payments.py` is tested in `test_payments.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport, IdResults, PaymentLookups
from iamport_async.endpoints.payments import Payments
from iamport_async.errors import (
    ApiError,
    InvalidInputError,
    NotFoundError,
    ResponseValidationError,
    ServerError,
    UnauthorizedError,
)
from iamport_async.models.payment import PaymentStatus
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope
from tests.payloads import payment

pytestmark = pytest.mark.anyio

Handler = Callable[[httpx.Request], httpx.Response]
NONE_FOUND = "해당되는 결제건을 찾지 못하였습니다."


def multi_get(known: set[str], fail_if: str | None = None) -> Handler:
    """A ``GET /payments`` handler that answers like the API: 200, 207 or 404 (in reverse
    order, so that matching by position would fail)."""

    def handler(request: httpx.Request) -> httpx.Response:
        imp_uids = request.url.params.get_list("imp_uid[]")
        merchant_uids = request.url.params.get_list("merchant_uid[]")
        if fail_if is not None and fail_if in imp_uids:
            return httpx.Response(500, json=envelope(code=-1, message="down"))
        found = [payment(i) for i in imp_uids if i in known]
        found += [
            payment(m.removeprefix("order-"))
            for m in merchant_uids
            if m in {f"order-{k}" for k in known}
        ]
        found.reverse()
        if not found:
            return httpx.Response(
                404, json=envelope(code=1, message="해당되는 결제건을 찾지 못하였습니다.")
            )
        status = 200 if len(found) == len(imp_uids) + len(merchant_uids) else 207
        return httpx.Response(status, json=envelope(found))

    return handler


def payments(client: Iamport) -> Payments:
    return Payments(client._engine)


async def test_get_returns_the_payment_and_sends_include_sandbox(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
    got = await payments(client).get("imp_1", include_sandbox=True)
    assert got.imp_uid == "imp_1"
    assert got.status is PaymentStatus.PAID
    assert got.amount == Decimal(1000)
    assert route.calls.last.request.url.params["include_sandbox"] == "true"
    await payments(client).get("imp_1")
    assert "include_sandbox" not in route.calls.last.request.url.params


async def test_get_of_an_unknown_payment_raises_not_found(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_x").respond(
        404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")
    )
    with pytest.raises(NotFoundError) as caught:
        await payments(client).get("imp_x")
    assert caught.value.message == "존재하지 않는 결제정보입니다."


async def test_ids_that_need_encoding_reach_the_right_path(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get(url__regex=r"/payments/imp%2F1%3Fa%3D1$").respond(
        json=envelope(payment("imp/1?a=1"))
    )
    assert (await payments(client).get("imp/1?a=1")).imp_uid == "imp/1?a=1"
    assert route.called


@pytest.mark.parametrize("bad", ["", "   ", None, 7, "a\nb"])
async def test_bad_ids_are_refused_before_any_request(
    api: respx.MockRouter, client: Iamport, bad: object
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await payments(client).get(bad)  # type: ignore[arg-type]
    assert caught.value.field == "imp_uid"
    with pytest.raises(InvalidInputError):
        await payments(client).get_many(["imp_1", bad])  # type: ignore[list-item]
    assert api.routes["token"].call_count == 0


async def test_get_many_mixes_both_kinds_reports_missing_and_keeps_the_order_asked(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments").mock(side_effect=multi_get({"imp_1", "imp_3", "imp_9"}))
    result = await payments(client).get_many(
        imp_uids=["imp_3", "imp_2", "imp_1", "imp_3"], merchant_uids=["order-imp_9", "nope"]
    )
    assert route.call_count == 1
    sent = route.calls.last.request.url.params
    assert sent.get_list("imp_uid[]") == ["imp_3", "imp_2", "imp_1"]  # deduplicated
    assert sent.get_list("merchant_uid[]") == ["order-imp_9", "nope"]
    assert isinstance(result, PaymentLookups)
    imp_uids, merchant_uids = result.imp_uids, result.merchant_uids
    assert [lookup.id for lookup in imp_uids] == ["imp_3", "imp_2", "imp_1"]
    assert list(imp_uids.found) == ["imp_3", "imp_1"]  # the order asked, not the answer's
    assert imp_uids.found["imp_3"].imp_uid == "imp_3"
    assert imp_uids.missing == ["imp_2"]
    assert merchant_uids.found["order-imp_9"].imp_uid == "imp_9"
    assert merchant_uids.missing == ["nope"]
    assert imp_uids.failed == merchant_uids.failed == {}
    # the whole result: every lookup, each with its kind and id in the caller's terms
    assert [(lookup.kind, lookup.id, lookup.found) for lookup in result] == [
        ("imp_uid", "imp_3", True),
        ("imp_uid", "imp_2", False),
        ("imp_uid", "imp_1", True),
        ("merchant_uid", "order-imp_9", True),
        ("merchant_uid", "nope", False),
    ]
    assert len(result) == 5


async def test_a_one_kind_result_speaks_in_the_callers_ids(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").mock(side_effect=multi_get({"imp_1"}))
    result = await payments(client).get_many(imp_uids=["imp_1", "imp_nope"])
    assert type(result) is IdResults
    assert result.kind == "imp_uid"
    assert "imp_nope" in result.missing
    assert "imp_1" in result.found
    assert result.found["imp_1"].imp_uid == "imp_1"
    assert result.missing == ["imp_nope"]
    assert result.failed == {}
    assert "imp_1" in result
    assert result["imp_nope"].missing
    assert not hasattr(result, "by_name")
    assert "[]" not in repr(result) + repr(result["imp_1"]) + repr(list(result))

    by_order = await payments(client).get_many(merchant_uids=["order-imp_1", "order-x"])
    assert by_order.kind == "merchant_uid"
    assert list(by_order.found) == ["order-imp_1"]
    assert by_order.missing == ["order-x"]


async def test_get_many_with_no_ids_given_is_refused(
    api: respx.MockRouter, client: Iamport
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await payments(client).get_many()  # type: ignore[call-overload]
    assert caught.value.field == "imp_uids"
    assert len(api.calls) == 0


async def test_get_many_when_none_is_found_reports_all_missing(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").mock(side_effect=multi_get(set()))
    result = await payments(client).get_many(["imp_1", "imp_2"])
    assert result.missing == ["imp_1", "imp_2"]
    assert result.found == {}


async def test_get_many_splits_into_chunks_of_100_and_a_failed_chunk_loses_no_other(
    api: respx.MockRouter, client: Iamport
) -> None:
    asked = [f"imp_{n}" for n in range(250)]
    route = api.get("/payments").mock(side_effect=multi_get(set(asked), fail_if="imp_120"))
    result = await payments(client).get_many(asked, concurrency=2)
    sizes = sorted(len(c.request.url.params.get_list("imp_uid[]")) for c in route.calls)
    assert sizes[-1] == 100
    assert set(sizes) == {100, 50}  # full chunks (the failed one retried), then the rest
    failed = result.failed
    assert list(failed) == [f"imp_{n}" for n in range(100, 200)]
    assert all(isinstance(error, ServerError) for error in failed.values())
    assert len(result.found) == 150
    assert [lookup.id for lookup in result] == asked


async def test_iter_many_streams_an_async_iterable(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/payments").mock(side_effect=multi_get({f"imp_{n}" for n in range(0, 300, 2)}))

    async def ids() -> AsyncIterator[str]:
        for n in range(300):
            yield f"imp_{n}"

    found: set[str] = set()
    missing: set[str] = set()
    async with payments(client).iter_many(ids(), concurrency=3) as results:
        async for lookup in results:
            (found if lookup.found else missing).add(lookup.id)
    assert found == {f"imp_{n}" for n in range(0, 300, 2)}
    assert missing == {f"imp_{n}" for n in range(1, 300, 2)}


async def test_iter_many_by_merchant_uid(api: respx.MockRouter, client: Iamport) -> None:
    route = api.get("/payments").mock(side_effect=multi_get({"imp_1"}))
    async with payments(client).iter_many(["order-imp_1"], by="merchant_uid") as results:
        lookups = [lookup async for lookup in results]
    assert [(lk.kind, lk.id, lk.item.imp_uid) for lk in lookups if lk.item] == [
        ("merchant_uid", "order-imp_1", "imp_1")
    ]
    assert route.calls.last.request.url.params.get_list("merchant_uid[]") == ["order-imp_1"]


async def test_coalescing_turns_concurrent_gets_into_one_request(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments").mock(side_effect=multi_get({"imp_1", "imp_2"}))
    outcomes: dict[str, object] = {}

    async with payments(client).coalescing(window=0.005) as view:

        async def one(imp_uid: str) -> None:
            try:
                outcomes[imp_uid] = (await view.get(imp_uid)).imp_uid
            except NotFoundError as error:
                outcomes[imp_uid] = error

        async with anyio.create_task_group() as tg:
            for imp_uid in ["imp_1", "imp_2", "imp_404", "imp_1"]:
                tg.start_soon(one, imp_uid)
    assert route.call_count == 1
    assert outcomes["imp_1"] == "imp_1"
    assert outcomes["imp_2"] == "imp_2"
    assert isinstance(outcomes["imp_404"], NotFoundError)
    assert str(outcomes["imp_404"]) == (
        "GET /payments: HTTP 404, code None: no payment with imp_uid 'imp_404'"
    )


async def test_coalesced_callers_all_get_the_shared_failure(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").respond(503, json=envelope(code=-1, message="maintenance"))
    errors: list[BaseException] = []
    async with payments(client).coalescing() as view:

        async def one(imp_uid: str) -> None:
            try:
                await view.get(imp_uid)
            except ServerError as error:
                errors.append(error)

        async with anyio.create_task_group() as tg:
            tg.start_soon(one, "imp_1")
            tg.start_soon(one, "imp_2")
    assert len(errors) == 2


async def test_a_get_after_the_window_goes_in_the_next_request(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    route = api.get("/payments").mock(side_effect=multi_get({"imp_1", "imp_2"}))
    async with payments(client).coalescing(window=0.005) as view:

        async def late() -> None:
            await clock.sleep_until(clock.monotonic() + 0.010)
            assert (await view.get("imp_2")).imp_uid == "imp_2"

        async with anyio.create_task_group() as tg:
            tg.start_soon(late)
            assert (await view.get("imp_1")).imp_uid == "imp_1"
    assert [c.request.url.params.get_list("imp_uid[]") for c in route.calls] == [
        ["imp_1"],
        ["imp_2"],
    ]


async def test_a_full_window_is_sent_at_once_and_the_rest_goes_on(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments").mock(side_effect=multi_get({f"imp_{n}" for n in range(150)}))
    got: list[str] = []
    async with payments(client).coalescing(window=60.0) as view:

        async def one(imp_uid: str) -> None:
            got.append((await view.get(imp_uid)).imp_uid)

        async with anyio.create_task_group() as tg:
            for n in range(150):
                tg.start_soon(one, f"imp_{n}")
    sizes = [len(c.request.url.params.get_list("imp_uid[]")) for c in route.calls]
    assert sizes == [100, 50]
    assert sorted(got) == sorted(f"imp_{n}" for n in range(150))


@pytest.mark.parametrize("window", [float("nan"), float("inf"), -0.001, True, "0.005"])
async def test_a_window_that_is_no_duration_is_invalid_input(
    client: Iamport, window: object
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        payments(client).coalescing(window=window)  # type: ignore[arg-type]
    assert caught.value.field == "window"


async def test_the_coalescing_view_must_be_entered(client: Iamport) -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await payments(client).coalescing().get("imp_1")


async def test_iter_many_stops_at_an_invalid_id_with_its_field(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").mock(side_effect=multi_get({"imp_1"}))

    async def drain() -> None:
        async with payments(client).iter_many(["imp_1", "  "]) as results:
            async for _ in results:
                pass

    with pytest.raises(InvalidInputError) as caught:
        await drain()
    assert caught.value.field == "imp_uid"


# --- not found only on the API's word -------------------------------------------------------

FOREIGN_404 = [
    pytest.param({"html": "<html><body>404 Not Found</body></html>"}, id="html-page"),
    pytest.param({"json": {"detail": "Not Found"}}, id="framework-json"),
    pytest.param({"json": {"code": 404, "message": "no route"}}, id="half-an-envelope"),
    pytest.param({"content": b""}, id="empty"),
]


@pytest.mark.parametrize("body", FOREIGN_404)
async def test_a_404_that_is_not_the_apis_fails_the_ids_instead_of_missing_them(
    api: respx.MockRouter, client: Iamport, body: dict[str, object]
) -> None:
    """A wrong base_url or a proxy answers 404 for everything: existing payments must not
    come back as missing (a reconciliation would flag every order)."""
    api.get("/payments").respond(404, **body)  # type: ignore[arg-type]
    result = await payments(client).get_many(imp_uids=["imp_1", "imp_2"])
    assert result.missing == []
    assert list(result.failed) == ["imp_1", "imp_2"]
    error = result.failed["imp_1"]
    assert type(error) is ApiError
    assert error.status == 404
    assert "not an answer of the i'mport API" in str(error)


async def test_a_207_without_the_whole_envelope_fails_the_ids(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments").respond(207, json={"code": 0, "data": [payment("imp_1")]})
    result = await payments(client).get_many(imp_uids=["imp_1", "imp_2"])
    assert result.missing == []
    assert list(result.failed) == ["imp_1", "imp_2"]
    assert isinstance(result.failed["imp_2"], ResponseValidationError)


async def test_a_404_that_is_not_the_apis_is_not_not_found_on_a_single_get(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(404, html="<h1>Not Found</h1>")
    with pytest.raises(ApiError) as caught:
        await payments(client).get("imp_1")
    assert not isinstance(caught.value, NotFoundError)
    assert "without the API's {code, message, response} envelope" in str(caught.value)


# --- credentials refused: one login attempt, one error --------------------------------------


@pytest.fixture
def refused(api: respx.MockRouter) -> respx.Route:
    route = api.post("/users/getToken", name="token").respond(
        401, json=envelope(code=-1, message="imp_key, imp_secret 인증에 실패하였습니다.")
    )
    api.get("/payments").mock(side_effect=multi_get(set()))
    return route


async def test_refused_credentials_raise_from_get_many_after_one_login(
    api: respx.MockRouter, client: Iamport, refused: respx.Route
) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        await payments(client).get_many([f"imp_{n}" for n in range(20_000)], concurrency=8)
    assert refused.call_count == 1
    assert api.routes["token"].call_count == 1
    assert "인증에 실패하였습니다" in str(caught.value)
    assert not any(call.request.url.path == "/payments" for call in api.calls)


async def test_refused_credentials_stop_iter_many_after_one_login(
    api: respx.MockRouter, client: Iamport, refused: respx.Route
) -> None:
    seen: list[str] = []

    async def drain() -> None:
        ids = (f"imp_{n}" for n in range(20_000))
        async with payments(client).iter_many(ids, concurrency=8) as results:
            async for lookup in results:
                seen.append(lookup.id)

    with pytest.raises(UnauthorizedError):
        await drain()
    assert seen == []  # not reported id by id
    assert refused.call_count == 1
