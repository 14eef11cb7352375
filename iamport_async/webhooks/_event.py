"""Parse a webhook body into a :class:`WebhookEvent`, in either content type the API sends.

i'mport posts ``imp_uid``, ``merchant_uid``, ``status`` (and, in the Korean docs,
``cancellation_id``) as ``application/json`` or ``application/x-www-form-urlencoded``, as
the merchant chose in the console. Nothing in the body is trusted: it only says which payment
to re-fetch (see :func:`~iamport_async.webhooks.verify`).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs

from iamport_async.errors import InvalidInputError
from iamport_async.models.payment import PaymentStatus

MAX_BODY_BYTES = 64 * 1024
"""A real webhook is about 150 bytes; a bigger body is refused before it is decoded."""

MAX_FIELD_LENGTH = 256
"""Ids longer than this are refused (the API's own limits are far lower)."""

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
_KNOWN = ("imp_uid", "merchant_uid", "status", "cancellation_id")


class InvalidWebhookError(InvalidInputError):
    """A webhook body that cannot be read: answer it with HTTP 400.

    ``field`` is ``"content_type"``, ``"body"`` or the body field at fault (``"imp_uid"``).
    The message never quotes the body.
    """


@attrs.frozen
class WebhookEvent:
    """What a webhook says happened. Unverified: only ``imp_uid`` is used, to re-fetch.

    ``status`` is a :class:`~iamport_async.models.payment.PaymentStatus`, the plain string
    for a value this version does not know, or None when absent. ``extra`` keeps any other
    fields the body carried.
    """

    imp_uid: str
    """The payment the webhook is about: the one field the verdict relies on."""
    merchant_uid: str | None = None
    """The order number the body claims; unverified (the verdict uses the payment's)."""
    status: PaymentStatus | str | None = None
    """The status the body claims (``paid``, ``ready``, ``cancelled``, ``failed``); unverified."""
    cancellation_id: str | None = None
    """For a cancel's webhook: the cancel's id in ``Payment.cancel_history``."""
    extra: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    """Any other fields of the body, as strings; left out of ``repr``."""


def parse_event(body: bytes, content_type: str | None) -> WebhookEvent:
    """The event in ``body``, sent as ``content_type`` (the request's ``Content-Type``).

    Raises :class:`InvalidWebhookError` for an unsupported content type, a body that is not
    valid in its charset (UTF-8 unless the header names another), not a JSON object, a
    repeated field, or a missing, empty or oversized ``imp_uid``.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise InvalidWebhookError("body", f"must be bytes, got {type(body).__name__}")
    body = bytes(body)
    if len(body) > MAX_BODY_BYTES:
        raise InvalidWebhookError("body", f"is {len(body)} bytes; at most {MAX_BODY_BYTES}")
    media_type, charset = _media_type(content_type)
    if media_type == JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        fields = _json_fields(body, charset)
    elif media_type == FORM:
        fields = _form_fields(body, charset)
    else:
        raise InvalidWebhookError(
            "content_type", f"must be {JSON} or {FORM}, got {media_type or 'nothing'!r}"
        )
    return _event(fields)


def _media_type(content_type: str | None) -> tuple[str, str]:
    """``(media type, charset)`` from a ``Content-Type`` header; the charset defaults to UTF-8."""
    if not content_type:
        return "", "utf-8"
    media_type, *parameters = content_type.split(";")
    charset = "utf-8"
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    try:
        codecs.lookup(charset)
    except LookupError:
        raise InvalidWebhookError("content_type", f"unknown charset {charset[:40]!r}") from None
    return media_type.strip().lower(), charset


def _decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except UnicodeDecodeError:
        raise InvalidWebhookError("body", f"is not valid {charset}") from None


def _json_fields(body: bytes, charset: str) -> dict[str, Any]:
    try:
        data = json.loads(_decode(body, charset))
    except (json.JSONDecodeError, RecursionError):
        raise InvalidWebhookError("body", "is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidWebhookError("body", f"must be a JSON object, got {type(data).__name__}")
    return data


def _form_fields(body: bytes, charset: str) -> dict[str, Any]:
    try:
        pairs = parse_qsl(
            _decode(body, charset), keep_blank_values=True, encoding=charset, errors="strict"
        )
    except UnicodeDecodeError:
        raise InvalidWebhookError("body", f"percent-escapes are not valid {charset}") from None
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name in fields and name in _KNOWN:
            raise InvalidWebhookError(name, "is repeated")
        fields[name] = value
    return fields


def _event(fields: Mapping[str, Any]) -> WebhookEvent:
    imp_uid = _text(fields, "imp_uid")
    if imp_uid is None:
        raise InvalidWebhookError("imp_uid", "is missing or empty")
    status = _text(fields, "status")
    known_status: PaymentStatus | str | None = status
    if status is not None:
        try:
            known_status = PaymentStatus(status)
        except ValueError:
            known_status = status
    extra = {key: str(value) for key, value in fields.items() if key not in _KNOWN}
    return WebhookEvent(
        imp_uid=imp_uid,
        merchant_uid=_text(fields, "merchant_uid"),
        status=known_status,
        cancellation_id=_text(fields, "cancellation_id"),
        extra=extra,
    )


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    """A string field: None when absent, null or blank; refused when it is not a string."""
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidWebhookError(name, f"must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_FIELD_LENGTH:
        raise InvalidWebhookError(name, f"is {len(value)} characters; at most {MAX_FIELD_LENGTH}")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidWebhookError(name, "contains control characters")
    return value
