"""The fake's view of one HTTP exchange: the parsed request and the answer to it.

Both front ends (the in-process httpx transport and the ASGI app) turn their request into a
:class:`FakeRequest` and turn the :class:`Reply` (or a :class:`Drop` / :class:`Hang`) back into
bytes or an exception, so the semantics live in one place.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote

from iamport_async import _json

JSON_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-type", b"application/json; charset=utf-8"),
)


class FakeRequest:
    """One request as the handlers see it. The body is kept raw and never logged."""

    __slots__ = ("_data", "body", "headers", "method", "path", "path_params", "query", "raw_query")

    def __init__(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes = b""
    ) -> None:
        path, _, raw_query = raw_path.partition("?")
        self.method = method.upper()
        """The HTTP method, upper-case."""
        self.path = path
        """The path, without the query string."""
        self.raw_query = raw_query
        """The query string as sent."""
        self.query = parse_qs(raw_query, keep_blank_values=True)
        """The query parsed: each name with all its values (``imp_uid[]`` repeats)."""
        self.headers = {key.lower(): value for key, value in headers.items()}
        """The headers, names lower-cased."""
        self.body = body
        """The raw body; :meth:`data` decodes it."""
        self.path_params: dict[str, str] = {}
        """The values of the route template's ``{names}`` (``{"imp_uid": ...}``)."""
        self._data: dict[str, Any] | None = None

    def arg(self, name: str) -> str | None:
        """A query parameter (the last one, if repeated)."""
        values = self.query.get(name)
        return values[-1] if values else None

    def args(self, name: str) -> list[str]:
        """A repeated query parameter such as ``imp_uid[]``."""
        return self.query.get(name, [])

    def data(self) -> dict[str, Any]:
        """The body: JSON, or form-urlencoded (flat fields and ``key[]`` lists), as every
        operation of the spec accepts both. A body that is neither reads as empty."""
        if self._data is None:
            self._data = _parse_body(self.headers.get("content-type", ""), self.body)
        return self._data


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type or body[:1] == b"{":
        try:
            parsed = _json.loads(body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    form: dict[str, Any] = {}
    for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
        if key.endswith("[]"):
            form[key[:-2]] = values
        else:
            form[key] = values[-1]
    return form


def path_segment(raw: str) -> str:
    return unquote(raw)


class Reply:
    """A complete HTTP answer."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self,
        status: int,
        body: bytes,
        headers: tuple[tuple[bytes, bytes], ...] = JSON_HEADERS,
    ) -> None:
        self.status = status
        """The HTTP status."""
        self.body = body
        """The encoded body (usually the API's JSON envelope)."""
        self.headers = headers
        """The headers, as ASGI pairs of bytes."""

    def envelope(self) -> Any:
        """The decoded body (for tests and the request log)."""
        return json.loads(self.body)


class Drop:
    """The connection closes without a (complete) answer."""

    __slots__ = ("processed",)

    def __init__(self, processed: bool) -> None:
        self.processed = processed


class Hang:
    """No answer until the client gives up."""

    __slots__ = ()


Handling = Reply | Drop | Hang
"""What the fake does with one request: answer it, drop the connection, or never answer."""

Handler = Callable[[FakeRequest], Awaitable[Handling]]
"""The one core every front end serves (``FakeIamport.handle``): front ends depend on this
signature, never on the fake, as httpx's ``MockTransport(handler)`` does."""


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON; ``Decimal`` money goes out as a JSON number."""
    return _encoder.encode(value).encode("utf-8")


def ok(response: Any, status: int = 200, message: str | None = None) -> Reply:
    """Success: ``{code: 0, message: null, response}`` (the spec's ``ResponseAnnotation``);
    a few operations say what they did in ``message``."""
    return Reply(status, encode({"code": 0, "message": message, "response": response}))


def fail(status: int, code: int, message: str) -> Reply:
    """A refusal in the envelope, ``response: null`` (as real answers show)."""
    return Reply(status, encode({"code": code, "message": message, "response": None}))


def found(record: Any, missing: str) -> Reply:
    """``record`` as a success, or, when there is none, the API's 404 saying ``missing``."""
    return fail(404, -1, missing) if record is None else ok(record)
