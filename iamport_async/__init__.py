"""Async client for the i'mport (PortOne V1) payments REST API."""

from iamport_async._transport import CallOptions, Idempotency, RateLimiter
from iamport_async._version import __version__
from iamport_async.client import API_URL, STATIC_API_URL, Iamport

__all__ = [
    "API_URL",
    "STATIC_API_URL",
    "CallOptions",
    "Iamport",
    "Idempotency",
    "RateLimiter",
    "__version__",
]
