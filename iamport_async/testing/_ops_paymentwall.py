"""Paymentwall delivery notices (``POST /paymentwall/delivery``)."""

from __future__ import annotations

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import text
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

_REQUIRED = (
    "imp_uid",
    "merchant_uid",
    "type",
    "status",
    "estimated_delivery_datetime",
    "estimated_update_datetime",
    "refundable",
    "shipping_address_email",
)


@route("POST", "/paymentwall/delivery")
def delivery(state: FakeState, request: FakeRequest) -> Reply:
    """Registered for a known payment (kept in ``fake.paymentwall_deliveries``); refused as
    Paymentwall does, inside the answer (``error_code``, ``error``), for an unknown one."""
    data = request.data()
    missing = [name for name in _REQUIRED if data.get(name) in (None, "")]
    if missing:
        return fail(200, 1, f"{', '.join(missing)} 파라메터가 필요합니다.")
    payment = state.find_payment(str(data["imp_uid"]), request.headers.get("tier"))
    if payment is None or payment["merchant_uid"] != text(data, "merchant_uid"):
        return ok(
            {"error_code": 4004, "error": "Payment not found", "notices": []},
            message="Paymentwall이 배송정보 등록을 거절했습니다.",
        )
    state.paymentwall_deliveries.append(dict(data))
    return ok({"notices": []}, message="배송정보가 등록되었습니다.")
