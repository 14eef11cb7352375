"""KCP Quick Pay: prepaid-money and auto-payment charges, order pre-registration, members.

The two charges (``pay_with_money``, ``pay_with_autopay``) move money and are never resent
once they may have reached the server. If one fails with a timeout, a dropped connection or
a 5xx, the client looks the payment up by ``merchant_uid`` and returns it if KCP settled it;
otherwise the original error is raised, and the charge may still be in flight.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from typing import Any

from iamport_async._engine import Answer
from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._charge import CHARGE, charge_once
from iamport_async.endpoints._checks import (
    nonblank_text,
    optional_choice,
    optional_nonblank_text,
    optional_whole_amount,
    require_id,
    whole_amount,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.errors import InvalidInputError
from iamport_async.models.kcpquick import KcpQuickAutopayKey, KcpQuickFidoRelease, KcpQuickMember
from iamport_async.models.payment import Payment
from iamport_async.retry import Idempotency

_PREPAID_AMOUNT_DIGITS = 9


class KcpQuick(Endpoints):
    """``client.kcpquick``: KCP Quick Pay."""

    @operation("POST", "/kcpquick/payment/money")
    @mutation(
        Resent.NEVER_SENT,
        "inside the call: the PIN-checked payment `imp_uid`, settled with this amount",
        "read payments.get(imp_uid): status paid means charged; it may still complete",
        settles_itself=True,
    )
    async def pay_with_money(
        self,
        *,
        member_id: str,
        channel_key: str,
        merchant_uid: str,
        name: str,
        amount: int | Decimal,
        imp_uid: str,
        notice_url: str | None = None,
    ) -> Payment:
        """Charge a member's KCP prepaid money, for an order whose PIN check (``imp_uid``) is
        done.

        UNGUARDED: it moves money and the spec shows no refusal of a repeat, so it is sent once
        (resent only if the connection was refused). After an ambiguous failure (timeout,
        dropped connection, 5xx) the payment ``imp_uid`` is read back: returned if KCP
        settled it with this amount (check ``status``); OutcomeUnknownError if it is still
        ``ready`` (the PIN check's order before the charge). Look it up again before charging
        again.
        """
        body = {
            "member_id": nonblank_text("member_id", member_id, max_length=16),
            "channel_key": nonblank_text("channel_key", channel_key),
            "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
            "name": nonblank_text("name", name, max_length=40),
            "amount": whole_amount("amount", amount, positive=True),
            "imp_uid": require_id("imp_uid", imp_uid),
            "notice_url": optional_nonblank_text("notice_url", notice_url),
        }
        return await charge_once(
            self,
            "/kcpquick/payment/money",
            drop_none(body),
            merchant_uid,
            imp_uid=imp_uid,
        )

    @operation("POST", "/kcpquick/payment/autopay")
    @CHARGE
    async def pay_with_autopay(
        self,
        *,
        customer_uid: str,
        merchant_uid: str,
        name: str,
        buyer_name: str,
        amount: int | Decimal,
        notice_url: str | None = None,
    ) -> Payment:
        """Charge the auto-payment key registered under ``customer_uid``.

        UNGUARDED, settled by a lookup after an ambiguous failure, as :meth:`pay_with_money`.
        """
        body = {
            "customer_uid": require_id("customer_uid", customer_uid),
            "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
            "name": nonblank_text("name", name, max_length=40),
            "buyer_name": nonblank_text("buyer_name", buyer_name, max_length=20),
            "amount": whole_amount("amount", amount, positive=True),
            "notice_url": optional_nonblank_text("notice_url", notice_url),
        }
        return await charge_once(self, "/kcpquick/payment/autopay", drop_none(body), merchant_uid)

    @operation("POST", "/kcpquick/prepare/{merchant_uid}")
    @mutation(
        Resent.GUARDED,
        "none",
        "send it again: a repeat is refused, not doubled; KCP's console shows the order",
    )
    async def prepare(
        self,
        merchant_uid: str,
        *,
        btid: str,
        cust_ip: str,
        code_verifier: str,
        prepaid_auth_yn: str | None = None,
        prepaid_amount: int | None = None,
        vender_type: str | None = None,
        reward_id: str | None = None,
    ) -> None:
        """Pre-register a prepaid-money order. The API answers with no payload.

        GUARDED: the API refuses a second registration of the same ``merchant_uid`` (409
        ConflictError), so a resend cannot register twice; a 409 after an ambiguous failure
        (``error.after_ambiguous_failure``) means the first attempt went through.
        """
        url = path("/kcpquick/prepare/{}", require_id("merchant_uid", merchant_uid, 40))
        body = _prepare_body(
            btid, cust_ip, code_verifier, prepaid_auth_yn, prepaid_amount, vender_type, reward_id
        )
        await self._call("POST", url, Answer, json=body, idempotency=Idempotency.GUARDED)

    @operation("PUT", "/kcpquick/prepare/{merchant_uid}")
    @mutation(
        Resent.GUARDED,
        "none",
        "send it again: it sets the amount, a repeat leaves the same state",
    )
    async def update_prepare(
        self,
        merchant_uid: str,
        *,
        btid: str,
        cust_ip: str,
        code_verifier: str,
        prepaid_auth_yn: str | None = None,
        prepaid_amount: int | None = None,
        vender_type: str | None = None,
        reward_id: str | None = None,
    ) -> None:
        """Replace a prepaid-money order's pre-registration. The API answers with no payload.

        GUARDED: a PUT of the same values twice leaves the same registration, so a resend
        changes nothing more.
        """
        url = path("/kcpquick/prepare/{}", require_id("merchant_uid", merchant_uid, 40))
        body = _prepare_body(
            btid, cust_ip, code_verifier, prepaid_auth_yn, prepaid_amount, vender_type, reward_id
        )
        await self._call("PUT", url, Answer, json=body, idempotency=Idempotency.GUARDED)

    @operation("DELETE", "/kcpquick/members/{member_id}")
    @mutation(
        Resent.GUARDED,
        "none",
        "send it again: a deleted member cannot be deleted twice",
    )
    async def delete_member(
        self, member_id: str, *, site_code: str, partner_type: str, partner_subtype: str
    ) -> KcpQuickMember:
        """Delete a buyer's KCP Quick Pay registration for good (the API needs
        ``Accept: application/json``, which the client always sends).

        GUARDED: a second delete of the same member is refused (404), so a resend cannot
        delete anything else; a 404 after an ambiguous failure means the first one worked.
        """
        url = path("/kcpquick/members/{}", require_id("member_id", member_id))
        params = {
            "site_code": nonblank_text("site_code", site_code, max_length=80),
            "partner_type": nonblank_text("partner_type", partner_type, max_length=80),
            "partner_subtype": nonblank_text("partner_subtype", partner_subtype, max_length=80),
        }
        return await self._call(
            "DELETE", url, KcpQuickMember, params=params, idempotency=Idempotency.GUARDED
        )

    @operation("DELETE", "/kcpquick/autopay/{customer_uid}")
    @mutation(
        Resent.GUARDED,
        "none",
        "send it again: a deleted key cannot be deleted twice",
    )
    async def delete_autopay(self, customer_uid: str) -> KcpQuickAutopayKey:
        """Delete the auto-payment key registered under ``customer_uid``.

        GUARDED: a second delete is refused (404), so a resend cannot delete anything else.
        """
        url = path("/kcpquick/autopay/{}", require_id("customer_uid", customer_uid))
        return await self._call("DELETE", url, KcpQuickAutopayKey, idempotency=Idempotency.GUARDED)

    @operation("POST", "/kcpquick/members/{member_id}/fido/release")
    @mutation(
        Resent.NEVER_SENT,
        "none",
        "check the member's FIDO state with KCP before releasing again",
    )
    async def release_fido(self, member_id: str, *, channel_key: str) -> KcpQuickFidoRelease:
        """Turn off a member's biometric (FIDO) authentication. A refusal by KCP comes back as
        HTTP 200 with a non-zero code (BusinessError carrying KCP's message).

        UNGUARDED: the spec does not say a repeat is refused, and each call reaches KCP.
        """
        url = path("/kcpquick/members/{}/fido/release", require_id("member_id", member_id))
        body = {"channel_key": nonblank_text("channel_key", channel_key)}
        return await self._call(
            "POST", url, KcpQuickFidoRelease, json=body, idempotency=Idempotency.UNGUARDED
        )


def _prepare_body(
    btid: str,
    cust_ip: str,
    code_verifier: str,
    prepaid_auth_yn: str | None,
    prepaid_amount: int | None,
    vender_type: str | None,
    reward_id: str | None,
) -> dict[str, Any]:
    """The pre-registration fields, checked; ``prepaid_amount`` is required with ``Y``."""
    try:
        ipaddress.IPv4Address(nonblank_text("cust_ip", cust_ip))
    except ValueError:
        raise InvalidInputError("cust_ip", "must be an IPv4 address") from None
    auth = optional_choice("prepaid_auth_yn", prepaid_auth_yn, ("Y", "N"))
    amount = optional_whole_amount("prepaid_amount", prepaid_amount)
    if amount is not None and len(str(amount)) > _PREPAID_AMOUNT_DIGITS:
        raise InvalidInputError("prepaid_amount", "has more than 9 digits")
    if auth == "Y" and amount is None:
        raise InvalidInputError("prepaid_amount", "is required when prepaid_auth_yn is 'Y'")
    return drop_none(
        {
            "btid": nonblank_text("btid", btid, max_length=20),
            "cust_ip": cust_ip,
            "code_verifier": nonblank_text("code_verifier", code_verifier, max_length=200),
            "prepaid_auth_yn": auth,
            "prepaid_amount": amount,
            "vender_type": optional_nonblank_text("vender_type", vender_type, max_length=20),
            "reward_id": optional_nonblank_text("reward_id", reward_id, max_length=20),
        }
    )
