"""Paymentwall delivery registration: request codes and the answer's detail."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._converter import Model


class PaymentwallProductType(enum.StrEnum):
    PHYSICAL = "physical"
    """Goods shipped to the buyer: carrier and shipping address are required."""
    DIGITAL = "digital"


class PaymentwallDeliveryStatus(enum.StrEnum):
    ORDER_PLACED = "order_placed"
    ORDER_SHIPPED = "order_shipped"
    DELIVERING = "delivering"
    DELIVERED = "delivered"


class PaymentwallRefundable(enum.StrEnum):
    YES = "yes"
    NO = "no"


@attrs.frozen
class PaymentwallDelivery(Model):
    """Paymentwall's answer (``PaymentwallDeliveryDetailAnnotation``).

    Success carries ``success: 1``; a refusal carries ``error_code``, ``error`` and
    ``notices``. The client raises on a refusal, so a returned
    value is a success.
    """

    success: int | None = None
    error_code: int | None = None
    error: str | None = None
    notices: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error_code is None and self.error is None
