"""Convenience-store barcodes: a ``ready`` payment (``pay_method: cvs``) until paid or revoked.

``fake.deposit(imp_uid)`` pays one at the counter.
"""

from __future__ import annotations

from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import amount_of, buyer_of, exact, text
from iamport_async.testing._records import make_payment
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

BARCODE_TTL = 7 * 86400


@route("POST", "/cvs")
def issue_barcode(state: FakeState, request: FakeRequest) -> Reply:
    """A paid ``merchant_uid`` cannot be used again; an unpaid one can (several barcodes)."""
    data = request.data()
    merchant_uid = text(data, "merchant_uid")
    amount = amount_of(data.get("amount"))
    if merchant_uid is None or amount is None or amount <= 0 or text(data, "channel_key") is None:
        return fail(200, 1, "channel_key, merchant_uid, amount 파라메터가 필요합니다.")
    if state.merchant_uid_paid(merchant_uid):
        return fail(200, 1, "이미 결제가 이루어진 거래건입니다.")
    now = state.now()
    expires = amount_of(data.get("expired_at"))
    fields: dict[str, Any] = {
        "imp_uid": state.new_imp_uid(),
        "merchant_uid": merchant_uid,
        "pay_method": "cvs",
        "channel": "api",
        "pg_provider": "galaxia",
        "amount": exact(amount),
        "status": "ready",
        "name": text(data, "name") or "편의점 결제",
        "started_at": now,
        # the barcode travels in the vbank fields, as the API shows it
        "vbank_num": text(data, "barcode") or f"{state.rng.randrange(10**18):018d}",
        "vbank_date": int(expires) if expires is not None else now + BARCODE_TTL,
        "vbank_issued_at": now,
        "custom_data": text(data, "custom_data"),
    }
    fields.update(buyer_of(data))
    record = make_payment(state.rng, now, **fields)
    state.store_payment(record, tier=request.headers.get("tier"))
    return ok(record)


@route("DELETE", "/cvs/{imp_uid}")
def revoke_barcode(state: FakeState, request: FakeRequest) -> Reply:
    """Only an unpaid barcode can be revoked; the spec documents no 404, so a refusal is 200
    with code 1."""
    payment = state.find_payment(request.path_params["imp_uid"], request.headers.get("tier"))
    if payment is None:
        return fail(200, 1, "존재하지 않는 결제정보입니다.")
    if payment["pay_method"] != "cvs" or payment["status"] != "ready":
        return fail(200, 1, "결제대기(ready) 상태의 편의점 결제건이 아닙니다.")
    payment.update(status="cancelled", cancelled_at=state.now(), cancel_reason="바코드 취소")
    state.version += 1
    return ok(payment)
