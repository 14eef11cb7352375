"""The fake as i'mport's notifier: build the webhook for a payment it holds and deliver it.

The body is what i'mport posts (``imp_uid``, ``merchant_uid``, ``status`` and, for a cancel,
``cancellation_id``), as JSON or form-encoded, the two content types the console offers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from iamport_async.endpoints._checks import require_id
from iamport_async.errors import InvalidInputError
from iamport_async.webhooks import IAMPORT_SOURCES

if TYPE_CHECKING:
    from iamport_async.testing._state import FakeState

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
"""Any ASGI 3 application: FastAPI, Starlette, Litestar, Django's ASGI handler ..."""

WEBHOOK_SENDER = str(IAMPORT_SOURCES[0].network_address)
"""The peer an in-process delivery comes from: i'mport's first address, so that an app that
opted in to ``SourcePolicy(IAMPORT_SOURCES)`` hears it too."""


def webhook_body(state: FakeState, imp_uid: str, status: str | None) -> dict[str, str]:
    """The notification for the payment as the fake holds it now; ``status`` overrides its
    status (a late or replayed webhook)."""
    record = state.payments.get(require_id("imp_uid", imp_uid))
    if record is None:
        raise InvalidInputError("imp_uid", f"the fake holds no payment {imp_uid!r}")
    if status is not None and (not isinstance(status, str) or not status.strip()):
        raise InvalidInputError("status", f"must be a non-empty string, got {status!r}")
    body = {
        "imp_uid": imp_uid,
        "merchant_uid": record["merchant_uid"],
        "status": status or record["status"],
    }
    cancels = record.get("cancel_history") or []
    if body["status"] == "cancelled" and cancels and cancels[-1].get("cancellation_id"):
        body["cancellation_id"] = cancels[-1]["cancellation_id"]
    return body


async def send_webhook(
    state: FakeState,
    imp_uid: str,
    url: str,
    *,
    app: ASGIApp | None,
    status: str | None,
    form: bool,
    sender: str | None,
) -> httpx.Response:
    """POST the notification for ``imp_uid`` to ``url``, in-process to ``app`` when given."""
    body = webhook_body(state, imp_uid, status)
    if app is None and sender is not None:
        raise InvalidInputError("sender", "applies to an app; a socket's peer cannot be chosen")
    transport = (
        httpx.ASGITransport(app=app, client=(sender or WEBHOOK_SENDER, 40000))
        if app is not None
        else None
    )
    base_url = "http://app" if app is not None else ""
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
        if form:
            return await http.post(url, data=body)
        return await http.post(url, json=body)
