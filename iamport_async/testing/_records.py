"""Payment records shaped exactly like the spec's ``PaymentAnnotation``, and a generator of
realistic ones.

Timestamps are ints (UNIX seconds, 0 when not applicable), money is int (or ``Decimal`` for a
currency with a fraction), fields that do not apply to the payment method are ``null`` as the
real API sends them.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

BUYER_FIELDS = ("buyer_name", "buyer_email", "buyer_tel", "buyer_addr", "buyer_postcode")
"""The buyer's details, as payments, charges and schedules name them (billing keys say
``customer_*``)."""

PAYMENT_FIELDS = [
    "imp_uid",
    "merchant_uid",
    "pay_method",
    "channel",
    "pg_provider",
    "emb_pg_provider",
    "pg_tid",
    "pg_id",
    "sandbox",
    "escrow",
    "apply_num",
    "bank_code",
    "bank_name",
    "card_code",
    "card_name",
    "card_issuer_code",
    "card_issuer_name",
    "card_publisher_code",
    "card_publisher_name",
    "card_quota",
    "card_number",
    "card_type",
    "vbank_code",
    "vbank_name",
    "vbank_num",
    "vbank_holder",
    "vbank_date",
    "vbank_issued_at",
    "name",
    "amount",
    "cancel_amount",
    "currency",
    *BUYER_FIELDS,
    "custom_data",
    "user_agent",
    "status",
    "started_at",
    "paid_at",
    "failed_at",
    "cancelled_at",
    "fail_reason",
    "cancel_reason",
    "receipt_url",
    "cancel_history",
    "deposit_history",
    "cancel_receipt_urls",
    "cash_receipt_issued",
    "customer_uid",
    "customer_uid_usage",
    "promotion",
]
STATUSES = ("ready", "paid", "cancelled", "failed")

CARDS = (
    ("361", "BC카드"),
    ("365", "삼성카드"),
    ("366", "신한카드"),
    ("367", "현대카드"),
    ("368", "롯데카드"),
    ("371", "NH카드"),
    ("381", "KB국민카드"),
    ("041", "우리카드"),
)
BANKS = (
    ("004", "KB국민은행"),
    ("088", "신한은행"),
    ("020", "우리은행"),
    ("081", "하나은행"),
    ("011", "NH농협은행"),
    ("003", "IBK기업은행"),
    ("090", "카카오뱅크"),
)
BANK_NAMES = dict(BANKS)
PGS = (("html5_inicis", "INIpayTest"), ("kcp", "T0000"), ("nice", "nictest00m"))
BUYERS = ("김민준", "이서연", "박지호", "최하은", "정도윤", "강서아", "조예준", "윤지우")
PRODUCTS = ("정기구독 1개월", "원두 200g", "티셔츠", "전자책", "프리미엄 멤버십", "케이블 2m")
VBANK_TTL = 3 * 86400


def money(value: object, field: str) -> int | Decimal:
    """An amount as int (or Decimal with a fraction); floats are refused: money is exact."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise TypeError(f"{field} must be an int or Decimal, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{field} must be finite")
    return int(amount) if amount == amount.to_integral_value() else amount


def masked_card(rng: random.Random) -> str:
    return f"{rng.randint(4000, 5999)}-{rng.randint(10, 99)}**-****-{rng.randint(0, 9999):04d}"


def mask(card_number: str) -> str:
    """What the API shows of a card: the first 6 and the last 4 digits."""
    digits = "".join(c for c in card_number if c.isdigit())
    return f"{digits[:4]}-{digits[4:6]}**-****-{digits[-4:]}"


