"""Virtual accounts (tag ``vbanks``): issue one by API, change its amount or due date, revoke
it before it is paid into, and look up the holder of a bank account.

A virtual account is a payment in ``ready`` state until the customer pays into it, so issue,
modify and revoke answer a :class:`~iamport_async.models.payment.Payment`. Several ready
accounts may share one ``merchant_uid`` (the spec), which is why modify and revoke take
the ``imp_uid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._checks import (
    PRODUCT_TYPES,
    buyer_fields,
    digit_string,
    nonblank_text,
    notice_urls,
    optional_amount,
    optional_body_bool,
    optional_choice,
    optional_int_between,
    optional_nonblank_text,
    optional_unix_seconds,
    optional_verbatim_text,
    optional_whole_amount,
    require_amount,
    require_id,
    unix_seconds,
    whole_amount,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.models.payment import Payment, PaymentStatus
from iamport_async.models.vbank import VbankHolder
from iamport_async.retry import Idempotency

# --- The group ---------------------------------------------------------------------------


async def _modified(
    self: Vbanks,
    error: Exception,
    imp_uid: str,
    *,
    amount: int | Decimal | None = None,
    vbank_due: datetime | int | None = None,
) -> Payment | None:
    payment = await self._payment(imp_uid)
    if amount is not None and payment.amount != Decimal(amount):
        return None
    due = optional_unix_seconds("vbank_due", vbank_due)
    date = payment.vbank_date
    if due is not None and (date is None or int(date.timestamp()) != due):
        return None
    return payment


async def _revoked(self: Vbanks, error: Exception, imp_uid: str, **_: Any) -> Payment | None:
    payment = await self._payment(imp_uid)
    return payment if payment.status == PaymentStatus.CANCELLED else None


class Vbanks(Endpoints):
    """Virtual accounts (``client.vbanks``)."""

    @operation("POST", "/vbanks")
    @mutation(
        Resent.NEVER_SENT,
        "none: several unpaid accounts may share a `merchant_uid`",
        "list payments.find_all(merchant_uid, status='ready') before issuing again: an "
        "account this call issued may stand",
    )
    async def issue(
        self,
        *,
        channel_key: str,
        merchant_uid: str,
        amount: int | Decimal,
        vbank_code: str,
        vbank_due: datetime | int,
        vbank_holder: str | None = None,
        name: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        buyer_addr: str | None = None,
        buyer_postcode: str | None = None,
        business_registration_number: str | None = None,
        product_type: str | None = None,
        vbank_num: str | None = None,
        vbank_key: str | None = None,
        notice_url: str | Sequence[str] | None = None,
        custom_data: str | None = None,
        tax_free: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
        product_count: int | None = None,
        escrow_password: str | None = None,
        fixed_unlimited_vbank: bool | None = None,
        pg_api_key: str | None = None,
    ) -> Payment:
        """Issue a virtual account at bank ``vbank_code`` that the customer can pay ``amount``
        into until ``vbank_due`` (an aware datetime or UNIX seconds); answers the ``ready``
        payment with ``vbank_num``.

        Which optional fields a PG needs differs (``vbank_holder`` for INICIS, NICE, Hecto
        and Smartro; ``product_type`` for KSNET; ``vbank_num``/``vbank_key`` for fixed
        accounts; ``pg_api_key``, sent in the query, for INICIS): see the spec. A
        ``merchant_uid`` already paid cannot be used again.

        Retry: ``UNGUARDED``. The API does not refuse a second account for the same
        ``merchant_uid`` while the first is unpaid (the spec), so a repeat could leave the
        customer two accounts to pay into. A request that may have reached the server is not
        resent: look for the payment by ``merchant_uid`` (``payments.find_all``) before issuing
        again. The client does not settle that lookup itself, as it does for card charges: an
        earlier unpaid account with the same ``merchant_uid`` would look like this call's.
        """
        total = require_amount("amount", amount, positive=True)
        body = drop_none(
            {
                "channel_key": nonblank_text("channel_key", channel_key),
                "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
                "amount": total,
                "vbank_code": nonblank_text("vbank_code", vbank_code),
                "vbank_due": unix_seconds("vbank_due", vbank_due),
                "vbank_holder": optional_nonblank_text("vbank_holder", vbank_holder, 16),
                "name": optional_nonblank_text("name", name, 40),
                **buyer_fields(buyer_name, buyer_email, buyer_tel, buyer_addr, buyer_postcode),
                "business_registration_number": optional_nonblank_text(
                    "business_registration_number", business_registration_number, 10
                ),
                "product_type": optional_choice("product_type", product_type, PRODUCT_TYPES),
                "vbank_num": optional_nonblank_text("vbank_num", vbank_num),
                "vbank_key": optional_nonblank_text("vbank_key", vbank_key, 13),
                "notice_url": notice_urls(notice_url),
                "custom_data": optional_verbatim_text("custom_data", custom_data),
                "tax_free": optional_whole_amount("tax_free", tax_free, total),
                "vat_amount": optional_amount("vat_amount", vat_amount, total),
                "product_count": optional_int_between("product_count", product_count, 1),
                "escrow_password": optional_nonblank_text("escrow_password", escrow_password),
                "fixed_unlimited_vbank": optional_body_bool(
                    "fixed_unlimited_vbank", fixed_unlimited_vbank
                ),
            }
        )
        params = drop_none({"pg_api_key": optional_nonblank_text("pg_api_key", pg_api_key)})
        return await self._call(
            "POST",
            "/vbanks",
            Payment,
            params=params or None,
            json=body,
            idempotency=Idempotency.UNGUARDED,
        )

    @operation("PUT", "/vbanks/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`payments.get(imp_uid)`: amount and due date as asked",
        "read payments.get(imp_uid): amount and vbank_date",
        read_back=_modified,
    )
    async def modify(
        self,
        imp_uid: str,
        *,
        amount: int | Decimal | None = None,
        vbank_due: datetime | int | None = None,
    ) -> Payment:
        """Change the ``amount`` or the due date of an unpaid virtual account (Hecto only).

        A paid or revoked account is refused (400, BadRequestError).

        Retry: ``GUARDED``. Both fields are set to the values given, not added to, so a repeat
        leaves the account as the first attempt did; once the account is paid into, the API
        refuses any change.
        """
        endpoint = path("/vbanks/{}", require_id("imp_uid", imp_uid))
        body = drop_none(
            {
                "amount": None if amount is None else whole_amount("amount", amount, positive=True),
                "vbank_due": optional_unix_seconds("vbank_due", vbank_due),
            }
        )
        return await self._call(
            "PUT", endpoint, Payment, json=body, idempotency=Idempotency.GUARDED
        )

    @operation("DELETE", "/vbanks/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`payments.get(imp_uid)`: the account cancelled",
        "read payments.get(imp_uid): status cancelled means revoked",
        read_back=_revoked,
    )
    async def revoke(self, imp_uid: str, *, pg_api_key: str | None = None) -> Payment:
        """Revoke an unpaid virtual account so that nobody pays into it by mistake; answers
        the payment as revoked. ``pg_api_key`` (query) is required by INICIS.

        Retry: ``GUARDED``. No money moves, and only a ``ready`` account can be revoked (400
        otherwise), so a repeat can do no more than the first attempt. A BadRequestError with
        ``after_ambiguous_failure`` set usually means the first attempt revoked it.
        """
        endpoint = path("/vbanks/{}", require_id("imp_uid", imp_uid))
        params = drop_none({"pg_api_key": optional_nonblank_text("pg_api_key", pg_api_key)})
        return await self._call(
            "DELETE", endpoint, Payment, params=params or None, idempotency=Idempotency.GUARDED
        )

    async def _payment(self, imp_uid: str) -> Payment:
        """The payment ``imp_uid`` (the read-back of modify and revoke)."""
        return await self._call("GET", path("/payments/{}", imp_uid), Payment)

    @operation("GET", "/vbanks/holder")
    async def holder(self, *, bank_code: str, bank_num: str) -> VbankHolder:
        """The holder's name of account ``bank_num`` at bank ``bank_code`` (a 3-digit KFTC
        code such as ``004``): to check a refund account before refunding into it.

        Hidden from the newest spec since 2025-10 but still served. An
        account the bank does not know is a NotFoundError. Both values travel in the query
        string (the API's design); the client never puts them in an error or its own logs.
        """
        params = {
            "bank_code": digit_string("bank_code", bank_code, 3, 3, "a 3-digit bank code"),
            "bank_num": digit_string(
                "bank_num", bank_num, 6, 20, "an account number (digits, '-' allowed)"
            ),
        }
        return await self._call("GET", "/vbanks/holder", VbankHolder, params=params)
