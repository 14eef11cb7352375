"""PAYCO order status (``PaycoStatusAnnotation``)."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import Deciding, Model


class PaycoStatus(enum.StrEnum):
    """The states a PAYCO order can be moved to."""

    DELIVERY_START = "DELIVERY_START"
    """Shipping started (출고지시)."""
    PURCHASE_DECISION = "PURCHASE_DECISION"
    """Purchase confirmed (구매확정)."""
    CANCELED = "CANCELED"
    """Cancelled (취소)."""


@attrs.frozen
class PaycoOrderStatus(Model):
    """The status the PAYCO order now has."""

    DECIDING = Deciding("status")
    """Strict: the ``status``."""

    status: PaycoStatus | str
    """``DELIVERY_START``, ``PURCHASE_DECISION`` or ``CANCELED``."""
