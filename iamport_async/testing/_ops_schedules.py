"""Listing and changing scheduled charges, and the payments of one billing key.

Scheduling, unscheduling and running them is in ``_ops_subscribe``. The schedule listings
answer the paged object ``{total, previous, next, list}`` the official clients parse (the
spec types them as a bare array; tests/contract's facts, section 4).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._ops_subscribe import charge_schedule
from iamport_async.testing._params import BadParameter, amount_of, int_arg, paged
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

MAX_RANGE = 92 * 86400
"""A schedule listing covers at most 3 months."""
STATUSES = ("scheduled", "executed", "revoked")
_NO_SCHEDULE = "merchant_uid로 조회되는 예약결제건이 존재하지 않습니다."


def _listing(
    state: FakeState,
    request: FakeRequest,
    names: tuple[str, str, str],
    customer_uid: str | None,
) -> Reply:
    """Schedules due in ``from <= schedule_at < to``, newest first (``sorting=scheduled``:
    oldest first), filtered by status and billing key."""
    low_name, high_name, status_name = names
    status = request.arg(status_name)
    try:
        low = int_arg(request, low_name, -1)
        high = int_arg(request, high_name, -1)
    except BadParameter as error:
        return fail(400, -1, str(error))
    if low < 0 or high <= low or high - low > MAX_RANGE:
        return fail(400, -1, f"{low_name}, {high_name}: 최대 3개월 범위로 조회 가능합니다.")
    if status is not None and status not in STATUSES:
        return fail(400, -1, f"{status_name} 파라메터가 올바르지 않습니다.")
    found = [
        s
        for s in state.schedules.values()
        if low <= s["schedule_at"] < high
        and (status is None or s["schedule_status"] == status)
        and (customer_uid is None or s["customer_uid"] == customer_uid)
    ]
    oldest_first = request.arg("sorting") == "scheduled"
    found.sort(key=lambda s: (s["schedule_at"], s["merchant_uid"]), reverse=not oldest_first)
    try:
        return paged(found, request)
    except BadParameter as error:
        return fail(400, -1, str(error))


@route("GET", "/subscribe/payments/schedule")
def list_schedules(state: FakeState, request: FakeRequest) -> Reply:
    return _listing(state, request, ("schedule_from", "schedule_to", "schedule_status"), None)


@route("GET", "/subscribe/payments/schedule/customers/{customer_uid}")
def list_customer_schedules(state: FakeState, request: FakeRequest) -> Reply:
    uid = request.path_params["customer_uid"]
    return _listing(state, request, ("from", "to", "schedule-status"), uid)


@route("GET", "/subscribe/customers/{customer_uid}/schedules")
def list_billing_key_schedules(state: FakeState, request: FakeRequest) -> Reply:
    uid = request.path_params["customer_uid"]
    return _listing(state, request, ("from", "to", "schedule-status"), uid)


@route("GET", "/subscribe/customers/{customer_uid}/payments")
def billing_key_payments(state: FakeState, request: FakeRequest) -> Reply:
    """Payments made with the key, newest first; 404 for a key the fake never issued."""
    customer_uid = request.path_params["customer_uid"]
    if customer_uid not in state.customers:
        return fail(
            404, -1, f"요청하신 customer_uid({customer_uid})로 등록된 정보를 찾을 수 없습니다."
        )
    tier = request.headers.get("tier")
    payments = [
        p
        for p in state.payments.values()
        if p["customer_uid"] == customer_uid and state.visible(p, tier)
    ]
    payments.sort(key=lambda p: (p["started_at"], p["imp_uid"]), reverse=True)
    try:
        return paged(payments, request)
    except BadParameter as error:
        return fail(400, -1, str(error))


def _move(state: FakeState, request: FakeRequest, *, failed_only: bool) -> Reply:
    record = state.schedules.get(request.path_params["merchant_uid"])
    if record is None:
        return fail(404, -1, _NO_SCHEDULE)
    at = amount_of(request.data().get("schedule_at"))
    if at is None or at <= state.now():
        return fail(400, -1, "결제예약 시각은 현재 이후여야 합니다.")
    if failed_only:
        if record["schedule_status"] != "executed" or record["payment_status"] != "failed":
            return fail(400, -1, "결제가 실패한 예약건만 다시 예약할 수 있습니다.")
        record.update(schedule_status="scheduled", payment_status=None, executed_at=0)
        record.update(imp_uid=None, fail_reason=None)
    elif record["schedule_status"] != "scheduled":
        return fail(400, -1, "실행 전(scheduled) 상태의 예약건만 수정할 수 있습니다.")
    record["schedule_at"] = int(Decimal(at))
    return ok(record)


@route("PUT", "/subscribe/payments/schedule/{merchant_uid}")
def update_schedule(state: FakeState, request: FakeRequest) -> Reply:
    """Move a pending schedule (400 once it ran or was revoked)."""
    return _move(state, request, failed_only=False)


@route("POST", "/subscribe/payments/schedule/{merchant_uid}/reschedule")
def reschedule(state: FakeState, request: FakeRequest) -> Reply:
    """Schedule a failed one again (400 for any other)."""
    return _move(state, request, failed_only=True)


@route("POST", "/subscribe/payments/schedule/{merchant_uid}/retry")
def retry(state: FakeState, request: FakeRequest) -> Reply:
    """Charge a failed schedule again now: its payment, paid or (declined card) failed."""
    record: dict[str, Any] | None = state.schedules.get(request.path_params["merchant_uid"])
    if record is None:
        return fail(404, -1, _NO_SCHEDULE)
    if record["schedule_status"] != "executed" or record["payment_status"] != "failed":
        return fail(400, -1, "결제가 실패한 예약건만 재시도할 수 있습니다.")
    return ok(charge_schedule(state, record))
