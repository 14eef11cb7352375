"""Reference data the API serves: card and bank codes, PG settings, sub-merchants (tiers)."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._converter import Model


@attrs.frozen
class StandardCode(Model):
    """A card company or bank by its KFTC standard code (``StandardCodeAnnotation``)."""

    code: str
    """KFTC (금융결제원) standard code, e.g. ``"004"`` for KB Kookmin Bank."""
    name: str | None = None


class PgSettingType(enum.StrEnum):
    """Which console tab a PG setting belongs to."""

    PAYMENT = "payment"
    """Payments through the payment window (one-off and billing-key)."""
    API_PAYMENT = "api_payment"
    """Payments through the REST API (key-in)."""
    CERTIFICATION = "certification"
    """Identity verification."""


@attrs.frozen
class PgSetting(Model):
    """One PG MID configured in the console (``PgSettingAnnotation``)."""

    pg_id: str
    pg_provider: str | None = None
    sandbox: bool = False
    type: PgSettingType | str | None = None
    channel_name: str | None = None
    channel_key: str | None = None


@attrs.frozen
class Tier(Model):
    """A sub-merchant of an agency account (``TierAnnotation``)."""

    tier_code: str
    tier_name: str | None = None
