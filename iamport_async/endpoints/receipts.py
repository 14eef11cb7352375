"""Cash receipts (tag ``receipts``): for cash payments made through i'mport (by ``imp_uid``),
for cash sales made elsewhere ("external", by ``merchant_uid``), and sub-merchant lines on a
sales slip (``/partners/receipts``).

The receipt is issued through the PG the payment used (external ones through a channel).
A PG that i'mport does not support for receipts answers HTTP 501, raised as
:class:`~iamport_async.errors.UnsupportedPgError` (a ``ServerError`` with ``status == 501``,
never retried): the call will not succeed later either.

``identifier`` (a phone, business registration, resident registration or cash-receipt card
number) is personal data: it is checked for shape, and no error or log shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._checks import (
    PRODUCT_TYPES,
    digit_string,
    nonblank_text,
    optional_amount,
    optional_choice,
    optional_nonblank_text,
    optional_whole_amount,
    require_amount,
    require_id,
    whole_amount,
)
from iamport_async.endpoints._mutation import ReadBack, Resent, mutation
from iamport_async.errors import InvalidInputError
from iamport_async.errors import UnsupportedPgError as UnsupportedPgError  # its former home
from iamport_async.models.receipt import (
    ExternalReceipt,
    PartnerReceiptResult,
    Receipt,
    ReceiptType,
)
from iamport_async.retry import Idempotency

RECEIPT_TYPES = tuple(str(kind) for kind in ReceiptType)
IDENTIFIER_TYPES = ("person", "business", "phone", "taxcard")
CASH_PAY_METHODS = ("trans", "vbank")

IDENTIFIER_SHAPE = "a phone, business, resident or cash-receipt card number: 8 to 20 digits"


def identifier_of(value: object) -> str:
    """``identifier``: 8 to 20 digits, with ``-``, ``.`` or spaces allowed between them."""
    return digit_string("identifier", value, 8, 20, IDENTIFIER_SHAPE)


@attrs.frozen(kw_only=True)
class PartnerReceiptLine:
    """One sub-merchant's part of a payment, shown on its sales slip (an item of ``data``;
    SPEC ``PartnerReceiptsAnnotation``). Checked when built."""

    business_registration_number: str
    """The sub-merchant's business registration number, with hyphens (``123-45-67890``)."""
    company_name: str
    """The sub-merchant's name."""
    amount: int | Decimal
    """The sub-merchant's part of the payment, in won."""
    tax_free: int | Decimal | None = None
    """Tax-free part of ``amount`` (the API's default: 0)."""
    vat_amount: int | Decimal | None = None
    """VAT part of ``amount`` (the API's default: ``amount / 11``)."""

    def __attrs_post_init__(self) -> None:
        self.to_json()

    def to_json(self) -> dict[str, Any]:
        """The line as the API spells it; fields left at None are not sent."""
        amount = require_amount("data.amount", self.amount, positive=True)
        return drop_none(
            {
                "business_registration_number": nonblank_text(
                    "data.business_registration_number", self.business_registration_number
                ),
                "company_name": nonblank_text("data.company_name", self.company_name),
                "amount": amount,
                "tax_free": optional_amount("data.tax_free", self.tax_free, amount),
                "vat_amount": optional_amount("data.vat_amount", self.vat_amount, amount),
            }
        )


def _read_back(getter: str, *, revoked: bool) -> ReadBack:
    """A read-back through ``getter`` (``get`` or ``get_external``): the receipt if its
    ``is_cancelled`` is ``revoked`` (the lost call took effect), else None."""

    async def read_back(
        self: Receipts, error: Exception, key: str, **_: Any
    ) -> Receipt | ExternalReceipt | None:
        receipt: Receipt | ExternalReceipt = await getattr(self, getter)(key)
        return receipt if receipt.is_cancelled == revoked else None

    return read_back


