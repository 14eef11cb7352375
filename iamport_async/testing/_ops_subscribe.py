"""Billing keys and the payments made with them: onetime, again, schedules.

Test cards: any well-formed number is approved, except :data:`DECLINED_CARD` (refused with
``code -1`` as a card company refusal, as real answers show) and
:data:`UNDERFUNDED_CARD` (accepted, but each charge comes back ``status: failed``, code 0:
the API's billing-key docs say "check response.status").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import amount_of, buyer_of, exact, text
from iamport_async.testing._records import (
    BUYER_FIELDS,
    CARDS,
    PGS,
    make_payment,
    mask,
    masked_card,
)
from iamport_async.testing._router import lookup, route
from iamport_async.testing._state import FakeState

DECLINED_CARD = "4000-0000-0000-0002"
UNDERFUNDED_CARD = "4000-0000-0000-9995"
CARD_REFUSED = "카드정보 인증에 실패하였습니다. [카드번호 또는 유효기간 오류]"
UNKNOWN_CUSTOMER = "등록되지 않은 구매자입니다."
ALREADY_PAID = "이미 결제가 이루어진 거래건입니다."
_CARD = re.compile(r"\d{4}-?\d{4}-?\d{4}-?\d{3,4}")
_EXPIRY = re.compile(r"\d{4}-?(0[1-9]|1[0-2])")


def _card_problem(data: dict[str, Any]) -> Reply | None:
    """Card data checked as a PG would: a malformed or declined card is refused."""
    card = text(data, "card_number") or ""
    expiry = text(data, "expiry") or ""
    if not _CARD.fullmatch(card) or not _EXPIRY.fullmatch(expiry) or card == DECLINED_CARD:
        return fail(200, -1, CARD_REFUSED)
    return None


def _issue_customer(state: FakeState, customer_uid: str, data: dict[str, Any]) -> dict[str, Any]:
    """Store a billing key; the card number is kept masked, expiry and the rest not at all."""
    now = state.now()
    code, card_name = state.rng.choice(CARDS)
    pg_provider, pg_id = PGS[0]
    previous = state.customers.get(customer_uid)
    record: dict[str, Any] = {
        "customer_uid": customer_uid,
        "pg_provider": pg_provider,
        "pg_id": pg_id,
        "sandbox": False,
        "customer_id": text(data, "customer_id"),
        "card_name": card_name,
        "card_code": code,
        "card_issuer_code": code,
        "card_issuer_name": card_name,
        "card_publisher_code": code,
        "card_publisher_name": card_name,
        "card_number": mask(text(data, "card_number") or ""),
        "card_type": 0,
        "customer_name": text(data, "customer_name"),
        "customer_tel": text(data, "customer_tel"),
        "customer_email": text(data, "customer_email"),
        "customer_addr": text(data, "customer_addr"),
        "customer_postcode": text(data, "customer_postcode"),
        "inserted": previous["inserted"] if previous else now,
        "updated": now,
    }
    state.customers[customer_uid] = record
    if text(data, "card_number") == UNDERFUNDED_CARD:
        state.underfunded_customers.add(customer_uid)
    else:
        state.underfunded_customers.discard(customer_uid)
    return record


def _customer_missing(customer_uid: str) -> Reply:
    """Observed as HTTP 200, code 1 (in real answers), though the spec lists 404."""
    return fail(200, 1, f"요청하신 customer_uid({customer_uid})로 등록된 정보를 찾을 수 없습니다.")


@route("POST", "/subscribe/customers/{customer_uid}")
def issue_billing_key(state: FakeState, request: FakeRequest) -> Reply:
    data = request.data()
    problem = _card_problem(data)
    if problem is not None:
        return problem
    return ok(_issue_customer(state, request.path_params["customer_uid"], data))


@route("GET", "/subscribe/customers/{customer_uid}")
def get_billing_key(state: FakeState, request: FakeRequest) -> Reply:
    customer_uid = request.path_params["customer_uid"]
    record = state.customers.get(customer_uid)
    return _customer_missing(customer_uid) if record is None else ok(record)


@route("DELETE", "/subscribe/customers/{customer_uid}")
def delete_billing_key(state: FakeState, request: FakeRequest) -> Reply:
    customer_uid = request.path_params["customer_uid"]
    record = state.customers.pop(customer_uid, None)
    if record is None:
        return _customer_missing(customer_uid)
    state.underfunded_customers.discard(customer_uid)
    return ok(record)


@route("GET", "/subscribe/customers")
def get_billing_keys(state: FakeState, request: FakeRequest) -> Reply:
    """200 all found, 207 some, 404 none (the spec's ``GET /subscribe/customers``)."""
    asked = request.args("customer_uid[]")
    state.stats.max_multi_ids = max(state.stats.max_multi_ids, len(asked))
    found = {uid: state.customers[uid] for uid in asked if uid in state.customers}
    if not found:
        return fail(404, -1, "유효하지 않은 customer_uid입니다.")
    return ok(list(found.values()), 200 if len(found) == len(set(asked)) else 207)


def _charge(
    state: FakeState,
    request: FakeRequest,
    data: dict[str, Any],
    *,
    customer_uid: str | None,
    usage: str | None,
    card_number: str,
) -> dict[str, Any]:
    """Create the card payment a charge makes: paid, or failed for an underfunded card."""
    now = state.now()
    declined = customer_uid in state.underfunded_customers or (
        customer_uid is None and text(data, "card_number") == UNDERFUNDED_CARD
    )
    amount = amount_of(data.get("amount")) or Decimal(0)
    fields: dict[str, Any] = {
        "imp_uid": state.new_imp_uid(),
        "merchant_uid": text(data, "merchant_uid"),
        "pay_method": "card",
        "channel": "api",
        "amount": exact(amount),
        "currency": text(data, "currency") or "KRW",
        "name": text(data, "name") or "정기결제",
        "card_number": card_number,
        "card_quota": int(data.get("card_quota") or 0),
        "status": "failed" if declined else "paid",
        "started_at": now,
        "paid_at": 0 if declined else now,
        "failed_at": now if declined else 0,
        "fail_reason": "[카드사] 잔액부족" if declined else None,
        "customer_uid": customer_uid,
        "customer_uid_usage": usage,
        "custom_data": text(data, "custom_data"),
    }
    if declined:
        fields.update(apply_num=None, receipt_url=None)
    fields.update(buyer_of(data))
    record = make_payment(state.rng, now, **fields)
    state.store_payment(record, tier=request.headers.get("tier"))
    return record


def _order_problem(state: FakeState, data: dict[str, Any]) -> Reply | None:
    """A paid merchant_uid cannot pay again; a prepared order must be paid its amount."""
    merchant_uid = text(data, "merchant_uid")
    amount = amount_of(data.get("amount"))
    if merchant_uid is None or amount is None or amount <= 0:
        return fail(200, 1, "merchant_uid, amount 파라메터가 올바르지 않습니다.")
    if state.merchant_uid_paid(merchant_uid):
        return fail(200, 1, ALREADY_PAID)
    prepared = state.prepared.get(merchant_uid)
    if prepared is not None and Decimal(prepared["amount"]) != amount:
        return fail(200, 1, "사전등록된 결제금액과 요청금액이 일치하지 않습니다.")
    return None


@route("POST", "/subscribe/payments/onetime")
def onetime(state: FakeState, request: FakeRequest) -> Reply:
    """A key-in payment; with ``customer_uid`` the card is also kept as a billing key."""
    data = request.data()
    problem = _order_problem(state, data) or _card_problem(data)
    if problem is not None:
        return problem
    customer_uid = text(data, "customer_uid")
    if customer_uid is not None:
        card_number = _issue_customer(state, customer_uid, data)["card_number"]
    else:
        card_number = mask(text(data, "card_number") or "")
    usage = "issue" if customer_uid else None
    return ok(
        _charge(
            state, request, data, customer_uid=customer_uid, usage=usage, card_number=card_number
        )
    )


@route("POST", "/subscribe/payments/again")
def again(state: FakeState, request: FakeRequest) -> Reply:
    """A charge on a billing key. Code 0 means the PG answered: ``status`` says whether it
    was approved (the API's billing-key docs)."""
    data = request.data()
    customer_uid = text(data, "customer_uid") or ""
    customer = state.customers.get(customer_uid)
    if customer is None:
        return fail(200, 1, UNKNOWN_CUSTOMER)
    problem = _order_problem(state, data)
    if problem is not None:
        return problem
    return ok(
        _charge(
            state,
            request,
            data,
            customer_uid=customer_uid,
            usage="payment",
            card_number=customer["card_number"],
        )
    )


SCHEDULE_COPIED = [
    "amount",
    "currency",
    "name",
    *BUYER_FIELDS,
    "custom_data",
]


@route("POST", "/subscribe/payments/schedule")
def schedule(state: FakeState, request: FakeRequest) -> Reply:
    """Schedule charges; every entry needs its own, unused merchant_uid. All or nothing."""
    data = request.data()
    customer_uid = text(data, "customer_uid")
    entries = data.get("schedules")
    if customer_uid is None or not isinstance(entries, list) or not entries:
        return fail(200, 1, "customer_uid, schedules 파라메터가 필요합니다.")
    if customer_uid not in state.customers and text(data, "card_number") is None:
        return fail(200, 1, UNKNOWN_CUSTOMER)
    now = state.now()
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            return fail(200, 1, "schedules 파라메터가 올바르지 않습니다.")
        merchant_uid = text(entry, "merchant_uid")
        amount = amount_of(entry.get("amount"))
        at = amount_of(entry.get("schedule_at"))
        name = text(entry, "name")
        if merchant_uid is None or at is None or name is None or amount is None or amount <= 0:
            return fail(200, 1, "merchant_uid, schedule_at, amount, name은 필수입니다.")
        if at <= now:
            return fail(200, 1, "결제예약 시각은 현재 이후여야 합니다.")
        taken = state.schedules.get(merchant_uid)
        if (
            merchant_uid in seen
            or (taken is not None and taken["schedule_status"] != "revoked")
            or state.merchant_uid_paid(merchant_uid)
        ):
            return fail(200, 1, f"이미 사용된 merchant_uid입니다: {merchant_uid}")
        seen.add(merchant_uid)
    if text(data, "card_number") is not None:
        problem = _card_problem(data)
        if problem is not None:
            return problem
        _issue_customer(state, customer_uid, data)
    customer = state.customers[customer_uid]
    created = []
    for entry in entries:
        record: dict[str, Any] = {
            "customer_uid": customer_uid,
            "merchant_uid": text(entry, "merchant_uid"),
            "imp_uid": None,
            "pg_provider": customer["pg_provider"],
            "pg_id": customer["pg_id"],
            "customer_id": customer["customer_id"],
            "schedule_at": int(Decimal(str(entry["schedule_at"]))),
            "executed_at": 0,
            "revoked_at": 0,
            "schedule_status": "scheduled",
            "payment_status": None,
            "fail_reason": None,
            "promotion_id": None,
        }
        for field in SCHEDULE_COPIED:
            record[field] = text(entry, field)
        record["amount"] = exact(amount_of(entry["amount"]) or Decimal(0))
        record["currency"] = record["currency"] or "KRW"
        state.schedules[record["merchant_uid"]] = record
        created.append(record)
    return ok(created)


@route("POST", "/subscribe/payments/unschedule")
def unschedule(state: FakeState, request: FakeRequest) -> Reply:
    """Revoke scheduled charges by customer_uid and/or merchant_uid; code 1 if none is left."""
    data = request.data()
    customer_uid = text(data, "customer_uid")
    wanted = data.get("merchant_uid")
    merchant_uids = [wanted] if isinstance(wanted, str) else list(wanted or [])
    if customer_uid is None and not merchant_uids:
        return fail(200, 1, "customer_uid 또는 merchant_uid 파라메터가 필요합니다.")
    if merchant_uids:
        candidates = [state.schedules[m] for m in merchant_uids if m in state.schedules]
    else:
        candidates = list(state.schedules.values())
    revoked = [
        s
        for s in candidates
        if s["schedule_status"] == "scheduled"
        and (customer_uid is None or s["customer_uid"] == customer_uid)
    ]
    if not revoked:
        return fail(200, 1, "취소할 예약결제 기록이 존재하지 않습니다.")
    now = state.now()
    for record in revoked:
        record.update(schedule_status="revoked", revoked_at=now)
    return ok(revoked)


lookup(
    "/subscribe/payments/schedule/{merchant_uid}",
    lambda state: state.schedules,
    "merchant_uid로 조회되는 예약결제건이 존재하지 않습니다.",
)


def run_due_schedules(state: FakeState) -> list[dict[str, Any]]:
    """Execute every scheduled charge whose time has come; return the schedules run."""
    now = state.now()
    due = [
        s
        for s in state.schedules.values()
        if s["schedule_status"] == "scheduled" and s["schedule_at"] <= now
    ]
    for record in due:
        charge_schedule(state, record)
    return due


def charge_schedule(state: FakeState, record: dict[str, Any]) -> dict[str, Any]:
    """Charge a schedule's billing key now (its time came, or a retry); the schedule records
    the outcome. Returns the payment."""
    customer = state.customers.get(record["customer_uid"])
    request = FakeRequest("POST", "/subscribe/payments/schedule", {})
    data = dict(record)
    data["merchant_uid"] = record["merchant_uid"]
    payment = _charge(
        state,
        request,
        data,
        customer_uid=record["customer_uid"],
        usage="payment.scheduled",
        card_number=customer["card_number"] if customer else masked_card(state.rng),
    )
    record.update(
        imp_uid=payment["imp_uid"],
        executed_at=state.now(),
        schedule_status="executed",
        payment_status=payment["status"],
        fail_reason=payment["fail_reason"],
    )
    return payment
