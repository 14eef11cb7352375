"""The account holder lookup (``VbankHolderAnnotation``). Virtual accounts themselves are
payments: issue, edit and revoke answer a :class:`~iamport_async.models.payment.Payment`."""

from __future__ import annotations

import attrs

from iamport_async.models._types import Deciding, Model


@attrs.frozen
class VbankHolder(Model):
    """The name on a bank account (``bank_holder``), to check before refunding into it."""

    DECIDING = Deciding("bank_holder")
    """Strict: the one datum asked for."""

    bank_holder: str = attrs.field(repr=False)
    """Personal data: left out of ``repr``."""
