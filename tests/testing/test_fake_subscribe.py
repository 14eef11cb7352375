"""Billing keys, key-in and billing-key charges, schedules (facts §2 and §8)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import BusinessError, NotFoundError
from iamport_async.testing import DECLINED_CARD, UNDERFUNDED_CARD, FakeIamport, VirtualClock
from tests.testing.conftest import authorized

pytestmark = pytest.mark.anyio

CARD = {
    "card_number": "5361-1234-5678-1234",
    "expiry": "2030-12",
    "birth": "900101",
    "pwd_2digit": "12",
}


async def issue(client: Iamport, customer_uid: str, card: dict[str, str] = CARD) -> Any:
    return await client.request("POST", f"/subscribe/customers/{customer_uid}", json=card)


async def test_billing_key_keeps_only_a_masked_card(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    key = await issue(iamport_client, "cust_1")
    assert key["customer_uid"] == "cust_1"
    assert key["card_number"] == "5361-12**-****-1234"
    assert key["inserted"] == key["updated"] == iamport_fake.now()
    stored = repr(iamport_fake.customers)
    for secret in ("5678", "2030-12", "900101"):
        assert secret not in stored
    assert await iamport_client.request("GET", "/subscribe/customers/cust_1") == key


async def test_unknown_billing_key_is_200_code_1(iamport_client: Iamport) -> None:
    with pytest.raises(BusinessError) as caught:
        await iamport_client.request("GET", "/subscribe/customers/nobody")
    assert caught.value.code == 1
    assert "nobody" in (caught.value.message or "")


async def test_delete_billing_key(iamport_client: Iamport) -> None:
    await issue(iamport_client, "cust_1")
    deleted = await iamport_client.request("DELETE", "/subscribe/customers/cust_1")
    assert deleted["customer_uid"] == "cust_1"
    with pytest.raises(BusinessError):
        await iamport_client.request("DELETE", "/subscribe/customers/cust_1")


async def test_declined_card_is_code_minus_1(iamport_client: Iamport) -> None:
    with pytest.raises(BusinessError) as caught:
        await issue(iamport_client, "cust_1", {**CARD, "card_number": DECLINED_CARD})
    assert caught.value.code == -1
    with pytest.raises(BusinessError):
        await issue(iamport_client, "cust_2", {**CARD, "expiry": "12/30"})


async def test_multi_billing_keys_200_207_404(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    await raw.post("/subscribe/customers/a", json=CARD)
    await raw.post("/subscribe/customers/b", json=CARD)
    both = await raw.get(
        "/subscribe/customers", params=[("customer_uid[]", "a"), ("customer_uid[]", "b")]
    )
    assert both.status_code == 200
    assert len(both.json()["response"]) == 2
    some = await raw.get(
        "/subscribe/customers", params=[("customer_uid[]", "a"), ("customer_uid[]", "z")]
    )
    assert some.status_code == 207
    assert [c["customer_uid"] for c in some.json()["response"]] == ["a"]
    none = await raw.get("/subscribe/customers", params=[("customer_uid[]", "z")])
    assert none.status_code == 404


async def test_again_charges_a_billing_key_once_per_merchant_uid(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    await issue(iamport_client, "cust_1")
    body = {"customer_uid": "cust_1", "merchant_uid": "sub_1", "amount": 9900, "name": "월 구독"}
    paid = await iamport_client.request("POST", "/subscribe/payments/again", json=body)
    assert (paid["status"], paid["amount"], paid["customer_uid_usage"]) == ("paid", 9900, "payment")
    assert paid["card_number"] == "5361-12**-****-1234"
    assert iamport_fake.payment(paid["imp_uid"]) == paid
    with pytest.raises(BusinessError) as caught:
        await iamport_client.request("POST", "/subscribe/payments/again", json=body)
    assert caught.value.message == "이미 결제가 이루어진 거래건입니다."
    with pytest.raises(BusinessError) as unknown:
        await iamport_client.request(
            "POST",
            "/subscribe/payments/again",
            json={**body, "customer_uid": "x", "merchant_uid": "s2"},
        )
    assert unknown.value.message == "등록되지 않은 구매자입니다."


async def test_underfunded_card_charges_come_back_failed_with_code_0(
    iamport_client: Iamport,
) -> None:
    await issue(iamport_client, "poor", {**CARD, "card_number": UNDERFUNDED_CARD})
    body = {"customer_uid": "poor", "merchant_uid": "s1", "amount": 1000, "name": "x"}
    failed = await iamport_client.request("POST", "/subscribe/payments/again", json=body)
    assert failed["status"] == "failed"
    assert failed["fail_reason"]
    # a failed attempt does not burn the order number
    await issue(iamport_client, "poor", CARD)
    assert (await iamport_client.request("POST", "/subscribe/payments/again", json=body))[
        "status"
    ] == "paid"


async def test_onetime_and_its_merchant_uid_rule(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    body = {**CARD, "merchant_uid": "once_1", "amount": 2500, "customer_uid": "kept"}
    paid = await iamport_client.request("POST", "/subscribe/payments/onetime", json=body)
    assert (paid["status"], paid["channel"], paid["customer_uid_usage"]) == ("paid", "api", "issue")
    assert paid["card_number"] == "5361-12**-****-1234"
    assert "kept" in iamport_fake.customers
    with pytest.raises(BusinessError):
        await iamport_client.request("POST", "/subscribe/payments/onetime", json=body)
    with pytest.raises(BusinessError) as declined:
        await iamport_client.request(
            "POST",
            "/subscribe/payments/onetime",
            json={**body, "merchant_uid": "once_2", "card_number": DECLINED_CARD},
        )
    assert declined.value.code == -1


async def test_onetime_must_pay_the_prepared_amount(iamport_client: Iamport) -> None:
    await iamport_client.request(
        "POST", "/payments/prepare", json={"merchant_uid": "p1", "amount": 3000}
    )
    with pytest.raises(BusinessError):
        await iamport_client.request(
            "POST",
            "/subscribe/payments/onetime",
            json={**CARD, "merchant_uid": "p1", "amount": 2999},
        )
    paid = await iamport_client.request(
        "POST", "/subscribe/payments/onetime", json={**CARD, "merchant_uid": "p1", "amount": 3000}
    )
    assert paid["amount"] == 3000


async def test_schedule_unschedule_and_run(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    await issue(iamport_client, "cust_1")
    now = iamport_fake.now()
    entries = [
        {
            "merchant_uid": f"plan_{i}",
            "schedule_at": now + 3600 * (i + 1),
            "amount": 1000,
            "name": "구독",
        }
        for i in range(3)
    ]
    created = await iamport_client.request(
        "POST",
        "/subscribe/payments/schedule",
        json={"customer_uid": "cust_1", "schedules": entries},
    )
    assert [s["schedule_status"] for s in created] == ["scheduled"] * 3
    assert created[0]["imp_uid"] is None
    assert created[0]["payment_status"] is None
    with pytest.raises(BusinessError):  # each merchant_uid once
        await iamport_client.request(
            "POST",
            "/subscribe/payments/schedule",
            json={"customer_uid": "cust_1", "schedules": entries[:1]},
        )
    revoked = await iamport_client.request(
        "POST",
        "/subscribe/payments/unschedule",
        json={"customer_uid": "cust_1", "merchant_uid": ["plan_2"]},
    )
    assert [(s["merchant_uid"], s["schedule_status"]) for s in revoked] == [("plan_2", "revoked")]
    with pytest.raises(BusinessError):
        await iamport_client.request(
            "POST",
            "/subscribe/payments/unschedule",
            json={"customer_uid": "cust_1", "merchant_uid": ["plan_2"]},
        )
    assert isinstance(iamport_fake.clock, VirtualClock)
    iamport_fake.clock.advance(3600)
    ran = iamport_fake.run_schedules()
    assert [s["merchant_uid"] for s in ran] == ["plan_0"]
    one = await iamport_client.request("GET", "/subscribe/payments/schedule/plan_0")
    assert (one["schedule_status"], one["payment_status"]) == ("executed", "paid")
    payment = await iamport_client.request("GET", f"/payments/{one['imp_uid']}")
    assert payment["customer_uid_usage"] == "payment.scheduled"
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/subscribe/payments/schedule/nope")


async def test_schedule_for_unknown_customer_without_card_is_code_1(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    entry = {
        "merchant_uid": "p",
        "schedule_at": iamport_fake.now() + 60,
        "amount": 1000,
        "name": "n",
    }
    with pytest.raises(BusinessError) as caught:
        await iamport_client.request(
            "POST",
            "/subscribe/payments/schedule",
            json={"customer_uid": "nobody", "schedules": [entry]},
        )
    assert caught.value.code == 1
    created = await iamport_client.request(
        "POST",
        "/subscribe/payments/schedule",
        json={"customer_uid": "nobody", "schedules": [entry], **CARD},
    )
    assert created[0]["customer_uid"] == "nobody"
