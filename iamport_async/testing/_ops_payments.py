"""The payments operations: lookups, listings, cancel, prepare, balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import (
    BadParameter,
    amount_of,
    exact,
    int_arg,
    paged,
    text,
)
from iamport_async.testing._records import cancel_entry
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

MAX_MULTI_IDS = 100
"""``GET /payments`` takes at most 100 ids (the spec: "최대 100개")."""
STATUS_FILTERS = ("all", "ready", "paid", "cancelled", "failed")
NINETY_DAYS = 90 * 86400
LISTING_CACHE_SIZE = 16
"""Sorted listings kept for paging through them; ``to`` defaults to now, so keys vary."""
NOT_FOUND = "존재하지 않는 결제정보입니다."
NOTHING_TO_CANCEL = "취소할 결제건이 존재하지 않습니다."
ALREADY_CANCELLED = "이미 전액취소된 주문입니다."


def _tier(request: FakeRequest) -> str | None:
    return request.headers.get("tier")


def _updated(payment: dict[str, Any]) -> int:
    return int(
        max(
            payment["started_at"],
            payment["paid_at"],
            payment["cancelled_at"],
            payment["failed_at"],
        )
    )


SORT_KEYS = {
    "started": lambda p: p["started_at"],
    "paid": lambda p: p["paid_at"],
    "updated": _updated,
}
TIME_FIELD = {
    "all": "started_at",
    "ready": "started_at",
    "paid": "paid_at",
    "cancelled": "cancelled_at",
    "failed": "failed_at",
}


def _sorted(payments: list[dict[str, Any]], sorting: str | None) -> list[dict[str, Any]]:
    sorting = sorting or "-started"
    key = SORT_KEYS.get(sorting.lstrip("-"))
    if key is None:
        raise BadParameter("sorting 파라메터가 올바르지 않습니다.")
    return sorted(payments, key=lambda p: (key(p), p["imp_uid"]), reverse=sorting[0] == "-")


@route("GET", "/payments/{imp_uid}")
def get_payment(state: FakeState, request: FakeRequest) -> Reply:
    """404 ``code -1`` for an unknown id; test payments only with ``include_sandbox=true``."""
    payment = state.find_payment(request.path_params["imp_uid"], _tier(request))
    include_sandbox = (request.arg("include_sandbox") or "").lower() in ("true", "1")
    if payment is None or (payment["sandbox"] and not include_sandbox):
        return fail(404, -1, NOT_FOUND)
    return ok(payment)


@route("GET", "/payments")
def get_payments(state: FakeState, request: FakeRequest) -> Reply:
    """Up to 100 ids, mixed; 200 all found, 207 some, 404 none (the spec's ``GET /payments``).

    Results are unique payments in request order; a merchant_uid gives its newest payment.
    """
    tier = _tier(request)
    imp_uids = request.args("imp_uid[]")
    merchant_uids = request.args("merchant_uid[]")
    asked = len(imp_uids) + len(merchant_uids)
    state.stats.max_multi_ids = max(state.stats.max_multi_ids, asked)
    if asked > MAX_MULTI_IDS:
        return fail(400, -1, "imp_uid, merchant_uid는 합쳐서 최대 100개까지 조회 가능합니다.")
    found: dict[str, dict[str, Any]] = {}
    missing = 0
    for imp_uid in imp_uids:
        payment = state.find_payment(imp_uid, tier)
        if payment is None:
            missing += 1
        else:
            found.setdefault(imp_uid, payment)
    for merchant_uid in merchant_uids:
        matches = state.by_merchant_uid(merchant_uid, tier)
        if not matches:
            missing += 1
        else:
            found.setdefault(matches[0]["imp_uid"], matches[0])
    if not found:
        return fail(404, -1, "해당되는 결제건을 찾지 못하였습니다.")
    return ok(list(found.values()), 207 if missing else 200)


@route("GET", "/payments/status/{payment_status}")
def get_payments_by_status(state: FakeState, request: FakeRequest) -> Reply:
    """Paged by status within ``from``..``to`` (both inclusive; at most 90 days, ``to``
    defaulting to now); the time compared depends on the status (as the spec says)."""
    status = request.path_params["payment_status"]
    if status not in STATUS_FILTERS:
        return fail(400, -1, "유효하지 않은 payment_status입니다.")
    try:
        to = int_arg(request, "to", state.now())
        since = int_arg(request, "from", to - NINETY_DAYS)
        _check_window(since, to)
        sorting = request.arg("sorting") or "-started"
        tier = _tier(request)
        key = (status, sorting, since, to, tier)
        cached = state.listing_cache.get(key)
        if cached is not None and cached[0] == state.version:
            matches = cached[1]
        else:
            if len(state.listing_cache) >= LISTING_CACHE_SIZE:
                state.listing_cache.clear()
            field = TIME_FIELD[status]
            matches = _sorted(
                [
                    p
                    for p in state.payments.values()
                    if (status == "all" or p["status"] == status)
                    and since <= p[field] <= to
                    and state.visible(p, tier)
                ],
                sorting,
            )
            state.listing_cache[key] = (state.version, matches)
        return paged(matches, request)
    except BadParameter as error:
        return fail(400, -1, str(error))


def _check_window(since: int, to: int) -> None:
    if to - since > NINETY_DAYS or since > to:
        raise BadParameter("from, to 범위는 최대 90일입니다.")


def _by_merchant(state: FakeState, request: FakeRequest) -> list[dict[str, Any]]:
    status = request.path_params.get("payment_status", "all")
    if status not in STATUS_FILTERS:
        raise BadParameter("유효하지 않은 payment_status입니다.")
    payments = state.by_merchant_uid(request.path_params["merchant_uid"], _tier(request))
    if status != "all":
        payments = [p for p in payments if p["status"] == status]
    return _sorted(payments, request.arg("sorting"))


@route("GET", "/payments/find/{merchant_uid}/{payment_status}", optional_tail=True)
def find_payment(state: FakeState, request: FakeRequest) -> Reply:
    """The first payment with this merchant_uid by ``sorting`` (default newest)."""
    try:
        payments = _by_merchant(state, request)
    except BadParameter:
        payments = []
    if not payments:
        return fail(404, -1, NOT_FOUND)
    return ok(payments[0])


@route("GET", "/payments/findAll/{merchant_uid}/{payment_status}", optional_tail=True)
def find_all_payments(state: FakeState, request: FakeRequest) -> Reply:
    """Every payment with this merchant_uid, paged; 404 when there is none."""
    try:
        payments = _by_merchant(state, request)
        if not payments:
            return fail(404, -1, NOT_FOUND)
        return paged(payments, request)
    except BadParameter as error:
        return fail(400, -1, str(error))


def _target(state: FakeState, data: dict[str, Any], tier: str | None) -> dict[str, Any] | None:
    """imp_uid wins over merchant_uid; an unknown imp_uid fails even with a good merchant_uid
    (the API's cancel docs). By merchant_uid, the newest paid payment, else the newest."""
    imp_uid = text(data, "imp_uid")
    if imp_uid is not None:
        return state.find_payment(imp_uid, tier)
    merchant_uid = text(data, "merchant_uid")
    if merchant_uid is None:
        return None
    payments = state.by_merchant_uid(merchant_uid, tier)
    paid = [p for p in payments if p["status"] in ("paid", "cancelled")]
    candidates = paid or payments
    return candidates[0] if candidates else None


@route("POST", "/payments/cancel")
def cancel_payment(state: FakeState, request: FakeRequest) -> Reply:
    """Full or partial cancel, guarded by ``checksum`` (the spec's ``POST /payments/cancel``).

    Refusals are HTTP 200 with a non-zero code and ``response: null``. A partial cancel
    already makes the status ``cancelled``; ``cancel_amount`` accumulates.
    """
    data = request.data()
    payment = _target(state, data, _tier(request))
    if payment is None:
        return fail(200, 1, NOTHING_TO_CANCEL)
    if payment["status"] not in ("paid", "cancelled") or not payment["paid_at"]:
        return fail(200, 1, "결제완료 상태가 아닌 거래건은 취소할 수 없습니다.")
    balance = Decimal(payment["amount"]) - Decimal(payment["cancel_amount"])
    if balance <= 0:
        return fail(200, 1, ALREADY_CANCELLED)
    requested = amount_of(data.get("amount"))
    if data.get("amount") not in (None, "") and requested is None:
        return fail(200, 1, "amount 파라메터가 올바르지 않습니다.")
    amount = requested or balance
    if amount < 0:
        return fail(200, 1, "취소요청 금액이 올바르지 않습니다.")
    if amount > balance:
        return fail(
            200, 1, f"취소요청 금액({exact(amount)})이 취소가능 잔액({exact(balance)})보다 큽니다."
        )
    if data.get("checksum") is not None:
        checksum = amount_of(data.get("checksum"))
        if checksum != balance:
            return fail(
                200,
                1,
                f"취소가능 잔액({exact(balance)})과 checksum이 달라 취소요청을 거절합니다.",
            )
    refund_fields = ("refund_holder", "refund_bank", "refund_account")
    if payment["pay_method"] == "vbank" and not all(text(data, f) for f in refund_fields):
        return fail(
            200, 1, "가상계좌 환불에는 refund_holder, refund_bank, refund_account가 필요합니다."
        )
    now = state.now()
    reason = text(data, "reason") or "취소요청"
    entry = cancel_entry(state.rng, exact(amount), now, reason)
    payment["cancel_amount"] = exact(Decimal(payment["cancel_amount"]) + amount)
    payment["cancel_history"].append(entry)
    payment["cancel_receipt_urls"].append(entry["receipt_url"])
    payment.update(status="cancelled", cancelled_at=now, cancel_reason=reason)
    state.version += 1
    state.stats.cancels += 1
    state.stats.cancelled_amount = exact(Decimal(state.stats.cancelled_amount) + amount)
    return ok(payment)


def _prepared_view(prepared: dict[str, Any]) -> dict[str, Any]:
    return dict(prepared)


@route("POST", "/payments/prepare")
def prepare_payment(state: FakeState, request: FakeRequest) -> Reply:
    """Pre-register the amount of an order; an order can be prepared once (PUT edits it)."""
    data = request.data()
    merchant_uid = text(data, "merchant_uid")
    amount = amount_of(data.get("amount"))
    if merchant_uid is None or amount is None or amount < 0:
        return fail(200, 1, "merchant_uid, amount 파라메터가 필요합니다.")
    if merchant_uid in state.prepared:
        return fail(200, 1, "이미 등록된 merchant_uid입니다.")
    record = {
        "merchant_uid": merchant_uid,
        "amount": exact(amount),
        "currency": text(data, "currency") or "KRW",
    }
    state.prepared[merchant_uid] = record
    return ok(_prepared_view(record))


@route("PUT", "/payments/prepare")
def edit_prepared_payment(state: FakeState, request: FakeRequest) -> Reply:
    data = request.data()
    merchant_uid = text(data, "merchant_uid") or ""
    amount = amount_of(data.get("amount"))
    record = state.prepared.get(merchant_uid)
    if record is None:
        return fail(404, -1, "요청된 merchant_uid 로 등록된 결제사전정보를 찾을 수 없습니다.")
    if amount is None or amount < 0:
        return fail(200, 1, "amount 파라메터가 올바르지 않습니다.")
    record["amount"] = exact(amount)
    if text(data, "currency"):
        record["currency"] = text(data, "currency")
    return ok(_prepared_view(record))


@route("GET", "/payments/prepare/{merchant_uid}")
def get_prepared_payment(state: FakeState, request: FakeRequest) -> Reply:
    """The spec documents only 200 here: an unknown order is a business refusal."""
    record = state.prepared.get(request.path_params["merchant_uid"])
    if record is None:
        return fail(200, 1, "사전등록된 결제정보가 존재하지 않습니다.")
    return ok(_prepared_view(record))


def _split(amount: Decimal, cash: bool = True) -> dict[str, int | Decimal]:
    """``PaymentBalanceAnnotation``: VAT is 1/11 of a taxed amount."""
    if not cash:
        amount = Decimal(0)
    vat = (amount / 11).quantize(Decimal(1))
    return {"tax_free": 0, "supply": exact(amount - vat), "vat": exact(vat), "service": 0}


def _balance(amount: Decimal, cash: bool) -> dict[str, Any]:
    zero = _split(Decimal(0))
    return {
        "cash_receipt": _split(amount, cash),
        "primary": _split(amount),
        "secondary": zero,
        "discount": zero,
    }


@route("GET", "/payments/{imp_uid}/balance")
def get_balance(state: FakeState, request: FakeRequest) -> Reply:
    """The refundable balance split into supply and VAT (1/11): the primary means of payment
    holds it all (no points, no discounts); the cash-receipt part is the primary part for
    cash methods. ``histories`` gives the split after the approval and after each cancel."""
    payment = state.find_payment(request.path_params["imp_uid"], _tier(request))
    if payment is None:
        return fail(404, -1, NOT_FOUND)
    cash = payment["pay_method"] in ("trans", "vbank")
    remaining = Decimal(payment["amount"])
    histories = []
    if payment["paid_at"]:
        histories.append({**_balance(remaining, cash), "created": payment["paid_at"]})
    for cancel in payment["cancel_history"]:
        remaining -= Decimal(cancel["amount"])
        histories.append({**_balance(remaining, cash), "created": cancel["cancelled_at"]})
    balance = Decimal(payment["amount"]) - Decimal(payment["cancel_amount"])
    return ok({"amount": exact(balance), **_balance(balance, cash), "histories": histories})
