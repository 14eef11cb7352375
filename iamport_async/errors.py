"""Every exception the client raises, in one tree.

::

    IamportError                      base of everything below
    ├── InvalidInputError              bad input, refused before any request (a ValueError)
    ├── TransportError                 no usable HTTP answer
    │   ├── ConnectError               never reached the server: always safe to retry
    │   ├── RequestTimeout             no answer in time: the request may have been processed
    │   └── ConnectionLost             dropped mid-exchange: may have been processed
    ├── ApiError                       the API answered with an error
    │   ├── BadRequestError            400 (a bad parameter, a page past the end)
    │   ├── UnauthorizedError          401 (bad key/secret, or a token that stayed refused)
    │   ├── NotFoundError              404 with the API's envelope
    │   ├── ConflictError              409
    │   ├── RateLimitedError           429, with ``retry_after`` in seconds
    │   ├── ServerError                5xx
    │   │   └── UnsupportedPgError     501: the PG cannot do this through i'mport (never retried)
    │   └── BusinessError              HTTP 200 with ``code != 0``: the API said no
    ├── ResponseValidationError        a 2xx answer that is not what the API promises
    ├── BackpressureError              the client's own limiter: "too long to wait" (fail fast)
    ├── OutcomeUnknownError            a mutation the server may have carried out; reading
    │                                  back could not tell (``check`` says what to look at)
    └── ClientClosedError              the client was closed before or during the call, or is
                                       used from another event loop

``ApiError`` always keeps the HTTP ``status``, the API's ``code`` and ``message`` (``None``
when the body had no envelope) and a bounded ``body`` excerpt, so nothing the server said is
lost. ``retry_after`` holds a ``Retry-After`` header's wait (429, 503) in seconds. Messages
never contain keys, secrets, tokens or card data: the client never puts request bodies or
headers into an error, and a body excerpt has its personal, card and credential fields
redacted (``"buyer_name":"[redacted]"``; see ``iamport_async._redact``).

Every error has ``outcome_known``: ``False`` only when it ends a call that changes something
(a cancel, a charge, an issue ...) and the server may have carried that call out. One rule
decides whether a failure may have reached the server: :func:`server_may_have_acted`.
"""

from __future__ import annotations

from iamport_async._redact import redact_excerpt, redact_text

BODY_EXCERPT_LIMIT = 500
"""How many characters of a response body an error keeps."""


