"""Cash receipts (``ReceiptAnnotation``, ``ExternalReceiptAnnotation``) and the sales-slip URL
answered when sub-merchant lines are registered (``PartnerReceiptResultAnnotation``).

A receipt for an i'mport payment is named by its ``imp_uid``; one for a cash sale made outside
i'mport ("external") by the merchant's ``merchant_uid``. Both carry the same fields otherwise.
The identifier the receipt was issued to (a phone, business or card number) is not part of the
answer; should the API ever send it, it stays in ``unknown_fields``, which no ``repr`` shows.
"""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import NOTHING_DECIDES, Deciding, Model, Money, Timestamp


class ReceiptType(enum.StrEnum):
    """``type``: who the receipt is for."""

    PERSON = "person"
    """Income deduction (소득공제용): an individual."""
    COMPANY = "company"
    """Proof of expense (지출증빙용): a business."""


@attrs.frozen(kw_only=True)
class CashReceipt(Model):
    """The fields every cash receipt has. ``cancelled_at`` is None while it stands."""

    DECIDING = Deciding("amount", "vat", "applied_at", "cancelled_at")
    """Strict: the ``amount`` and ``vat`` (money) and ``applied_at``/``cancelled_at``
    (whether the receipt stands: the revoke's read-back reads it). The type, numbers and
    URL describe."""

    amount: Money
    """The amount the receipt covers, in won."""
    vat: Money | None = None
    """The VAT within ``amount``, in won."""
    type: ReceiptType | str | None = None
    """``person`` (income deduction) or ``company`` (proof of expense)."""
    apply_num: str | None = None
    """The National Tax Service's approval number."""
    receipt_tid: str | None = None
    """The PG's id of the receipt."""
    receipt_url: str | None = None
    """URL of the issued receipt."""
    applied_at: Timestamp = None
    """When the receipt was issued (UTC)."""
    cancelled_at: Timestamp = None
    """When the receipt was revoked (UTC); None while it stands."""

    @property
    def is_cancelled(self) -> bool:
        """Whether the receipt was revoked (the API keeps revoked receipts readable)."""
        return self.cancelled_at is not None


@attrs.frozen(kw_only=True)
class Receipt(CashReceipt):
    """A cash receipt for an i'mport payment (``ReceiptAnnotation``)."""

    DECIDING = Deciding("imp_uid")
    """Strict: the payment's ``imp_uid``, besides a cash receipt's own."""

    imp_uid: str
    """The payment the receipt was issued for."""


@attrs.frozen(kw_only=True)
class ExternalReceipt(CashReceipt):
    """A cash receipt for a cash sale made outside i'mport (``ExternalReceiptAnnotation``)."""

    DECIDING = Deciding("merchant_uid")
    """Strict: the sale's ``merchant_uid``, besides a cash receipt's own."""

    merchant_uid: str
    """The merchant's order number of the cash sale."""


@attrs.frozen
class PartnerReceiptResult(Model):
    """``PartnerReceiptResultAnnotation``: where the sales slip with the new lines is shown."""

    DECIDING = NOTHING_DECIDES
    """Nothing decides: a URL."""

    receipt_url: str | None = None
    """URL of the sales slip."""
