"""Billing keys (``subscribe.customer``): a plain one, or a "super" one over several channels.

``GET``, ``POST`` and ``DELETE /subscribe/customers/{customer_uid}`` answer either a
``CustomerAnnotation`` or, for a key issued with ``channel_group_id``, a
``SuperBillingKeyAnnotation`` (camelCase ``channelGroupId``). :data:`BillingKey` is that union;
the converter tells the two apart by ``channelGroupId``, and ``GET /subscribe/customers`` may mix
them in one list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from iamport_async.models._converter import Model, Timestamp, converter
from iamport_async.models.payment import LenientInt


@attrs.frozen
class Customer(Model):
    """A billing key (``CustomerAnnotation``): the card a ``customer_uid`` charges.

    Personal data (the cardholder's details, and the card number even though the API masks
    it) is left out of ``repr``.
    """

    customer_uid: str
    pg_provider: str | None = None
    pg_id: str | None = None
    card_name: str | None = None
    inserted: Timestamp = None
    updated: Timestamp = None
    sandbox: bool | None = None
    """Whether the key is on a test channel; None when the answer does not say (answers
    recorded before 2026 lack the field)."""
    customer_id: str | None = None
    card_code: str | None = None
    card_issuer_code: str | None = None
    card_issuer_name: str | None = None
    card_publisher_code: str | None = None
    card_publisher_name: str | None = None
    card_number: str | None = attrs.field(default=None, repr=False)
    card_type: LenientInt = None
    customer_name: str | None = attrs.field(default=None, repr=False)
    customer_tel: str | None = attrs.field(default=None, repr=False)
    customer_email: str | None = attrs.field(default=None, repr=False)
    customer_addr: str | None = attrs.field(default=None, repr=False)
    customer_postcode: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class SucceededChannel(Model):
    """A channel of a super billing key where the key was issued."""

    pg_id: str
    pg_provider: str | None = None
    card_name: str | None = None
    card_code: str | None = None
    card_issuer_code: str | None = None
    card_issuer_name: str | None = None
    card_publisher_code: str | None = None
    card_publisher_name: str | None = None
    card_number: str | None = attrs.field(default=None, repr=False)
    card_type: LenientInt = None
    inserted: Timestamp = None
    updated: Timestamp = None
    # SPEC lists a required "update" (a typo of "updated"); if it is ever sent it is kept in
    # unknown_fields, and neither is required here.


@attrs.frozen
class FailedChannel(Model):
    """A channel of a super billing key where issuing failed, and why.

    ``type`` is one of ``INVALID_REQUEST``, ``PG_PROVIDER``, ... (kept as the API sends it).
    """

    pg_id: str
    type: str | None = None
    message: str | None = None
    pg_provider: str | None = None


@attrs.frozen
class SuperBillingKey(Model):
    """A billing key issued on every channel of a smart-routing group
    (``SuperBillingKeyAnnotation``). Field names are the API's, camelCase included."""

    customer_uid: str
    channelGroupId: str
    customer_id: str | None = None
    customer_name: str | None = attrs.field(default=None, repr=False)
    customer_tel: str | None = attrs.field(default=None, repr=False)
    customer_email: str | None = attrs.field(default=None, repr=False)
    customer_addr: str | None = attrs.field(default=None, repr=False)
    customer_postcode: str | None = attrs.field(default=None, repr=False)
    succeededChannels: tuple[SucceededChannel, ...] = ()
    failedChannels: tuple[FailedChannel, ...] = ()


BillingKey = Customer | SuperBillingKey
"""What the billing-key endpoints answer: a plain key, or a super billing key."""


def _structure_billing_key(value: Any, _: Any) -> Customer | SuperBillingKey:
    if isinstance(value, Mapping) and "channelGroupId" in value:
        return converter.structure(value, SuperBillingKey)
    return converter.structure(value, Customer)


converter.register_structure_hook_func(lambda tp: tp == BillingKey, _structure_billing_key)
