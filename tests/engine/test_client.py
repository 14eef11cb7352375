"""The client's options: Tier, base URL, copies that share the pool and the token, bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from iamport_async import STATIC_API_URL, CallOptions, Iamport
from iamport_async.errors import InvalidInputError, ServerError
from tests.conftest import envelope, token_payload

pytestmark = pytest.mark.anyio


async def test_tier_is_sent_on_every_call_including_the_token_request(
    api: respx.MockRouter,
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    async with Iamport(imp_key="k", imp_secret="s", tier="A01") as client:
        await client.request("GET", "/payments/imp_1")
    assert route.calls.last.request.headers["Tier"] == "A01"
    assert api.routes["token"].calls.last.request.headers["Tier"] == "A01"


async def test_with_options_shares_the_token_and_pool_and_changes_only_what_it_says(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    sub_merchant = client.with_options(tier="B02")
    await client.request("GET", "/payments/imp_1")
    await sub_merchant.request("GET", "/payments/imp_1")
    await sub_merchant.aclose()  # closes nothing: the original owns the pool
    await client.request("GET", "/payments/imp_1")

    tiers = [call.request.headers.get("Tier") for call in route.calls]
    assert tiers == [None, "B02", None]
    assert api.routes["token"].call_count == 1
    assert sub_merchant._engine.http is client._engine.http


async def test_the_static_ip_host_is_one_option_away() -> None:
    with respx.mock(base_url=STATIC_API_URL) as static:
        static.post("/users/getToken").respond(json=token_payload())
        route = static.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
        async with Iamport(imp_key="k", imp_secret="s", base_url=STATIC_API_URL) as client:
            await client.request("GET", "/payments/imp_1")
    assert route.called


async def test_query_parameters_repeat_and_none_values_are_left_out(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/payments").respond(json=envelope([]))
    await client.request("GET", "/payments", params=[("imp_uid[]", "a&b"), ("imp_uid[]", "c")])
    assert route.calls.last.request.url.query == b"imp_uid[]=a%26b&imp_uid[]=c"
    status = api.get("/payments/status/paid").respond(json=envelope({}))
    await client.request("GET", "/payments/status/paid", params={"page": 2, "from": None})
    assert status.calls.last.request.url.query == b"page=2"


async def test_an_injected_http_client_is_used_and_left_open(api: respx.MockRouter) -> None:
    api.get("/payments/imp_1").respond(json=envelope({}))
    async with httpx.AsyncClient() as http:
        async with Iamport(imp_key="k", imp_secret="s", http_client=http) as client:
            await client.request("GET", "/payments/imp_1")
        assert not http.is_closed


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"imp_key": ""}, "imp_key"),
        ({"imp_secret": None}, "imp_secret"),
        ({"tier": "a01"}, "tier"),
        ({"tier": "A0001"}, "tier"),
        ({"base_url": "ftp://api.iamport.kr"}, "base_url"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"max_wait": -1}, "max_wait"),
    ],
)
def test_bad_options_are_refused_by_name(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Iamport(**{"imp_key": "k", "imp_secret": "s", **options})
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


async def test_call_options_change_one_call_alone(api: respx.MockRouter, client: Iamport) -> None:
    """``request(..., options=CallOptions(...))`` acts for one call, as a ``with_options``
    copy would: its tier and retries; the calls beside it keep the client's."""
    route = api.get("/payments/imp_1").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(503),
            httpx.Response(200, json=envelope({})),
        ]
    )
    with pytest.raises(ServerError):
        await client.request(
            "GET", "/payments/imp_1", options=CallOptions(tier="A01", max_retries=0)
        )
    await client.request("GET", "/payments/imp_1")  # retried: the client's max_retries

    tiers = [call.request.headers.get("Tier") for call in route.calls]
    assert tiers == ["A01", None, None]
    assert api.routes["token"].call_count == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (CallOptions(timeout=-1), "timeout"),
        (CallOptions(max_retries=-1), "max_retries"),
        (CallOptions(total_timeout=0), "total_timeout"),
        (CallOptions(tier="a01"), "tier"),
    ],
)
async def test_call_options_are_checked_like_the_clients(
    api: respx.MockRouter, client: Iamport, options: CallOptions, field: str
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    with pytest.raises(InvalidInputError) as caught:
        await client.request("GET", "/payments/imp_1", options=options)
    assert caught.value.field == field
    assert route.call_count == 0


async def test_with_options_changes_only_the_options_given(client: Iamport) -> None:
    config = client._engine.config
    copy = client.with_options(max_retries=0).with_options(tier="A01")
    changed = copy._engine.config
    assert (changed.retry.max_retries, changed.tier) == (0, "A01")
    assert changed.retry.total_timeout == config.retry.total_timeout
    assert changed.retry_budget is config.retry_budget  # one budget for the client's copies
    assert changed.rate_limiter is config.rate_limiter
    assert changed.concurrency is config.concurrency
    assert copy.with_options(tier=None)._engine.config.tier is None


@pytest.mark.parametrize("option", ["rate_limit", "max_concurrency", "timeout", "max_retries"])
async def test_with_options_refuses_none_where_none_means_nothing(
    client: Iamport, option: str
) -> None:
    """None is not "keep" (leaving the option out keeps it), and a copy cannot drop the
    client's limits by accident."""
    none: dict[str, Any] = {option: None}
    with pytest.raises(InvalidInputError) as caught:
        client.with_options(**none)
    assert caught.value.field == option
