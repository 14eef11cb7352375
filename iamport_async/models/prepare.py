"""The amount registered ahead of a checkout, and a payment's amount breakdown."""

from __future__ import annotations

import attrs

from iamport_async.models._converter import Model, Money, Timestamp


@attrs.frozen
class PaymentPrepare(Model):
    """``PaymentPrepareAnnotation``: the amount (and currency) the API will insist on when the
    checkout for ``merchant_uid`` is paid. ``currency`` None means it is not checked."""

    merchant_uid: str
    amount: Money
    currency: str | None = None


@attrs.frozen
class PaymentBalanceDetail(Model):
    """``PaymentBalanceAnnotation``: one part of an amount, net of refunds."""

    tax_free: Money | None = None
    supply: Money | None = None
    vat: Money | None = None
    service: Money | None = None


@attrs.frozen
class PaymentBalanceHistory(Model):
    """``PaymentBalanceHistoriesAnnotation``: the breakdown as it was at ``created``."""

    cash_receipt: PaymentBalanceDetail | None = None
    primary: PaymentBalanceDetail | None = None
    secondary: PaymentBalanceDetail | None = None
    discount: PaymentBalanceDetail | None = None
    created: Timestamp = None


@attrs.frozen
class PaymentBalance(Model):
    """``PaymentBalanceResponseAnnotation`` (PAYCO, KCP): how ``amount`` splits into the
    primary means, points (``secondary``), PG discounts and the cash-receipt part."""

    amount: Money
    cash_receipt: PaymentBalanceDetail | None = None
    primary: PaymentBalanceDetail | None = None
    secondary: PaymentBalanceDetail | None = None
    discount: PaymentBalanceDetail | None = None
    histories: tuple[PaymentBalanceHistory, ...] | None = None
