"""Bulk reconciliation: compare the merchant's own orders with what i'mport recorded.

::

    async with reconcile(client, orders, on_progress=print) as results:
        async for result in results:
            if result.outcome is not ReconcileOutcome.MATCHED:
                print(result.order.ref, result.outcome, result.reason)
    print(results.summary)

It runs on :meth:`Payments.iter_many` (100 ids a request, bounded concurrency): orders keyed
by ``imp_uid`` and orders keyed by ``merchant_uid`` go to two streams side by side. Only the
orders whose lookup is in flight are held, so memory stays flat however long the input.
Credentials the API refuses stop the whole run with UnauthorizedError, not order by order.
"""

from __future__ import annotations

import enum
import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Iterable
from contextlib import aclosing
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeVar

import anyio
import anyio.abc
import anyio.lowlevel
import attrs
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from iamport_async._batching import DEFAULT_CONCURRENCY, FATAL, Key, log_in_first
from iamport_async._tasks import TaskGroupBlock, unwrap_group
from iamport_async._values import require_amount, require_id
from iamport_async.errors import IamportError, InvalidInputError
from iamport_async.models.payment import Payment
from iamport_async.results import Lookup

if TYPE_CHECKING:
    from iamport_async.client import Iamport

__all__ = [
    "Order",
    "Progress",
    "ReconcileOutcome",
    "Reconciliation",
    "Result",
    "Summary",
    "reconcile",
]

T = TypeVar("T")
KeyKind = Literal["imp_uid", "merchant_uid"]
_BUFFER = 100  # orders read ahead of the lookups, per key kind


def _amount(value: object) -> Decimal:
    return Decimal(require_amount("amount", value))


def _cancel_amount(value: object) -> Decimal | None:
    return None if value is None else Decimal(require_amount("cancel_amount", value))


def _status(value: object) -> str:
    return require_id("status", value)


def _imp_uid(value: object) -> str | None:
    return None if value is None else require_id("imp_uid", value)


def _merchant_uid(value: object) -> str | None:
    return None if value is None else require_id("merchant_uid", value)


def _currency(value: object) -> str | None:
    return None if value is None else require_id("currency", value)


@attrs.frozen
class Order:
    """One of the merchant's orders, as its own database has it.

    ``imp_uid`` or ``merchant_uid`` (at least one) says which payment it is: it is looked up
    by ``imp_uid`` when that is given, and the payment's ``merchant_uid`` is then checked too.
    ``amount`` is what the buyer was charged; ``status`` what the order expects (``paid``
    unless said); ``currency`` is checked only when given; ``cancel_amount``, when given, is
    what the merchant refunded, so an expected partial refund matches. ``ref`` is yours
    (a row id, a line number): carried along, never compared. Amounts are int or Decimal.
    """

    amount: Decimal = attrs.field(converter=_amount)
    imp_uid: str | None = attrs.field(default=None, converter=_imp_uid)
    merchant_uid: str | None = attrs.field(default=None, converter=_merchant_uid)
    status: str = attrs.field(default="paid", converter=_status)
    currency: str | None = attrs.field(default=None, converter=_currency)
    cancel_amount: Decimal | None = attrs.field(default=None, converter=_cancel_amount)
    ref: object = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.imp_uid is None and self.merchant_uid is None:
            raise InvalidInputError("imp_uid", "give imp_uid or merchant_uid (or both)")

    @property
    def key_kind(self) -> KeyKind:
        return "imp_uid" if self.imp_uid is not None else "merchant_uid"

    @property
    def key(self) -> Key:
        """``(key_kind, id)``: what the order is looked up by, e.g. ``("imp_uid", "imp_1")``."""
        if self.imp_uid is not None:
            return ("imp_uid", self.imp_uid)
        assert self.merchant_uid is not None
        return ("merchant_uid", self.merchant_uid)


class ReconcileOutcome(enum.StrEnum):
    """What reconciling one order found; the first that applies, in this order."""

    UNKNOWN = "unknown"
    """i'mport has no payment for the order's id (or this account may not see it)."""
    LOOKUP_FAILED = "lookup_failed"
    """The lookup failed after retries: nothing is known; run the order again."""
    DUPLICATE = "duplicate"
    """The order's id appeared earlier in the input; that earlier order was compared."""
    OTHER_ORDER = "other_order"
    """The payment found by ``imp_uid`` belongs to another ``merchant_uid``."""
    CURRENCY_DIFFERS = "currency_differs"
    AMOUNT_DIFFERS = "amount_differs"
    REFUND_DIFFERS = "refund_differs"
    """The order gives ``cancel_amount`` and the payment's differs."""
    REFUNDED_PARTLY = "refunded_partly"
    """Part of the payment was refunded (its status then reads ``cancelled``) and the order
    does not say so."""
    STATUS_DIFFERS = "status_differs"
    MATCHED = "matched"


