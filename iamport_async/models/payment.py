"""A payment as the API describes it (``PaymentAnnotation``) and what it carries.

Only ``imp_uid``, ``merchant_uid``, ``amount`` and ``status`` must be present: everything else
has a default, because real answers leave fields out (the seed examples lack ``sandbox`` and
``cancellation_id``, which the spec marks required) and a lookup that crashes on a missing
optional field breaks a checkout.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from iamport_async.endpoints._checks import expected_amount, expected_currency
from iamport_async.models._converter import LenientInt, Model, Money, Timestamp
from iamport_async.models.page import Page


class PaymentStatus(enum.StrEnum):
    """``status`` of a payment. A partially cancelled payment is already ``cancelled``."""

    READY = "ready"
    PAID = "paid"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Channel(enum.StrEnum):
    """``channel``: where the payment was made (``api``: billing key or key-in)."""

    PC = "pc"
    MOBILE = "mobile"
    API = "api"


class CustomerUidUsage(enum.StrEnum):
    """``customer_uid_usage``: what the billing key was used for (None: an ordinary payment)."""

    ISSUE = "issue"
    PAYMENT = "payment"
    PAYMENT_SCHEDULED = "payment.scheduled"


@attrs.frozen
class PaymentCancel(Model):
    """One entry of ``cancel_history``: a full or partial cancel."""

    amount: Money
    pg_tid: str | None = None
    cancelled_at: Timestamp = None
    reason: str | None = None
    cancellation_id: str | None = None
    receipt_url: str | None = None


@attrs.frozen
class VbankDeposit(Model):
    """One entry of ``deposit_history``: a deposit into a fixed virtual account."""

    amount: Money
    pg_tid: str | None = None
    depositor_name: str | None = attrs.field(default=None, repr=False)
    deposited_at: Timestamp = None


@attrs.frozen
class Promotion(Model):
    """``promotion``: the card-company promotion applied and the discount it took off."""

    id: str | None = None
    discount: Money | None = None


@attrs.frozen
class Payment(Model):
    """A payment (``PaymentAnnotation``). Field names are the API's.

    Amounts are ``Decimal``; timestamps are aware UTC datetimes, None where the API sends 0;
    ``status``, ``channel`` and ``customer_uid_usage`` are enums, or the plain string when the
    API sends a value this version does not know. Personal data (buyer, card and account
    numbers, custom_data) is left out of ``repr``.
    """

    imp_uid: str
    merchant_uid: str
    amount: Money
    status: PaymentStatus | str
    cancel_amount: Money = Decimal(0)
    currency: str | None = None
    sandbox: bool = False
    pay_method: str | None = None
    channel: Channel | str | None = None
    pg_provider: str | None = None
    emb_pg_provider: str | None = None
    pg_tid: str | None = None
    pg_id: str | None = None
    escrow: bool = False
    apply_num: str | None = None
    bank_code: str | None = None
    bank_name: str | None = None
    card_code: str | None = None
    card_name: str | None = None
    card_issuer_code: str | None = None
    card_issuer_name: str | None = None
    card_publisher_code: str | None = None
    card_publisher_name: str | None = None
    card_quota: LenientInt = None
    card_number: str | None = attrs.field(default=None, repr=False)
    card_type: LenientInt = None
    """0 credit, 1 check; None where the PG does not say (INICIS billing sends null)."""
    vbank_code: str | None = None
    vbank_name: str | None = None
    vbank_num: str | None = attrs.field(default=None, repr=False)
    vbank_holder: str | None = attrs.field(default=None, repr=False)
    vbank_date: Timestamp = None
    vbank_issued_at: Timestamp = None
    name: str | None = None
    buyer_name: str | None = attrs.field(default=None, repr=False)
    buyer_email: str | None = attrs.field(default=None, repr=False)
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    custom_data: str | None = attrs.field(default=None, repr=False)
    """What the checkout page passed as ``custom_data``: a JSON string, not parsed here."""
    user_agent: str | None = attrs.field(default=None, repr=False)
    started_at: Timestamp = None
    paid_at: Timestamp = None
    failed_at: Timestamp = None
    cancelled_at: Timestamp = None
    fail_reason: str | None = None
    cancel_reason: str | None = None
    receipt_url: str | None = None
    cancel_history: tuple[PaymentCancel, ...] = attrs.field(default=(), repr=False)
    deposit_history: tuple[VbankDeposit, ...] = attrs.field(default=(), repr=False)
    cancel_receipt_urls: tuple[str, ...] = attrs.field(default=(), repr=False)
    """Deprecated by the API in favour of ``cancel_history[].receipt_url``."""
    cash_receipt_issued: bool = False
    customer_uid: str | None = None
    customer_uid_usage: CustomerUidUsage | str | None = None
    promotion: Promotion | None = None

    @property
    def refundable_amount(self) -> Decimal:
        """What can still be cancelled: ``amount - cancel_amount``. This is the ``checksum`` a
        guarded cancel sends."""
        return self.amount - self.cancel_amount

    @property
    def is_paid(self) -> bool:
        """Paid and not cancelled in any part."""
        return self.status == PaymentStatus.PAID and self.cancel_amount == 0

    @property
    def is_fully_cancelled(self) -> bool:
        """Nothing is left to refund (the status alone does not say: a partial cancel already
        sets ``cancelled``)."""
        return self.status == PaymentStatus.CANCELLED and self.cancel_amount >= self.amount

    @property
    def is_partially_cancelled(self) -> bool:
        return Decimal(0) < self.cancel_amount < self.amount

    def matches(self, *, amount: int | Decimal, currency: str | None = None) -> bool:
        """Whether this payment is paid for exactly ``amount`` (and ``currency``, if given,
        ignoring case): the check a checkout handler makes before it ships the order.

        As strict as :class:`~iamport_async.webhooks.Expected` and reconciliation: ``amount``
        is an int or Decimal (a float or a string raises InvalidInputError, as a wrong
        argument must, rather than compare to False).
        """
        wanted_amount, wanted_currency = expected_amount(amount), expected_currency(currency)
        if not self.is_paid or self.amount != wanted_amount:
            return False
        return wanted_currency is None or (self.currency or "").upper() == wanted_currency


PaymentPage = Page[Payment]
"""One page of a payment listing (``PagedPaymentAnnotation``)."""


__all__ = [
    "Channel",
    "CustomerUidUsage",
    "LenientInt",
    "Payment",
    "PaymentCancel",
    "PaymentPage",
    "PaymentStatus",
    "Promotion",
    "VbankDeposit",
]
