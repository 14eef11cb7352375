"""Benepia welfare points (``BenepiaPointAnnotation``). A point payment is a
:class:`~iamport_async.models.payment.Payment`."""

from __future__ import annotations

import attrs

from iamport_async.models._types import Deciding, Model, Money


@attrs.frozen
class BenepiaPoint(Model):
    """The points a Benepia member holds.

    The spec marks ``bank_holder`` required here, a copy of ``VbankHolderAnnotation``'s list;
    the answer is ``{point}``, so nothing is required.
    """

    DECIDING = Deciding("point")
    """Strict: the points (money)."""

    point: Money | None = None
    """The Benepia points the member holds."""
