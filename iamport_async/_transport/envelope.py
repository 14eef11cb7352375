"""Turns an HTTP answer into the envelope's ``response`` payload, or the right exception.

Every answer of the API is ``{code, message, response}``. Success is a 2xx status (200, or
207 for a partial multi-lookup) *and* ``code == 0``; a 200 with another code is a business
refusal. Numbers with a fraction are decoded as ``Decimal``: money is never a float.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import httpx

from iamport_async._transport.retry import parse_retry_after
from iamport_async.errors import (
    BusinessError,
    ResponseValidationError,
    error_for_status,
    excerpt,
)


def decode(response: httpx.Response, method: str, path: str) -> Any:
    """The ``response`` payload of a successful answer; raises on anything else."""
    status = response.status_code
    envelope = _parse(response.content)
    if 200 <= status < 300:
        if envelope is None:
            raise ResponseValidationError(
                "not a JSON {code, message, response} envelope",
                status=status,
                body=excerpt(response.content),
                method=method,
                path=path,
            )
        code, message, payload = envelope
        if code != 0:
            raise BusinessError(
                status=status,
                code=code,
                message=message,
                body=excerpt(response.content),
                method=method,
                path=path,
            )
        return payload
    error_code = envelope[0] if envelope else None
    error_message = envelope[1] if envelope else None
    error = error_for_status(status)(
        status=status,
        code=error_code,
        message=error_message,
        body=excerpt(response.content),
        method=method,
        path=path,
    )
    error.retry_after = parse_retry_after(
        response.headers.get("retry-after"), response.headers.get("date"), time.time()
    )
    raise error


def _parse(body: bytes) -> tuple[int, str | None, Any] | None:
    """``(code, message, response)``, or ``None`` if the body is not an envelope."""
    try:
        data = json.loads(body, parse_float=Decimal)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    code = data.get("code")
    if isinstance(code, str) and code.lstrip("-").isdigit():
        code = int(code)  # old Swagger documented code as a string
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    message = data.get("message")
    return code, message if isinstance(message, str) else None, data.get("response")
