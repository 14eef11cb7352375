"""Async client for the i'mport (PortOne V1) payments REST API.

What an application needs is importable from here: the client and its options, the rate
limiters, the containers that endpoint methods return (``Paged``, ``IdResults``,
``PaymentLookups``, ``Lookup``, ``BatchStream``: :mod:`iamport_async.results`),
the most used models and every error class::

    from iamport_async import Iamport, NotFoundError, Payment

Every model is in :mod:`iamport_async.models`, the error tree is drawn in
:mod:`iamport_async.errors`, the fake API for tests is :mod:`iamport_async.testing` and
webhook verification is :mod:`iamport_async.webhooks`.
"""

from iamport_async._environment import switch_logging_on as _switch_logging_on
from iamport_async._version import __version__
from iamport_async.client import API_URL, STATIC_API_URL, CallOptions, Iamport
from iamport_async.clock import Clock, SystemClock
from iamport_async.errors import (
    ApiError,
    BackpressureError,
    BadRequestError,
    BusinessError,
    ClientClosedError,
    ConflictError,
    ConnectError,
    ConnectionLost,
    IamportError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
    TransportError,
    UnauthorizedError,
    UnsupportedPgError,
)
from iamport_async.models import Page, Payment, PaymentCancel, PaymentStatus
from iamport_async.ratelimit import AdaptiveRateLimiter, RateLimiter, TokenBucket, Unlimited
from iamport_async.raw import RawResponse
from iamport_async.results import BatchResult, BatchStream, IdResults, Lookup, Paged, PaymentLookups
from iamport_async.retry import Idempotency, RetryBudget

__all__ = [
    "API_URL",
    "STATIC_API_URL",
    "AdaptiveRateLimiter",
    "ApiError",
    "BackpressureError",
    "BadRequestError",
    "BatchResult",
    "BatchStream",
    "BusinessError",
    "CallOptions",
    "ClientClosedError",
    "Clock",
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
    "OutcomeUnknownError",
    "Page",
    "Paged",
    "Payment",
    "PaymentCancel",
    "PaymentLookups",
    "PaymentStatus",
    "RateLimitedError",
    "RateLimiter",
    "RawResponse",
    "RequestTimeout",
    "ResponseValidationError",
    "RetryBudget",
    "ServerError",
    "SystemClock",
    "TokenBucket",
    "TransportError",
    "UnauthorizedError",
    "Unlimited",
    "UnsupportedPgError",
    "__version__",
]

_switch_logging_on()
