"""The fake API's memory: tokens, payments, prepared amounts, billing keys, schedules,
receipts, virtual accounts and certifications, with the indexes that keep lookups O(1).

Handlers change state synchronously (no ``await`` inside a handler), so each request is
atomic, as one transaction would be on the real server.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterable
from typing import Any

import attrs

from iamport_async.clock import Clock, SystemClock
from iamport_async.testing._records import make_payment, payment_view, seed_payments
from iamport_async.testing._stats import Stats

TOKEN_LIFETIME = 1800
"""30 minutes (the access-token docs: https://portone.gitbook.io/docs-en/api/rest-api-access-token)."""
TOKEN_EXTENSION_WINDOW = 60
TOKEN_EXTENSION = 300
"""Asked again in the last minute, the same token lives 5 minutes longer (section 1)."""
TEST_CHANNEL = {
    "pg_provider": "html5_inicis",
    "pg_id": "INIpayTest",
    "sandbox": True,
    "type": "payment",
    "channel_name": "테스트 채널",
    "channel_key": "channel-key-00000000-test",
}
"""The PG setting a fresh fake's account has."""
DEFAULT_START_TIME = 1_700_000_000
"""Server time at the start when a clock is injected: a realistic date, the same every run."""


@attrs.define
class ServerToken:
    """The token the fake server holds for its account, and when it expires (UNIX seconds)."""

    access_token: str = attrs.field(repr=False)
    expired_at: int


class FakeState:
    """Everything the fake API knows. ``FakeIamport`` adds the HTTP side on top."""

    def __init__(
        self, clock: Clock | None, seed: int, imp_key: str, imp_secret: str, start_time: int | None
    ) -> None:
        """``FakeIamport``'s arguments, as documented (and defaulted) there."""
        self.clock: Clock = clock or SystemClock()
        if start_time is None:
            start_time = DEFAULT_START_TIME if clock is not None else int(time.time())
        self._offset = start_time - self.clock.monotonic()
        self.seed = seed
        self.rng = random.Random(seed)
        self.imp_key = imp_key
        self._imp_secret = imp_secret
        self.token: ServerToken | None = None
        self.stats = Stats()
        self.payments: dict[str, dict[str, Any]] = {}
        self._by_merchant: dict[str, list[str]] = {}
        self._tier_of: dict[str, str] = {}
        self.prepared: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.underfunded_customers: set[str] = set()
        """Billing keys whose charges are declined (``status: failed``): see the card numbers
        in ``_ops_subscribe``."""
        self.schedules: dict[str, dict[str, Any]] = {}
        self.receipts: dict[str, dict[str, Any]] = {}
        self.external_receipts: dict[str, dict[str, Any]] = {}
        self.certifications: dict[str, dict[str, Any]] = {}
        self.tiers: dict[str, str] = {}
        """Sub-merchants by tier code: ``fake.add_tier("A01", "강남점")``."""
        self.pg_settings: list[dict[str, Any]] = [dict(TEST_CHANNEL)]
        """``GET /users/pg``: the account's PG channels (one test channel by default)."""
        self.bank_accounts: dict[tuple[str, str], str] = {}
        """Account holders by ``(bank_code, digits of bank_num)``, for ``GET /vbanks/holder``."""
        self.escrow_logis: dict[str, dict[str, Any]] = {}
        """Escrow shipping registrations by imp_uid (``EscrowLogisAnnotation``)."""
        self.kcpquick_members: dict[str, dict[str, Any]] = {}
        self.kcpquick_autopay: dict[str, dict[str, Any]] = {}
        self.kcpquick_prepared: dict[str, dict[str, Any]] = {}
        self.naver_orders: dict[str, dict[str, Any]] = {}
        """Naver Pay product orders by ``product_order_id`` (each knows its ``imp_uid``)."""
        self.naver_reviews: list[dict[str, Any]] = []
        self.naver_points: dict[str, int] = {}
        """Payments whose Naver points were deposited (``naver/point``), when."""
        self.naver_confirmed: dict[str, int] = {}
        """Payments whose purchase was confirmed (``naver/confirm``), when."""
        self.benepia_members: dict[str, dict[str, Any]] = {}
        self.partner_receipts: dict[str, dict[str, Any]] = {}
        self.payco_statuses: dict[str, str] = {}
        self.paymentwall_deliveries: list[dict[str, Any]] = []
        self.version = 0
        """Bumped on every change to payments; listings cache their sort by it."""
        self.listing_cache: dict[tuple[Any, ...], tuple[int, list[dict[str, Any]]]] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} payments={len(self.payments)}>"

    # -- time and tokens ---------------------------------------------------------------------

    def now(self) -> int:
        """Server time, UNIX seconds, from the injected clock."""
        return int(self._offset + self.clock.monotonic())

    def credentials_match(self, imp_key: object, imp_secret: object) -> bool:
        key_ok = secrets.compare_digest(str(imp_key).encode(), self.imp_key.encode())
        secret_ok = secrets.compare_digest(str(imp_secret).encode(), self._imp_secret.encode())
        return key_ok and secret_ok

    def issue_token(self) -> ServerToken:
        """The reuse rule of the access-token docs: the same token while it is valid, extended
        by 5 minutes when asked for in its last minute; a new one after expiry."""
        now = self.now()
        token = self.token
        if token is not None and now < token.expired_at:
            if token.expired_at - now <= TOKEN_EXTENSION_WINDOW:
                token.expired_at += TOKEN_EXTENSION
            return token
        self.token = ServerToken(secrets.token_hex(20), now + TOKEN_LIFETIME)
        self.stats.tokens_issued += 1
        return self.token

    def token_valid(self, value: str) -> bool:
        token = self.token
        return (
            token is not None
            and self.now() < token.expired_at
            and secrets.compare_digest(value.encode(), token.access_token.encode())
        )

    def expire_token(self) -> None:
        """Make the current token invalid now, as if its 30 minutes had passed."""
        self.token = None

    # -- payments ----------------------------------------------------------------------------

    def add_payment(self, *, tier: str | None = None, **fields: Any) -> dict[str, Any]:
        """Store one payment and return (a copy of) it.

        ``fields`` are ``PaymentAnnotation`` fields (``amount=1000, status="paid"``, ...);
        the rest is filled in plausibly. ``tier`` makes it visible only to calls carrying that
        ``Tier`` header (the API's agency-and-tier docs).
        """
        record = make_payment(self.rng, self.now(), **fields)
        self.store_payment(record, tier=tier)
        return payment_view(record)

    def add_payments(self, records: Iterable[dict[str, Any]]) -> int:
        """Store ready-made ``PaymentAnnotation`` dicts (e.g. from ``seed_payments``)."""
        count = 0
        for record in records:
            self.store_payment(dict(record))
            count += 1
        return count

    def seed_payments(self, n: int, *, seed: int | None = None) -> list[dict[str, Any]]:
        """Generate ``n`` realistic payments (see :func:`seed_payments`), store and return
        them."""
        records = seed_payments(n, seed=self.seed if seed is None else seed, now=self.now())
        self.add_payments(records)
        return records

    def store_payment(self, record: dict[str, Any], *, tier: str | None = None) -> None:
        imp_uid = record["imp_uid"]
        if imp_uid in self.payments:
            raise ValueError(f"a payment with imp_uid {imp_uid!r} exists already")
        self.payments[imp_uid] = record
        self._by_merchant.setdefault(record["merchant_uid"], []).append(imp_uid)
        if tier is not None:
            self._tier_of[imp_uid] = tier
        self.version += 1

    def payment(self, imp_uid: str) -> dict[str, Any] | None:
        """A copy of the payment as the server holds it now (for test assertions)."""
        record = self.payments.get(imp_uid)
        return None if record is None else payment_view(record)

    def visible(self, record: dict[str, Any], tier: str | None) -> bool:
        return self._tier_of.get(record["imp_uid"]) == tier

    def find_payment(self, imp_uid: str, tier: str | None) -> dict[str, Any] | None:
        record = self.payments.get(imp_uid)
        return record if record is not None and self.visible(record, tier) else None

    def by_merchant_uid(self, merchant_uid: str, tier: str | None) -> list[dict[str, Any]]:
        """Every payment with this merchant_uid, newest first."""
        found = [
            self.payments[imp_uid]
            for imp_uid in self._by_merchant.get(merchant_uid, ())
            if self.visible(self.payments[imp_uid], tier)
        ]
        found.sort(key=lambda p: (p["started_at"], p["imp_uid"]), reverse=True)
        return found

    def merchant_uid_paid(self, merchant_uid: str) -> bool:
        """Whether an order number was paid already: it cannot pay again (section 8)."""
        return any(
            self.payments[imp_uid]["status"] in ("paid", "cancelled")
            for imp_uid in self._by_merchant.get(merchant_uid, ())
        )

    def new_imp_uid(self) -> str:
        while True:
            imp_uid = f"imp_{self.rng.randrange(10**12):012d}"
            if imp_uid not in self.payments:
                return imp_uid

    def deposit(self, imp_uid: str) -> dict[str, Any]:
        """The buyer pays into a ready virtual account (or a convenience-store barcode): the
        payment becomes ``paid``."""
        record = self.payments[imp_uid]
        if record["pay_method"] not in ("vbank", "cvs") or record["status"] != "ready":
            raise ValueError(f"{imp_uid} is not a virtual account waiting for a deposit")
        record.update(status="paid", paid_at=self.now())
        self.version += 1
        return payment_view(record)

    # -- other resources ---------------------------------------------------------------------

    def add_certification(self, **fields: Any) -> dict[str, Any]:
        """Store an identity verification (``CertificationAnnotation`` fields)."""
        imp_uid = fields.get("imp_uid") or f"imp_{self.rng.randrange(10**12):012d}"
        record: dict[str, Any] = {
            "imp_uid": imp_uid,
            "merchant_uid": f"cert_{imp_uid[4:]}",
            "pg_tid": f"CERT{self.rng.randrange(10**12):012d}",
            "pg_provider": "danal",
            "name": "홍길동",
            "gender": "male",
            "birthday": "1990-01-01",
            "foreigner": False,
            "foreigner_v2": False,
            "phone": "01012345678",
            "carrier": "SKT",
            "certified": True,
            "certified_at": self.now(),
            "unique_key": f"{self.rng.getrandbits(256):064x}",
            "unique_in_site": f"{self.rng.getrandbits(128):032x}",
            "origin": "https://shop.example.com/signup",
        }
        record.update(fields)
        self.certifications[imp_uid] = record
        return dict(record)

    def add_tier(self, tier_code: str, tier_name: str) -> None:
        """Register a sub-merchant (``GET /tiers/{tier_code}``)."""
        self.tiers[tier_code] = tier_name

    def add_bank_account(self, bank_code: str, bank_num: str, holder: str) -> None:
        """An account the banks know, for ``GET /vbanks/holder`` (others are 404)."""
        self.bank_accounts[bank_code, _digits(bank_num)] = holder

    def add_benepia_member(self, user: str, password: str, points: int) -> None:
        """A Benepia login with its points (``/benepia/point``, ``/benepia/payment``)."""
        self.benepia_members[user] = {"password": password, "points": points}

    def add_kcpquick_member(
        self, member_id: str, *, autopay_customer_uid: str | None = None
    ) -> None:
        """A KCP Quick Pay member; with ``autopay_customer_uid`` also its auto-payment key."""
        now = self.now()
        self.kcpquick_members[member_id] = {
            "member_id": member_id,
            "pg_provider": "kcp_quick",
            "pg_id": "A52CY",
            "inserted": now,
            "updated": now,
        }
        if autopay_customer_uid is not None:
            self.kcpquick_autopay[autopay_customer_uid] = {
                "customer_uid": autopay_customer_uid,
                "member_id": member_id,
            }

    def add_naver_order(self, imp_uid: str, **fields: Any) -> dict[str, Any]:
        """A Naver Pay product order of the payment ``imp_uid`` (``NaverProductOrderAnnotation``
        fields; the rest filled in), status ``PAYED``. Returns a copy."""
        if imp_uid not in self.payments:
            raise ValueError(f"no payment {imp_uid!r}: add_payment() it first")
        number = len(self.naver_orders) + 1
        record: dict[str, Any] = {
            "product_order_id": f"2026{self.rng.randrange(10**12):012d}",
            "product_order_status": "PAYED",
            "claim_type": None,
            "claim_status": None,
            "product_id": f"P{number:05d}",
            "product_name": "원두 200g",
            "product_option_id": f"O{number:05d}",
            "product_option_name": "기본",
            "product_amount": 10000,
            "delivery_amount": 3000,
            "quantity": 1,
            "orderer": {"name": "김민준", "id": "naver_buyer", "tel": "010-1234-5678"},
            "shipping_address": {
                "base": "서울특별시 강남구 테헤란로 1",
                "detail": "101호",
                "postcode": "06234",
                "tel1": "010-1234-5678",
                "tel2": "",
                "name": "김민준",
            },
            "shipping_memo": "문 앞에 두세요",
            "shipping_due": self.now() + 3 * 86400,
            "individual_code": None,
        }
        record.update(fields)
        record["imp_uid"] = imp_uid
        self.naver_orders[record["product_order_id"]] = record
        return {k: v for k, v in record.items() if k != "imp_uid"}

    def add_naver_review(self, product_order_id: str, **fields: Any) -> dict[str, Any]:
        """A buyer's review of a product order (``GET /naver/reviews``)."""
        order = self.naver_orders[product_order_id]
        record: dict[str, Any] = {
            "review_id": f"R{len(self.naver_reviews) + 1:08d}",
            "score": "5",
            "title": "좋아요",
            "content": "잘 받았습니다.",
            "product_order_id": product_order_id,
            "product_id": order["product_id"],
            "product_name": order["product_name"],
            "product_option_name": order["product_option_name"],
            "writer": "kim***",
            "created_at": self.now(),
            "modified_at": 0,
            "review_type": "general",
        }
        record.update(fields)
        self.naver_reviews.append(record)
        return dict(record)


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())