@attrs.frozen
class Result:
    """One order, reconciled: the ``outcome``, the ``payment`` when one was found, and a
    ``reason`` a person can read (every difference found, not only the first)."""

    order: Order
    outcome: ReconcileOutcome
    payment: Payment | None = None
    reason: str = ""
    error: IamportError | None = None

    @property
    def matched(self) -> bool:
        return self.outcome is ReconcileOutcome.MATCHED


@attrs.define
class Summary:
    """Counts per outcome and money totals, kept up to date as results are read.

    ``expected`` sums the orders' amounts; ``actual`` and ``refunded`` sum ``amount`` and
    ``cancel_amount`` of the payments found (duplicates counted once).
    """

    counts: dict[ReconcileOutcome, int] = attrs.field(
        factory=lambda: dict.fromkeys(ReconcileOutcome, 0)
    )
    expected: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def differing(self) -> int:
        """Orders that need a look: every outcome but ``matched``."""
        return self.total - self.counts[ReconcileOutcome.MATCHED]

    @property
    def all_matched(self) -> bool:
        return self.differing == 0

    def add(self, result: Result) -> None:
        self.counts[result.outcome] += 1
        self.expected += result.order.amount
        if result.payment is not None and result.outcome is not ReconcileOutcome.DUPLICATE:
            self.actual += result.payment.amount
            self.refunded += result.payment.cancel_amount


@attrs.frozen
class Progress:
    """Where a run stands: ``done`` results so far, of ``total`` if it was given; ``rate``
    in results per second; ``eta`` in seconds (None without a total or a rate yet)."""

    done: int
    total: int | None
    elapsed: float
    summary: Summary = attrs.field(eq=False, repr=False)

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate


ProgressHook = Callable[[Progress], None]


def compare(order: Order, payment: Payment) -> Result:
    """The outcome for ``order`` given the ``payment`` i'mport has for it."""
    differences: list[tuple[ReconcileOutcome, str]] = []
    if order.imp_uid is not None and order.merchant_uid not in (None, payment.merchant_uid):
        other = f"payment is for merchant_uid {payment.merchant_uid!r}"
        differences.append((ReconcileOutcome.OTHER_ORDER, other))
    theirs, ours = payment.currency, order.currency
    if ours is not None and theirs is not None and theirs.upper() != ours.upper():
        differences.append(
            (ReconcileOutcome.CURRENCY_DIFFERS, f"currency {theirs}, expected {ours}")
        )
    if payment.amount != order.amount:
        differences.append(
            (ReconcileOutcome.AMOUNT_DIFFERS, f"amount {payment.amount}, expected {order.amount}")
        )
    refunded = payment.cancel_amount
    partly = 0 < refunded < payment.amount
    if order.cancel_amount is not None:
        if refunded != order.cancel_amount:
            differences.append(
                (
                    ReconcileOutcome.REFUND_DIFFERS,
                    f"refunded {refunded}, expected {order.cancel_amount}",
                )
            )
    elif partly:
        differences.append(
            (ReconcileOutcome.REFUNDED_PARTLY, f"{refunded} of {payment.amount} refunded")
        )
    if partly and order.status in ("paid", "cancelled"):
        pass  # a partly refunded payment reads "cancelled": the refund was judged above
    elif payment.status != order.status:
        differences.append(
            (ReconcileOutcome.STATUS_DIFFERS, f"status {payment.status}, expected {order.status}")
        )
    if not differences:
        return Result(order, ReconcileOutcome.MATCHED, payment, "")
    first = min(differences, key=lambda item: _RANK[item[0]])[0]
    return Result(order, first, payment, "; ".join(reason for _, reason in differences))


_RANK = {outcome: rank for rank, outcome in enumerate(ReconcileOutcome)}


def _settle(orders: list[Order], lookup: Lookup[Payment]) -> Iterable[Result]:
    """Results for every order waiting on ``lookup``: the first is compared, later ones with
    the same id are duplicates (the payment is the same; counting it twice would hide an
    unpaid order)."""
    first, *rest = orders
    if lookup.item is not None:
        yield compare(first, lookup.item)
    elif lookup.error is not None:
        yield Result(first, ReconcileOutcome.LOOKUP_FAILED, None, str(lookup.error), lookup.error)
    else:
        yield Result(
            first, ReconcileOutcome.UNKNOWN, None, f"no payment with {lookup.kind} {lookup.id}"
        )
    for order in rest:
        yield _duplicate(order, lookup.item)


