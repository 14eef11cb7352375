"""KCP Quick Pay members and auto-payment keys."""

from __future__ import annotations

import attrs

from iamport_async.models._converter import Model, Timestamp


@attrs.frozen
class KcpQuickMember(Model):
    """A buyer registered with KCP Quick Pay (``KcpQuickMemberAnnotation``)."""

    member_id: str
    pg_provider: str | None = None
    pg_id: str | None = None
    inserted: Timestamp = None
    updated: Timestamp = None


@attrs.frozen
class KcpQuickAutopayKey(Model):
    """The auto-payment key that was deleted, named by its billing key."""

    customer_uid: str | None = None


@attrs.frozen
class KcpQuickFidoRelease(Model):
    """The member whose biometric (FIDO) authentication was released."""

    member_id: str | None = None
