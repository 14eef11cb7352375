"""KCP Quick Pay members and auto-payment keys."""

from __future__ import annotations

import attrs

from iamport_async.models._types import Deciding, Model, Timestamp


@attrs.frozen
class KcpQuickMember(Model):
    """A buyer registered with KCP Quick Pay (``KcpQuickMemberAnnotation``)."""

    DECIDING = Deciding("member_id")
    """Strict: the ``member_id``. PG and times describe."""

    member_id: str
    """The member's id (고객 고유번호)."""
    pg_provider: str | None = None
    """The PG's code: ``kcp_quick``."""
    pg_id: str | None = None
    """The PG merchant id (MID)."""
    inserted: Timestamp = None
    """When the member was registered (UTC)."""
    updated: Timestamp = None
    """When the member was last updated (UTC)."""


@attrs.frozen
class KcpQuickAutopayKey(Model):
    """The auto-payment key that was deleted, named by its billing key."""

    DECIDING = Deciding("customer_uid")
    """Strict: the billing key's ``customer_uid``."""

    customer_uid: str | None = None
    """The billing key whose auto-payment key was deleted."""


@attrs.frozen
class KcpQuickFidoRelease(Model):
    """The member whose biometric (FIDO) authentication was released."""

    DECIDING = Deciding("member_id")
    """Strict: the ``member_id``."""

    member_id: str | None = None
    """The member whose FIDO authentication was released."""
