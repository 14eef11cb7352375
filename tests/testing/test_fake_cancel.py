"""Cancel as facts §7 describes it: the money-moving call must be faithful."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import BusinessError
from iamport_async.testing import FakeIamport
from tests.testing.conftest import authorized

pytestmark = pytest.mark.anyio


async def cancel(raw: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await raw.post("/payments/cancel", json=body)
    assert answer.status_code == 200  # refusals too: HTTP 200 with a non-zero code
    return answer.json()  # type: ignore[no-any-return]


async def test_partial_cancels_accumulate_and_status_is_cancelled_at_once(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    first = (await cancel(raw, imp_uid="imp_1", amount=3000, reason="일부 반품"))["response"]
    assert first["status"] == "cancelled"
    assert first["cancel_amount"] == 3000
    assert first["cancelled_at"] == iamport_fake.now()
    assert [h["amount"] for h in first["cancel_history"]] == [3000]
    assert first["cancel_history"][0]["reason"] == "일부 반품"
    second = (await cancel(raw, imp_uid="imp_1", amount=2000))["response"]
    assert second["cancel_amount"] == 5000
    assert [h["amount"] for h in second["cancel_history"]] == [3000, 2000]
    rest = (await cancel(raw, imp_uid="imp_1"))["response"]  # no amount: the whole balance
    assert rest["cancel_amount"] == 10_000
    assert rest["cancel_history"][-1]["amount"] == 5000
    assert iamport_fake.stats.cancels == 3
    assert iamport_fake.stats.cancelled_amount == 10_000


async def test_amount_zero_means_full(iamport_fake: FakeIamport, raw: httpx.AsyncClient) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=4000)
    assert (await cancel(raw, imp_uid="imp_1", amount=0))["response"]["cancel_amount"] == 4000


async def test_already_fully_cancelled_is_200_code_1(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    await cancel(raw, imp_uid="imp_1")
    again = await cancel(raw, imp_uid="imp_1")
    assert again == {"code": 1, "message": "이미 전액취소된 주문입니다.", "response": None}
    assert iamport_fake.stats.cancels == 1


async def test_unknown_payment_is_200_code_1(raw: httpx.AsyncClient) -> None:
    await authorized(raw)
    body = await cancel(raw, imp_uid="imp_nope")
    assert body == {"code": 1, "message": "취소할 결제건이 존재하지 않습니다.", "response": None}
    assert (await cancel(raw))["code"] == 1


async def test_imp_uid_wins_over_merchant_uid(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_a", merchant_uid="m_a", amount=1000)
    iamport_fake.add_payment(imp_uid="imp_b", merchant_uid="m_b", amount=1000)
    done = await cancel(raw, imp_uid="imp_a", merchant_uid="m_b")
    assert done["response"]["imp_uid"] == "imp_a"
    assert iamport_fake.payment("imp_b")["cancel_amount"] == 0  # type: ignore[index]
    refused = await cancel(raw, imp_uid="imp_nope", merchant_uid="m_b")
    assert refused["code"] == 1
    assert iamport_fake.payment("imp_b")["cancel_amount"] == 0  # type: ignore[index]
    by_merchant = await cancel(raw, merchant_uid="m_b")
    assert by_merchant["response"]["imp_uid"] == "imp_b"


async def test_checksum_must_equal_the_refundable_balance(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    """The CANCELDOC example: a lost 1,000 refund on 10,000 makes the balance 9,000, so a
    retry that still believes 10,000 is refused."""
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    ok = await cancel(raw, imp_uid="imp_1", amount=1000, checksum=10_000)
    assert ok["code"] == 0
    retry = await cancel(raw, imp_uid="imp_1", amount=1000, checksum=10_000)
    assert retry["code"] != 0
    assert retry["response"] is None
    assert iamport_fake.payment("imp_1")["cancel_amount"] == 1000  # type: ignore[index]
    right = await cancel(raw, imp_uid="imp_1", amount=1000, checksum=9000)
    assert right["response"]["cancel_amount"] == 2000


async def test_more_than_the_balance_is_refused(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    assert (await cancel(raw, imp_uid="imp_1", amount=1001))["code"] == 1
    assert (await cancel(raw, imp_uid="imp_1", amount=-1))["code"] == 1
    assert iamport_fake.stats.cancels == 0


async def test_unpaid_payments_cannot_be_cancelled(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_ready", pay_method="vbank", status="ready")
    iamport_fake.add_payment(imp_uid="imp_failed", status="failed")
    for imp_uid in ("imp_ready", "imp_failed"):
        assert (await cancel(raw, imp_uid=imp_uid))["code"] == 1
    assert iamport_fake.stats.cancels == 0


async def test_vbank_refund_needs_the_refund_account(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_v", pay_method="vbank", amount=3000)
    assert (await cancel(raw, imp_uid="imp_v"))["code"] == 1
    account = {"refund_holder": "홍길동", "refund_bank": "004", "refund_account": "1234567890"}
    assert (await cancel(raw, imp_uid="imp_v", **account))["response"]["cancel_amount"] == 3000


async def test_form_encoded_cancel(iamport_fake: FakeIamport, raw: httpx.AsyncClient) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    answer = await raw.post("/payments/cancel", data={"imp_uid": "imp_1", "amount": "400"})
    assert answer.json()["response"]["cancel_amount"] == 400


async def test_client_raises_business_error_with_the_server_message(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    await iamport_client.request("POST", "/payments/cancel", json={"imp_uid": "imp_1"})
    with pytest.raises(BusinessError) as caught:
        await iamport_client.request("POST", "/payments/cancel", json={"imp_uid": "imp_1"})
    assert caught.value.status == 200
    assert caught.value.code == 1
    assert caught.value.message == "이미 전액취소된 주문입니다."


async def test_seeded_partial_cancel_is_consistent(iamport_fake: FakeIamport) -> None:
    payment = iamport_fake.add_payment(status="cancelled", amount=10_000, cancel_amount=4000)
    assert payment["cancel_amount"] == 4000
    assert [h["amount"] for h in payment["cancel_history"]] == [4000]
    full = iamport_fake.add_payment(status="cancelled", amount=10_000)
    assert full["cancel_amount"] == 10_000
