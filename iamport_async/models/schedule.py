"""Scheduled payments as the API reports them (``ScheduleResultAnnotation``).

The entry a merchant sends (``ScheduleEntry``) is a request object and lives with its endpoint,
in ``iamport_async.endpoints.subscribe``."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import Deciding, Model, Money, Timestamp


class ScheduleStatus(enum.StrEnum):
    """Where a scheduled payment stands."""

    SCHEDULED = "scheduled"
    """Waiting for its time."""
    EXECUTED = "executed"
    """Run: ``payment_status`` says whether the charge was approved."""
    REVOKED = "revoked"
    """Withdrawn before it ran (unschedule)."""


class SchedulePaymentStatus(enum.StrEnum):
    """The outcome of an executed schedule (``None`` until it runs)."""

    PAID = "paid"
    """The scheduled charge was approved."""
    FAILED = "failed"
    """The scheduled charge was declined (see ``fail_reason``)."""
    CANCELLED = "cancelled"
    """The scheduled charge was approved, then refunded."""


@attrs.frozen
class Schedule(Model):
    """A scheduled payment (``ScheduleResultAnnotation``). SPEC requires none of its fields, so
    none is required here. ``imp_uid`` stays None until the schedule has run. The buyer's
    details and ``custom_data`` are left out of ``repr``."""

    DECIDING = Deciding(
        "customer_uid",
        "merchant_uid",
        "imp_uid",
        "amount",
        "currency",
        "schedule_at",
        "executed_at",
        "revoked_at",
        "schedule_status",
        "payment_status",
    )
    """Strict: the ids, the ``amount`` and ``currency``, the statuses and the times (due,
    run, revoked: a schedule's read-back compares ``schedule_at``). PG, buyer and order-
    name fields describe."""

    customer_uid: str | None = None
    """The billing key the schedule charges."""
    merchant_uid: str | None = None
    """The order number of the scheduled payment, unique per schedule."""
    imp_uid: str | None = None
    """The payment the schedule made; None until it has run (or if it was revoked)."""
    pg_provider: str | None = None
    """The PG that ran the charge (for a super billing key, the routed one)."""
    pg_id: str | None = None
    """The PG merchant id (MID) that ran the charge."""
    customer_id: str | None = None
    """The merchant's own id of the buyer."""
    schedule_at: Timestamp = None
    """When the charge is due (UTC)."""
    executed_at: Timestamp = None
    """When the charge ran (UTC); None until it has."""
    revoked_at: Timestamp = None
    """When the schedule was withdrawn (UTC); None unless it was."""
    amount: Money | None = None
    """The amount to charge, in ``currency`` units (KRW: won)."""
    currency: str | None = None
    """ISO 4217 currency code; the API's default is KRW."""
    name: str | None = None
    """The order name of the scheduled payment."""
    buyer_name: str | None = attrs.field(default=None, repr=False)
    """The buyer's name, as sent at checkout; personal data, left out of ``repr``."""
    buyer_email: str | None = attrs.field(default=None, repr=False)
    """The buyer's email address; personal data, left out of ``repr``."""
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    """The buyer's phone number; personal data, left out of ``repr``."""
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    """The buyer's address; personal data, left out of ``repr``."""
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    """The buyer's postcode; personal data, left out of ``repr``."""
    custom_data: str | None = attrs.field(default=None, repr=False)
    """Data the schedule stores with its payment (its ``custom_data``); left out of ``repr``."""
    schedule_status: ScheduleStatus | str | None = None
    """``scheduled``, ``executed`` or ``revoked``."""
    payment_status: SchedulePaymentStatus | str | None = None
    """``paid``, ``failed`` or ``cancelled`` once run; None before."""
    fail_reason: str | None = None
    """Why the charge was declined, as the PG words it."""
    promotion_id: str | None = None
    """The promotion applied to the charge (``promotion-id-...``)."""
