"""Scheduled payments as the API reports them (``ScheduleResultAnnotation``).

The entry a merchant sends (``ScheduleEntry``) is a request object and lives with its endpoint,
in ``iamport_async.endpoints.subscribe``."""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._converter import Model, Money, Timestamp


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
    FAILED = "failed"
    CANCELLED = "cancelled"


@attrs.frozen
class Schedule(Model):
    """A scheduled payment (``ScheduleResultAnnotation``). SPEC requires none of its fields, so
    none is required here. ``imp_uid`` stays None until the schedule has run. The buyer's
    details and ``custom_data`` are left out of ``repr``."""

    customer_uid: str | None = None
    merchant_uid: str | None = None
    imp_uid: str | None = None
    pg_provider: str | None = None
    pg_id: str | None = None
    customer_id: str | None = None
    schedule_at: Timestamp = None
    executed_at: Timestamp = None
    revoked_at: Timestamp = None
    amount: Money | None = None
    currency: str | None = None
    name: str | None = None
    buyer_name: str | None = attrs.field(default=None, repr=False)
    buyer_email: str | None = attrs.field(default=None, repr=False)
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    custom_data: str | None = attrs.field(default=None, repr=False)
    schedule_status: ScheduleStatus | str | None = None
    payment_status: SchedulePaymentStatus | str | None = None
    fail_reason: str | None = None
    promotion_id: str | None = None
