"""The amount registered ahead of a checkout, and a payment's amount breakdown."""

from __future__ import annotations

import attrs

from iamport_async.models._types import Deciding, Model, Money, Timestamp


@attrs.frozen
class PaymentPrepare(Model):
    """``PaymentPrepareAnnotation``: the amount (and currency) the API will insist on when the
    checkout for ``merchant_uid`` is paid. ``currency`` None means it is not checked."""

    DECIDING = Deciding("merchant_uid", "amount", "currency")
    """Strict, all of it: the order, the amount and the currency the checkout will be held
    to."""

    merchant_uid: str
    """The order number the amount is registered for."""
    amount: Money
    """The amount the checkout must be paid for, in ``currency`` units (KRW: won)."""
    currency: str | None = None
    """The currency the checkout must use (ISO 4217); None: not checked."""


@attrs.frozen
class PaymentBalanceDetail(Model):
    """``PaymentBalanceAnnotation``: one part of an amount, net of refunds."""

    DECIDING = Deciding("tax_free", "supply", "vat", "service")
    """Strict, all of it: every part is money."""

    tax_free: Money | None = None
    """The tax-free supply amount, net of refunds."""
    supply: Money | None = None
    """The taxable supply amount, net of refunds."""
    vat: Money | None = None
    """The VAT, net of refunds."""
    service: Money | None = None
    """The service charge, net of refunds."""


@attrs.frozen
class PaymentBalanceHistory(Model):
    """``PaymentBalanceHistoriesAnnotation``: the breakdown as it was at ``created``."""

    DECIDING = Deciding("cash_receipt", "primary", "secondary", "discount")
    """Strict: the parts of the breakdown (money). When it was recorded describes."""

    cash_receipt: PaymentBalanceDetail | None = None
    """The part covered by a cash receipt."""
    primary: PaymentBalanceDetail | None = None
    """The part paid by the primary means (card, transfer, virtual account, phone)."""
    secondary: PaymentBalanceDetail | None = None
    """The part paid with points (PG or card-company points)."""
    discount: PaymentBalanceDetail | None = None
    """The PG's or card company's own discount."""
    created: Timestamp = None
    """When this breakdown was recorded (UTC)."""


@attrs.frozen
class PaymentBalance(Model):
    """``PaymentBalanceResponseAnnotation`` (PAYCO, KCP): how ``amount`` splits into the
    primary means, points (``secondary``), PG discounts and the cash-receipt part."""

    DECIDING = Deciding("amount", "cash_receipt", "primary", "secondary", "discount", "histories")
    """Strict: the total, its parts and their history (money)."""

    amount: Money
    """The payment's original total, in ``currency`` units (KRW: won)."""
    cash_receipt: PaymentBalanceDetail | None = None
    """The part covered by a cash receipt."""
    primary: PaymentBalanceDetail | None = None
    """The part paid by the primary means (card, transfer, virtual account, phone)."""
    secondary: PaymentBalanceDetail | None = None
    """The part paid with points (PG or card-company points)."""
    discount: PaymentBalanceDetail | None = None
    """The PG's or card company's own discount."""
    histories: tuple[PaymentBalanceHistory, ...] | None = None
    """The breakdown as recorded at each change (payment, refund), as the API lists them."""
