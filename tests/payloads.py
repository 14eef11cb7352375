"""Payment payloads shaped like the API's answers, shared by the payment tests of
every area (endpoints, models, engine)."""

from __future__ import annotations

from typing import Any


def payment(imp_uid: str, merchant_uid: str | None = None, **fields: Any) -> dict[str, Any]:
    """A paid 1,000 KRW payment as ``GET /payments/{imp_uid}`` sends it (timestamps as ints)."""
    return {
        "imp_uid": imp_uid,
        "merchant_uid": merchant_uid if merchant_uid is not None else f"order-{imp_uid}",
        "pay_method": "card",
        "channel": "pc",
        "pg_provider": "html5_inicis",
        "pg_tid": "StdpayCARD_1",
        "sandbox": False,
        "escrow": False,
        "amount": 1000,
        "cancel_amount": 0,
        "currency": "KRW",
        "status": "paid",
        "card_type": 0,
        "started_at": 1_700_000_000,
        "paid_at": 1_700_000_060,
        "failed_at": 0,
        "cancelled_at": 0,
        "cancel_history": [],
        "cancel_receipt_urls": [],
        "customer_uid": None,
        "customer_uid_usage": None,
        **fields,
    }
