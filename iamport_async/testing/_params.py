"""Reading parameters the way the server does, and the paged answer shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._records import BUYER_FIELDS

MAX_PAGE_SIZE = 1000


class BadParameter(Exception):
    """A parameter the server refuses; turned into the operation's error answer."""


def int_arg(request: FakeRequest, name: str, default: int) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(f"{name} 파라메터가 올바르지 않습니다.") from None


def amount_of(value: object) -> Decimal | None:
    """A number from JSON or a form; ``None`` when absent or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def exact(amount: Decimal) -> int | Decimal:
    return int(amount) if amount == amount.to_integral_value() else amount


def text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    return str(value)


def buyer_of(data: dict[str, Any]) -> dict[str, str]:
    """The buyer's details a request gave (``buyer_name`` ...), as a payment keeps them."""
    return {field: value for field in BUYER_FIELDS if (value := text(data, field)) is not None}


def paged(
    items: Sequence[dict[str, Any]], request: FakeRequest, view: Callable[[Any], Any] = dict
) -> Reply:
    """``{total, previous, next, list}`` for ``page``/``limit``; 0 means "no such page", and
    a page past the end is a 400 (the spec's paged listings)."""
    page = int_arg(request, "page", 1)
    limit = int_arg(request, "limit", 20)
    if page < 1 or not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadParameter("page 또는 limit 파라메터가 올바르지 않습니다.")
    total = len(items)
    start = (page - 1) * limit
    if page > 1 and start >= total:
        return fail(400, -1, "요청하신 page가 데이터 범위를 넘어섰습니다.")
    return ok(
        {
            "total": total,
            "previous": page - 1,
            "next": page + 1 if start + limit < total else 0,
            "list": [view(item) for item in items[start : start + limit]],
        }
    )
