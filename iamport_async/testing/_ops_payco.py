"""PAYCO order status changes (``POST /payco/orders/status/{imp_uid}``)."""

from __future__ import annotations

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import text
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

PAYCO_STATUSES = ("CANCELED", "DELIVERY_START", "PURCHASE_DECISION")


@route("POST", "/payco/orders/status/{imp_uid}")
def change_status(state: FakeState, request: FakeRequest) -> Reply:
    """A paid payment's order moves to ``status``; kept in ``fake.payco_statuses``. The spec
    documents only 200, so refusals are code 1."""
    imp_uid = request.path_params["imp_uid"]
    status = text(request.data(), "status")
    payment = state.find_payment(imp_uid, request.headers.get("tier"))
    if status not in PAYCO_STATUSES:
        return fail(200, 1, f"status는 {', '.join(PAYCO_STATUSES)} 중 하나여야 합니다.")
    if payment is None or payment["status"] != "paid":
        return fail(200, 1, "결제완료(paid) 상태의 결제건이 아닙니다.")
    state.payco_statuses[imp_uid] = status
    return ok({"status": status})