def make_payment(rng: random.Random, now: int, **fields: Any) -> dict[str, Any]:
    """A full ``PaymentAnnotation`` dict: ``fields`` as given, the rest filled in plausibly
    for the payment's method and status."""
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise TypeError(f"not PaymentAnnotation fields: {sorted(unknown)}")
    status = fields.get("status", "paid")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    method = fields.get("pay_method", "card")
    amount = money(fields.get("amount", 1000), "amount")
    imp_uid = fields.get("imp_uid") or f"imp_{rng.randrange(10**12):012d}"
    started = int(fields.get("started_at", now - 60))
    reached = status in ("paid", "cancelled")
    pg_provider, pg_id = rng.choice(PGS)
    pg_tid = f"T{rng.randrange(10**15):015d}"
    record: dict[str, Any] = dict.fromkeys(PAYMENT_FIELDS)
    record.update(
        imp_uid=imp_uid,
        merchant_uid=f"order_{imp_uid[4:]}",
        pay_method=method,
        channel="pc",
        pg_provider=pg_provider,
        pg_tid=pg_tid,
        pg_id=pg_id,
        sandbox=False,
        escrow=False,
        card_quota=0,
        vbank_date=0,
        vbank_issued_at=0,
        name=rng.choice(PRODUCTS),
        amount=amount,
        cancel_amount=0,
        currency="KRW",
        buyer_name=rng.choice(BUYERS),
        buyer_email="buyer@example.com",
        buyer_tel="010-1234-5678",
        buyer_addr="서울특별시 강남구 테헤란로 1",
        buyer_postcode="06234",
        user_agent="Mozilla/5.0",
        status=status,
        started_at=started,
        paid_at=started + 5 if reached else 0,
        failed_at=started + 5 if status == "failed" else 0,
        cancelled_at=0,
        receipt_url=f"https://receipt.example.com/{pg_tid}" if reached else None,
        cancel_history=[],
        deposit_history=[],
        cancel_receipt_urls=[],
        cash_receipt_issued=False,
    )
    if method == "card":
        code, card_name = rng.choice(CARDS)
        record.update(
            apply_num=f"{rng.randrange(10**8):08d}" if reached else None,
            card_code=code,
            card_name=card_name,
            card_issuer_code=code,
            card_issuer_name=card_name,
            card_publisher_code=code,
            card_publisher_name=card_name,
            card_number=masked_card(rng),
            card_type=rng.choice((0, 1)),
        )
    elif method == "trans":
        code, bank = rng.choice(BANKS)
        record.update(bank_code=code, bank_name=bank)
    elif method == "vbank":
        code, bank = rng.choice(BANKS)
        record.update(
            vbank_code=code,
            vbank_name=bank,
            vbank_num=f"{rng.randrange(10**13):013d}",
            vbank_holder="(주)테스트상점",
            vbank_date=started + VBANK_TTL,
            vbank_issued_at=started + 1,
        )
    if status == "failed":
        record["fail_reason"] = "[카드사] 한도초과"
    record.update(fields)
    record["amount"] = amount
    record["cancel_amount"] = money(record["cancel_amount"], "cancel_amount")
    if status == "cancelled" and not fields.get("cancel_history"):
        _fill_cancel(record, rng, fields.get("cancel_amount"))
    return record


def _fill_cancel(record: dict[str, Any], rng: random.Random, cancelled: object) -> None:
    """A cancelled payment without history gets one cancel: full unless an amount says so."""
    amount = record["amount"] if cancelled in (None, 0) else money(cancelled, "cancel_amount")
    at = record["cancelled_at"] or record["paid_at"] + 60
    record["cancel_amount"] = amount
    record["cancelled_at"] = at
    record["cancel_reason"] = record["cancel_reason"] or "고객 요청"
    record["cancel_history"] = [cancel_entry(rng, amount, at, record["cancel_reason"])]
    record["cancel_receipt_urls"] = [record["cancel_history"][0]["receipt_url"]]


def cancel_entry(rng: random.Random, amount: int | Decimal, at: int, reason: str) -> dict[str, Any]:
    """One ``PaymentCancelAnnotation``."""
    tid = f"C{rng.randrange(10**15):015d}"
    return {
        "pg_tid": tid,
        "amount": amount,
        "cancelled_at": at,
        "reason": reason,
        "cancellation_id": f"cancel_{rng.randrange(10**12):012d}",
        "receipt_url": f"https://receipt.example.com/{tid}",
    }


def seed_payments(n: int, *, seed: int, now: int = 1_700_000_000) -> list[dict[str, Any]]:
    """``n`` realistic payments from ``seed`` (same seed, same payments), started over the 30
    days before ``now``: mostly paid, some cancelled fully or partly, ready virtual accounts,
    failures; card, transfer and vbank; KRW amounts; imp_uid and merchant_uid unique."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    base = rng.randrange(10**12)
    payments: list[dict[str, Any]] = []
    collecting = gc.isenabled()
    gc.disable()  # nothing here is garbage: the collector would only rescan the new dicts
    try:
        _generate(payments, rng, n, base, seed, now)
    finally:
        if collecting:
            gc.enable()
    return payments


def _generate(
    payments: list[dict[str, Any]], rng: random.Random, n: int, base: int, seed: int, now: int
) -> None:
    for i in range(n):
        roll = rng.random()
        fields: dict[str, Any] = {
            "imp_uid": f"imp_{(base + i * 7_919_007) % 10**12:012d}",
            "merchant_uid": f"ORD-{seed}-{i:08d}",
            "amount": rng.randrange(10, 5000) * 100,
            "started_at": now - rng.randrange(30 * 86400),
        }
        if roll < 0.05:
            fields.update(status="ready", pay_method="vbank")
        else:
            fields["pay_method"] = rng.choices(("card", "trans", "vbank"), (70, 15, 15))[0]
            if roll < 0.08:
                fields["status"] = "failed"
            elif roll < 0.14:
                fields["status"] = "cancelled"
            elif roll < 0.19:
                fields["status"] = "cancelled"
                fields["cancel_amount"] = fields["amount"] // 200 * 100 or 100
        payments.append(make_payment(rng, now, **fields))


def payment_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy safe to hand out: the lists are copied too."""
    view = dict(record)
    for key in ("cancel_history", "deposit_history", "cancel_receipt_urls"):
        view[key] = [dict(item) if isinstance(item, dict) else item for item in record[key]]
    return view
