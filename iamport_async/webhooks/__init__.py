"""Receive i'mport webhooks safely: parse the body, check the sender, re-fetch and compare.

Framework-neutral: everything takes bytes, a content type, the peer address and a headers
mapping. The sender's address is checked only when asked: ``SourcePolicy(IAMPORT_SOURCES)``.
See ``docs/webhooks.md`` and ``docs/examples/fastapi_webhook.py``.
"""

from iamport_async.webhooks._event import (
    MAX_BODY_BYTES,
    InvalidWebhookError,
    WebhookEvent,
    parse_event,
)
from iamport_async.webhooks._source import IAMPORT_SOURCES, SourcePolicy
from iamport_async.webhooks._verdict import (
    Expected,
    ExpectedLookup,
    PaymentSource,
    Verdict,
    WebhookOutcome,
    WebhookVerifier,
    verify,
)

__all__ = [
    "IAMPORT_SOURCES",
    "MAX_BODY_BYTES",
    "Expected",
    "ExpectedLookup",
    "InvalidWebhookError",
    "PaymentSource",
    "SourcePolicy",
    "Verdict",
    "WebhookEvent",
    "WebhookOutcome",
    "WebhookVerifier",
    "parse_event",
    "verify",
]
