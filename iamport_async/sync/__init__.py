"""The blocking client, for Django, Flask, Celery and scripts. Its methods are generated:

    python scripts/gen_sync.py

regenerates ``iamport_async/sync/_twins.py`` after an endpoint method, the client's
constructor or ``Reconciliation``'s changes (``tests/sync/test_generated.py`` fails until it
is run).

::

    from iamport_async.sync import Iamport

    client = Iamport()  # at import: IAMPORT_API_KEY, IAMPORT_API_SECRET

    def verify(request, imp_uid):          # in any request thread
        payment = client.payments.get(imp_uid)

:class:`Iamport` takes the async client's options and has its groups and methods, with the
same names, arguments, docstrings and return types, blocking. It runs **the same engine**:
one asyncio event loop in one background thread per client, to which every call hands its
async twin's coroutine. So one token serves every thread (fetched once, refreshed once), one
rate limit and one concurrency cap hold across them, and retries and read-backs are the
async client's. Listings are plain iterators (:class:`Paged`); ``iter_many``,
:class:`Reconciliation` and ``coalescing()`` are ``with`` blocks (:class:`BatchStream`,
:class:`CoalescingPayments`).

Lifecycle: ``with Iamport() as client:`` or ``client.close()``; a client made at import
works from every thread. After ``os.fork()`` (gunicorn ``--preload``, Celery's prefork
pool) the child's first call makes a new loop thread and pool and fetches its own token.
Ctrl-C interrupts a blocking call at once and leaves the client usable; ``close()`` ends
the calls in flight in other threads with ClientClosedError. :class:`WebhookVerifier` is
the webhook verifier for a sync view. See ``docs/sync.md``.
"""

from iamport_async import (
    API_URL,
    STATIC_API_URL,
    ApiError,
    BackpressureError,
    BadRequestError,
    BusinessError,
    CallOptions,
    ClientClosedError,
    ConflictError,
    ConnectError,
    ConnectionLost,
    IamportError,
    Idempotency,
    IdResults,
    InvalidInputError,
    Lookup,
    NotFoundError,
    OutcomeUnknownError,
    Page,
    Payment,
    PaymentCancel,
    PaymentLookups,
    PaymentStatus,
    RateLimitedError,
    RawResponse,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
    TransportError,
    UnauthorizedError,
    UnsupportedPgError,
)
from iamport_async.reconcile import Order, Progress, ReconcileOutcome, Result, Summary
from iamport_async.sync._blocks import BatchStream, CoalescingPayments, Paged
from iamport_async.sync._twins import Iamport, Reconciliation
from iamport_async.sync._webhooks import WebhookVerifier

reconcile = Reconciliation
"""``reconcile(client, orders, ...)`` builds a :class:`Reconciliation` (its constructor)."""

__all__ = [
    "API_URL",
    "STATIC_API_URL",
    "ApiError",
    "BackpressureError",
    "BadRequestError",
    "BatchStream",
    "BusinessError",
    "CallOptions",
    "ClientClosedError",
    "CoalescingPayments",
    "ConflictError",
    "ConnectError",
    "ConnectionLost",
    "Iamport",
    "IamportError",
    "IdResults",
    "Idempotency",
    "InvalidInputError",
    "Lookup",
    "NotFoundError",
    "Order",
    "OutcomeUnknownError",
    "Page",
    "Paged",
    "Payment",
    "PaymentCancel",
    "PaymentLookups",
    "PaymentStatus",
    "Progress",
    "RateLimitedError",
    "RawResponse",
    "ReconcileOutcome",
    "Reconciliation",
    "RequestTimeout",
    "ResponseValidationError",
    "Result",
    "ServerError",
    "Summary",
    "TransportError",
    "UnauthorizedError",
    "UnsupportedPgError",
    "WebhookVerifier",
    "reconcile",
]