class Receipts(Endpoints):
    """Cash receipts (``client.receipts``)."""

    # --- receipts of i'mport payments ----------------------------------------------------

    @operation("GET", "/receipts/{imp_uid}")
    async def get(self, imp_uid: str) -> Receipt:
        """The cash receipt issued for payment ``imp_uid`` (revoked ones too: see
        ``cancelled_at``). NotFoundError when none was issued."""
        endpoint = path("/receipts/{}", require_id("imp_uid", imp_uid))
        return await self._call("GET", endpoint, Receipt)

    @operation("POST", "/receipts/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`receipts.get(imp_uid)`: a receipt that stands",
        "read receipts.get(imp_uid): a receipt without cancelled_at is issued",
        read_back=_read_back("get", revoked=False),
    )
    async def issue(
        self,
        imp_uid: str,
        *,
        identifier: str,
        identifier_type: str | None = None,
        type: ReceiptType | str | None = None,
        product_type: str | None = None,
        company_tel: str | None = None,
        company_name: str | None = None,
        corp_reg_no: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        tax_free: int | Decimal | None = None,
        vat: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
    ) -> Receipt:
        """Issue a cash receipt for the cash payment (virtual account, transfer) ``imp_uid``,
        through the PG that processed it, for what is left of its amount.

        ``identifier`` is who the receipt is for; ``identifier_type`` (``person``,
        ``business``, ``phone``, ``taxcard``) is required by KICC and Hecto, ``type``
        (``person`` for income deduction, the default, or ``company`` for proof of expense),
        ``product_type`` by KSNET, ``company_*``/``corp_reg_no`` by Kiwoom Pay. ``vat`` is
        deprecated by the API in favour of ``tax_free``.

        A payment that is not paid, or already has a receipt, is refused (400,
        BadRequestError); an unsupported PG is an :class:`UnsupportedPgError`.

        Retry: ``GUARDED``. The API issues one receipt per payment and refuses a second
        ("이미 현금영수증 발행된 건", spec 400), so a repeat cannot issue twice. A
        BadRequestError with ``after_ambiguous_failure`` set usually means the first attempt
        issued it: read it with :meth:`get`.
        """
        endpoint = path("/receipts/{}", require_id("imp_uid", imp_uid))
        body = drop_none(
            {
                "identifier": identifier_of(identifier),
                "identifier_type": optional_choice(
                    "identifier_type", identifier_type, IDENTIFIER_TYPES
                ),
                "type": optional_choice("type", type, RECEIPT_TYPES),
                "product_type": optional_choice("product_type", product_type, PRODUCT_TYPES),
                "company_tel": optional_nonblank_text("company_tel", company_tel),
                "company_name": optional_nonblank_text("company_name", company_name),
                "corp_reg_no": optional_nonblank_text("corp_reg_no", corp_reg_no),
                "buyer_name": optional_nonblank_text("buyer_name", buyer_name),
                "buyer_email": optional_nonblank_text("buyer_email", buyer_email),
                "buyer_tel": optional_nonblank_text("buyer_tel", buyer_tel),
                "tax_free": optional_whole_amount("tax_free", tax_free),
                "vat": optional_whole_amount("vat", vat),
                "vat_amount": optional_amount("vat_amount", vat_amount),
            }
        )
        return await self._call(
            "POST", endpoint, Receipt, json=body, idempotency=Idempotency.GUARDED
        )

    @operation("DELETE", "/receipts/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`receipts.get(imp_uid)`: the receipt revoked",
        "read receipts.get(imp_uid): cancelled_at set means revoked",
        read_back=_read_back("get", revoked=True),
    )
    async def revoke(self, imp_uid: str) -> Receipt:
        """Revoke the cash receipt of payment ``imp_uid``; answers it with ``cancelled_at``.

        One never issued through i'mport is refused (400, BadRequestError); for receipts of
        sales made elsewhere use :meth:`revoke_external`.

        Retry: ``GUARDED``. No money moves and a receipt is revoked once: a repeat can do no
        more than the first attempt, at worst it is refused. After an ambiguous failure, read
        the receipt with :meth:`get` (``is_cancelled``).
        """
        endpoint = path("/receipts/{}", require_id("imp_uid", imp_uid))
        return await self._call("DELETE", endpoint, Receipt, idempotency=Idempotency.GUARDED)

    # --- receipts of sales made outside i'mport -----------------------------------------

    @operation("GET", "/receipts/external/{merchant_uid}")
    async def get_external(self, merchant_uid: str) -> ExternalReceipt:
        """The cash receipt issued for the external sale ``merchant_uid``. NotFoundError when
        none was issued."""
        endpoint = path("/receipts/external/{}", require_id("merchant_uid", merchant_uid))
        return await self._call("GET", endpoint, ExternalReceipt)

    @operation("POST", "/receipts/external/{merchant_uid}")
    @mutation(
        Resent.GUARDED,
        "`receipts.get_external(merchant_uid)`: a receipt that stands",
        "read receipts.get_external(merchant_uid) before issuing again",
        read_back=_read_back("get_external", revoked=False),
    )
    async def issue_external(
        self,
        merchant_uid: str,
        *,
        channel_key: str,
        name: str,
        amount: int | Decimal,
        identifier: str,
        identifier_type: str | None = None,
        type: ReceiptType | str | None = None,
        product_type: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        tax_free: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
        corp_reg_no: str | None = None,
        pay_method: str | None = None,
    ) -> ExternalReceipt:
        """Issue a cash receipt for a cash sale made outside i'mport, through the PG of
        ``channel_key``. ``merchant_uid`` should be the sale's own order number, so that the
        receipt can be reconciled with it later; ``amount`` is whole (KRW).

        Per PG: ``identifier_type`` (KICC, Hecto), ``product_type`` (KSNET), ``corp_reg_no``
        and ``pay_method`` (``trans`` or ``vbank``; Welcome Payments).

        Retry: ``GUARDED``. The API refuses a second receipt for a ``merchant_uid`` that has
        one (spec 400), so a repeat cannot issue twice. A BadRequestError with
        ``after_ambiguous_failure`` set usually means the first attempt issued it: read it
        with :meth:`get_external`.
        """
        endpoint = path("/receipts/external/{}", require_id("merchant_uid", merchant_uid))
        total = whole_amount("amount", amount, positive=True)
        body = drop_none(
            {
                "channel_key": nonblank_text("channel_key", channel_key),
                "name": nonblank_text("name", name),
                "amount": total,
                "identifier": identifier_of(identifier),
                "identifier_type": optional_choice(
                    "identifier_type", identifier_type, IDENTIFIER_TYPES
                ),
                "type": optional_choice("type", type, RECEIPT_TYPES),
                "product_type": optional_choice("product_type", product_type, PRODUCT_TYPES),
                "buyer_name": optional_nonblank_text("buyer_name", buyer_name),
                "buyer_email": optional_nonblank_text("buyer_email", buyer_email),
                "buyer_tel": optional_nonblank_text("buyer_tel", buyer_tel),
                "tax_free": optional_whole_amount("tax_free", tax_free, total),
                "vat_amount": optional_amount("vat_amount", vat_amount, total),
                "corp_reg_no": optional_nonblank_text("corp_reg_no", corp_reg_no),
                "pay_method": optional_choice("pay_method", pay_method, CASH_PAY_METHODS),
            }
        )
        return await self._call(
            "POST", endpoint, ExternalReceipt, json=body, idempotency=Idempotency.GUARDED
        )

    @operation("DELETE", "/receipts/external/{merchant_uid}")
    @mutation(
        Resent.GUARDED,
        "`receipts.get_external(merchant_uid)`: the receipt revoked",
        "read receipts.get_external(merchant_uid): cancelled_at set means revoked",
        read_back=_read_back("get_external", revoked=True),
    )
    async def revoke_external(self, merchant_uid: str) -> ExternalReceipt:
        """Revoke the cash receipt of the external sale ``merchant_uid``. NotFoundError when
        none was issued.

        Retry: ``GUARDED``, for the reasons of :meth:`revoke`.
        """
        endpoint = path("/receipts/external/{}", require_id("merchant_uid", merchant_uid))
        return await self._call(
            "DELETE", endpoint, ExternalReceipt, idempotency=Idempotency.GUARDED
        )

    # --- sub-merchant lines ----------------------------------------------------------------

    @operation("POST", "/partners/receipts/{imp_uid}")
    @mutation(
        Resent.NEVER_SENT,
        "none (no read of partner lines)",
        "ask the PG whether the sub-merchant lines were registered before sending them again",
    )
    async def register_partner_lines(
        self, imp_uid: str, *, data: Sequence[PartnerReceiptLine]
    ) -> PartnerReceiptResult:
        """Show sub-merchants' parts of payment ``imp_uid`` on its sales slip (KG INICIS, with
        an INIApi key registered in the console); answers the slip's URL.

        Retry: ``UNGUARDED``. The spec does not say that the API refuses lines registered
        twice, so a repeat could list them twice: a request that may have reached the server
        is not resent. Check the slip before registering again.
        """
        endpoint = path("/partners/receipts/{}", require_id("imp_uid", imp_uid))
        if isinstance(data, PartnerReceiptLine) or not isinstance(data, Sequence) or not data:
            raise InvalidInputError("data", "must be a non-empty list of PartnerReceiptLine")
        for line in data:
            if not isinstance(line, PartnerReceiptLine):
                raise InvalidInputError("data", "every item must be a PartnerReceiptLine")
        body = {"data": [line.to_json() for line in data]}
        return await self._call(
            "POST", endpoint, PartnerReceiptResult, json=body, idempotency=Idempotency.UNGUARDED
        )
