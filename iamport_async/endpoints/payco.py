"""PAYCO: move an order along (shipping started, purchase confirmed, cancelled)."""

from __future__ import annotations

from iamport_async.endpoints._base import Endpoints, operation, path
from iamport_async.endpoints._checks import choice, require_id
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.models.payco import PaycoOrderStatus, PaycoStatus
from iamport_async.retry import Idempotency


class Payco(Endpoints):
    """``client.payco``: PAYCO order status."""

    @operation("POST", "/payco/orders/status/{imp_uid}")
    @mutation(
        Resent.NEVER_SENT,
        "none",
        "check the order's status in PAYCO's console before sending it again",
    )
    async def change_order_status(
        self, imp_uid: str, *, status: PaycoStatus | str
    ) -> PaycoOrderStatus:
        """Set the PAYCO order of payment ``imp_uid`` to ``status``.

        UNGUARDED: ``CANCELED`` cancels the order, and the spec shows no refusal of a repeat,
        so it is not resent once it may have reached the server.
        """
        url = path("/payco/orders/status/{}", require_id("imp_uid", imp_uid))
        body = {"status": choice("status", status, PaycoStatus)}
        return await self._call(
            "POST", url, PaycoOrderStatus, json=body, idempotency=Idempotency.UNGUARDED
        )
