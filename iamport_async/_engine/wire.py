"""What a request puts on the wire: its path, query and JSON body, checked and encoded here.

Every call passes through :func:`check_request` before its token is asked for, so that text
which cannot be sent (a lone surrogate, which ``json.loads`` makes of a buyer's broken emoji)
is refused as InvalidInputError up front, never as a ``UnicodeEncodeError`` from httpx whose
repr holds the whole body, card data included. The body is encoded here, not by httpx: a
``Decimal`` goes out as its exact digits (``json`` has no such number, and httpx would send a
float, or fail).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from iamport_async._engine.query import QueryParams
from iamport_async.errors import InvalidInputError

_SURROGATE = re.compile("[\ud800-\udfff]")
DOT_SEGMENTS = frozenset({".", ".."})
"""Path segments an HTTP client resolves away (RFC 3986 5.2.4): never an id's."""
_string = json.JSONEncoder(ensure_ascii=False).encode


def sendable(field: str, value: str) -> str:
    """``value`` if it can be sent as UTF-8; a lone surrogate is refused by name (never shown:
    it sits in text that may be personal data)."""
    if not value.isascii() and _SURROGATE.search(value):
        raise InvalidInputError(field, "contains a lone surrogate (broken Unicode); not sendable")
    return value


_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\#]")
"""Characters a path never carries unencoded: controls and spaces (httpx refuses some with a
bare InvalidURL, a line break would be a header), a backslash (which servers and proxies may
read as a slash) and ``#`` (httpx drops the rest as a fragment: another path is called)."""

MAX_URL_LENGTH = 65_536
"""The longest URL httpx sends (``httpx._urlparse.MAX_URL_LENGTH``); a longer one is its
bare ``InvalidURL: URL too long``, after the token was fetched."""


def check_path(path: str) -> str:
    """``path`` (URL-encoded already) if it names the endpoint it was built for.

    It must start with ``/``: the URL is the base URL and the path side by side, so anything
    else changes the host (``".evil.example/x"`` is a request to
    ``api.iamport.kr.evil.example``, with the token). A ``.`` or ``..`` segment, or one that
    decodes to it (``%2e%2e``), would be resolved away by the HTTP client or the server, and
    call another endpoint. The message never repeats the path."""
    if not path.startswith("/"):
        raise InvalidInputError(
            "path", "must start with '/' (the API path after the base URL, such as '/payments')"
        )
    sendable("path", path)
    if _UNSAFE_IN_PATH.search(path):
        raise InvalidInputError(
            "path", "holds a space, a control character, a backslash or '#': encode it"
        )
    segments = path.split("?", 1)[0].split("/")
    if any(segment in DOT_SEGMENTS for segment in segments) or (
        "%" in path and any(unquote(segment) in DOT_SEGMENTS for segment in segments)
    ):
        raise InvalidInputError("path", "has a '.' or '..' segment, which would change the path")
    return path


def check_url_length(url: str, path: str, params: Any) -> None:
    """Refuse a URL httpx would not send, naming the value that made it too long."""
    if len(url) <= MAX_URL_LENGTH:
        return
    pairs = list(params.items() if isinstance(params, Mapping) else params or ())
    longest = max(pairs, key=lambda pair: len(str(pair[1])), default=None)
    field = "path"
    if longest is not None and len(str(longest[1])) > len(path):
        field = str(longest[0]).removesuffix("[]")
    raise InvalidInputError(
        field,
        f"too long: the request's URL would be {len(url)} characters, at most "
        f"{MAX_URL_LENGTH} can be sent",
    )


def check_query(params: QueryParams) -> None:
    """Every name and text value of ``params`` sendable."""
    pairs = params.items() if isinstance(params, Mapping) else params
    for name, value in pairs:
        sendable("query", name)
        if isinstance(value, str):
            sendable(name, value)


def encode_json(body: Any) -> bytes:
    """``body`` as compact UTF-8 JSON, with a ``Decimal`` as its exact digits (``1E+3`` as
    ``1000``, never through float). A finite float (the escape hatch ``client.request``
    takes any JSON) is written as ``json`` writes it; NaN, infinities and values JSON cannot
    hold are refused."""
    out: list[str] = []
    _write(body, out, "body")
    return "".join(out).encode("utf-8")


def decimal_text(field: str, value: Decimal) -> str:
    """A finite ``Decimal`` as a JSON number in plain notation: ``1000``, ``10.5``."""
    if not value.is_finite():
        raise InvalidInputError(field, "must be a finite number")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _write(value: Any, out: list[str], field: str) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(sendable(field, value)))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, Decimal):
        out.append(decimal_text(field, value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(field, "must be a finite number")
        out.append(float.__repr__(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for number, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise InvalidInputError(field, "has a key that is not a string")
            out.append(("," if number else "") + _string(sendable(field, key)) + ":")
            _write(item, out, key)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for number, item in enumerate(value):
            if number:
                out.append(",")
            _write(item, out, field)
        out.append("]")
    else:
        raise InvalidInputError(field, f"cannot be sent as JSON ({type(value).__name__})")
