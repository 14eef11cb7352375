"""What an httpx failure becomes in the error tree, and what of it an error may keep.

An httpx exception holds the raw request (``.request``: the ``Authorization`` header with
the token, the URL with a ``bank_num`` in its query, card data in ``.content``), and its
traceback holds httpx's frames, whose local variables hold the same request: an error
tracker that shows an error's chain and its frames' locals would show them all. So an
error of ours never chains from the exception httpx raised. It chains from a *sanitised
copy*: the same class and message, a request with the method and the URL (its sensitive
query values redacted) and no header or body, and no traceback. The engine raises its
error outside the ``except`` block, so the raw exception is not its ``__context__`` either.
"""

from __future__ import annotations

import httpx

from iamport_async._redact import redact_query
from iamport_async.errors import ConnectError, ConnectionLost, RequestTimeout, TransportError

_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
    httpx.LocalProtocolError,
)


def transport_error(exc: httpx.TransportError, method: str, path: str) -> TransportError:
    """Map an httpx failure to our tree, by whether the request may have been processed;
    chained from a sanitised copy of ``exc``."""
    message = redact_query(str(exc))
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    kind: type[TransportError]
    if isinstance(exc, _NEVER_SENT):
        kind = ConnectError
    elif isinstance(exc, httpx.TimeoutException):
        kind = RequestTimeout
    else:
        kind = ConnectionLost
    error = kind(detail, method=method, path=path)
    error.__cause__ = sanitised(exc)
    return error


def sanitised(exc: httpx.HTTPError) -> httpx.HTTPError:
    """A copy of ``exc`` that holds nothing secret: same class, message (sensitive query
    values redacted) and a request of just the method and the redacted URL; no traceback,
    no chain."""
    message = redact_query(str(exc))
    try:
        copy = type(exc)(message)
    except TypeError:  # a subclass with another constructor: its nearest plain ancestor
        copy = httpx.TransportError(message)
    try:
        request = exc.request
    except RuntimeError:  # httpx: "The .request property has not been set."
        return copy
    copy.request = httpx.Request(request.method, redact_query(str(request.url)))
    return copy
