"""Cash receipts, virtual accounts and identity verifications."""

from __future__ import annotations

import pytest

from iamport_async import Iamport
from iamport_async.errors import ApiError, BusinessError, NotFoundError
from iamport_async.testing import FakeIamport

pytestmark = pytest.mark.anyio


async def test_receipt_issue_read_revoke(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_t", pay_method="trans", amount=11_000)
    issued = await iamport_client.request(
        "POST", "/receipts/imp_t", json={"identifier": "01012345678"}
    )
    assert (issued["amount"], issued["vat"], issued["cancelled_at"]) == (11_000, 1000, 0)
    assert (await iamport_client.request("GET", "/payments/imp_t"))["cash_receipt_issued"] is True
    with pytest.raises(ApiError) as twice:
        await iamport_client.request("POST", "/receipts/imp_t", json={"identifier": "01012345678"})
    assert twice.value.status == 400
    assert await iamport_client.request("GET", "/receipts/imp_t") == issued
    revoked = await iamport_client.request("DELETE", "/receipts/imp_t")
    assert revoked["cancelled_at"] == iamport_fake.now()
    with pytest.raises(ApiError):
        await iamport_client.request("DELETE", "/receipts/imp_t")


async def test_receipt_refused_for_card_unpaid_or_unknown(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_card", pay_method="card")
    iamport_fake.add_payment(imp_uid="imp_ready", pay_method="vbank", status="ready")
    for imp_uid in ("imp_card", "imp_ready", "imp_nope"):
        with pytest.raises(ApiError) as caught:
            await iamport_client.request("POST", f"/receipts/{imp_uid}", json={"identifier": "x"})
        assert caught.value.status == 400
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/receipts/imp_card")


async def test_external_receipt(iamport_client: Iamport) -> None:
    body = {"name": "현장결제", "amount": 5500, "identifier": "01012345678", "channel_key": "ch"}
    issued = await iamport_client.request("POST", "/receipts/external/ext_1", json=body)
    assert (issued["merchant_uid"], issued["amount"], issued["vat"]) == ("ext_1", 5500, 500)
    assert await iamport_client.request("GET", "/receipts/external/ext_1") == issued
    await iamport_client.request("DELETE", "/receipts/external/ext_1")
    with pytest.raises(NotFoundError):
        await iamport_client.request("DELETE", "/receipts/external/ext_1")


async def test_vbank_issue_deposit_and_revoke(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    due = iamport_fake.now() + 86400
    body = {"merchant_uid": "vb_1", "amount": 30_000, "vbank_code": "004", "vbank_due": due}
    ready = await iamport_client.request("POST", "/vbanks", json=body)
    assert (ready["status"], ready["pay_method"], ready["vbank_date"]) == ("ready", "vbank", due)
    assert ready["vbank_name"] == "KB국민은행"
    second = await iamport_client.request("POST", "/vbanks", json=body)  # unpaid: may share
    iamport_fake.deposit(ready["imp_uid"])
    with pytest.raises(BusinessError):  # paid order numbers cannot be reused
        await iamport_client.request("POST", "/vbanks", json=body)
    revoked = await iamport_client.request("DELETE", f"/vbanks/{second['imp_uid']}")
    assert revoked["status"] == "cancelled"
    with pytest.raises(ApiError) as caught:
        await iamport_client.request("DELETE", f"/vbanks/{ready['imp_uid']}")
    assert caught.value.status == 400
    with pytest.raises(NotFoundError):
        await iamport_client.request("DELETE", "/vbanks/imp_nope")


async def test_revoked_vbank_cannot_be_refunded(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    ready = iamport_fake.add_payment(pay_method="vbank", status="ready")
    await iamport_client.request("DELETE", f"/vbanks/{ready['imp_uid']}")
    with pytest.raises(BusinessError):
        await iamport_client.request("POST", "/payments/cancel", json={"imp_uid": ready["imp_uid"]})


async def test_certification(iamport_fake: FakeIamport, iamport_client: Iamport) -> None:
    stored = iamport_fake.add_certification(imp_uid="imp_cert", name="김민준")
    assert await iamport_client.request("GET", "/certifications/imp_cert") == stored
    await iamport_client.request("DELETE", "/certifications/imp_cert")
    with pytest.raises(NotFoundError):
        await iamport_client.request("GET", "/certifications/imp_cert")
