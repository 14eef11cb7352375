"""Virtual accounts: issue, modify, revoke, and the account-holder lookup."""

from __future__ import annotations

from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import amount_of, buyer_of, exact, text
from iamport_async.testing._records import BANK_NAMES, make_payment
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState, _digits


@route("POST", "/vbanks")
def issue_vbank(state: FakeState, request: FakeRequest) -> Reply:
    """A ``ready`` vbank payment; an order number already paid cannot be reused (section 8)."""
    data = request.data()
    merchant_uid = text(data, "merchant_uid")
    amount = amount_of(data.get("amount"))
    due = amount_of(data.get("vbank_due"))
    bank_code = text(data, "vbank_code")
    if merchant_uid is None or amount is None or amount <= 0 or due is None or not bank_code:
        return fail(200, 1, "merchant_uid, amount, vbank_code, vbank_due 파라메터가 필요합니다.")
    if state.merchant_uid_paid(merchant_uid):
        return fail(200, 1, "이미 결제가 이루어진 거래건입니다.")
    now = state.now()
    fields: dict[str, Any] = {
        "imp_uid": state.new_imp_uid(),
        "merchant_uid": merchant_uid,
        "pay_method": "vbank",
        "channel": "api",
        "amount": exact(amount),
        "status": "ready",
        "name": text(data, "name") or "가상계좌 입금",
        "started_at": now,
        "vbank_code": bank_code,
        "vbank_name": BANK_NAMES.get(bank_code, bank_code),
        "vbank_num": text(data, "vbank_num") or f"{state.rng.randrange(10**13):013d}",
        "vbank_holder": text(data, "vbank_holder") or "(주)테스트상점",
        "vbank_date": int(due),
        "vbank_issued_at": now,
        "custom_data": text(data, "custom_data"),
    }
    fields.update(buyer_of(data))
    record = make_payment(state.rng, now, **fields)
    state.store_payment(record, tier=request.headers.get("tier"))
    return ok(record)


@route("DELETE", "/vbanks/{imp_uid}")
def revoke_vbank(state: FakeState, request: FakeRequest) -> Reply:
    """Only a virtual account still waiting for its deposit can be revoked (spec: 400)."""
    payment = state.find_payment(request.path_params["imp_uid"], request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, "존재하지 않는 결제정보입니다.")
    if payment["pay_method"] != "vbank" or payment["status"] != "ready":
        return fail(400, -1, "입금대기(ready) 상태의 가상계좌가 아닙니다.")
    payment.update(status="cancelled", cancelled_at=state.now(), cancel_reason="가상계좌 말소")
    state.version += 1
    return ok(payment)


@route("PUT", "/vbanks/{imp_uid}")
def modify_vbank(state: FakeState, request: FakeRequest) -> Reply:
    """Change the amount or due date of a virtual account still waiting (400 otherwise)."""
    payment = state.find_payment(request.path_params["imp_uid"], request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, "존재하지 않는 결제정보입니다.")
    if payment["pay_method"] != "vbank" or payment["status"] != "ready":
        return fail(400, -1, "입금대기(ready) 상태의 가상계좌만 수정할 수 있습니다.")
    data = request.data()
    amount = amount_of(data.get("amount"))
    due = amount_of(data.get("vbank_due"))
    if (data.get("amount") is not None and (amount is None or amount <= 0)) or (
        data.get("vbank_due") is not None and (due is None or due <= state.now())
    ):
        return fail(400, -1, "amount 또는 vbank_due 파라메터가 올바르지 않습니다.")
    if amount is not None:
        payment["amount"] = exact(amount)
    if due is not None:
        payment["vbank_date"] = int(due)
    state.version += 1
    return ok(payment)


@route("GET", "/vbanks/holder")
def vbank_holder(state: FakeState, request: FakeRequest) -> Reply:
    """The holder of an account added with ``fake.add_bank_account``; 404 for another."""
    bank_code = request.arg("bank_code") or ""
    bank_num = _digits(request.arg("bank_num") or "")
    if len(bank_code) != 3 or not bank_code.isdigit() or not bank_num:
        return fail(400, -1, "bank_code, bank_num 파라메터가 올바르지 않습니다.")
    holder = state.bank_accounts.get((bank_code, bank_num))
    if holder is None:
        return fail(404, -1, "예금주 조회에 실패했습니다. 계좌정보를 확인해주세요.")
    return ok({"bank_holder": holder})
