"""Convenience-store payments (tag ``cvs``, Galaxia Communications): issue or register the
barcode a customer pays at the counter, and revoke it before it is paid.

A barcode is a payment in ``ready`` state until paid, so both calls answer a
:class:`~iamport_async.models.payment.Payment`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._checks import (
    buyer_fields,
    nonblank_text,
    notice_urls,
    optional_nonblank_text,
    optional_unix_seconds,
    optional_verbatim_text,
    require_amount,
    require_id,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.models.payment import Payment, PaymentStatus
from iamport_async.retry import Idempotency


async def _cvs_revoked(self: Cvs, error: Exception, imp_uid: str) -> Payment | None:
    where = path("/payments/{}", imp_uid)
    payment: Payment = await self._call("GET", where, Payment)
    return payment if payment.status == PaymentStatus.CANCELLED else None


class Cvs(Endpoints):
    """Convenience-store barcodes (``client.cvs``)."""

    @operation("POST", "/cvs")
    @mutation(
        Resent.NEVER_SENT,
        "none: several unpaid barcodes may share a `merchant_uid`",
        "list payments.find_all(merchant_uid, status='ready') before issuing again",
    )
    async def issue(
        self,
        *,
        channel_key: str,
        merchant_uid: str,
        amount: int | Decimal,
        barcode: str | None = None,
        expired_at: datetime | int | None = None,
        name: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        buyer_addr: str | None = None,
        buyer_postcode: str | None = None,
        confirm_url: str | None = None,
        notice_url: str | Sequence[str] | None = None,
        custom_data: str | None = None,
    ) -> Payment:
        """Issue a barcode for paying ``amount`` at a convenience store (or register the
        merchant's own ``barcode``), payable until ``expired_at`` (aware datetime or UNIX
        seconds; the contract's default when left out).

        With ``confirm_url`` set, the API asks that URL before each payment at the counter
        (HTTP 200 accepts it); ``notice_url`` is told when it is paid. A ``merchant_uid``
        already paid cannot be used again.

        Retry: ``UNGUARDED``. The API refuses only a ``merchant_uid`` already *paid*, not one
        with an unpaid barcode, so a repeat could hand the customer two barcodes. A request
        that may have reached the server is not resent: look the payment up by
        ``merchant_uid`` (``payments.find_all``) first. The client does not settle that lookup
        itself, as it does for card charges: an earlier unpaid barcode with the same
        ``merchant_uid`` would look like this call's.
        """
        total = require_amount("amount", amount, positive=True)
        body = drop_none(
            {
                "channel_key": nonblank_text("channel_key", channel_key),
                "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
                "amount": total,
                "barcode": optional_nonblank_text("barcode", barcode),
                "expired_at": optional_unix_seconds("expired_at", expired_at),
                "name": optional_nonblank_text("name", name, 40),
                **buyer_fields(buyer_name, buyer_email, buyer_tel, buyer_addr, buyer_postcode),
                "confirm_url": optional_nonblank_text("confirm_url", confirm_url),
                "notice_url": notice_urls(notice_url),
                "custom_data": optional_verbatim_text("custom_data", custom_data),
            }
        )
        return await self._call(
            "POST", "/cvs", Payment, json=body, idempotency=Idempotency.UNGUARDED
        )

    @operation("DELETE", "/cvs/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`payments.get(imp_uid)`: the barcode cancelled",
        "read payments.get(imp_uid): status cancelled means revoked",
        read_back=_cvs_revoked,
    )
    async def revoke(self, imp_uid: str) -> Payment:
        """Revoke the unpaid barcode of payment ``imp_uid`` (out of stock, order withdrawn) so
        that it can no longer be paid; answers the payment.

        Retry: ``GUARDED``. No money moves and a barcode is revoked once: a repeat can do no
        more than the first attempt, at worst it is refused. After an ambiguous failure, read
        the payment back before acting on an error.
        """
        endpoint = path("/cvs/{}", require_id("imp_uid", imp_uid))
        return await self._call("DELETE", endpoint, Payment, idempotency=Idempotency.GUARDED)
