"""A payment as the API describes it (``PaymentAnnotation``) and what it carries.

Only ``imp_uid``, ``merchant_uid``, ``amount`` and ``status`` must be present: everything else
has a default, because real answers leave fields out (the seed examples lack ``sandbox`` and
``cancellation_id``, which the spec marks required) and a lookup that crashes on a missing
optional field breaks a checkout.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated

import attrs

from iamport_async._values import expected_amount, expected_currency
from iamport_async.models._types import Deciding, LenientInt, Model, Money, OrderedBy, Timestamp


class PaymentStatus(enum.StrEnum):
    """``status`` of a payment. A partially cancelled payment is already ``cancelled``."""

    READY = "ready"
    """Not paid yet: checkout started, or a virtual account awaits its deposit."""
    PAID = "paid"
    """Paid (approved, or the virtual account received the deposit)."""
    CANCELLED = "cancelled"
    """Cancelled in full or in part (see ``cancel_amount``)."""
    FAILED = "failed"
    """The payment failed (e.g. the card was declined); see ``fail_reason``."""


class Channel(enum.StrEnum):
    """``channel``: where the payment was made (``api``: billing key or key-in)."""

    PC = "pc"
    """Paid in a desktop browser (payment window)."""
    MOBILE = "mobile"
    """Paid in a mobile browser or app (payment window)."""
    API = "api"
    """Paid through the REST API: a billing key or a key-in payment."""


class CustomerUidUsage(enum.StrEnum):
    """``customer_uid_usage``: what the billing key was used for (None: an ordinary payment)."""

    ISSUE = "issue"
    """Issuing the billing key."""
    PAYMENT = "payment"
    """A payment charged on the billing key."""
    PAYMENT_SCHEDULED = "payment.scheduled"
    """A scheduled charge on the billing key."""


@attrs.frozen
class PaymentCancel(Model):
    """One entry of ``cancel_history``: a full or partial cancel."""

    DECIDING = Deciding("amount", "cancelled_at", "cancellation_id")
    """Strict: the refund's ``amount`` and ``cancelled_at`` (a cancel's read-back orders
    the history by it and adds it up against ``cancel_amount``) and ``cancellation_id``
    (the cancel's webhook names it). The PG's number, reason and URL describe."""

    amount: Money
    """The amount this cancel refunded, in ``currency`` units (KRW: won)."""
    pg_tid: str | None = None
    """The PG's number for the cancel."""
    cancelled_at: Timestamp = None
    """When the cancel was made (UTC)."""
    reason: str | None = None
    """The reason the cancel request gave."""
    cancellation_id: str | None = None
    """i'mport's id of this cancel; also sent in the cancel's webhook."""
    receipt_url: str | None = None
    """URL of the cancel's sales slip; not every PG or method has one."""


@attrs.frozen
class VbankDeposit(Model):
    """One entry of ``deposit_history``: a deposit into a fixed virtual account."""

    DECIDING = Deciding("amount", "deposited_at")
    """Strict: the deposited ``amount`` and when it arrived (money received). The PG's
    number and the depositor's name describe."""

    amount: Money
    """The amount deposited, in ``currency`` units (KRW: won)."""
    pg_tid: str | None = None
    """The PG's approval number for the deposit."""
    depositor_name: str | None = attrs.field(default=None, repr=False)
    """Who actually deposited; personal data, left out of ``repr``."""
    deposited_at: Timestamp = None
    """When the deposit arrived (UTC)."""


@attrs.frozen
class Promotion(Model):
    """``promotion``: the card-company promotion applied and the discount it took off."""

    DECIDING = Deciding("discount")
    """Strict: the ``discount`` (money). The promotion's id describes."""

    id: str | None = None
    """The promotion's id (``promotion-id-...``)."""
    discount: Money | None = None
    """The discount the promotion took off the amount."""


@attrs.frozen
class Payment(Model):
    """A payment (``PaymentAnnotation``). Field names are the API's.

    Amounts are ``Decimal``; timestamps are aware UTC datetimes, None where the API sends 0;
    ``status``, ``channel`` and ``customer_uid_usage`` are enums, or the plain string when the
    API sends a value this version does not know. Personal data (buyer, card and account
    numbers, custom_data) is left out of ``repr``.
    """

    DECIDING = Deciding(
        "imp_uid",
        "merchant_uid",
        "amount",
        "status",
        "currency",
        "sandbox",
        "customer_uid",
        "started_at",
        "paid_at",
        "failed_at",
        "cancelled_at",
        "vbank_date",
        "cancel_history",
        "deposit_history",
        in_answer=("cancel_amount",),
    )
    """Strict: the ids (``imp_uid``, ``merchant_uid``, ``customer_uid``), the money
    (``amount``, ``cancel_amount``, ``cancel_history``, ``deposit_history``), ``status``,
    ``currency``, ``sandbox`` (whether the money is real) and the timestamps a read-back, a
    guard or a reconciliation reads (``started_at``, ``paid_at``, ``failed_at``,
    ``cancelled_at``, ``vbank_date``). ``cancel_amount`` must be in every answer: a refund
    the answer leaves out is not 0. Card, PG, bank and buyer fields, URLs, ``channel`` and
    the rest describe."""

    imp_uid: str
    """i'mport's id of the payment (``imp_uid``), unique across the account."""
    merchant_uid: str
    """The merchant's own order number (``merchant_uid``), as sent at checkout."""
    amount: Money
    """The amount charged, in ``currency`` units (KRW: won); stays the original amount after a
    cancel."""
    status: PaymentStatus | str
    """``ready``, ``paid``, ``cancelled`` (in full or in part) or ``failed``."""
    cancel_amount: Money = Decimal(0)
    """The total refunded so far, over every (partial) cancel; 0 if none."""
    currency: str | None = None
    """ISO 4217 currency code (``KRW``, ``USD``, ...)."""
    sandbox: bool = False
    """Whether the payment was made on a test channel."""
    pay_method: str | None = None
    """The payment method code: ``card``, ``trans`` (bank transfer), ``vbank`` (virtual account),
    ``phone``, ``point``, ... as the API sends it."""
    channel: Channel | str | None = None
    """Where it was paid: ``pc``, ``mobile`` or ``api``."""
    pg_provider: str | None = None
    """The PG's code (``html5_inicis``, ``kcp``, ``tosspayments``, ...)."""
    emb_pg_provider: str | None = None
    """For a hub-type payment (허브형결제): the code of the PG behind it, as the API sends it."""
    pg_tid: str | None = None
    """The PG's transaction number."""
    pg_id: str | None = None
    """The PG merchant id (MID) the payment went through."""
    escrow: bool = False
    """Whether the payment is an escrow payment."""
    apply_num: str | None = None
    """The card approval number."""
    bank_code: str | None = None
    """KFTC standard code of the bank."""
    bank_name: str | None = None
    """Name of the bank (real-time bank transfers)."""
    card_code: str | None = None
    """The card company's KFTC standard code (금융결제원 표준코드)."""
    card_name: str | None = None
    """The card company's name (card payments)."""
    card_issuer_code: str | None = None
    """KFTC standard code of the bank that issued the card; only from PGs that report it (Toss
    Payments, KSNET, NICE, Smartro, ...)."""
    card_issuer_name: str | None = None
    """Name of the bank that issued the card; only from PGs that report the issuer."""
    card_publisher_code: str | None = None
    """KFTC standard code of the card's brand owner (발행사); only from PGs that report it."""
    card_publisher_name: str | None = None
    """Name of the card's brand owner (발행사); only from PGs that report it."""
    card_quota: LenientInt = None
    """Number of instalment months; 0 is a single payment."""
    card_number: str | None = attrs.field(default=None, repr=False)
    """The card number, masked by the PG (usually digits 7 to 12); personal data, left out of
    ``repr``."""
    card_type: LenientInt = None
    """0 credit, 1 check; None where the PG does not say (INICIS billing sends null)."""
    vbank_code: str | None = None
    """KFTC standard code of the virtual account's bank."""
    vbank_name: str | None = None
    """Name of the virtual account's bank."""
    vbank_num: str | None = attrs.field(default=None, repr=False)
    """The virtual account number to pay into; left out of ``repr``."""
    vbank_holder: str | None = attrs.field(default=None, repr=False)
    """The virtual account's holder name; left out of ``repr``."""
    vbank_date: Timestamp = None
    """The deadline for the deposit into the virtual account (UTC)."""
    vbank_issued_at: Timestamp = None
    """When the virtual account was issued (UTC)."""
    name: str | None = None
    """The order name shown to the buyer (product name)."""
    buyer_name: str | None = attrs.field(default=None, repr=False)
    """The buyer's name, as sent at checkout; personal data, left out of ``repr``."""
    buyer_email: str | None = attrs.field(default=None, repr=False)
    """The buyer's email address; personal data, left out of ``repr``."""
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    """The buyer's phone number; personal data, left out of ``repr``."""
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    """The buyer's address; personal data, left out of ``repr``."""
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    """The buyer's postcode; personal data, left out of ``repr``."""
    custom_data: str | None = attrs.field(default=None, repr=False)
    """What the checkout page passed as ``custom_data``: a JSON string, not parsed here."""
    user_agent: str | None = attrs.field(default=None, repr=False)
    """The User-Agent of the device that started the payment; left out of ``repr``."""
    started_at: Timestamp = None
    """When the payment was started (UTC)."""
    paid_at: Timestamp = None
    """When it was paid (UTC); None unless paid."""
    failed_at: Timestamp = None
    """When it failed (UTC); None unless failed."""
    cancelled_at: Timestamp = None
    """When it was (last) cancelled (UTC); None unless cancelled."""
    fail_reason: str | None = None
    """Why it failed, as the PG or the API words it (often Korean)."""
    cancel_reason: str | None = None
    """The reason given for the cancel."""
    receipt_url: str | None = None
    """URL of the sales slip; some PGs and methods have none."""
    cancel_history: Annotated[tuple[PaymentCancel, ...], OrderedBy("cancelled_at")] = attrs.field(
        default=(), repr=False
    )
    """Every full or partial cancel, each with its amount and time (either every entry has
    its ``cancelled_at`` or none has: an answer mixing the two is an error)."""
    deposit_history: tuple[VbankDeposit, ...] = attrs.field(default=(), repr=False)
    """Deposits into a fixed (reusable) virtual account."""
    cancel_receipt_urls: tuple[str, ...] = attrs.field(default=(), repr=False)
    """Deprecated by the API in favour of ``cancel_history[].receipt_url``."""
    cash_receipt_issued: bool = False
    """Whether a cash receipt was issued automatically."""
    customer_uid: str | None = None
    """The billing key used for this payment, if any."""
    customer_uid_usage: CustomerUidUsage | str | None = None
    """What the billing key was used for: ``issue``, ``payment`` or ``payment.scheduled``; None for
    an ordinary payment."""
    promotion: Promotion | None = None
    """The card-company promotion applied, if any."""

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
        """Part of the amount was refunded and part remains."""
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


__all__ = [
    "Channel",
    "CustomerUidUsage",
    "LenientInt",
    "Payment",
    "PaymentCancel",
    "PaymentStatus",
    "Promotion",
    "VbankDeposit",
]
