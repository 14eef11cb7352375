"""Payloads and request readers shared by the endpoint tests (receipts, vbanks, escrow ...)."""

from __future__ import annotations

import json
from typing import Any

import respx

NOW = 1_700_000_000


def body_of(route: respx.Route) -> Any:
    """The JSON body of the last request ``route`` saw."""
    return json.loads(route.calls.last.request.content)


def query_of(route: respx.Route) -> dict[str, str]:
    return dict(route.calls.last.request.url.params)


def payment(**fields: Any) -> dict[str, Any]:
    """A spec-shaped ``PaymentAnnotation`` for a ready virtual account."""
    return {
        "imp_uid": "imp_100000000001",
        "merchant_uid": "order-1",
        "amount": 15000,
        "cancel_amount": 0,
        "currency": "KRW",
        "status": "ready",
        "sandbox": False,
        "pay_method": "vbank",
        "pg_provider": "settle",
        "vbank_code": "004",
        "vbank_name": "KB국민은행",
        "vbank_num": "12345678901234",
        "vbank_holder": "홍길동",
        "vbank_date": NOW + 86_400,
        "vbank_issued_at": NOW,
        **fields,
    }
