"""Shipping details registered for an escrow payment (``EscrowLogisAnnotation``)."""

from __future__ import annotations

import attrs

from iamport_async.models._types import NOTHING_DECIDES, Model, Timestamp


@attrs.frozen
class EscrowLogis(Model):
    """The courier (``company``, a courier code), the ``invoice`` number, when the parcel was
    sent and when the details were registered."""

    DECIDING = NOTHING_DECIDES
    """Nothing decides: the courier, invoice and times describe the shipment."""

    company: str | None = None
    """The courier's code."""
    invoice: str | None = None
    """The tracking (invoice) number."""
    sent_at: Timestamp = None
    """When the parcel was sent (UTC)."""
    applied_at: Timestamp = None
    """When the shipping details were registered (UTC)."""
