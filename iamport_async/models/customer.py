"""Billing keys (``subscribe.customer``): a plain one, or a "super" one over several channels.

``GET``, ``POST`` and ``DELETE /subscribe/customers/{customer_uid}`` answer either a
``CustomerAnnotation`` or, for a key issued with ``channel_group_id``, a
``SuperBillingKeyAnnotation`` (camelCase ``channelGroupId``). :data:`BillingKey` is that union;
the converter tells the two apart by ``channelGroupId``, and ``GET /subscribe/customers`` may mix
them in one list.
"""

from __future__ import annotations

import attrs

from iamport_async.models._types import Deciding, Model, Timestamp
from iamport_async.models.payment import LenientInt


@attrs.frozen
class Customer(Model):
    """A billing key (``CustomerAnnotation``): the card a ``customer_uid`` charges.

    Personal data (the cardholder's details, and the card number even though the API masks
    it) is left out of ``repr``.
    """

    DECIDING = Deciding("customer_uid", "inserted", "updated")
    """Strict: the key's ``customer_uid`` and its ``inserted``/``updated`` times (an
    issue's read-back tells a new key by ``updated``). The card's and cardholder's details
    describe (``card_type`` among them)."""

    customer_uid: str
    """The billing key's id (``customer_uid``), chosen by the merchant when it was issued."""
    pg_provider: str | None = None
    """The code of the PG the billing key is registered with."""
    pg_id: str | None = None
    """The PG merchant id (MID) the billing key is registered with."""
    card_name: str | None = None
    """The card company's name."""
    inserted: Timestamp = None
    """When the billing key was registered (UTC); None if the API sent 0."""
    updated: Timestamp = None
    """When the billing key was last updated (UTC); None if the API sent 0."""
    sandbox: bool | None = None
    """Whether the key is on a test channel; None when the answer does not say (answers
    recorded before 2026 lack the field)."""
    customer_id: str | None = None
    """The merchant's own id of the buyer, as sent when the key was issued."""
    card_code: str | None = None
    """The card company's KFTC standard code (금융결제원 표준코드)."""
    card_issuer_code: str | None = None
    """KFTC standard code of the bank that issued the card; only from PGs that report it (Toss
    Payments, KSNET, NICE, Smartro, ...)."""
    card_issuer_name: str | None = None
    """Name of the bank that issued the card; only from PGs that report the issuer."""
    card_publisher_code: str | None = None
    """KFTC standard code of the card's brand owner (발행사); only from PGs that report it."""
    card_publisher_name: str | None = None
    """Name of the card's brand owner (발행사); only from PGs that report it."""
    card_number: str | None = attrs.field(default=None, repr=False)
    """The card number, masked by the API; left out of ``repr`` all the same."""
    card_type: LenientInt = None
    """0 credit card, 1 check card; None where the PG does not say (INICIS billing)."""
    customer_name: str | None = attrs.field(default=None, repr=False)
    """The cardholder's name; personal data, left out of ``repr``."""
    customer_tel: str | None = attrs.field(default=None, repr=False)
    """The cardholder's phone number; personal data, left out of ``repr``."""
    customer_email: str | None = attrs.field(default=None, repr=False)
    """The cardholder's email address; personal data, left out of ``repr``."""
    customer_addr: str | None = attrs.field(default=None, repr=False)
    """The cardholder's address; personal data, left out of ``repr``."""
    customer_postcode: str | None = attrs.field(default=None, repr=False)
    """The cardholder's postcode; personal data, left out of ``repr``."""


@attrs.frozen
class SucceededChannel(Model):
    """A channel of a super billing key where the key was issued."""

    DECIDING = Deciding("pg_id")
    """Strict: the channel's ``pg_id``. The card's details describe."""

    pg_id: str
    """The PG merchant id (MID) of the channel the key was issued on."""
    pg_provider: str | None = None
    """The code of the channel's PG."""
    card_name: str | None = None
    """The card company's name."""
    card_code: str | None = None
    """The card company's KFTC standard code (금융결제원 표준코드)."""
    card_issuer_code: str | None = None
    """KFTC standard code of the bank that issued the card; only from PGs that report it (Toss
    Payments, KSNET, NICE, Smartro, ...)."""
    card_issuer_name: str | None = None
    """Name of the bank that issued the card; only from PGs that report the issuer."""
    card_publisher_code: str | None = None
    """KFTC standard code of the card's brand owner (발행사); only from PGs that report it."""
    card_publisher_name: str | None = None
    """Name of the card's brand owner (발행사); only from PGs that report it."""
    card_number: str | None = attrs.field(default=None, repr=False)
    """The card number, masked by the API; left out of ``repr`` all the same."""
    card_type: LenientInt = None
    """0 credit card, 1 check card; None where the PG does not say (INICIS billing)."""
    inserted: Timestamp = None
    """When the billing key was registered (UTC); None if the API sent 0."""
    updated: Timestamp = None
    """When the billing key was last updated (UTC); None if the API sent 0."""
    # SPEC lists a required "update" (a typo of "updated"); if it is ever sent it is kept in
    # unknown_fields, and neither is required here.


@attrs.frozen
class FailedChannel(Model):
    """A channel of a super billing key where issuing failed, and why.

    ``type`` is one of ``INVALID_REQUEST``, ``PG_PROVIDER``, ... (kept as the API sends it).
    """

    DECIDING = Deciding("pg_id")
    """Strict: the channel's ``pg_id``. Why it failed describes."""

    pg_id: str
    """The PG merchant id (MID) of the channel where issuing failed."""
    type: str | None = None
    """``INVALID_REQUEST`` (bad input), ``PG_PROVIDER`` (the PG refused) or ``DB_FAILED``."""
    message: str | None = None
    """Why issuing failed on this channel, as the API words it."""
    pg_provider: str | None = None
    """The code of the channel's PG."""


@attrs.frozen
class SuperBillingKey(Model):
    """A billing key issued on every channel of a smart-routing group
    (``SuperBillingKeyAnnotation``). Field names are the API's, camelCase included."""

    DECIDING = Deciding("customer_uid", "channelGroupId")
    """Strict: ``customer_uid`` and ``channelGroupId``. The cardholder's details and the
    channel lists describe."""

    customer_uid: str
    """The billing key's id (``customer_uid``), chosen by the merchant when it was issued."""
    channelGroupId: str
    """The smart-routing channel group the key was issued over."""
    customer_id: str | None = None
    """The merchant's own id of the buyer, as sent when the key was issued."""
    customer_name: str | None = attrs.field(default=None, repr=False)
    """The cardholder's name; personal data, left out of ``repr``."""
    customer_tel: str | None = attrs.field(default=None, repr=False)
    """The cardholder's phone number; personal data, left out of ``repr``."""
    customer_email: str | None = attrs.field(default=None, repr=False)
    """The cardholder's email address; personal data, left out of ``repr``."""
    customer_addr: str | None = attrs.field(default=None, repr=False)
    """The cardholder's address; personal data, left out of ``repr``."""
    customer_postcode: str | None = attrs.field(default=None, repr=False)
    """The cardholder's postcode; personal data, left out of ``repr``."""
    succeededChannels: tuple[SucceededChannel, ...] = ()
    """The channels where the key was issued, with each card's details."""
    failedChannels: tuple[FailedChannel, ...] = ()
    """The channels where issuing failed, and why."""


BillingKey = Customer | SuperBillingKey
"""What the billing-key endpoints answer: a plain key, or a super billing key."""
