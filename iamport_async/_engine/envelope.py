"""Turns an HTTP answer into the envelope's ``response`` payload, or the right exception.

Every answer of the API is ``{code, message, response}``. Success is a 2xx status (200, or
207 for a partial multi-lookup) *and* ``code == 0``; a 200 with another code is a business
refusal. Numbers with a fraction are decoded as ``Decimal``: money is never a float
(:mod:`iamport_async._json`, fast with the ``speed`` extra).

A 404 or a 207 says "not found" (all of a lookup, or part of it), and the callers report ids
missing on its word. So each counts only when it is the API's own answer, with the whole
envelope: a 404 page from a proxy, a wrong ``base_url`` or a server without the route is an
:class:`ApiError` that says so, never a NotFoundError; a 207 without it is a
ResponseValidationError.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from iamport_async import _json
from iamport_async._engine.retry import parse_retry_after
from iamport_async.errors import (
    ApiError,
    BusinessError,
    ResponseValidationError,
    error_for_status,
    excerpt,
)

_NOT_FOUND_STATUSES = frozenset({207, 404})
"""Statuses that say "not found": believed only with the whole envelope."""


def decode(response: httpx.Response, method: str, path: str) -> Any:
    """The ``response`` payload of a successful answer; raises on anything else."""
    status = response.status_code
    envelope = _parse(response.content, whole=status in _NOT_FOUND_STATUSES)
    if envelope is None and status == 404:
        raise _not_the_apis(response, method, path)
    if 200 <= status < 300:
        if envelope is None:
            raise ResponseValidationError(
                "not a JSON {code, message, response} envelope",
                status=status,
                body=excerpt(response.content),
                method=method,
                path=path,
            )
        if envelope[0] == 0:
            return envelope[2]
        kind: type[ApiError] = BusinessError  # HTTP 2xx, the API's code says it failed
    else:
        kind = error_for_status(status)
    error = kind(
        status=status,
        code=envelope[0] if envelope else None,
        message=envelope[1] if envelope else None,
        body=excerpt(response.content),
        method=method,
        path=path,
    )
    if kind is not BusinessError:
        error.retry_after = parse_retry_after(
            response.headers.get("retry-after"), response.headers.get("date"), time.time()
        )
    raise error


def _not_the_apis(response: httpx.Response, method: str, path: str) -> ApiError:
    """The error for a 404 the API did not send: it says nothing about what exists."""
    body = excerpt(response.content)
    error = ApiError(status=404, code=None, message=None, body=body, method=method, path=path)
    error.args = (
        f"{method} {path}: HTTP 404 without the API's {{code, message, response}} envelope: "
        "not an answer of the i'mport API, so nothing is known about what exists (check "
        f"base_url, a proxy in between, or whether the server has this route); body: {body!r}",
    )
    return error


def _parse(body: bytes, *, whole: bool = False) -> tuple[int, str | None, Any] | None:
    """``(code, message, response)``, or ``None`` if the body is not an envelope: a JSON
    object with an integer ``code`` and, if ``whole``, a ``message`` and a ``response``."""
    try:
        data = _json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or (whole and not ("message" in data and "response" in data)):
        return None
    code = data.get("code")
    if isinstance(code, str) and code.lstrip("-").isdigit():
        code = int(code)  # old Swagger documented code as a string
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    message = data.get("message")
    return code, message if isinstance(message, str) else None, data.get("response")
