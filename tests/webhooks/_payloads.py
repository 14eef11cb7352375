"""Payments as ``GET /payments/{imp_uid}`` sends them, for the webhook tests."""

from __future__ import annotations

from typing import Any

PAID_AT = 1_700_000_100


def payment(
    imp_uid: str = "imp_100",
    merchant_uid: str = "order-1",
    *,
    amount: int | float | str = 15000,
    status: str = "paid",
    **fields: Any,
) -> dict[str, Any]:
    """A payment payload; timestamps as ints, as the server sends them."""
    return {
        "imp_uid": imp_uid,
        "merchant_uid": merchant_uid,
        "amount": amount,
        "cancel_amount": 0,
        "currency": "KRW",
        "status": status,
        "pay_method": "card",
        "paid_at": PAID_AT if status == "paid" else 0,
        "cancelled_at": 0,
        "failed_at": 0,
        "card_number": "5361-****-****-1234",
        "buyer_name": "홍길동",
        **fields,
    }
