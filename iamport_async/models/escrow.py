"""Shipping details registered for an escrow payment (``EscrowLogisAnnotation``)."""

from __future__ import annotations

import attrs

from iamport_async.models._converter import Model, Timestamp


@attrs.frozen
class EscrowLogis(Model):
    """The courier (``company``, a courier code), the ``invoice`` number, when the parcel was
    sent and when the details were registered."""

    company: str | None = None
    invoice: str | None = None
    sent_at: Timestamp = None
    applied_at: Timestamp = None
