"""Benepia welfare points (tag ``benepia``, through KCP): read a member's points and pay with
them. Both calls carry the member's Benepia login, which the client never logs or shows in
an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from iamport_async.endpoints._base import Endpoints, drop_none, operation
from iamport_async.endpoints._charge import CHARGE, charge_once
from iamport_async.endpoints._checks import (
    buyer_fields,
    nonblank_text,
    notice_urls,
    optional_nonblank_text,
    optional_verbatim_text,
    require_amount,
    require_id,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.models.benepia import BenepiaPoint
from iamport_async.models.payment import Payment
from iamport_async.retry import Idempotency


class Benepia(Endpoints):
    """Benepia points (``client.benepia``)."""

    @operation("POST", "/benepia/point")
    @mutation(Resent.QUERY, "nothing to settle: it changes nothing", "ask again")
    async def get_points(
        self, *, benepia_user: str, benepia_password: str, channel_key: str
    ) -> BenepiaPoint:
        """The points held by the Benepia member who gave you ``benepia_user`` and
        ``benepia_password``.

        Retry: ``UNGUARDED``, though nothing changes: the API answers every failure, wrong
        credentials included, with HTTP 500, so retrying would repeat a failed login against
        the member's Benepia account. Only a request that never reached the server is
        resent.
        """
        body = {
            "benepia_user": nonblank_text("benepia_user", benepia_user),
            "benepia_password": nonblank_text("benepia_password", benepia_password),
            "channel_key": nonblank_text("channel_key", channel_key),
        }
        return await self._call(
            "POST", "/benepia/point", BenepiaPoint, json=body, idempotency=Idempotency.UNGUARDED
        )

    @operation("POST", "/benepia/payment")
    @CHARGE
    async def pay(
        self,
        *,
        benepia_user: str,
        benepia_password: str,
        merchant_uid: str,
        amount: int | Decimal,
        name: str,
        channel_key: str,
        benepia_member_code: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        buyer_addr: str | None = None,
        buyer_postcode: str | None = None,
        notice_url: str | Sequence[str] | None = None,
        custom_data: str | None = None,
    ) -> Payment:
        """Pay ``amount`` with the member's Benepia points; answers the payment.

        Without ``benepia_member_code`` (the member company's code from Benepia) the payment
        is a test payment. A ``merchant_uid`` already paid cannot be used again.

        A refusal (wrong login, too few points) is the API's HTTP 500 with its envelope: a
        ServerError, final.

        Retry: ``UNGUARDED``: it spends points, so a request that may have reached the server
        is not resent. After an ambiguous failure (timeout, dropped connection, a 5xx that is
        not the API's refusal) the payment is looked up by ``merchant_uid``: returned if the
        server settled it (check ``status``), else the original error is raised. Look it up
        again before paying again.
        """
        body = drop_none(
            {
                "benepia_user": nonblank_text("benepia_user", benepia_user),
                "benepia_password": nonblank_text("benepia_password", benepia_password),
                "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
                "amount": require_amount("amount", amount, positive=True),
                "name": nonblank_text("name", name, 40),
                "channel_key": nonblank_text("channel_key", channel_key),
                "benepia_member_code": optional_nonblank_text(
                    "benepia_member_code", benepia_member_code
                ),
                **buyer_fields(buyer_name, buyer_email, buyer_tel, buyer_addr, buyer_postcode),
                "notice_url": notice_urls(notice_url),
                "custom_data": optional_verbatim_text("custom_data", custom_data),
            }
        )
        return await charge_once(self, "/benepia/payment", body, merchant_uid, refusals={500})