def _duplicate(order: Order, payment: Payment | None) -> Result:
    kind = order.key_kind
    return Result(
        order,
        ReconcileOutcome.DUPLICATE,
        payment,
        f"{kind} {order.key[1]} appears earlier in the input; compared there",
    )


class Reconciliation(TaskGroupBlock):
    """Reconcile ``orders`` (an iterable or async iterable of :class:`Order`, any length)
    against i'mport: one :class:`Result` per order, every order exactly once.

    ``concurrency`` requests in flight per key kind (imp_uid, merchant_uid), each carrying up
    to 100 ids; the client's own ``max_concurrency`` and ``rate_limit`` still apply.
    ``on_progress`` is called with a :class:`Progress` every ``progress_every`` results (when
    the next one is asked for, so the results it counts have been handled: a hook that raises
    leaves no result counted but unseen) and at the end. Give ``total`` for an ETA (a list's
    length is taken). An order that is not an :class:`Order` stops the run with
    InvalidInputError; credentials the API refuses stop it with UnauthorizedError (one login
    attempt, not one per request).

    Duplicates: an order whose id is still being looked up for an earlier order becomes
    :attr:`ReconcileOutcome.DUPLICATE` (and costs no request). With ``check_duplicates=True`` every
    repeat in the whole input is caught, at the price of remembering every id (about 100
    bytes each); without it, memory stays flat and a repeat far from the first is looked up
    and compared again as an order of its own.

    ``async with`` it, then ``async for`` over one :class:`Result` per order. Results arrive
    as lookups complete, not in input order. ``summary`` counts what has been read so far.
    Leaving the block early (a break, an error, Ctrl-C) cancels the lookups in flight; every
    result already read stays valid. ``clock`` (monotonic seconds) times the rate and ETA.
    """

    def __init__(
        self,
        client: Iamport,
        orders: Iterable[Order] | AsyncIterable[Order],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        total: int | None = None,
        on_progress: ProgressHook | None = None,
        progress_every: int = 100,
        check_duplicates: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(orders, str | bytes) or not isinstance(orders, Iterable | AsyncIterable):
            raise InvalidInputError("orders", "must be an iterable of Order")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidInputError("concurrency", "must be an int of at least 1")
        if progress_every < 1:
            raise InvalidInputError("progress_every", "must be at least 1")
        if total is None and isinstance(orders, list | tuple):
            total = len(orders)
        self.summary = Summary()
        self.total = total
        self._client = client
        self._orders = orders
        self._concurrency = concurrency
        self._on_progress = on_progress
        self._every = progress_every
        self._seen: set[Key] | None = set() if check_duplicates else None
        self._clock = clock
        self._pending: dict[Key, list[Order]] = {}
        self._receive: MemoryObjectReceiveStream[Result] | None = None
        self._error: BaseException | None = None
        self._started = 0.0
        self._due = False

    # -- the caller's side -------------------------------------------------------------------

    async def __aenter__(self) -> Reconciliation:
        send, self._receive = anyio.create_memory_object_stream[Result](2 * _BUFFER)
        self._started = self._clock()
        task_group = await self._open_task_group()
        task_group.start_soon(self._run, send)
        return self

    def _closing(self, task_group: anyio.abc.TaskGroup) -> None:
        super()._closing(task_group)
        assert self._receive is not None
        self._receive.close()

    def __aiter__(self) -> AsyncIterator[Result]:
        return self

    async def __anext__(self) -> Result:
        if self._receive is None:
            raise RuntimeError("use 'async with reconcile(...) as results' first")
        if self._due:  # reported here, once the caller is done with the results counted
            self._due = False
            self._report()
        try:
            result = await _get(self._receive)
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self._error is not None:
                raise self._error from None
            self._report()
            raise StopAsyncIteration from None
        self.summary.add(result)
        self._due = self._on_progress is not None and self.summary.total % self._every == 0
        return result

    def progress(self) -> Progress:
        """Where the run stands now."""
        elapsed = self._clock() - self._started
        return Progress(self.summary.total, self.total, elapsed, self.summary)

    def _report(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.progress())

    # -- the lookups -------------------------------------------------------------------------

    async def _run(self, send: MemoryObjectSendStream[Result]) -> None:
        try:
            async with send, anyio.create_task_group() as tg:
                # once for both streams: each would otherwise log in on its first request
                await log_in_first(self._client.log_in)
                by_imp, imp_ids = anyio.create_memory_object_stream[str](_BUFFER)
                by_merchant, merchant_ids = anyio.create_memory_object_stream[str](_BUFFER)
                tg.start_soon(self._look_up, "imp_uid", imp_ids, send.clone())
                tg.start_soon(self._look_up, "merchant_uid", merchant_ids, send.clone())
                await self._split(by_imp, by_merchant, send)
        except Exception as error:  # an invalid order or a failing input: stop, say why
            self._error = _cause(error)

    async def _split(
        self,
        by_imp: MemoryObjectSendStream[str],
        by_merchant: MemoryObjectSendStream[str],
        results: MemoryObjectSendStream[Result],
    ) -> None:
        """Hand each order's id to the stream of its kind, keeping the order until its lookup
        comes back; an id already waiting is not asked for again."""
        async with by_imp, by_merchant:
            if isinstance(self._orders, AsyncIterable):
                async for order in self._orders:
                    await self._route(order, by_imp, by_merchant, results)
            else:
                for order in self._orders:
                    await self._route(order, by_imp, by_merchant, results)

    async def _route(
        self,
        order: Order,
        by_imp: MemoryObjectSendStream[str],
        by_merchant: MemoryObjectSendStream[str],
        results: MemoryObjectSendStream[Result],
    ) -> None:
        if not isinstance(order, Order):
            raise InvalidInputError("orders", f"must hold Order, got {type(order).__name__}")
        key = order.key
        if self._seen is not None:
            if key in self._seen:
                await _put(results, _duplicate(order, None))
                return
            self._seen.add(key)
        waiting = self._pending.get(key)
        if waiting is not None:
            waiting.append(order)
            return
        self._pending[key] = [order]
        await _put(by_imp if key[0] == "imp_uid" else by_merchant, key[1])

    async def _look_up(
        self,
        kind: KeyKind,
        ids: MemoryObjectReceiveStream[str],
        send: MemoryObjectSendStream[Result],
    ) -> None:
        payments = self._client.payments
        async with (
            send,
            ids,
            aclosing(_drain(ids)) as drained,  # closed here, not left to the collector
            payments.iter_many(drained, by=kind, concurrency=self._concurrency) as lookups,
        ):
            async for lookup in lookups:
                waiting = self._pending.pop((lookup.kind, lookup.id), None)
                if waiting is None:  # cannot happen: an id is sent once while it waits
                    continue
                for result in _settle(waiting, lookup):
                    await _put(send, result)


def _cause(error: BaseException) -> BaseException:
    """The error that stopped the run, not the broken streams it left behind in the other
    tasks."""
    error = unwrap_group(error)
    if isinstance(error, BaseExceptionGroup):
        leaves = _leaves(error)
        broken = (anyio.BrokenResourceError, anyio.ClosedResourceError)
        causes = [leaf for leaf in leaves if not isinstance(leaf, broken)]
        fatal = [leaf for leaf in causes if isinstance(leaf, FATAL)]
        if len(causes) == 1 or fatal:  # both streams may stop on the same refused login
            return (fatal or causes)[0]
    return error


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    found: list[BaseException] = []
    for inner in group.exceptions:
        if isinstance(inner, BaseExceptionGroup):
            found += _leaves(inner)
        else:
            found.append(inner)
    return found


async def _put(send: MemoryObjectSendStream[T], item: T) -> None:
    """Send without a trip through the event loop while the buffer has room: one trip per
    item is most of the cost of a million-order run.

    A caller who leaves early cancels the run and closes its end of the results; a task that
    gets here before its next checkpoint finds the stream broken. The checkpoint then ends it
    as cancelled, which is what it is, rather than with the broken stream."""
    try:
        try:
            send.send_nowait(item)
        except anyio.WouldBlock:
            await send.send(item)
    except anyio.BrokenResourceError:
        await anyio.lowlevel.checkpoint()
        raise


async def _get(receive: MemoryObjectReceiveStream[T]) -> T:
    """Receive without a trip through the event loop while items are buffered."""
    try:
        return receive.receive_nowait()
    except anyio.WouldBlock:
        return await receive.receive()


async def _drain(receive: MemoryObjectReceiveStream[T]) -> AsyncGenerator[T, None]:
    while True:
        try:
            item = await _get(receive)
        except anyio.EndOfStream:
            return
        yield item


reconcile = Reconciliation
"""``reconcile(client, orders, ...)`` builds a :class:`Reconciliation` (its constructor)."""
