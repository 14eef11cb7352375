"""Cash receipts: for i'mport payments (by imp_uid) and for external ones (by merchant_uid)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import amount_of, text
from iamport_async.testing._router import lookup, route
from iamport_async.testing._state import FakeState

CASH_METHODS = ("trans", "vbank")
_NO_RECEIPT = "현금영수증 발행된 내역이 확인되지 않습니다."


def _live(receipts: dict[str, Any], key: str) -> Any:
    """The receipt stored under ``key`` unless it was revoked: one live receipt per key."""
    receipt = receipts.get(key)
    return None if receipt is None or receipt["cancelled_at"] else receipt


def _receipt(state: FakeState, key: str, value: str, amount: int, data: dict[str, Any]) -> Any:
    vat = amount_of(data.get("vat"))
    receipt_tid = f"R{state.rng.randrange(10**15):015d}"
    return {
        key: value,
        "receipt_tid": receipt_tid,
        "apply_num": f"{state.rng.randrange(10**9):09d}",
        "type": text(data, "type") or "person",
        "amount": amount,
        "vat": int(vat) if vat is not None else round(Decimal(amount) / 11),
        "receipt_url": f"https://receipt.example.com/cash/{receipt_tid}",
        "applied_at": state.now(),
        "cancelled_at": 0,
    }


lookup("/receipts/{imp_uid}", lambda state: state.receipts, _NO_RECEIPT)


@route("POST", "/receipts/{imp_uid}")
def issue_receipt(state: FakeState, request: FakeRequest) -> Reply:
    """Only for a paid cash payment (transfer, virtual account), once (spec: 400 otherwise)."""
    imp_uid = request.path_params["imp_uid"]
    data = request.data()
    payment = state.find_payment(imp_uid, request.headers.get("tier"))
    if text(data, "identifier") is None:
        return fail(400, -1, "identifier 파라메터가 필요합니다.")
    if payment is None or payment["status"] != "paid":
        return fail(400, -1, "결제완료(paid) 상태의 결제건이 아닙니다.")
    if payment["pay_method"] not in CASH_METHODS:
        return fail(400, -1, "현금영수증 발행대상 결제수단이 아닙니다.")
    if _live(state.receipts, imp_uid) is not None:
        return fail(400, -1, "이미 현금영수증이 발행된 결제건입니다.")
    balance = int(Decimal(payment["amount"]) - Decimal(payment["cancel_amount"]))
    receipt = _receipt(state, "imp_uid", imp_uid, balance, data)
    state.receipts[imp_uid] = receipt
    payment["cash_receipt_issued"] = True
    state.version += 1
    return ok(receipt)


@route("DELETE", "/receipts/{imp_uid}")
def revoke_receipt(state: FakeState, request: FakeRequest) -> Reply:
    imp_uid = request.path_params["imp_uid"]
    receipt = _live(state.receipts, imp_uid)
    if receipt is None:
        return fail(400, -1, "발급된 현금영수증이 없습니다.")
    receipt["cancelled_at"] = state.now()
    payment = state.payments.get(imp_uid)
    if payment is not None:
        payment["cash_receipt_issued"] = False
        state.version += 1
    return ok(receipt)


lookup("/receipts/external/{merchant_uid}", lambda state: state.external_receipts, _NO_RECEIPT)


@route("POST", "/receipts/external/{merchant_uid}")
def issue_external_receipt(state: FakeState, request: FakeRequest) -> Reply:
    merchant_uid = request.path_params["merchant_uid"]
    data = request.data()
    amount = amount_of(data.get("amount"))
    if text(data, "identifier") is None or text(data, "name") is None or amount is None:
        return fail(400, -1, "name, amount, identifier 파라메터가 필요합니다.")
    if _live(state.external_receipts, merchant_uid) is not None:
        return fail(400, -1, "이미 현금영수증이 발행된 merchant_uid입니다.")
    receipt = _receipt(state, "merchant_uid", merchant_uid, int(amount), data)
    state.external_receipts[merchant_uid] = receipt
    return ok(receipt)


@route("DELETE", "/receipts/external/{merchant_uid}")
def revoke_external_receipt(state: FakeState, request: FakeRequest) -> Reply:
    receipt = _live(state.external_receipts, request.path_params["merchant_uid"])
    if receipt is None:
        return fail(404, -1, "현금영수증 발행된 적이 없는 merchant_uid입니다.")
    receipt["cancelled_at"] = state.now()
    return ok(receipt)


@route("POST", "/partners/receipts/{imp_uid}")
def partner_receipt(state: FakeState, request: FakeRequest) -> Reply:
    """Register a paid payment's line items with the partner (``data`` non-empty); kept in
    ``fake.partner_receipts``."""
    imp_uid = request.path_params["imp_uid"]
    payment = state.find_payment(imp_uid, request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, "존재하지 않는 결제정보입니다.")
    lines = request.data().get("data")
    if not isinstance(lines, list) or not lines:
        return fail(400, -1, "data 파라메터가 필요합니다.")
    if payment["status"] != "paid":
        return fail(400, -1, "결제완료(paid) 상태의 결제건이 아닙니다.")
    receipt = {"receipt_url": f"https://receipt.example.com/partners/{imp_uid}"}
    state.partner_receipts[imp_uid] = {**receipt, "data": lines}
    return ok(receipt)
