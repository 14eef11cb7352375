"""Raw responses: the HTTP status, headers and body of a call, beside its model.

::

    raw = await client.raw_response(client.payments.get("imp_123412341234"))
    raw.status, raw.headers["content-type"], raw.body, raw.json()
    payment = raw.parse()

The call runs once, as usual (token, retries, rate control), and no second request is sent.
Only answers are kept: the request's headers (``Authorization`` carries the token) are never
recorded, nor is the token request's body.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs
import httpx

from iamport_async import _json
from iamport_async.errors import IamportError

__all__ = ["Exchange", "RawResponse"]

T = TypeVar("T")


@attrs.frozen
class Exchange:
    """One HTTP answer of a call: its request line (the path without the query, which may
    hold an account number) and the response's status, headers and body."""

    method: str
    """The request's HTTP method."""
    path: str
    """The request's path, without the query string."""
    status: int
    """The response's HTTP status."""
    headers: httpx.Headers = attrs.field(repr=False)
    """The response's headers (case-insensitive)."""
    body: bytes = attrs.field(repr=False)  # may hold personal data
    """The response's body, as received: it may hold personal data, so it is kept out of
    the repr."""

    def json(self) -> Any:
        """The body as JSON; fractions as ``Decimal`` (money is never a float)."""
        return _json.loads(self.body)


class RawResponse(Generic[T]):
    """What :meth:`Iamport.raw_response <iamport_async.Iamport.raw_response>` returns.

    ``status``, ``headers`` (the response's, case-insensitive) and ``body`` (bytes) are those
    of the call's last HTTP answer; ``json()`` decodes it and ``parse()`` is the value the
    call returned (the model). A call that sent several requests (a bulk lookup in chunks, a
    replay after a 401, retries) lists every answer in ``exchanges``, in arrival order.
    """

    __slots__ = ("_value", "exchanges")

    def __init__(self, value: T, exchanges: tuple[Exchange, ...]) -> None:
        self._value = value
        self.exchanges = exchanges
        """Every HTTP answer the call received, in arrival order."""

    def __repr__(self) -> str:
        last = (
            f" {self.last.method} {self.last.path} -> {self.last.status}" if self.exchanges else ""
        )
        return f"<RawResponse{last}>"

    @property
    def last(self) -> Exchange:
        """The call's last HTTP answer; ``IamportError`` if it sent no request of its own."""
        if not self.exchanges:
            raise IamportError(
                "this call sent no HTTP request of its own (a coalesced lookup shares another "
                "call's request; an awaitable that is not an API call sends none): there is "
                "no raw response to show"
            )
        return self.exchanges[-1]

    @property
    def status(self) -> int:
        """The last answer's HTTP status."""
        return self.last.status

    @property
    def headers(self) -> httpx.Headers:
        """The last answer's headers (case-insensitive)."""
        return self.last.headers

    @property
    def body(self) -> bytes:
        """The last answer's body, as bytes."""
        return self.last.body

    def json(self) -> Any:
        """The last body as JSON (the API's ``{code, message, response}`` envelope)."""
        return self.last.json()

    def parse(self) -> T:
        """The call's result, exactly what awaiting it without ``raw_response`` returns."""
        return self._value
