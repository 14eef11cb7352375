"""Subscription payments (tag ``subscribe``): charge a card once (``onetime``), charge a billing
key (``again``), and schedule, look up, move, revoke and retry scheduled payments.

Money moves at most once. ``onetime``, ``again`` and ``retry`` are never resent by the client
after the request may have reached the server; ``onetime`` and ``again`` settle an ambiguous
failure by looking the payment up by its ``merchant_uid`` (see :meth:`Subscribe.again`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs

from iamport_async._engine import Engine
from iamport_async.endpoints._base import Endpoints, Read, drop_none, operation, path
from iamport_async.endpoints._charge import CHARGE, charge_once
from iamport_async.endpoints._checks import (
    PRODUCT_TYPES,
    buyer_fields,
    card_fields,
    choice,
    currency_code,
    int_between,
    nonblank_text,
    optional_amount,
    optional_body_bool,
    optional_choice,
    optional_currency_code,
    optional_id,
    optional_int_between,
    optional_nonblank_text,
    optional_verbatim_text,
    page_number,
    require_amount,
    require_id,
    string_map,
    unix_seconds,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.endpoints._schedules import (
    customer_schedules,
    schedule_list,
    schedule_listing,
    schedule_range,
)
from iamport_async.errors import InvalidInputError
from iamport_async.models.payment import Payment
from iamport_async.models.schedule import Schedule, ScheduleStatus
from iamport_async.results import Paged
from iamport_async.retry import Idempotency

Now = Callable[[], datetime]
"""Wall-clock time as an aware datetime (``schedule_at`` is wall-clock, not monotonic)."""


def system_now() -> datetime:
    return datetime.now(UTC)


CASH_RECEIPT_TYPES = ("person", "company", "anonymous")


# --- The request object of POST /subscribe/payments/schedule ------------------------------


@attrs.frozen(kw_only=True)
class ScheduleEntry:
    """One payment to schedule: an item of ``schedules[]`` (SPEC ``ScheduleAnnotation``).

    Checked when built (an InvalidInputError names the field). Whether ``schedule_at`` is
    still in the future is checked when it is sent. ``merchant_uid`` must be new: the API runs
    no two payments with one merchant_uid.
    """

    merchant_uid: str
    """A new order number for this payment; the API runs no two payments with one."""
    schedule_at: datetime | int
    """When to charge: an aware datetime, or UNIX seconds."""
    amount: int | Decimal
    """The amount to charge, in ``currency`` units (KRW: won); int or Decimal."""
    currency: str
    """``KRW``, ``USD``, ... (required; PayPal cannot charge KRW)."""
    name: str
    """The order name (at most 40 characters)."""
    tax_free: int | Decimal | None = None
    """The tax-free part of ``amount`` (the API's default: 0, all taxable)."""
    vat_amount: int | Decimal | None = None
    """The VAT part of ``amount``; NICE, INICIS and Welcome Payments take it (default: not sent)."""
    buyer_name: str | None = attrs.field(default=None, repr=False)
    """The buyer's name (required by Smartro's new module and Welcome Payments); personal data, left
    out of ``repr``."""
    buyer_email: str | None = attrs.field(default=None, repr=False)
    """The buyer's email address; personal data, left out of ``repr``."""
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    """The buyer's phone number; personal data, left out of ``repr``."""
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    """The buyer's address; personal data, left out of ``repr``."""
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    """The buyer's postcode; personal data, left out of ``repr``."""
    custom_data: str | None = attrs.field(default=None, repr=False)
    """Stored as the payment's ``custom_data`` when it runs; left out of ``repr``."""
    notice_url: str | None = None
    """Where the webhook for this payment goes, instead of the console's URL."""
    product_type: str | None = None
    """``real`` or ``digital`` (required by KSNET)."""
    cash_receipt_type: str | None = None
    """``person``, ``company`` or ``anonymous``."""
    card_quota: int | None = None
    """Installment months: 0 pays at once; 2 or more (from 50,000 KRW) splits."""
    interest_free_by_merchant: bool | None = None
    """The merchant pays the instalment interest (needs a PG contract)."""
    use_card_point: bool | None = None
    """Use the card's points for the charge (needs a PG contract)."""
    product_count: int | None = None
    """How many products are paid for (the API's default: 1)."""
    browser_ip: str | None = None
    """The buyer's browser IP address."""
    extra: Mapping[str, str] | None = None
    """``{"naverUseCfm": "YYYYMMDD"}`` for Naver Pay contracts that require it."""
    bypass: str | None = None
    """PG-specific parameters as a JSON string, passed through untouched."""
    promotion_id: str | None = None
    """A promotion to apply (``promotion-id-...``); the stored card decides whether it does."""

    def __attrs_post_init__(self) -> None:
        self.to_json()  # every check lives there, so the checks and the body cannot drift

    def to_json(self) -> dict[str, Any]:
        """The entry as the API spells it; fields left at None are not sent."""
        amount = require_amount("amount", self.amount, currency=self.currency)
        body: dict[str, Any] = {
            "merchant_uid": require_id("merchant_uid", self.merchant_uid),
            "schedule_at": unix_seconds("schedule_at", self.schedule_at),
            "amount": amount,
            "currency": currency_code("currency", self.currency),
            "name": nonblank_text("name", self.name, 40),
            "tax_free": optional_amount("tax_free", self.tax_free, amount),
            "vat_amount": optional_amount("vat_amount", self.vat_amount, amount),
            **buyer_fields(
                self.buyer_name,
                self.buyer_email,
                self.buyer_tel,
                self.buyer_addr,
                self.buyer_postcode,
            ),
            "custom_data": optional_verbatim_text("custom_data", self.custom_data),
            "notice_url": optional_nonblank_text("notice_url", self.notice_url),
            "product_type": optional_choice("product_type", self.product_type, PRODUCT_TYPES),
            "cash_receipt_type": optional_choice(
                "cash_receipt_type", self.cash_receipt_type, CASH_RECEIPT_TYPES
            ),
            "card_quota": optional_int_between("card_quota", self.card_quota, 0),
            "interest_free_by_merchant": optional_body_bool(
                "interest_free_by_merchant", self.interest_free_by_merchant
            ),
            "use_card_point": optional_body_bool("use_card_point", self.use_card_point),
            "product_count": optional_int_between("product_count", self.product_count, 1),
            "browser_ip": optional_nonblank_text("browser_ip", self.browser_ip),
            "extra": string_map("extra", self.extra),
            "bypass": optional_verbatim_text("bypass", self.bypass),
            "promotion_id": optional_nonblank_text("promotion_id", self.promotion_id),
        }
        return drop_none(body)


# --- The group ---------------------------------------------------------------------------


async def _moved_as(
    self: Subscribe, error: Exception, merchant_uid: str, *, schedule_at: datetime | int
) -> Schedule | None:
    """The schedule if it is now pending at ``schedule_at``, else None."""
    schedule = await self.get_schedule(merchant_uid)
    when = unix_seconds("schedule_at", schedule_at)
    moved = schedule.schedule_at is not None and int(schedule.schedule_at.timestamp()) == when
    return schedule if moved and schedule.schedule_status == "scheduled" else None


_MOVED = mutation(
    Resent.GUARDED,
    "`get_schedule(merchant_uid)`: pending at the time asked",
    "look the schedule up with subscribe.get_schedule(merchant_uid): schedule_at and status",
    read_back=_moved_as,
)


class Subscribe(Endpoints):
    """Key-in and billing-key payments, and scheduled payments (``client.subscribe``).

    ``now`` is the wall clock used to refuse a ``schedule_at`` in the past; tests pass their
    own.
    """

    def __init__(self, engine: Engine, *, now: Now = system_now) -> None:
        super().__init__(engine)
        self._now = now

    # -- charging now --

    @operation("POST", "/subscribe/payments/onetime")
    @CHARGE
    async def onetime(
        self,
        *,
        merchant_uid: str,
        amount: int | Decimal,
        card_number: str,
        expiry: str,
        birth: str | None = None,
        pwd_2digit: str | None = None,
        cvc: str | None = None,
        currency: str | None = None,
        tax_free: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
        customer_uid: str | None = None,
        pg: str | None = None,
        channelGroupId: str | None = None,
        name: str | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        buyer_addr: str | None = None,
        buyer_postcode: str | None = None,
        card_quota: int | None = None,
        interest_free_by_merchant: bool | None = None,
        use_card_point: bool | None = None,
        custom_data: str | None = None,
        notice_url: str | None = None,
        browser_ip: str | None = None,
        secure_3d_charge_id: str | None = None,
        secure_3d_token: str | None = None,
        product_type: str | None = None,
        promotion_id: str | None = None,
        bypass: str | None = None,
    ) -> Payment:
        """Charge a card by its number, once (key-in payment, no authentication window).

        With ``customer_uid`` the card is also stored as that billing key. The card fields are
        checked for their documented form before sending and never appear in an error.

        Retry: ``UNGUARDED``, at most once. ``merchant_uid`` must be unique per payment, but
        what the server does with a repeat is not documented, so the request is never resent
        once it may have reached the server. After an ambiguous failure (timeout, dropped
        connection, 5xx) the payment is looked up by ``merchant_uid``: if the server made it
        (paid, failed or cancelled), it is returned; if not, or if it is still ``ready``, the
        original error is raised. A payment still in flight at that moment can complete
        later: before charging again, look it up again (or wait for the webhook), and charge
        again only with a new ``merchant_uid``.

        A declined card is a BusinessError (code -1); check ``payment.status`` anyway.
        """
        amount = require_amount("amount", amount, currency=currency)
        body = drop_none(
            {
                "merchant_uid": require_id("merchant_uid", merchant_uid),
                "amount": amount,
                **card_fields(
                    card_number=card_number,
                    expiry=expiry,
                    birth=birth,
                    pwd_2digit=pwd_2digit,
                    cvc=cvc,
                ),
                "currency": optional_currency_code("currency", currency),
                "tax_free": optional_amount("tax_free", tax_free, amount),
                "vat_amount": optional_amount("vat_amount", vat_amount, amount),
                "customer_uid": optional_id("customer_uid", customer_uid),
                "pg": optional_nonblank_text("pg", pg, 80),
                "channelGroupId": optional_nonblank_text("channelGroupId", channelGroupId, 55),
                "name": optional_nonblank_text("name", name, 40),
                **buyer_fields(buyer_name, buyer_email, buyer_tel, buyer_addr, buyer_postcode),
                "card_quota": optional_int_between("card_quota", card_quota, 0),
                "interest_free_by_merchant": optional_body_bool(
                    "interest_free_by_merchant", interest_free_by_merchant
                ),
                "use_card_point": optional_body_bool("use_card_point", use_card_point),
                "custom_data": optional_verbatim_text("custom_data", custom_data),
                "notice_url": optional_nonblank_text("notice_url", notice_url),
                "browser_ip": optional_nonblank_text("browser_ip", browser_ip),
                "secure_3d_charge_id": optional_nonblank_text(
                    "secure_3d_charge_id", secure_3d_charge_id
                ),
                "secure_3d_token": optional_nonblank_text("secure_3d_token", secure_3d_token),
                "product_type": optional_choice("product_type", product_type, PRODUCT_TYPES),
                "promotion_id": optional_nonblank_text("promotion_id", promotion_id),
                "bypass": optional_verbatim_text("bypass", bypass),
            }
        )
        return await charge_once(self, "/subscribe/payments/onetime", body, merchant_uid)

    @operation("POST", "/subscribe/payments/again")
    @CHARGE
    async def again(
        self,
        *,
        customer_uid: str,
        merchant_uid: str,
        amount: int | Decimal,
        name: str,
        currency: str | None = None,
        tax_free: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
        buyer_name: str | None = None,
        buyer_email: str | None = None,
        buyer_tel: str | None = None,
        buyer_addr: str | None = None,
        buyer_postcode: str | None = None,
        card_quota: int | None = None,
        interest_free_by_merchant: bool | None = None,
        use_card_point: bool | None = None,
        custom_data: str | None = None,
        notice_url: str | None = None,
        browser_ip: str | None = None,
        product_type: str | None = None,
        product_count: int | None = None,
        cash_receipt_type: str | None = None,
        bypass: str | None = None,
        extra: Mapping[str, str] | None = None,
        promotion_id: str | None = None,
        channel_key: str | None = None,
    ) -> Payment:
        """Charge a billing key now.

        **A declined card is not an exception.** The API answers code 0 with the payment's
        ``status`` set to ``"failed"`` (over the limit, suspended card, ...; billing-key docs) and
        ``fail_reason`` saying why; only ``status == "paid"`` means the money was taken::

            payment = await client.subscribe.again(customer_uid=..., merchant_uid=..., ...)
            if payment.status != "paid":
                ...  # declined: payment.fail_reason

        A non-zero code (unknown customer_uid, card company refusal) is a BusinessError.

        Retry: ``UNGUARDED``, at most once, exactly as :meth:`onetime`: never resent once it
        may have reached the server; an ambiguous failure is settled by looking the payment up
        by ``merchant_uid`` (returned if the server made it, the original error raised if
        not). Charge again only with a new ``merchant_uid``.
        """
        amount = require_amount("amount", amount, currency=currency)
        body = drop_none(
            {
                "customer_uid": require_id("customer_uid", customer_uid),
                "merchant_uid": require_id("merchant_uid", merchant_uid),
                "amount": amount,
                "name": nonblank_text("name", name, 40),
                "currency": optional_currency_code("currency", currency),
                "tax_free": optional_amount("tax_free", tax_free, amount),
                "vat_amount": optional_amount("vat_amount", vat_amount, amount),
                **buyer_fields(buyer_name, buyer_email, buyer_tel, buyer_addr, buyer_postcode),
                "card_quota": optional_int_between("card_quota", card_quota, 0),
                "interest_free_by_merchant": optional_body_bool(
                    "interest_free_by_merchant", interest_free_by_merchant
                ),
                "use_card_point": optional_body_bool("use_card_point", use_card_point),
                "custom_data": optional_verbatim_text("custom_data", custom_data),
                "notice_url": optional_nonblank_text("notice_url", notice_url),
                "browser_ip": optional_nonblank_text("browser_ip", browser_ip),
                "product_type": optional_choice("product_type", product_type, PRODUCT_TYPES),
                "product_count": optional_int_between("product_count", product_count, 1),
                "cash_receipt_type": optional_choice(
                    "cash_receipt_type", cash_receipt_type, CASH_RECEIPT_TYPES
                ),
                "bypass": optional_verbatim_text("bypass", bypass),
                "extra": string_map("extra", extra),
                "promotion_id": optional_nonblank_text("promotion_id", promotion_id),
                "channel_key": optional_nonblank_text("channel_key", channel_key, 55),
            }
        )
        return await charge_once(self, "/subscribe/payments/again", body, merchant_uid)

    # -- scheduling --

    @operation("POST", "/subscribe/payments/schedule")
    @mutation(
        Resent.NEVER_SENT,
        "`get_schedule` of every entry: all there, for this billing key, at the times asked",
        "look each entry up with subscribe.get_schedule(merchant_uid) before scheduling again",
        read_back=lambda self, error, **kw: self._scheduled_as(kw["customer_uid"], kw["schedules"]),
    )
    async def schedule(
        self,
        *,
        customer_uid: str,
        schedules: Sequence[ScheduleEntry],
        customer_id: str | None = None,
        checking_amount: int | None = None,
        card_number: str | None = None,
        expiry: str | None = None,
        birth: str | None = None,
        pwd_2digit: str | None = None,
        cvc: str | None = None,
        channel_key: str | None = None,
    ) -> list[Schedule]:
        """Schedule payments on a billing key; returns the schedules registered.

        Each entry's ``schedule_at`` must be in the future and its ``merchant_uid`` unique:
        an entry in the past, or two entries sharing a merchant_uid, are refused before
        sending (the error names ``schedules[i]....``). Card fields, when given, issue the
        billing key first (checked and never echoed, as for ``onetime``);
        ``checking_amount`` charges and at once refunds that amount to test the card.

        Retry: ``UNGUARDED``. A repeat's fate is not documented, and with
        ``checking_amount`` it would move money again. After an ambiguous failure, look each
        entry up with :meth:`get_schedule` before scheduling again.
        """
        require_id("customer_uid", customer_uid)
        if isinstance(schedules, ScheduleEntry | str) or not isinstance(schedules, Sequence):
            raise InvalidInputError("schedules", "must be a list of ScheduleEntry")
        if not schedules:
            raise InvalidInputError("schedules", "must hold at least one entry")
        now = unix_seconds("now", self._now())
        seen: set[str] = set()
        entries = []
        for index, entry in enumerate(schedules):
            field = f"schedules[{index}]"
            if not isinstance(entry, ScheduleEntry):
                raise InvalidInputError(
                    field, f"must be a ScheduleEntry, got {type(entry).__name__}"
                )
            body = entry.to_json()
            if body["schedule_at"] <= now:
                raise InvalidInputError(f"{field}.schedule_at", "must be in the future")
            if entry.merchant_uid in seen:
                raise InvalidInputError(
                    f"{field}.merchant_uid", "repeats an earlier entry's merchant_uid"
                )
            seen.add(entry.merchant_uid)
            entries.append(body)
        body = drop_none(
            {
                "customer_uid": customer_uid,
                "schedules": entries,
                "customer_id": optional_nonblank_text("customer_id", customer_id),
                "checking_amount": optional_int_between("checking_amount", checking_amount, 0),
                **card_fields(
                    card_number=card_number,
                    expiry=expiry,
                    birth=birth,
                    pwd_2digit=pwd_2digit,
                    cvc=cvc,
                ),
                "channel_key": optional_nonblank_text("channel_key", channel_key, 55),
            }
        )
        endpoint = "/subscribe/payments/schedule"
        return await self._call(
            "POST", endpoint, Read(schedule_list), json=body, idempotency=Idempotency.UNGUARDED
        )

    @operation("POST", "/subscribe/payments/unschedule")
    @mutation(
        Resent.GUARDED,
        "`get_schedule` of every `merchant_uid` given: all revoked",
        "look the schedules up with subscribe.get_schedule(merchant_uid): revoked or not",
        read_back=lambda self, error, customer_uid=None, merchant_uid=None: self._revoked(
            merchant_uid
        ),
    )
    async def unschedule(
        self,
        *,
        customer_uid: str | None = None,
        merchant_uid: str | Sequence[str] | None = None,
    ) -> list[Schedule]:
        """Revoke scheduled payments: the ``merchant_uid`` ones, or (without it) every one of
        ``customer_uid``. Returns the schedules revoked. Nothing to revoke is a BusinessError
        (code 1).

        Retry: ``GUARDED``. No money moves, and the API refuses to revoke a schedule twice
        (code 1), so a repeat cannot do more than the first attempt. A BusinessError with
        ``after_ambiguous_failure`` set therefore usually means the first attempt worked.
        """
        body: dict[str, Any] = {}
        if customer_uid is not None:
            body["customer_uid"] = require_id("customer_uid", customer_uid)
        if merchant_uid is not None:
            ids = [merchant_uid] if isinstance(merchant_uid, str) else merchant_uid
            if not isinstance(ids, Sequence) or not ids:
                raise InvalidInputError("merchant_uid", "must be an id or a non-empty list")
            body["merchant_uid"] = list(
                dict.fromkeys(require_id("merchant_uid", uid) for uid in ids)
            )
        if not body:
            raise InvalidInputError("customer_uid", "give customer_uid, merchant_uid, or both")
        endpoint = "/subscribe/payments/unschedule"
        return await self._call(
            "POST", endpoint, Read(schedule_list), json=body, idempotency=Idempotency.GUARDED
        )

    # -- looking schedules up --

    @operation("GET", "/subscribe/payments/schedule")
    def schedules(
        self,
        *,
        schedule_from: datetime | int,
        schedule_to: datetime | int,
        schedule_status: ScheduleStatus | str | None = None,
        page: int = 1,
        limit: int | None = None,
        sorting: str | None = None,
    ) -> Paged[Schedule]:
        """Schedules due in ``schedule_from <= schedule_at < schedule_to`` (at most 3 months),
        newest first (``sorting="scheduled"``: oldest first).

        ``async for`` walks every page; ``await`` gives page ``page``. ``limit`` is per page
        (1 to 1000, the API's default 20).
        """
        low, high = schedule_range("schedule_from", schedule_from, "schedule_to", schedule_to)
        params: dict[str, str | int] = {"schedule_from": low, "schedule_to": high}
        if schedule_status is not None:
            params["schedule_status"] = choice("schedule_status", schedule_status, ScheduleStatus)
        if limit is not None:
            params["limit"] = int_between("limit", limit, 1, 1000)
        if sorting is not None:
            params["sorting"] = nonblank_text("sorting", sorting)
        return schedule_listing(self, "/subscribe/payments/schedule", params, page_number(page))

    @operation("GET", "/subscribe/payments/schedule/customers/{customer_uid}")
    def customer_schedules(
        self,
        customer_uid: str,
        *,
        schedule_from: datetime | int,
        schedule_to: datetime | int,
        schedule_status: ScheduleStatus | str | None = None,
        page: int = 1,
    ) -> Paged[Schedule]:
        """Schedules of one billing key due in ``schedule_from <= schedule_at < schedule_to``
        (at most 3 months), newest first. The same listing as ``client.customers.schedules``."""
        return customer_schedules(
            self,
            "/subscribe/payments/schedule/customers/{}",
            customer_uid,
            schedule_from,
            schedule_to,
            schedule_status,
            page,
        )

    @operation("GET", "/subscribe/payments/schedule/{merchant_uid}")
    async def get_schedule(self, merchant_uid: str) -> Schedule:
        """The schedule of ``merchant_uid`` (NotFoundError if there is none)."""
        endpoint = path("/subscribe/payments/schedule/{}", require_id("merchant_uid", merchant_uid))
        return await self._call("GET", endpoint, Schedule)

    # -- changing one schedule --

    @operation("PUT", "/subscribe/payments/schedule/{merchant_uid}")
    @_MOVED
    async def update_schedule(self, merchant_uid: str, *, schedule_at: datetime | int) -> Schedule:
        """Move a pending schedule to ``schedule_at`` (in the future).

        Retry: ``GUARDED``. It sets a value: a repeat leaves the same state and moves no
        money. The API refuses to move a schedule that has run or been revoked (400).
        """
        return await self._move("PUT", "/subscribe/payments/schedule/{}", merchant_uid, schedule_at)

    @operation("POST", "/subscribe/payments/schedule/{merchant_uid}/reschedule")
    @_MOVED
    async def reschedule(self, merchant_uid: str, *, schedule_at: datetime | int) -> Schedule:
        """Schedule a failed scheduled payment again, at ``schedule_at`` (in the future).

        Retry: ``GUARDED``. The API refuses to reschedule one that is not failed (400: not
        yet run, running or approved), so a repeat after success is refused, never doubled.
        """
        return await self._move(
            "POST", "/subscribe/payments/schedule/{}/reschedule", merchant_uid, schedule_at
        )

    async def _scheduled_as(
        self, customer_uid: str, entries: Sequence[ScheduleEntry]
    ) -> list[Schedule] | None:
        """Every entry's schedule, if each is there for ``customer_uid`` at its time."""
        found = []
        for entry in entries:
            schedule = await self.get_schedule(entry.merchant_uid)
            when = unix_seconds("schedule_at", entry.schedule_at)
            at = schedule.schedule_at
            if schedule.customer_uid != customer_uid or at is None or at.timestamp() != when:
                return None
            found.append(schedule)
        return found

    async def _revoked(self, merchant_uid: str | Sequence[str] | None) -> list[Schedule] | None:
        """The schedules ``merchant_uid`` names, if every one is revoked now."""
        if merchant_uid is None:
            return None
        ids = [merchant_uid] if isinstance(merchant_uid, str) else list(merchant_uid)
        found = [await self.get_schedule(uid) for uid in dict.fromkeys(ids)]
        return found if all(s.schedule_status == "revoked" for s in found) else None

    async def _move(
        self, method: str, template: str, merchant_uid: str, schedule_at: datetime | int
    ) -> Schedule:
        endpoint = path(template, require_id("merchant_uid", merchant_uid))
        when = unix_seconds("schedule_at", schedule_at)
        if when <= unix_seconds("now", self._now()):
            raise InvalidInputError("schedule_at", "must be in the future")
        return await self._call(
            method, endpoint, Schedule, json={"schedule_at": when}, idempotency=Idempotency.GUARDED
        )

    @operation("POST", "/subscribe/payments/schedule/{merchant_uid}/retry")
    @mutation(
        Resent.NEVER_SENT,
        "none (a schedule's payment may have been charged before)",
        "look the schedule up with subscribe.get_schedule(merchant_uid): payment_status and "
        "imp_uid say whether this retry charged",
    )
    async def retry(self, merchant_uid: str) -> Payment:
        """Run a failed scheduled payment again, now. Like :meth:`again`, a declined card
        comes back as a payment with ``status == "failed"``, not as an exception.

        Retry: ``UNGUARDED``: it charges a card. The API refuses a retry of a schedule that is
        running or approved (400), but a lost answer is not resent: look the schedule up with
        :meth:`get_schedule` (``payment_status``, ``imp_uid``) before calling it again.
        """
        endpoint = path(
            "/subscribe/payments/schedule/{}/retry", require_id("merchant_uid", merchant_uid)
        )
        return await self._call("POST", endpoint, Payment, idempotency=Idempotency.UNGUARDED)
