"""KCP Quick Pay: members, auto-payment keys, order pre-registration and the two charges.

Members (and their auto-payment keys) are added with ``fake.add_kcpquick_member(member_id,
autopay_customer_uid=...)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, found, ok
from iamport_async.testing._params import amount_of, exact, text
from iamport_async.testing._records import make_payment
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

_NO_MEMBER = "등록되지 않은 KCP 퀵페이 회원입니다."
_PREPARE_FIELDS = ("btid", "cust_ip", "code_verifier")


def _new_payment(
    state: FakeState, request: FakeRequest, data: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    now = state.now()
    record = make_payment(
        state.rng,
        now,
        merchant_uid=text(data, "merchant_uid"),
        pay_method="point",
        channel="api",
        pg_provider="kcp_quick",
        pg_id="A52CY",
        amount=exact(amount_of(data.get("amount")) or Decimal(0)),
        name=text(data, "name") or "KCP 퀵페이",
        started_at=now,
        paid_at=now,
        **fields,
    )
    state.store_payment(record, tier=request.headers.get("tier"))
    return record


def _order_problem(state: FakeState, data: dict[str, Any]) -> Reply | None:
    amount = amount_of(data.get("amount"))
    merchant_uid = text(data, "merchant_uid")
    if merchant_uid is None or amount is None or amount <= 0 or text(data, "name") is None:
        return fail(200, 1, "merchant_uid, name, amount 파라메터가 필요합니다.")
    if state.merchant_uid_paid(merchant_uid):
        return fail(200, 1, "이미 결제가 이루어진 거래건입니다.")
    return None


@route("POST", "/kcpquick/payment/money")
def pay_with_money(state: FakeState, request: FakeRequest) -> Reply:
    """Settle the PIN-checked order ``imp_uid``: a ``ready`` payment the fake holds becomes
    ``paid`` with this amount; an ``imp_uid`` it does not hold (the PIN check happened in a
    browser the fake never saw) becomes a new paid payment."""
    data = request.data()
    problem = _order_problem(state, data)
    if problem is not None:
        return problem
    if text(data, "member_id") not in state.kcpquick_members:
        return fail(200, 1, _NO_MEMBER)
    imp_uid = text(data, "imp_uid") or state.new_imp_uid()
    held = state.payments.get(imp_uid)
    if held is None:
        return ok(_new_payment(state, request, data, imp_uid=imp_uid))
    if held["status"] != "ready":
        return fail(200, 1, "결제대기(ready) 상태의 거래건이 아닙니다.")
    now = state.now()
    held.update(status="paid", paid_at=now, amount=exact(amount_of(data["amount"]) or Decimal(0)))
    state.version += 1
    return ok(held)


@route("POST", "/kcpquick/payment/autopay")
def pay_with_autopay(state: FakeState, request: FakeRequest) -> Reply:
    data = request.data()
    problem = _order_problem(state, data)
    if problem is not None:
        return problem
    customer_uid = text(data, "customer_uid") or ""
    if customer_uid not in state.kcpquick_autopay:
        return fail(200, 1, "등록되지 않은 자동결제 키입니다.")
    return ok(
        _new_payment(
            state,
            request,
            data,
            imp_uid=state.new_imp_uid(),
            customer_uid=customer_uid,
            customer_uid_usage="payment",
            buyer_name=text(data, "buyer_name"),
        )
    )


def _prepare_problem(data: dict[str, Any]) -> Reply | None:
    missing = [name for name in _PREPARE_FIELDS if text(data, name) is None]
    if missing:
        return fail(400, -1, f"{', '.join(missing)} 파라메터가 필요합니다.")
    return None


@route("POST", "/kcpquick/prepare/{merchant_uid}")
def prepare(state: FakeState, request: FakeRequest) -> Reply:
    """Once per order (409 for a second registration); the answer has no payload."""
    merchant_uid = request.path_params["merchant_uid"]
    data = request.data()
    problem = _prepare_problem(data)
    if problem is not None:
        return problem
    if merchant_uid in state.kcpquick_prepared:
        return fail(409, -1, "이미 사전등록된 merchant_uid입니다.")
    state.kcpquick_prepared[merchant_uid] = dict(data)
    return ok(None)


@route("PUT", "/kcpquick/prepare/{merchant_uid}")
def update_prepare(state: FakeState, request: FakeRequest) -> Reply:
    """Replace a registration made before (404 otherwise); no payload."""
    merchant_uid = request.path_params["merchant_uid"]
    data = request.data()
    problem = _prepare_problem(data)
    if problem is not None:
        return problem
    if merchant_uid not in state.kcpquick_prepared:
        return fail(404, -1, "사전등록되지 않은 merchant_uid입니다.")
    state.kcpquick_prepared[merchant_uid] = dict(data)
    return ok(None)


@route("DELETE", "/kcpquick/members/{member_id}")
def delete_member(state: FakeState, request: FakeRequest) -> Reply:
    """Gone for good, with its auto-payment keys; a second delete is 404."""
    if not all(request.arg(name) for name in ("site_code", "partner_type", "partner_subtype")):
        return fail(404, -1, "site_code, partner_type, partner_subtype 파라메터가 필요합니다.")
    member = state.kcpquick_members.pop(request.path_params["member_id"], None)
    if member is not None:
        for key, record in list(state.kcpquick_autopay.items()):
            if record["member_id"] == member["member_id"]:
                del state.kcpquick_autopay[key]
    return found(member, _NO_MEMBER)


@route("DELETE", "/kcpquick/autopay/{customer_uid}")
def delete_autopay(state: FakeState, request: FakeRequest) -> Reply:
    key = state.kcpquick_autopay.pop(request.path_params["customer_uid"], None)
    if key is None:
        return fail(404, -1, "등록되지 않은 자동결제 키입니다.")
    deleted = {"customer_uid": key["customer_uid"]}
    return ok(deleted, message="자동결제 키가 정상적으로 삭제되었습니다.")


@route("POST", "/kcpquick/members/{member_id}/fido/release")
def release_fido(state: FakeState, request: FakeRequest) -> Reply:
    """A member's biometric login is turned off (refused with 400 for an unknown member)."""
    member = state.kcpquick_members.get(request.path_params["member_id"])
    if member is None or text(request.data(), "channel_key") is None:
        return fail(400, -1, _NO_MEMBER)
    member["updated"] = state.now()
    return ok({"member_id": member["member_id"]}, message="FIDO 인증이 해제되었습니다.")
