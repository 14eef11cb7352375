"""Reference data the API serves: card and bank codes, PG settings, sub-merchants (tiers)."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import Deciding, Model


@attrs.frozen
class StandardCode(Model):
    """A card company or bank by its KFTC standard code (``StandardCodeAnnotation``)."""

    DECIDING = Deciding("code")
    """Strict: the code. Its name describes."""

    code: str
    """KFTC (금융결제원) standard code, e.g. ``"004"`` for KB Kookmin Bank."""
    name: str | None = None
    """The card company's or bank's name, as KFTC lists it."""


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

    DECIDING = Deciding("pg_id", "channel_key")
    """Strict: the ``pg_id`` and ``channel_key`` (requests name a channel by them). The
    rest describes."""

    pg_id: str
    """The PG merchant id (MID)."""
    pg_provider: str | None = None
    """The PG's code (``html5_inicis``, ``kcp``, ``tosspayments``, ...)."""
    sandbox: bool = False
    """Whether this is a test channel."""
    type: PgSettingType | str | None = None
    """``payment``, ``api_payment`` or ``certification``: which console tab it is on."""
    channel_name: str | None = None
    """The channel name the merchant gave in the console."""
    channel_key: str | None = None
    """The channel key the console generated; requests name a channel by it."""


@attrs.frozen
class Tier(Model):
    """A sub-merchant of an agency account (``TierAnnotation``)."""

    DECIDING = Deciding("tier_code")
    """Strict: the ``tier_code``. Its name describes."""

    tier_code: str
    """The sub-merchant's code: 3 uppercase letters or digits, sent as the ``Tier`` header."""
    tier_name: str | None = None
    """The sub-merchant's display name."""
