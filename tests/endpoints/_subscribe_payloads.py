"""Payloads shaped like the API's answers for the billing-key and subscription tests."""

from __future__ import annotations

from typing import Any


def customer(customer_uid: str = "cust_1", **fields: Any) -> dict[str, Any]:
    """A billing key as ``GET /subscribe/customers/{customer_uid}`` sends it."""
    return {
        "customer_uid": customer_uid,
        "pg_provider": "nice_v2",
        "pg_id": "nictest04m",
        "sandbox": True,
        "customer_id": None,
        "card_name": "BC카드",
        "card_code": "361",
        "card_issuer_code": None,
        "card_issuer_name": None,
        "card_publisher_code": None,
        "card_publisher_name": None,
        "card_number": "53651017****7540",
        "card_type": 0,
        "customer_name": "홍길동",
        "customer_tel": "010-1234-5678",
        "customer_email": "buyer@example.com",
        "customer_addr": None,
        "customer_postcode": None,
        "inserted": 1_700_000_000,
        "updated": 1_700_000_500,
        **fields,
    }


def super_billing_key(customer_uid: str = "cust_1", **fields: Any) -> dict[str, Any]:
    """A billing key issued on a smart-routing group (``SuperBillingKeyAnnotation``)."""
    return {
        "customer_uid": customer_uid,
        "channelGroupId": "group_1",
        "customer_name": "홍길동",
        "succeededChannels": [
            {
                "pg_provider": "nice_v2",
                "pg_id": "nictest04m",
                "card_name": "BC카드",
                "card_number": "53651017****7540",
                "card_type": None,
                "inserted": 1_700_000_000,
                "updated": 1_700_000_000,
            }
        ],
        "failedChannels": [
            {
                "type": "PG_PROVIDER",
                "message": "카드정보 인증에 실패하였습니다.",
                "pg_provider": "tosspayments",
                "pg_id": "tosstest",
            }
        ],
        **fields,
    }


def payment(merchant_uid: str = "order_1", status: str = "paid", **fields: Any) -> dict[str, Any]:
    """A billing-key payment as ``POST /subscribe/payments/again`` answers it."""
    return {
        "imp_uid": f"imp_{merchant_uid}",
        "merchant_uid": merchant_uid,
        "pay_method": "card",
        "channel": "api",
        "pg_provider": "nice_v2",
        "sandbox": True,
        "amount": 9900,
        "cancel_amount": 0,
        "currency": "KRW",
        "name": "월간 이용권",
        "status": status,
        "card_type": 0,
        "started_at": 1_700_000_000,
        "paid_at": 1_700_000_001 if status == "paid" else 0,
        "failed_at": 1_700_000_001 if status == "failed" else 0,
        "cancelled_at": 0,
        "fail_reason": "한도초과" if status == "failed" else None,
        "cancel_history": [],
        "customer_uid": "cust_1",
        "customer_uid_usage": "payment",
        **fields,
    }


def schedule(merchant_uid: str = "order_1", **fields: Any) -> dict[str, Any]:
    """A schedule as the schedule endpoints answer it (``ScheduleResultAnnotation``)."""
    return {
        "customer_uid": "cust_1",
        "merchant_uid": merchant_uid,
        "imp_uid": None,
        "schedule_at": 1_800_000_000,
        "executed_at": 0,
        "revoked_at": 0,
        "amount": 9900,
        "currency": "KRW",
        "name": "월간 이용권",
        "buyer_name": "홍길동",
        "buyer_email": "buyer@example.com",
        "buyer_tel": "010-1234-5678",
        "buyer_addr": None,
        "buyer_postcode": None,
        "custom_data": None,
        "schedule_status": "scheduled",
        "payment_status": None,
        "fail_reason": None,
        **fields,
    }


def paged(items: list[dict[str, Any]], *, total: int, page: int, last: int) -> dict[str, Any]:
    """The paged object ``{total, previous, next, list}`` (0 where there is no such page)."""
    return {
        "total": total,
        "previous": page - 1,
        "next": page + 1 if page < last else 0,
        "list": items,
    }
