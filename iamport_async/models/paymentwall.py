"""Paymentwall delivery registration: request codes and the answer's detail."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import Deciding, Model


class PaymentwallProductType(enum.StrEnum):
    """``type`` of a Paymentwall delivery: what was sold."""

    PHYSICAL = "physical"
    """Goods shipped to the buyer: carrier and shipping address are required."""
    DIGITAL = "digital"
    """Digital content: nothing is shipped."""


class PaymentwallDeliveryStatus(enum.StrEnum):
    """``status`` of a Paymentwall delivery."""

    ORDER_PLACED = "order_placed"
    """The order was placed."""
    ORDER_SHIPPED = "order_shipped"
    """The order was shipped."""
    DELIVERING = "delivering"
    """The order is on its way."""
    DELIVERED = "delivered"
    """The order was delivered."""


class PaymentwallRefundable(enum.StrEnum):
    """``refundable``: whether the payment may still be refunded."""

    YES = "yes"
    """Refundable."""
    NO = "no"
    """Not refundable."""


@attrs.frozen
class PaymentwallDelivery(Model):
    """Paymentwall's answer (``PaymentwallDeliveryDetailAnnotation``).

    Success carries ``success: 1``; a refusal carries ``error_code``, ``error`` and
    ``notices``. The client raises on a refusal, so a returned
    value is a success.
    """

    DECIDING = Deciding("success", "error_code", "error")
    """Strict: ``success``, ``error_code`` and ``error`` (whether Paymentwall accepted it).
    The notices describe."""

    success: int | None = None
    """1 when Paymentwall accepted the delivery."""
    error_code: int | None = None
    """Paymentwall's error code; None on success."""
    error: str | None = None
    """Paymentwall's error message; None on success."""
    notices: tuple[str, ...] = ()
    """Paymentwall's detailed error messages."""

    @property
    def ok(self) -> bool:
        """Whether Paymentwall reported no error."""
        return self.error_code is None and self.error is None
