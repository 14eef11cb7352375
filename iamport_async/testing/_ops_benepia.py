"""Benepia points: the balance of a member's login, and paying with points.

Members are added with ``fake.add_benepia_member(user, password, points)``. The API answers
every refusal (wrong login, too few points) with HTTP 500 and its envelope, and so does the
fake.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._params import amount_of, buyer_of, exact, text
from iamport_async.testing._records import make_payment
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

_BAD_LOGIN = "베네피아 아이디 또는 비밀번호가 일치하지 않습니다."


def _member(state: FakeState, data: dict[str, Any]) -> dict[str, Any] | None:
    member = state.benepia_members.get(text(data, "benepia_user") or "")
    if member is None or member["password"] != text(data, "benepia_password"):
        return None
    return member


@route("POST", "/benepia/point")
def points(state: FakeState, request: FakeRequest) -> Reply:
    member = _member(state, request.data())
    if member is None:
        return fail(500, -1, _BAD_LOGIN)
    return ok({"point": member["points"]})


@route("POST", "/benepia/payment")
def pay(state: FakeState, request: FakeRequest) -> Reply:
    """Points are spent and a ``paid`` payment (``pay_method: point``) made, once per
    ``merchant_uid``."""
    data = request.data()
    member = _member(state, data)
    if member is None:
        return fail(500, -1, _BAD_LOGIN)
    merchant_uid = text(data, "merchant_uid")
    amount = amount_of(data.get("amount"))
    if merchant_uid is None or amount is None or amount <= 0 or text(data, "name") is None:
        return fail(500, -1, "merchant_uid, amount, name 파라메터가 필요합니다.")
    if state.merchant_uid_paid(merchant_uid):
        return fail(500, -1, "이미 결제가 이루어진 거래건입니다.")
    if Decimal(member["points"]) < amount:
        return fail(500, -1, f"포인트가 부족합니다. (잔여 {member['points']})")
    member["points"] = exact(Decimal(member["points"]) - amount)
    now = state.now()
    fields: dict[str, Any] = {
        "imp_uid": state.new_imp_uid(),
        "merchant_uid": merchant_uid,
        "pay_method": "point",
        "channel": "api",
        "pg_provider": "benepia",
        "pg_id": text(data, "benepia_member_code") or "benepia_test",
        "sandbox": text(data, "benepia_member_code") is None,
        "amount": exact(amount),
        "name": str(data["name"]),
        "started_at": now,
        "paid_at": now,
        "custom_data": text(data, "custom_data"),
    }
    fields.update(buyer_of(data))
    record = make_payment(state.rng, now, **fields)
    state.store_payment(record, tier=request.headers.get("tier"))
    return ok(record)