def excerpt(body: str | bytes) -> str:
    """A bounded, printable excerpt of a response body, its sensitive fields redacted."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return redact_excerpt(text, BODY_EXCERPT_LIMIT)


class IamportError(Exception):
    """Base class of every error raised by iamport_async."""

    outcome_known: bool = True
    """``False`` when this error ends a mutation the server may have carried out: the call may
    have happened or not. Mutations resolve that by reading back before raising, so a caller
    sees ``False`` only on :class:`OutcomeUnknownError` and :class:`ClientClosedError` (and on
    the transport's own errors when calling ``client.request`` directly). Reads: always True."""

    after_ambiguous_failure: bool = False
    """Deprecated: read ``outcome_known``. True when an earlier attempt of the same call failed
    in a way the server may have acted on before this error ended the call."""

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its class, message and attributes, not its constructor's arguments: so an
        error crosses a process boundary whole (a ``ProcessPoolExecutor`` worker's failure)."""
        return (_unpickled, (type(self), self.args), self.__dict__)


def _unpickled(kind: type[IamportError], args: tuple[object, ...]) -> IamportError:
    """An empty ``kind`` with ``args``; pickle then restores its attributes."""
    error = kind.__new__(kind)
    error.args = args
    return error


class InvalidInputError(IamportError, ValueError):
    """An argument the API cannot accept; raised before anything is sent.

    ``field`` names the offending argument.
    """

    field: str
    """The argument that was refused, as the method names it (``amount``, ``imp_uid``)."""
    problem: str
    """What is wrong with it, in words."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class TransportError(IamportError):
    """No usable HTTP answer arrived.

    ``reached_server`` tells whether the request may have been processed: ``False`` only when
    it provably never left (connection refused, DNS failure, pool timeout).
    """

    reached_server: bool = True
    """``False`` only when the request provably never left: then a retry cannot act twice."""
    method: str
    """The HTTP method of the failed request."""
    path: str
    """The API path of the failed request (no query string: ids stay out of errors)."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{method} {path}: {message}")


class ConnectError(TransportError):
    """The connection could not be made; the request never reached the server."""

    reached_server = False
    """Always ``False``: the connection was never made."""


class RequestTimeout(TransportError):
    """No complete answer within the timeout; the request may have been processed."""


class ConnectionLost(TransportError):
    """The connection dropped after the request was sent; it may have been processed."""


class ApiError(IamportError):
    """The API answered with an error status or a non-zero ``code``."""

    status: int
    """The HTTP status (200 for a :class:`BusinessError`)."""
    code: int | None
    """The envelope's ``code``; ``None`` when the body had no envelope (a proxy's page)."""
    message: str | None
    """The envelope's ``message``, the API's own words (redacted as ``body`` is: a PG's
    message may quote card or buyer fields); ``None`` without an envelope."""
    body: str
    """A bounded excerpt of the response body, so that nothing the server said is lost."""
    method: str
    """The HTTP method of the request."""
    path: str
    """The API path of the request."""
    retry_after: float | None
    """The ``Retry-After`` header's wait in seconds (429, 503), ``None`` when there was none."""

    def __init__(
        self,
        *,
        status: int,
        code: int | None,
        message: str | None,
        body: str,
        method: str,
        path: str,
    ) -> None:
        if message is not None:
            message = redact_text(message)
        self.status = status
        self.code = code
        self.message = message
        self.body = body
        self.method = method
        self.path = path
        self.retry_after: float | None = None
        detail = message if message is not None else body
        super().__init__(f"{method} {path}: HTTP {status}, code {code}: {detail}")


class BadRequestError(ApiError):
    """HTTP 400: a parameter the API refused (for a listing: a page past the end)."""


class UnauthorizedError(ApiError):
    """HTTP 401: wrong ``imp_key``/``imp_secret``, or a token refused even after a refresh."""


class NotFoundError(ApiError):
    """HTTP 404 with the API's envelope: no such payment, billing key, receipt, ... (a 404
    without it is a plain ApiError: a proxy or a wrong base_url, which says nothing)."""


class ConflictError(ApiError):
    """HTTP 409: the thing exists already (an escrow registration, a prepared order)."""


class RateLimitedError(ApiError):
    """HTTP 429. ``retry_after`` is the server's wait in seconds, when it gave one."""


class ServerError(ApiError):
    """HTTP 5xx (including gateway pages that are not JSON)."""


class UnsupportedPgError(ServerError):
    """HTTP 501: i'mport does not support this operation for the payment's PG (cash receipts
    and sub-merchant lines, for some PGs).

    Not transient, so never retried: retrying will not help; do it through the PG itself.
    """


class BusinessError(ApiError):
    """HTTP 200 with ``code != 0``: the API refused the operation (``message`` says why)."""


class ResponseValidationError(IamportError):
    """A 2xx answer that is not valid JSON, has no envelope, or does not fit its model.

    ``status`` is the answer's real HTTP status (200, 201, 207 ...). ``ids`` holds the
    ``imp_uid``/``merchant_uid`` of what did not fit, when the answer carries them: the
    server may have acted (a charge made, a refund done), so they say what to look up.
    """

    status: int
    """The HTTP status of the answer."""
    body: str
    """A bounded excerpt of the body that did not fit."""
    method: str
    """The HTTP method of the request."""
    path: str
    """The API path of the request."""

    def __init__(
        self,
        problem: str,
        *,
        status: int,
        body: str,
        method: str,
        path: str,
        ids: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.method = method
        self.path = path
        self.ids: dict[str, str] = dict(ids or {})
        """``{"imp_uid": ..., "merchant_uid": ...}`` of what did not fit, where the answer had
        them; empty otherwise."""
        about = "".join(f" {name}={value!r}" for name, value in self.ids.items())
        about = f" (for{about})" if about else ""
        super().__init__(f"{method} {path}: HTTP {status}: {problem}{about}; body: {body!r}")


class BackpressureError(IamportError):
    """The client's own limiter would make this call wait longer than ``max_wait``.

    Raised only when fail-fast is asked for (``Iamport(max_wait=...)``), so that a web handler
    can answer "busy" at once instead of queueing.
    """

    wait: float
    """Seconds the call would have waited for a slot."""
    max_wait: float
    """The limit it was given (``Iamport(max_wait=...)``)."""

    def __init__(self, wait: float, max_wait: float) -> None:
        self.wait = wait
        self.max_wait = max_wait
        super().__init__(f"would wait {wait:.3f}s for a request slot (max_wait={max_wait}s)")


class OutcomeUnknownError(IamportError):
    """A mutation the server may have carried out, and reading back could not tell.

    ``cause`` is the failure that left it open (also ``__cause__``); ``check`` says what to
    look at before repeating the call. Repeating it blindly may move money twice.
    """

    outcome_known = False
    """Always False: the server may or may not have carried the call out."""

    def __init__(self, check: str, *, cause: BaseException | None, method: str, path: str) -> None:
        self.check = check
        """What to look at (which read, which field) before repeating the call."""
        self.cause = cause
        """The failure that left the outcome open (a timeout, a 5xx ...), or None."""
        self.method = method
        """The HTTP method of the mutation."""
        self.path = path
        """The API path of the mutation."""
        self.after_ambiguous_failure = True
        """Always True here (deprecated: read ``outcome_known``)."""
        why = f" after {type(cause).__name__}" if cause is not None else ""
        super().__init__(f"{method} {path}: outcome unknown{why}; {check}")


class ClientClosedError(IamportError):
    """The client was closed (``aclose``) before or during this call, or is used from an event
    loop other than the one it first ran on (its connection pool belongs to that loop).

    ``outcome_known`` is ``False`` when a mutation was under way when the client closed: the
    server may have carried it out; read it back with an open client.
    """

    def __init__(self, message: str, *, outcome_known: bool = True) -> None:
        self.outcome_known = outcome_known
        """False when a mutation was under way: read it back with an open client."""
        super().__init__(message)


_NOT_ACTED: tuple[type[BaseException], ...] = (
    InvalidInputError,
    BackpressureError,
    ConnectError,
    RateLimitedError,
    UnauthorizedError,
    BusinessError,
    UnsupportedPgError,
)


def server_may_have_acted(error: BaseException) -> bool:
    """The one rule: whether the server may have carried out a request that ended in ``error``.

    No when the request provably never left (bad input, our own limiter, a refused
    connection) or the API answered it with a refusal (429, 401, a 4xx other than 408, HTTP
    200 with ``code != 0``, 501). Yes for everything else: a timeout, a dropped connection, a
    5xx, a 2xx that cannot be read, and 408 (a gateway may send it after forwarding). An error
    that carries its own verdict (``outcome_known`` False) says yes.
    """
    if isinstance(error, IamportError) and not error.outcome_known:
        return True
    if isinstance(error, ClientClosedError):
        return False
    if isinstance(error, _NOT_ACTED):
        return False
    if isinstance(error, ApiError):
        return error.status >= 500 or error.status == 408
    return True


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
    501: UnsupportedPgError,
}
"""The class raised for each HTTP status that has its own; other 5xx raise ``ServerError``."""


def error_for_status(status: int) -> type[ApiError]:
    """The ``ApiError`` class for an HTTP error status."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    return ServerError if status >= 500 else ApiError
