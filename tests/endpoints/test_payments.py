"""find, find_all, list_by_status, balance and the prepared amount."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.payments import Payments
from iamport_async.errors import BadRequestError, InvalidInputError, NotFoundError
from tests.conftest import envelope
from tests.payloads import payment

pytestmark = pytest.mark.anyio

DAY = 86_400


def payments(client: Iamport) -> Payments:
    return Payments(client._engine)


def paged(total: int, per_page: int) -> Callable[[httpx.Request], httpx.Response]:
    """A listing handler: ``total`` payments, ``per_page`` a page, 400 past the last page."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        last = max(1, -(-total // per_page))
        if page > last:
            return httpx.Response(400, json=envelope(code=-1, message="page out of range"))
        first = (page - 1) * per_page
        items = [payment(f"imp_{n}") for n in range(first, min(total, first + per_page))]
        body = {
            "total": total,
            "previous": page - 1,
            "next": page + 1 if page < last else 0,
            "list": items,
        }
        return httpx.Response(200, json=envelope(body))

    return handler


async def test_find_all_walks_every_page(api: respx.MockRouter, client: Iamport) -> None:
    route = api.get("/payments/findAll/order-1/paid").mock(side_effect=paged(45, 20))
    listing = payments(client).find_all("order-1", "paid", "-paid", limit=20)
    seen = [p.imp_uid async for p in listing]
    assert seen == [f"imp_{n}" for n in range(45)]
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2", "3"]
    assert route.calls.last.request.url.params["sorting"] == "-paid"
    first = await listing
    assert (first.total, first.next, len(first.list)) == (45, 2, 20)


async def test_find_all_of_an_unknown_merchant_uid_is_empty(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/findAll/nope").respond(404, json=envelope(code=1, message="없음"))
    assert [p async for p in payments(client).find_all("nope")] == []


async def test_an_empty_listing_and_a_page_past_the_end(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/status/paid").mock(side_effect=paged(0, 20))
    listing = payments(client).list_by_status("paid")
    assert [p async for p in listing] == []
    with pytest.raises(BadRequestError):
        await listing.page(2)


async def test_a_window_wider_than_90_days_is_split_without_gaps(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/status/all").mock(side_effect=paged(1, 20))
    since = datetime(2024, 1, 1, tzinfo=UTC)
    until = since + timedelta(days=200)
    items = [p async for p in payments(client).list_by_status("all", since=since, until=until)]
    windows = [
        (int(c.request.url.params["from"]), int(c.request.url.params["to"])) for c in route.calls
    ]
    assert len(items) == len(windows) == 3
    ordered = sorted(windows)
    assert windows == ordered[::-1]  # newest first, as the default sorting is
    assert ordered[0][0] == int(since.timestamp())
    assert ordered[-1][1] == int(until.timestamp())
    for (_, end), (start, _) in itertools.pairwise(ordered):
        assert start == end + 1
    assert all(end - start < 90 * DAY for start, end in windows)


@pytest.mark.parametrize("field", ["since", "until"])
async def test_milliseconds_by_mistake_are_refused_at_once(
    api: respx.MockRouter, client: Iamport, field: str
) -> None:
    """``until=time.time() * 1000`` made 230,000 windows up front (3 s of a blocked loop)."""
    millis = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) * 1000
    arguments = {"since": 0, "until": millis} if field == "until" else {"since": millis}
    with pytest.raises(InvalidInputError, match="milliseconds") as caught:
        payments(client).list_by_status("all", **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert api.calls.call_count == 0


async def test_windows_start_at_now_not_in_the_empty_future(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/status/all").mock(side_effect=paged(1, 20))
    now = datetime.now(UTC)
    until = datetime(2099, 12, 31, tzinfo=UTC)
    await payments(client).list_by_status("all", since=0, until=until)
    assert route.call_count == 1
    first = route.calls[0].request.url.params
    assert int(first["to"]) <= (now + timedelta(days=1, minutes=1)).timestamp()
    assert int(first["from"]) >= (now - timedelta(days=91)).timestamp()


async def test_ascending_windows_are_walked_from_since_on(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/status/all").mock(side_effect=paged(1, 20))
    since = datetime(2024, 1, 1, tzinfo=UTC)
    listing = payments(client).list_by_status(
        "all", since=since, until=since + timedelta(days=100), sorting="started"
    )
    await listing
    assert [p async for p in listing]
    windows = [
        (int(c.request.url.params["from"]), int(c.request.url.params["to"])) for c in route.calls
    ]
    assert windows[0][0] == int(since.timestamp())
    assert windows[1:] == sorted(windows[1:])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": "paid", "sorting": "newest"}, "sorting"),
        ({"status": "paid", "limit": 1001}, "limit"),
        ({"status": "paid", "since": datetime(2024, 1, 1)}, "since"),
        ({"status": "paid", "since": 10, "until": 5}, "since"),
    ],
)
async def test_bad_listing_arguments_are_refused(
    client: Iamport, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        payments(client).list_by_status(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


async def test_find_returns_the_top_one_or_raises_not_found(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/find/order-1").respond(json=envelope(payment("imp_7", "order-1")))
    assert (await payments(client).find("order-1")).imp_uid == "imp_7"
    assert "sorting" not in route.calls.last.request.url.params
    api.get("/payments/find/order-2/paid").respond(404, json=envelope(code=1, message="없음"))
    with pytest.raises(NotFoundError):
        await payments(client).find("order-2", "paid")


async def test_balance_and_prepare(api: respx.MockRouter, client: Iamport) -> None:
    detail = {"tax_free": 0, "supply": 909, "vat": 91, "service": 0}
    api.get("/payments/imp_1/balance").respond(
        json=envelope(
            {
                "amount": 1000,
                "cash_receipt": detail,
                "primary": detail,
                "secondary": detail,
                "discount": detail,
                "histories": [{"primary": detail, "created": "1700000000"}],
            }
        )
    )
    balance = await payments(client).balance("imp_1")
    assert balance.primary is not None
    assert balance.primary.vat == 91
    assert balance.histories is not None
    assert balance.histories[0].created == datetime.fromtimestamp(1_700_000_000, UTC)

    prepared = {"merchant_uid": "order-1", "amount": 5000, "currency": "KRW"}
    post = api.post("/payments/prepare").respond(json=envelope(prepared))
    put = api.put("/payments/prepare").respond(json=envelope({**prepared, "amount": 6000}))
    api.get("/payments/prepare/order-1").respond(json=envelope(prepared))
    assert (await payments(client).prepare("order-1", 5000, "KRW")).amount == 5000
    assert json.loads(post.calls.last.request.content) == prepared
    assert (await payments(client).update_prepared("order-1", 6000)).amount == 6000
    assert json.loads(put.calls.last.request.content) == {"merchant_uid": "order-1", "amount": 6000}
    assert (await payments(client).get_prepared("order-1")).currency == "KRW"
    with pytest.raises(InvalidInputError):
        await payments(client).prepare("order-1", -1)
