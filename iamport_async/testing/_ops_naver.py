"""Naver Pay: product orders of a payment and the actions on them, reviews, cash amounts.

Product orders are added with ``fake.add_naver_order(imp_uid, ...)`` (status ``PAYED``),
reviews with ``fake.add_naver_review(product_order_id, ...)``. An action names product
orders (``product_order_id``, all of the payment's when left out); each one it can act on
moves on (a cancel makes it ``CANCELED``, a shipment ``DELIVERING``, ...), the others are
left out of the answer: 200 when every one was done, 207 when some were, and the API's 500
with its envelope when none was.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import BadParameter, int_arg, text
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

_NO_PAYMENT = "존재하지 않는 결제정보입니다."
_NONE_DONE = "요청하신 상품주문건을 처리하지 못했습니다."
_OPEN = ("PAYED", "DELIVERING", "DELIVERED")

Order = dict[str, Any]
Step = Callable[[Order, dict[str, Any]], bool]
"""Moves one product order on (True), or says it cannot (False)."""


def view(order: Order) -> Order:
    """A product order as the API shows it: without the fake's own ``imp_uid`` key, and
    without the optional fields that do not apply (no claim yet), which the API leaves out."""
    return {k: v for k, v in order.items() if k != "imp_uid" and v is not None}


def _claim(
    kind: str, status: str, *, needs: str | None = None, order_status: str | None = None
) -> Step:
    def step(order: Order, data: dict[str, Any]) -> bool:
        if needs is not None and order["claim_status"] != needs:
            return False
        if needs is None and order["product_order_status"] not in _OPEN:
            return False
        order.update(claim_type=kind, claim_status=status)
        if order_status is not None:
            order["product_order_status"] = order_status
        return True

    return step


def _ship(order: Order, data: dict[str, Any]) -> bool:
    if order["product_order_status"] != "PAYED" or order["claim_type"] is not None:
        return False
    order["product_order_status"] = "DELIVERING"
    return True


def _place(order: Order, data: dict[str, Any]) -> bool:
    """Order confirmed by the seller (발주확인): status stays PAYED."""
    return order["product_order_status"] == "PAYED" and order["claim_type"] is None


STEPS: dict[str, Step] = {
    "cancel": _claim("CANCEL", "CANCEL_DONE", order_status="CANCELED"),
    "approve-cancel": _claim(
        "CANCEL", "CANCEL_DONE", needs="CANCEL_REQUEST", order_status="CANCELED"
    ),
    "ship": _ship,
    "place": _place,
    "ship-exchanged": _claim("EXCHANGE", "EXCHANGE_REDELIVERING", needs="COLLECT_DONE"),
    "collect-exchanged": _claim("EXCHANGE", "COLLECT_DONE", needs="EXCHANGE_REQUEST"),
    "request-return": _claim("RETURN", "RETURN_REQUEST"),
    "approve-return": _claim(
        "RETURN", "RETURN_DONE", needs="RETURN_REQUEST", order_status="RETURNED"
    ),
    "reject-return": _claim("RETURN", "RETURN_REJECT", needs="RETURN_REQUEST"),
    "withhold-return": _claim("RETURN", "RETURN_HOLDBACK", needs="RETURN_REQUEST"),
    "resolve-return": _claim("RETURN", "RETURN_REQUEST", needs="RETURN_HOLDBACK"),
}
_REQUIRED = {
    "ship": ("delivery_method", "dispatched_at"),
    "ship-exchanged": ("delivery_method",),
    "request-return": ("delivery_method",),
    "reject-return": ("memo",),
    "withhold-return": ("memo",),
}


def orders_of(state: FakeState, imp_uid: str) -> list[Order]:
    return [o for o in state.naver_orders.values() if o["imp_uid"] == imp_uid]


def _action(action: str) -> None:
    step = STEPS[action]

    def handler(state: FakeState, request: FakeRequest) -> Reply:
        imp_uid = request.path_params["imp_uid"]
        if state.find_payment(imp_uid, request.headers.get("tier")) is None:
            return fail(404, -1, _NO_PAYMENT)
        data = request.data()
        missing = [name for name in _REQUIRED.get(action, ()) if text(data, name) is None]
        if missing:
            return fail(400, -1, f"{', '.join(missing)} 파라메터가 필요합니다.")
        held = {o["product_order_id"]: o for o in orders_of(state, imp_uid)}
        wanted = data.get("product_order_id")
        ids = list(held) if wanted is None else [str(i) for i in wanted]
        done = [held[i] for i in dict.fromkeys(ids) if i in held and step(held[i], data)]
        if not done:
            return fail(500, -1, _NONE_DONE)
        return ok([view(o) for o in done], 200 if len(done) == len(set(ids)) else 207)

    handler.__name__ = handler.__qualname__ = f"naver_{action.replace('-', '_')}"
    route("POST", f"/payments/{{imp_uid}}/naver/{action}")(handler)


for _name in STEPS:
    _action(_name)


@route("POST", "/payments/{imp_uid}/naver/point")
def deposit_point(state: FakeState, request: FakeRequest) -> Reply:
    """Naver points for a paid payment, once (kept in ``fake.naver_points``); no payload."""
    imp_uid = request.path_params["imp_uid"]
    payment = state.find_payment(imp_uid, request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, _NO_PAYMENT)
    if payment["status"] != "paid" or imp_uid in state.naver_points:
        return fail(500, -1, "포인트 적립이 불가능한 결제건입니다.")
    state.naver_points[imp_uid] = state.now()
    return ok(None)


@route("POST", "/payments/{imp_uid}/naver/confirm")
def confirm(state: FakeState, request: FakeRequest) -> Reply:
    """Purchase confirmed: every open product order becomes ``PURCHASE_DECIDED``."""
    imp_uid = request.path_params["imp_uid"]
    payment = state.find_payment(imp_uid, request.headers.get("tier"))
    if payment is None:
        return fail(404, -1, _NO_PAYMENT)
    if payment["status"] != "paid" or imp_uid in state.naver_confirmed:
        return fail(500, -1, "구매확정이 불가능한 결제건입니다.")
    for order in orders_of(state, imp_uid):
        if order["product_order_status"] in _OPEN and order["claim_type"] is None:
            order["product_order_status"] = "PURCHASE_DECIDED"
    state.naver_confirmed[imp_uid] = state.now()
    return ok(None)


@route("GET", "/payments/{imp_uid}/naver/product-orders")
def product_orders(state: FakeState, request: FakeRequest) -> Reply:
    imp_uid = request.path_params["imp_uid"]
    orders = orders_of(state, imp_uid)
    if state.find_payment(imp_uid, request.headers.get("tier")) is None or not orders:
        return fail(404, -1, "상품주문 정보가 존재하지 않습니다.")
    return ok([view(o) for o in orders])


@route("GET", "/naver/product-orders/{product_order_id}")
def product_order(state: FakeState, request: FakeRequest) -> Reply:
    order = state.naver_orders.get(request.path_params["product_order_id"])
    if order is None:
        return fail(404, -1, "상품주문 정보가 존재하지 않습니다.")
    return ok(view(order))


@route("GET", "/naver/reviews")
def reviews(state: FakeState, request: FakeRequest) -> Reply:
    """Reviews written in ``from <= created_at < to`` of ``review_type``."""
    try:
        since = int_arg(request, "from", -1)
        until = int_arg(request, "to", -1)
    except BadParameter as error:
        return fail(400, -1, str(error))
    kind = request.arg("review_type")
    if since < 0 or until <= since or kind not in ("general", "premium"):
        return fail(400, -1, "from, to, review_type 파라메터가 올바르지 않습니다.")
    found = [
        {k: v for k, v in r.items() if k != "review_type"}
        for r in state.naver_reviews
        if r["review_type"] == kind and since <= r["created_at"] < until
    ]
    return ok(found)


@route("GET", "/payments/{imp_uid}/naver/cash-amount")
def cash_amount(state: FakeState, request: FakeRequest) -> Reply:
    """The part paid in cash (no Naver points in the fake), split into supply and VAT."""
    payment = state.find_payment(request.path_params["imp_uid"], request.headers.get("tier"))
    if payment is None:
        return fail(400, -1, _NO_PAYMENT)
    total = Decimal(payment["amount"]) - Decimal(payment["cancel_amount"])
    vat = (total / 11).quantize(Decimal(1))
    return ok(
        {
            "amount_total": int(total),
            "amount_by_npoint": 0,
            "amount_by_primary": int(total),
            "amount_supply": int(total - vat),
            "amount_vat": int(vat),
        }
    )
