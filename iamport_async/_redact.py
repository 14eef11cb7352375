"""What an error or a log line may show of an answer or a URL: ids, codes and messages, yes;
credentials, card data and people's personal data, no.

An error keeps an excerpt of the body the server sent (``ApiError.body``,
``ResponseValidationError.body``), and httpx logs every URL it requests. Both pass through
here. A value is hidden by the *name* it goes under, so the shape of the answer, its ids and
its codes stay readable: ``"buyer_name":"[redacted]"``, ``bank_num=[redacted]``.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

REDACTED = "[redacted]"

_SENSITIVE = frozenset(
    {
        # credentials
        "imp_key",
        "imp_secret",
        "access_token",
        "pg_api_key",
        "secure_3d_token",
        "token",
        "secret",
        "password",
        "otp",
        # cards
        "card_number",
        "expiry",
        "birth",
        "birthday",
        "pwd_2digit",
        "cvc",
        "cvv",
        # accounts
        "bank_num",
        "vbank_num",
        "bank_holder",
        "vbank_holder",
        "depositor_name",
        "refund_account",
        "refund_holder",
        "refund_tel",
        "account",
        "account_number",
        # people
        "name",
        "phone",
        "tel",
        "tel1",
        "tel2",
        "email",
        "addr",
        "address",
        "address_line_1",
        "address_line_2",
        "formed_address",
        "base",
        "detail",
        "postcode",
        "zipcode",
        "identifier",
        "unique_key",
        "unique_in_site",
        "individual_code",
        "customer_name",
        "customer_tel",
        "customer_email",
        "customer_addr",
        "customer_postcode",
        "cust_ip",
        "browser_ip",
        "custom_data",
        "shipping_memo",
    }
)
_SENSITIVE_PREFIXES = ("buyer_", "shipping_address")
_SENSITIVE_SUFFIXES = ("_password", "_secret", "_token")


def sensitive(name: str) -> bool:
    """Whether a field or query parameter called ``name`` holds a value no error or log line
    may show (``buyer_email``, ``card_number``, ``bank_num``, ``access_token`` ...)."""
    key = name.lower().removesuffix("[]")
    return (
        key in _SENSITIVE
        or key.startswith(_SENSITIVE_PREFIXES)
        or key.endswith(_SENSITIVE_SUFFIXES)
    )


# --- bodies ------------------------------------------------------------------------------

_PARSE_LIMIT = 1 << 16
"""Bodies up to this many characters are parsed as JSON; longer ones go to the regexes only
(an error keeps 500 characters: parsing megabytes for them is not worth it)."""

_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.){1,80})"\s*:\s*')
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)')
_JSON_SCALAR = re.compile(r"[^,}\]\s]*")
_FORM_PAIR = re.compile(r"(?<![^\s?&;])([A-Za-z0-9_.\[\]-]{1,80})=([^&\s\"'<>#]*)")


def redact_body(text: str) -> str:
    """``text`` (a response body) with every sensitive value replaced by ``[redacted]``.

    A body that parses as JSON is redacted by key and written back compactly. Anything else
    (a truncated answer, a form, an HTML page) is redacted by a key-value scan that also
    copes with a value cut off at the end.
    """
    if len(text) <= _PARSE_LIMIT:
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            return json.dumps(_redacted(data), ensure_ascii=False, separators=(",", ":"))
    return _redact_form(_redact_json_text(text))


def _redacted(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: REDACTED if sensitive(key) and value not in (None, "") else _redacted(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_redacted(item) for item in data]
    return data


def _redact_json_text(text: str) -> str:
    """Redact ``"key": value`` pairs of JSON that did not parse (it may end anywhere)."""
    parts: list[str] = []
    position = 0
    for match in _JSON_KEY.finditer(text):
        start = match.end()
        if start < position or not sensitive(match.group(1)):
            continue
        end = _value_end(text, start)
        if end == start:
            continue
        parts += [text[position:start], f'"{REDACTED}"']
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _value_end(text: str, start: int) -> int:
    """Where the JSON value that begins at ``start`` ends (the end of ``text`` if cut off)."""
    if start >= len(text):
        return start
    opening = text[start]
    if opening == '"':
        match = _JSON_STRING.match(text, start)
        return match.end() if match else len(text)
    if opening in "{[":
        depth = 0
        index = start
        while index < len(text):
            char = text[index]
            if char == '"':
                string = _JSON_STRING.match(text, index)
                index = string.end() if string else len(text)
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return len(text)
    match = _JSON_SCALAR.match(text, start)
    return match.end() if match else start


def _redact_form(text: str) -> str:
    """Redact ``key=value`` pairs (a form body, a query string) whose key is sensitive."""
    return _FORM_PAIR.sub(
        lambda m: f"{m.group(1)}={REDACTED}" if sensitive(m.group(1)) and m.group(2) else m[0],
        text,
    )


# --- logs --------------------------------------------------------------------------------

_QUERY_PAIR = re.compile(r"(?<=[?&])([^=&\s\"'<>#]{1,80})=([^&\s\"'<>#]*)")

HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""The loggers of the HTTP stack. A logger's filter sees only the records logged to that very
logger (not its children's), so each one gets the filter."""


def redact_query(text: str) -> str:
    """``text`` (a log line) with the values of sensitive query parameters of any URL in it
    replaced by ``[redacted]``: ``/vbanks/holder?bank_code=004&bank_num=[redacted]``."""
    if "?" not in text:
        return text
    return _QUERY_PAIR.sub(
        lambda m: f"{m.group(1)}={REDACTED}" if sensitive(m.group(1)) and m.group(2) else m[0],
        text,
    )


class RedactQueryFilter(logging.Filter):
    """Rewrites a record whose message holds a URL with a sensitive query value.

    httpx logs ``HTTP Request: GET <full URL>`` at INFO; the API takes some values only in
    the query (``GET /vbanks/holder?bank_num=``, ``pg_api_key``). The record is rewritten in
    place, before any handler formats it, so no handler at any level sees the value.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging's own report
            return True
        redacted = redact_query(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


_installed = False


def install_log_redaction() -> None:
    """Put a :class:`RedactQueryFilter` on every logger of the HTTP stack (once each).

    Called by every client; the loggers are looked through only the first time."""
    global _installed  # one flag per process, as the loggers are
    if _installed:
        return
    _installed = True
    names: set[str] = set(HTTP_LOGGERS)
    names.update(
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name.startswith(("httpx.", "httpcore."))
    )
    for name in sorted(names):
        log = logging.getLogger(name)
        if not any(isinstance(existing, RedactQueryFilter) for existing in log.filters):
            log.addFilter(RedactQueryFilter())
