"""``client.payments``: look up, list, prepare and cancel payments."""

from __future__ import annotations

import builtins
import enum
import inspect
import math
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Iterable,
    Mapping,
)
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, overload

import iamport_async._defaults as _defaults
from iamport_async._batching import (
    DEFAULT_CONCURRENCY,
    Coalescer,
    Fetch,
    Key,
    by_ids,
    ids_of,
    lookup_all,
)
from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._cancel import CANCEL, CANCEL_SAFELY
from iamport_async.endpoints._cancel import Order as CancelOrder
from iamport_async.endpoints._cancel import cancel as carry_out_cancel
from iamport_async.endpoints._checks import (
    choice,
    id_iterable,
    int_between,
    optional_amount,
    optional_body_bool,
    optional_choice,
    optional_int_between,
    optional_query_bool,
    optional_unix_seconds,
    optional_verbatim_text,
    require_amount,
    require_id,
    string_map,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.endpoints._windows import FUTURE_MARGIN, Chained, windows
from iamport_async.errors import (
    IamportError,
    InvalidInputError,
    NotFoundError,
)
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment
from iamport_async.models.prepare import PaymentBalance, PaymentPrepare
from iamport_async.results import BatchStream, IdResults, Paged, PaymentLookups
from iamport_async.retry import Idempotency

IMP_UID = "imp_uid"
MERCHANT_UID = "merchant_uid"
MAX_LIMIT = 1000


class ListStatus(enum.StrEnum):
    """The ``payment_status`` of ``GET /payments/status/{payment_status}``."""

    ALL = "all"
    READY = "ready"
    PAID = "paid"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Sorting(enum.StrEnum):
    """``sorting`` of listings; a leading ``-`` means newest first."""

    STARTED_DESC = "-started"
    STARTED = "started"
    PAID_DESC = "-paid"
    PAID = "paid"
    UPDATED_DESC = "-updated"
    UPDATED = "updated"


_FIND_STATUSES = ("ready", "paid", "cancelled", "failed")


class _NotGiven:
    """The default of an id list that was not passed (None is refused as bad input)."""


_NOT_GIVEN: Any = _NotGiven()


_PAYMENT_IDS = ids_of(IMP_UID, MERCHANT_UID)
"""A payment answers a lookup by its ``imp_uid`` and by its ``merchant_uid``."""


class Payments(Endpoints):
    """Payments: the verify-after-checkout lookup, bulk lookups, listings and cancels."""

    # --- one payment -----------------------------------------------------------------------

    @operation("GET", "/payments/{imp_uid}")
    async def get(self, imp_uid: str, *, include_sandbox: bool | None = None) -> Payment:
        """The payment ``imp_uid``; NotFoundError if there is none.

        ``include_sandbox=True`` also finds payments made on test channels (the API leaves
        them out by default).
        """
        require_id("imp_uid", imp_uid)
        params = {"include_sandbox": optional_query_bool("include_sandbox", include_sandbox)}
        return await self._call("GET", path("/payments/{}", imp_uid), Payment, params=params)

    @operation("GET", "/payments/find/{merchant_uid}/{payment_status}")
    async def find(
        self,
        merchant_uid: str,
        status: str | None = None,
        sorting: Sorting | str | None = None,
    ) -> Payment:
        """The first payment for ``merchant_uid`` (by ``sorting``, newest started first by
        default), optionally only with ``status``; NotFoundError if there is none."""
        require_id("merchant_uid", merchant_uid)
        params = {"sorting": optional_choice("sorting", sorting, Sorting)}
        return await self._call(
            "GET", _with_status("/payments/find", merchant_uid, status), Payment, params=params
        )

    @operation("GET", "/payments/{imp_uid}/balance")
    async def balance(self, imp_uid: str) -> PaymentBalance:
        """How the amount of ``imp_uid`` splits into means, points and discounts (PAYCO, KCP).
        For what can still be refunded, read ``Payment.refundable_amount``."""
        require_id("imp_uid", imp_uid)
        return await self._call("GET", path("/payments/{}/balance", imp_uid), PaymentBalance)

    # --- many payments by id ---------------------------------------------------------------

    @overload
    async def get_many(
        self, imp_uids: Iterable[str], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> IdResults[Payment]: ...

    @overload
    async def get_many(
        self, *, merchant_uids: Iterable[str], concurrency: int = DEFAULT_CONCURRENCY
    ) -> IdResults[Payment]: ...

    @overload
    async def get_many(
        self,
        imp_uids: Iterable[str],
        merchant_uids: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> PaymentLookups: ...

    @operation("GET", "/payments")
    async def get_many(
        self,
        imp_uids: Iterable[str] = _NOT_GIVEN,
        merchant_uids: Iterable[str] = _NOT_GIVEN,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> IdResults[Payment] | PaymentLookups:
        """Any number of payments by ``imp_uid`` and/or ``merchant_uid``, in one result.

        Given one kind of id, the result is its :class:`IdResults`: ``found`` (id to
        payment), ``missing`` and ``failed`` (id to error), in the order asked. Given both,
        it is a :class:`PaymentLookups` holding one of those for each kind.

        Ids are deduplicated and sent 100 to a request (fewer if they are long),
        ``concurrency`` requests at a time. An id the API does not return (207, or a 404 with
        the API's envelope) is ``missing``; a request that still fails after retries makes
        its ids ``failed``, with the error, and takes no other id down. Credentials the API
        refuses raise UnauthorizedError at once, after one login attempt.
        """
        given = [
            (kind, field, ids)
            for kind, field, ids in (
                (IMP_UID, "imp_uids", imp_uids),
                (MERCHANT_UID, "merchant_uids", merchant_uids),
            )
            if ids is not _NOT_GIVEN
        ]
        if not given:
            raise InvalidInputError("imp_uids", "give imp_uids or merchant_uids (or both)")
        keys = [
            (kind, require_id(field, uid))
            for kind, field, ids in given
            for uid in id_iterable(field, ids)
        ]
        int_between("concurrency", concurrency, 1)
        answers = await lookup_all(
            keys, self._by_ids(), _PAYMENT_IDS, concurrency=concurrency, ready=self._log_in
        )
        if len(given) == 1:
            return IdResults(given[0][0], answers)
        return PaymentLookups(answers)

    @operation("GET", "/payments")
    def iter_many(
        self,
        ids: Iterable[str] | AsyncIterable[str],
        *,
        by: Literal["imp_uid", "merchant_uid"] = "imp_uid",
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> BatchStream[Payment]:
        """Stream lookups for ``ids`` (of any length, sync or async) as requests complete::

            async with client.payments.iter_many(ids) as results:
                async for lookup in results:    # lookup.kind is ``by``, lookup.id the id
                    if lookup.found: ...        # lookup.item is the Payment
                    elif lookup.failed: ...     # lookup.error says why
                    else: ...                   # missing

        Memory is bounded by the ``concurrency`` requests in flight, not by the input. Ids
        are deduplicated within a request only (see :class:`BatchStream`); lookups arrive in
        completion order. An invalid id (empty, not a string) stops the stream with
        InvalidInputError when it is reached; credentials the API refuses stop it with
        UnauthorizedError, after one login attempt.
        """
        if by not in (IMP_UID, MERCHANT_UID):
            raise InvalidInputError("by", "must be 'imp_uid' or 'merchant_uid'")
        int_between("concurrency", concurrency, 1)
        keys: Iterable[Key] | AsyncIterable[Key]
        if isinstance(ids, AsyncIterable):
            keys = _validated_async(ids, by)
        else:
            keys = ((by, require_id(by, i)) for i in id_iterable("ids", ids))
        return BatchStream(
            keys, self._by_ids(), _PAYMENT_IDS, concurrency=concurrency, ready=self._log_in
        )

    def coalescing(self, window: float = _defaults.COALESCING_WINDOW) -> CoalescingPayments:
        """A view whose :meth:`~CoalescingPayments.get` gathers concurrent calls made within
        ``window`` seconds into one multi-lookup (for web apps under load)::

            async with client.payments.coalescing(window=0.005) as payments:
                payment = await payments.get(imp_uid)   # in any number of handlers
        """
        return CoalescingPayments(self, window)

    def _by_ids(self) -> Fetch[Payment]:
        """``GET /payments`` for a chunk of up to 100 ids, through the door (the batching
        layer writes the query and reads a 404 as "none of these")."""
        return by_ids(
            lambda query: self._call("GET", "/payments", builtins.list[Payment], params=query)
        )

    # --- listings --------------------------------------------------------------------------

    @operation("GET", "/payments/findAll/{merchant_uid}/{payment_status}")
    def find_all(
        self,
        merchant_uid: str,
        status: str | None = None,
        sorting: Sorting | str | None = None,
        *,
        limit: int | None = None,
    ) -> Paged[Payment]:
        """Every payment for ``merchant_uid`` (optionally only with ``status``), across pages.

        ``async for`` walks them all; ``await`` gives the first page. An unknown
        ``merchant_uid`` (404) is an empty listing.
        """
        require_id("merchant_uid", merchant_uid)
        url = _with_status("/payments/findAll", merchant_uid, status)
        base = {
            "limit": optional_int_between("limit", limit, 1, MAX_LIMIT),
            "sorting": optional_choice("sorting", sorting, Sorting),
        }

        async def fetch(page: int) -> Page[Payment]:
            try:
                result: Page[Payment] = await self._call(
                    "GET", url, Page[Payment], params={**base, "page": page}
                )
            except NotFoundError:
                return Page(total=0, list=())
            return result

        return Paged(fetch)

    @operation("GET", "/payments/status/{payment_status}")
    def list_by_status(
        self,
        status: ListStatus | str,
        *,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        sorting: Sorting | str | None = None,
        limit: int | None = None,
    ) -> Paged[Payment]:
        """Payments with ``status`` (``all`` for every one) whose status time falls in
        ``[since, until]`` (paid time for ``paid``, cancel time for ``cancelled``, ...).

        Without ``since`` the API looks back 90 days from ``until`` (default: now). A wider
        window is split into 90-day windows, made one at a time as the walk reaches them,
        newest first (oldest first when ``sorting`` is ascending); items are sorted within
        each window. Nothing has a status time in the future, so windows end a day after now
        at the latest. ``await`` gives the first page of the first window. Times after 2100
        are refused: they are milliseconds passed as seconds.
        """
        status = choice("status", status, ListStatus)
        order = optional_choice("sorting", sorting, Sorting)
        start = optional_unix_seconds("since", since, minimum=0)
        end = optional_unix_seconds("until", until, minimum=0)
        if start is not None and end is not None and start > end:
            raise InvalidInputError("since", "must not be after until")
        base = {"limit": optional_int_between("limit", limit, 1, MAX_LIMIT), "sorting": order}
        url = path("/payments/status/{}", status)

        def listing(window: tuple[int | None, int | None]) -> Paged[Payment]:
            async def fetch(page: int) -> Page[Payment]:
                params = {**base, "page": page, "from": window[0], "to": window[1]}
                return await self._call("GET", url, Page[Payment], params=params)

            return Paged(fetch)

        if start is None:
            return listing((start, end))
        horizon = int(datetime.now(UTC).timestamp()) + FUTURE_MARGIN
        last = max(start, horizon if end is None else min(end, horizon))
        parts = windows(start, last, newest_first=order is None or order.startswith("-"))
        return Chained(map(listing, parts))

    # --- prepared amounts ------------------------------------------------------------------

    @operation("POST", "/payments/prepare")
    @mutation(
        Resent.NEVER_SENT,
        "`payments.get_prepared(merchant_uid)`: the amount registered",
        "read payments.get_prepared(merchant_uid) before registering again",
        read_back=lambda self, error, merchant_uid, amount, currency=None: self._prepared_as(
            merchant_uid, amount
        ),
    )
    async def prepare(
        self, merchant_uid: str, amount: int | Decimal, currency: str | None = None
    ) -> PaymentPrepare:
        """Register the amount the checkout for ``merchant_uid`` must be paid for: the API then
        refuses a payment whose amount was tampered with in the browser.

        Not retried after an ambiguous failure (UNGUARDED: the API documents no refusal of a
        repeat); read it back with :meth:`get_prepared` before registering again.
        """
        body = self._prepare_body(merchant_uid, amount, currency)
        return await self._call(
            "POST",
            "/payments/prepare",
            PaymentPrepare,
            json=body,
            idempotency=Idempotency.UNGUARDED,
        )

    @operation("PUT", "/payments/prepare")
    @mutation(
        Resent.NEVER_SENT,
        "`payments.get_prepared(merchant_uid)`: the amount registered",
        "read payments.get_prepared(merchant_uid) before changing it again",
        read_back=lambda self, error, merchant_uid, amount, currency=None: self._prepared_as(
            merchant_uid, amount
        ),
    )
    async def update_prepared(
        self, merchant_uid: str, amount: int | Decimal, currency: str | None = None
    ) -> PaymentPrepare:
        """Change the registered amount for ``merchant_uid``; NotFoundError if none is.

        Not retried after an ambiguous failure (UNGUARDED, like every mutation the API does
        not guard); read it back with :meth:`get_prepared`.
        """
        body = self._prepare_body(merchant_uid, amount, currency)
        return await self._call(
            "PUT",
            "/payments/prepare",
            PaymentPrepare,
            json=body,
            idempotency=Idempotency.UNGUARDED,
        )

    @operation("GET", "/payments/prepare/{merchant_uid}")
    async def get_prepared(self, merchant_uid: str) -> PaymentPrepare:
        """The amount registered for ``merchant_uid``."""
        require_id("merchant_uid", merchant_uid)
        return await self._call("GET", path("/payments/prepare/{}", merchant_uid), PaymentPrepare)

    async def _prepared_as(self, merchant_uid: str, amount: int | Decimal) -> PaymentPrepare | None:
        """The registered amount for ``merchant_uid`` if it is ``amount``, else None."""
        prepared = await self.get_prepared(merchant_uid)
        return prepared if prepared.amount == Decimal(amount) else None

    @staticmethod
    def _prepare_body(
        merchant_uid: str, amount: int | Decimal, currency: str | None
    ) -> dict[str, Any]:
        require_id("merchant_uid", merchant_uid)
        if currency is not None:
            require_id("currency", currency)
        return drop_none(
            {
                "merchant_uid": merchant_uid,
                "amount": require_amount("amount", amount, currency=currency),
                "currency": currency,
            }
        )

    # --- cancel ----------------------------------------------------------------------------

    @operation("POST", "/payments/cancel")
    @CANCEL
    async def cancel(
        self,
        imp_uid: str | None = None,
        *,
        merchant_uid: str | None = None,
        amount: int | Decimal | None = None,
        tax_free: int | Decimal | None = None,
        vat_amount: int | Decimal | None = None,
        checksum: int | Decimal | None = None,
        reason: str | None = None,
        refund_holder: str | None = None,
        refund_bank: str | None = None,
        refund_account: str | None = None,
        refund_tel: str | None = None,
        retain_promotion: bool | None = None,
        enable_webhook: bool | None = None,
        extra: Mapping[str, str] | None = None,
        unguarded: bool = False,
    ) -> Payment:
        """Cancel (refund) a payment in full, or ``amount`` of it; returns the payment after.

        ``imp_uid`` or ``merchant_uid`` names it (the API prefers ``imp_uid`` when both are
        given; by ``merchant_uid`` alone, the one paid payment with it). ``amount`` None
        cancels the whole remaining balance; 0 is refused, since the API would read it as
        "everything". Without a currency argument, amounts are in the payment's currency:
        a fraction is sent only for a currency that has one (never a fraction of a won).

        Every cancel is guarded: ``checksum`` is the refundable balance *before* this cancel
        (``Payment.refundable_amount``), and the API refuses the cancel if its own balance
        differs, so no request of it can refund twice, even one that lands late. Given no
        ``checksum``, the call reads the payment first (one ``GET``) and sends its balance.
        The call is retried after a timeout or a 5xx and settled by reading the payment back
        (see ``endpoints/_cancel.py``): a cancel of ``amount`` that took the balance from
        ``checksum`` during this call, or carrying this call's ``reason``, is this call's
        success; one made before this call with another reason is not (BusinessError: this
        call refunded nothing). So the safe way to repeat a refund, across calls and
        processes, is to send the *same* ``checksum`` (the balance before the first try,
        e.g. stored with the refund) and the same ``reason``, never a freshly read balance.

        ``unguarded=True`` sends no checksum and reads nothing first, for a caller who
        accepts the risk: the cancel is not resent after a failure that may have reached the
        server, and its OutcomeUnknownError means it may still land: wait and read the
        payment again before any repeat. A fully cancelled payment raises BusinessError with
        the API's message ("이미 전액취소된 주문입니다.").
        """
        if imp_uid is None and merchant_uid is None:
            raise InvalidInputError("imp_uid", "give imp_uid or merchant_uid")
        if imp_uid is not None:
            require_id("imp_uid", imp_uid)
        if merchant_uid is not None:
            require_id("merchant_uid", merchant_uid)
        if optional_body_bool("unguarded", unguarded) and checksum is not None:
            raise InvalidInputError("unguarded", "a cancel with checksum is guarded")
        body: dict[str, Any] = {
            "imp_uid": imp_uid,
            "merchant_uid": merchant_uid,
            "amount": optional_amount("amount", amount, positive=True),
            "tax_free": optional_amount("tax_free", tax_free),
            "vat_amount": optional_amount("vat_amount", vat_amount),
            "checksum": optional_amount("checksum", checksum),
            "reason": optional_verbatim_text("reason", reason),
            "refund_holder": optional_verbatim_text("refund_holder", refund_holder),
            "refund_bank": optional_verbatim_text("refund_bank", refund_bank),
            "refund_account": optional_verbatim_text("refund_account", refund_account),
            "refund_tel": optional_verbatim_text("refund_tel", refund_tel),
            "retain_promotion": optional_body_bool("retain_promotion", retain_promotion),
            "enable_webhook": optional_body_bool("enable_webhook", enable_webhook),
            "extra": string_map("extra", extra),
        }
        order = CancelOrder(
            body,
            imp_uid,
            merchant_uid,
            None if amount is None else Decimal(amount),
            body["reason"],
        )
        guard = None if checksum is None else Decimal(checksum)
        return await carry_out_cancel(self, order, guard, unguarded=unguarded)

    @CANCEL_SAFELY
    async def cancel_safely(
        self,
        imp_uid: str,
        *,
        amount: int | Decimal | None = None,
        reason: str | None = None,
        checksum: int | Decimal | None = None,
        **fields: Any,
    ) -> Payment:
        """Cancel ``amount`` of ``imp_uid`` (None: all that is left) as a guarded cancel:
        :meth:`cancel` by ``imp_uid``, whose errors that leave the outcome open also say
        which checksum to repeat with.

        ``checksum`` is the refundable balance you saw before the *first* try (e.g. stored
        with the refund, or read when the refund was decided). Give it whenever this call
        may be a repeat: calls with the same ``checksum``, ``amount`` and ``reason`` refund
        at most once, and each reports that refund as its success. Without it the balance is
        read first: one call is still retried and settled safely, but a second call after an
        error would read the new balance and refund again. ``fields`` are :meth:`cancel`'s
        other fields (a name that is not one is refused before anything is sent).
        """
        unknown_fields = sorted(set(fields) - _CANCEL_FIELDS)
        if unknown_fields:
            raise InvalidInputError(unknown_fields[0], "is not a field of payments.cancel")
        if "merchant_uid" in fields or "unguarded" in fields:
            name = "merchant_uid" if "merchant_uid" in fields else "unguarded"
            raise InvalidInputError(name, "cancel_safely is a guarded cancel by imp_uid")
        require_id("imp_uid", imp_uid)
        optional_amount("amount", amount, positive=True)  # refused before the read, not after it
        optional_verbatim_text("reason", reason)
        optional_amount("checksum", checksum)
        if checksum is None:
            checksum = (await self.get(imp_uid, include_sandbox=True)).refundable_amount
        try:
            return await self.cancel(
                imp_uid, amount=amount, reason=reason, checksum=checksum, **fields
            )
        except IamportError as error:
            if not error.outcome_known:
                error.add_note(f"to repeat this refund safely, pass checksum={checksum}")
            raise


_CANCEL_FIELDS = frozenset(inspect.signature(Payments.cancel).parameters) - {"self", "imp_uid"}
"""The keyword fields of :meth:`Payments.cancel` that ``cancel_safely(**fields)`` passes on."""


class CoalescingPayments(Coalescer[Payment]):
    """The coalescing view of :class:`Payments` (see :meth:`Payments.coalescing`)."""

    def __init__(self, payments: Payments, window: float) -> None:
        if isinstance(window, bool) or not isinstance(window, int | float):
            raise InvalidInputError("window", "must be a number of seconds >= 0")
        if not 0 <= window < math.inf:  # NaN fails every comparison
            raise InvalidInputError("window", "must be a finite number of seconds >= 0")
        super().__init__(payments._by_ids(), _PAYMENT_IDS, payments._clock, window=float(window))

    async def get(self, imp_uid: str) -> Payment:
        """The payment ``imp_uid``, fetched together with the other ids asked for in the same
        window; NotFoundError if the API did not return it, or the error of the shared
        request if it failed. Test-channel payments follow ``GET /payments``' rules (there is
        no ``include_sandbox`` here)."""
        return await self._get((IMP_UID, require_id("imp_uid", imp_uid)))

    async def get_by_merchant_uid(self, merchant_uid: str) -> Payment:
        """Like :meth:`get`, by ``merchant_uid`` (one of its payments, if several share it)."""
        return await self._get((MERCHANT_UID, require_id("merchant_uid", merchant_uid)))

    async def _get(self, key: Key) -> Payment:
        answer = await self.lookup(key)
        if answer.error is not None:
            raise answer.error
        payment = answer.found.get(key)
        if payment is None:
            raise NotFoundError(
                status=404,
                code=None,
                message=f"no payment with {key[0]} {key[1]!r}",
                body="",
                method="GET",
                path="/payments",
            )
        return payment


async def _validated_async(ids: AsyncIterable[str], kind: str) -> AsyncIterator[Key]:
    async for value in ids:
        yield kind, require_id(kind, value)


def _with_status(prefix: str, merchant_uid: str, status: str | None) -> str:
    if status is None:
        return path(prefix + "/{}", merchant_uid)
    return path(prefix + "/{}/{}", merchant_uid, choice("status", status, _FIND_STATUSES))
