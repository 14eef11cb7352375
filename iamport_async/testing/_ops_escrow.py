"""Escrow shipping details: register (POST), change (PUT) and read them for an escrow payment."""

from __future__ import annotations

from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, found, ok
from iamport_async.testing._params import amount_of, text
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

_NO_LOGIS = "등록된 배송정보가 없습니다."


def _logis(state: FakeState, data: dict[str, Any]) -> dict[str, Any] | Reply:
    """The ``EscrowLogisAnnotation`` a body describes, or the 400 refusing it."""
    sender, receiver, logis = data.get("sender"), data.get("receiver"), data.get("logis")
    if not all(isinstance(part, dict) for part in (sender, receiver, logis)):
        return fail(400, -1, "sender, receiver, logis 파라메터가 필요합니다.")
    assert isinstance(logis, dict)
    company, invoice = text(logis, "company"), text(logis, "invoice")
    sent_at = amount_of(logis.get("sent_at"))
    if company is None or invoice is None or sent_at is None:
        return fail(400, -1, "logis.company, logis.invoice, logis.sent_at은 필수입니다.")
    return {
        "company": company,
        "invoice": invoice,
        "sent_at": int(sent_at),
        "applied_at": state.now(),
    }


def _escrow_payment(state: FakeState, request: FakeRequest) -> dict[str, Any] | Reply:
    payment = state.find_payment(request.path_params["imp_uid"], request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, "존재하지 않는 결제정보입니다.")
    if not payment["escrow"] or payment["status"] != "paid":
        return fail(400, -1, "결제완료(paid) 상태의 에스크로 결제건이 아닙니다.")
    return payment


@route("GET", "/escrows/logis/{imp_uid}")
def get_logis(state: FakeState, request: FakeRequest) -> Reply:
    return found(state.escrow_logis.get(request.path_params["imp_uid"]), _NO_LOGIS)


@route("POST", "/escrows/logis/{imp_uid}")
def register_logis(state: FakeState, request: FakeRequest) -> Reply:
    """Once per escrow payment: a second registration is 409 (change it with PUT)."""
    payment = _escrow_payment(state, request)
    if isinstance(payment, Reply):
        return payment
    if payment["imp_uid"] in state.escrow_logis:
        return fail(409, -1, "이미 배송정보가 등록된 결제건입니다.")
    logis = _logis(state, request.data())
    if isinstance(logis, Reply):
        return logis
    state.escrow_logis[payment["imp_uid"]] = logis
    return ok(dict(logis))


@route("PUT", "/escrows/logis/{imp_uid}")
def update_logis(state: FakeState, request: FakeRequest) -> Reply:
    """Only shipping details registered before can be changed (404 otherwise)."""
    payment = _escrow_payment(state, request)
    if isinstance(payment, Reply):
        return payment
    if payment["imp_uid"] not in state.escrow_logis:
        return fail(404, -1, _NO_LOGIS)
    logis = _logis(state, request.data())
    if isinstance(logis, Reply):
        return logis
    state.escrow_logis[payment["imp_uid"]] = logis
    return ok(dict(logis))
