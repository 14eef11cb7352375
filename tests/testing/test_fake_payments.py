"""Payment lookups and listings: statuses, paging and limits as facts §3 and §4 describe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import ApiError, BusinessError, NotFoundError
from iamport_async.testing import FakeIamport, VirtualClock
from tests.testing.conftest import authorized

pytestmark = pytest.mark.anyio


async def test_unknown_payment_is_404_with_code_minus_1(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    answer = await raw.get("/payments/imp_nope")
    assert answer.status_code == 404
    assert answer.json() == {
        "code": -1,
        "message": "존재하지 않는 결제정보입니다.",
        "response": None,
    }


async def test_payment_is_the_stored_record_with_int_timestamps(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    stored = iamport_fake.add_payment(imp_uid="imp_1", amount=12_300, pay_method="trans")
    got = await iamport_client.request("GET", "/payments/imp_1")
    assert got == stored
    assert got["bank_code"] is not None
    assert got["card_code"] is None
    for field in ("started_at", "paid_at", "failed_at", "cancelled_at", "vbank_date"):
        assert type(got[field]) is int


async def test_sandbox_payment_needs_include_sandbox(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_test", sandbox=True)
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/payments/imp_test")
    for flag in ("true", "1"):
        got = await iamport_client.request(
            "GET", "/payments/imp_test", params={"include_sandbox": flag}
        )
        assert got["sandbox"] is True


async def test_url_encoded_ids_are_decoded(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="order/1 ?x")
    got = await iamport_client.request("GET", "/payments/find/order%2F1%20%3Fx")
    assert got["imp_uid"] == "imp_1"


async def test_multi_get_200_207_404(iamport_fake: FakeIamport, raw: httpx.AsyncClient) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", merchant_uid="m1")
    iamport_fake.add_payment(imp_uid="imp_2", merchant_uid="m2")
    both = await raw.get("/payments", params=[("imp_uid[]", "imp_1"), ("merchant_uid[]", "m2")])
    assert both.status_code == 200
    assert {p["imp_uid"] for p in both.json()["response"]} == {"imp_1", "imp_2"}
    some = await raw.get("/payments", params=[("imp_uid[]", "imp_1"), ("imp_uid[]", "imp_x")])
    assert some.status_code == 207
    assert [p["imp_uid"] for p in some.json()["response"]] == ["imp_1"]
    none = await raw.get("/payments", params=[("imp_uid[]", "imp_x")])
    assert none.status_code == 404
    assert none.json()["response"] is None


async def test_multi_get_caps_at_100_ids_and_counts_the_largest_ask(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    ids = [p["imp_uid"] for p in iamport_fake.seed_payments(101)]
    ok = await raw.get("/payments", params=[("imp_uid[]", i) for i in ids[:100]])
    assert ok.status_code == 200
    assert len(ok.json()["response"]) == 100
    assert iamport_fake.stats.max_multi_ids == 100
    over = await raw.get("/payments", params=[("imp_uid[]", i) for i in ids])
    assert over.status_code == 400
    assert iamport_fake.stats.max_multi_ids == 101


async def test_merchant_uid_lookup_gives_the_newest(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    now = iamport_fake.now()
    iamport_fake.add_payment(imp_uid="imp_old", merchant_uid="m", started_at=now - 100)
    iamport_fake.add_payment(imp_uid="imp_new", merchant_uid="m", started_at=now - 10)
    assert (await iamport_client.request("GET", "/payments/find/m"))["imp_uid"] == "imp_new"
    oldest = await iamport_client.request(
        "GET", "/payments/find/m/paid", params={"sorting": "started"}
    )
    assert oldest["imp_uid"] == "imp_old"
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/payments/find/m/failed")
    everything = await iamport_client.request("GET", "/payments/findAll/m")
    assert [p["imp_uid"] for p in everything["list"]] == ["imp_new", "imp_old"]
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/payments/findAll/unknown/all")


async def test_status_listing_pages_and_past_the_end_is_400(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    now = iamport_fake.now()
    for i in range(5):
        iamport_fake.add_payment(imp_uid=f"imp_{i}", started_at=now - 100 + i)
    iamport_fake.add_payment(imp_uid="imp_failed", status="failed", started_at=now - 50)

    async def page(n: int, **extra: Any) -> httpx.Response:
        return await raw.get("/payments/status/paid", params={"page": n, "limit": 2, **extra})

    first = (await page(1)).json()["response"]
    assert (first["total"], first["previous"], first["next"]) == (5, 0, 2)
    assert [p["imp_uid"] for p in first["list"]] == ["imp_4", "imp_3"]  # -started default
    last = (await page(3)).json()["response"]
    assert (last["previous"], last["next"], len(last["list"])) == (2, 0, 1)
    assert (await page(4)).status_code == 400
    oldest = (await page(1, sorting="started")).json()["response"]
    assert oldest["list"][0]["imp_uid"] == "imp_0"
    every = (await raw.get("/payments/status/all", params={"limit": 100})).json()["response"]
    assert every["total"] == 6
    assert (await raw.get("/payments/status/bogus")).status_code == 400
    window = await raw.get("/payments/status/all", params={"from": now - 98, "to": now - 97})
    assert [p["imp_uid"] for p in window.json()["response"]["list"]] == ["imp_3", "imp_2"]
    too_wide = await raw.get("/payments/status/all", params={"from": 0, "to": now})
    assert too_wide.status_code == 400
    assert (await raw.get("/payments/status/all", params={"limit": 1001})).status_code == 400


async def test_listing_sees_changes_made_after_it_was_cached(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    before = await iamport_client.request("GET", "/payments/status/paid")
    assert before["total"] == 1
    iamport_fake.add_payment(imp_uid="imp_2")
    await iamport_client.request("POST", "/payments/cancel", json={"imp_uid": "imp_1"})
    paid = await iamport_client.request("GET", "/payments/status/paid")
    assert [p["imp_uid"] for p in paid["list"]] == ["imp_2"]


async def test_listing_cache_stays_bounded(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment()
    now = iamport_fake.now()
    for offset in range(40):
        await iamport_client.request("GET", "/payments/status/all", params={"to": now + offset})
    assert 0 < len(iamport_fake.listing_cache) <= 16


async def test_empty_first_page_is_200(iamport_client: Iamport) -> None:
    got = await iamport_client.request("GET", "/payments/status/all")
    assert got == {"total": 0, "previous": 0, "next": 0, "list": []}


async def test_prepare_edit_and_read(iamport_client: Iamport) -> None:
    body = {"merchant_uid": "m1", "amount": 5000}
    assert await iamport_client.request("POST", "/payments/prepare", json=body) == {
        "merchant_uid": "m1",
        "amount": 5000,
        "currency": "KRW",
    }
    with pytest.raises(BusinessError):
        await iamport_client.request("POST", "/payments/prepare", json=body)
    await iamport_client.request("PUT", "/payments/prepare", json={**body, "amount": 7000})
    got = await iamport_client.request("GET", "/payments/prepare/m1")
    assert got["amount"] == 7000
    with pytest.raises(NotFoundError):
        await iamport_client.request(
            "PUT", "/payments/prepare", json={"merchant_uid": "x", "amount": 1}
        )
    with pytest.raises(BusinessError):
        await iamport_client.request("GET", "/payments/prepare/unknown")


async def test_balance_follows_cancels(iamport_fake: FakeIamport, iamport_client: Iamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=11_000, pay_method="trans")
    got = await iamport_client.request("GET", "/payments/imp_1/balance")
    assert got["amount"] == 11_000
    assert got["primary"] == {"tax_free": 0, "supply": 10_000, "vat": 1000, "service": 0}
    assert got["cash_receipt"] == got["primary"]
    await iamport_client.request(
        "POST", "/payments/cancel", json={"imp_uid": "imp_1", "amount": 5500}
    )
    got = await iamport_client.request("GET", "/payments/imp_1/balance")
    assert got["amount"] == 5500
    assert got["primary"]["supply"] + got["primary"]["vat"] == 5500
    assert [h["primary"]["supply"] + h["primary"]["vat"] for h in got["histories"]] == [
        11_000,
        5500,
    ]


async def test_card_balance_has_no_cash_receipt_part(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1100, pay_method="card")
    got = await iamport_client.request("GET", "/payments/imp_1/balance")
    assert got["cash_receipt"]["supply"] == got["cash_receipt"]["vat"] == 0


async def test_tier_scopes_payments(iamport_fake: FakeIamport, iamport_client: Iamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_sub", tier="A01")
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/payments/imp_sub")
    sub = iamport_client.with_options(tier="A01")
    assert (await sub.request("GET", "/payments/imp_sub"))["imp_uid"] == "imp_sub"


async def test_an_unknown_route_is_not_the_apis_not_found(raw: httpx.AsyncClient) -> None:
    """No envelope: a client must not read it as "the API looked and found nothing"."""
    await authorized(raw)
    answer = await raw.get("/no/such/thing")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/plain")
    assert "does not serve GET /no/such/thing" in answer.text


async def test_the_client_reports_an_unserved_route_as_the_fakes_not_the_apis() -> None:
    fake = FakeIamport(clock=VirtualClock())
    async with fake.client(max_retries=0) as client:
        with pytest.raises(ApiError) as caught:
            await client.request("GET", "/no/such/thing")
    assert not isinstance(caught.value, NotFoundError)
    assert "the fake (iamport_async.testing.FakeIamport) does not serve" in str(caught.value)
