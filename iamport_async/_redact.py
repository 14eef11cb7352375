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
        # HTTP headers a proxy's page may echo (``-`` reads as ``_``)
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "api_key",
        "x_api_key",
    }
)
_SENSITIVE_PREFIXES = ("buyer_", "shipping_address")
_SENSITIVE_SUFFIXES = ("_password", "_secret", "_token")


def sensitive(name: str) -> bool:
    """Whether a field or query parameter called ``name`` holds a value no error or log line
    may show (``buyer_email``, ``card_number``, ``bank_num``, ``access_token`` ...)."""
    key = name.lower().removesuffix("[]")
    if "-" in key:
        key = key.replace("-", "_")
    return (
        key in _SENSITIVE
        or key.startswith(_SENSITIVE_PREFIXES)
        or key.endswith(_SENSITIVE_SUFFIXES)
    )


# --- bodies ------------------------------------------------------------------------------

_PARSE_LIMIT = 1 << 16
"""Bodies up to this many characters are parsed as JSON; longer ones go to the regexes only
(an error keeps 500 characters: parsing megabytes for them is not worth it)."""

# Possessive quantifiers (``{1,80}+``): a failed match gives nothing back, so a body of
# ``\"\"\"...`` costs one short look per quote, not 80 with backtracking (a megabyte took 12 s).
# A key with an escape in it is never a sensitive name: keys stop at a backslash.
_JSON_KEY = re.compile(r'"([^"\\]{1,80}+)"\s*:\s*')
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)')
_JSON_SCALAR = re.compile(r"[^,}\]\s]*")
_FORM_PAIR = re.compile(r"(?<![^\s?&;])([A-Za-z0-9_.\[\]-]{1,80}+)=([^&\s\"'<>#]*)")
_EXCERPT_SCAN = 4
"""An excerpt of ``n`` characters of a body that is not JSON scans its first ``4 n``."""
# JSON quoted inside a body that is not JSON, its quotes escaped once or more
# (``{\"card_number\":\"4092...\"}`` in an HTML page or a PG's message): the run of
# backslashes before a key's quote is the escape of every quote of that pair.
_ESCAPED_PAIR = re.compile(
    r'(\\++)"([^"\\]{1,80}+)\1"[ \t]*+:[ \t]*+(\1"(?:(?!\1").)*+(?:\1"|\Z)|[^,}\]\s\\]++)',
    re.DOTALL,
)
# ``Name: value`` (a header line a proxy's page echoes, or a line of a message)
_HEADER_LINE = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z0-9_-]{0,79}+)[ \t]*+:[ \t]*+([^\r\n<\"]*+)")
_CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy_authorization", "cookie", "set_cookie", "api_key", "x_api_key"}
)
_BEARER = re.compile(r"(?i)(?<![\w-])(bearer)([ \t]++)([A-Za-z0-9._~+/=-]{6,}+)")
_TEXT_TO_SCAN = re.compile(r'["=:\\]|bearer', re.IGNORECASE)
"""A string inside a JSON body that may hold a pair or a token to hide."""


def redact_body(text: str) -> str:
    """``text`` (a response body) with every sensitive value replaced by ``[redacted]``.

    A body that parses as JSON is redacted by key and written back compactly. Anything else
    (a truncated answer, a form, an HTML page) is redacted by a key-value scan that also
    copes with a value cut off at the end.
    """
    return _shown(text, _parsed(text))


def redact_text(text: str) -> str:
    """``text`` (free text: an API's ``message``, a line of a page) with every sensitive
    value hidden: ``key: value``, ``key=value`` and JSON pairs by the key's name (escaped
    JSON too), header lines (``Authorization: Bearer ...``, ``Cookie: ...``) and bearer
    tokens."""
    return _redact_text(text)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with each of ``secrets`` (the client's own key, secret and token, which a
    server may echo under any name or none) replaced by ``[redacted]``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def scrub_error(error: BaseException, secrets: tuple[str, ...]) -> None:
    """Remove ``secrets`` from ``error``'s message and every text attribute, in place."""
    secrets = tuple(secret for secret in secrets if len(secret) >= 4)
    error.args = tuple(scrub(a, secrets) if isinstance(a, str) else a for a in error.args)
    for name, value in vars(error).items():
        if isinstance(value, str):
            setattr(error, name, scrub(value, secrets))


def redact_excerpt(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text`` redacted, then how many more there were.

    Only what can be shown is scanned: a body that is not JSON is redacted from its head,
    so an error from a megabyte proxy page costs microseconds, not seconds.
    """
    data = _parsed(text)
    head = _EXCERPT_SCAN * limit
    if data is _NOT_JSON and len(text) > head:
        shown, more = _redact_text(text[:head]), len(text) - limit
    else:
        shown = _shown(text, data)
        if len(shown) <= limit:
            return shown
        more = len(shown) - limit
    return f"{shown[:limit]}... [{more} more characters]"


_NOT_JSON = object()


def _parsed(text: str) -> Any:
    """``text`` decoded as JSON, or ``_NOT_JSON`` (also when it is too long to be worth it)."""
    if len(text) > _PARSE_LIMIT:
        return _NOT_JSON
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than Python's stack
        return _NOT_JSON


def _shown(text: str, data: Any) -> str:
    """``text`` redacted: through its parsed ``data`` when it is JSON."""
    if data is _NOT_JSON:
        return _redact_text(text)
    try:
        return _dumped(data)
    except RecursionError:  # JSON a few hundred levels deep: the text scan has no stack
        return _redact_text(text)


def _dumped(data: Any) -> str:
    """JSON text of the redacted ``data``; a lone surrogate (``"\\ud800"`` in the body) stays
    an escape, so the text can still be written to a UTF-8 log or terminal."""
    text = json.dumps(_redacted(data), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _redact_text(text: str) -> str:
    """Redact by a key-value scan: JSON pairs (cut off anywhere, or escaped inside other
    text), form pairs, header lines and bearer tokens."""
    text = _redact_json_text(text)
    if "\\" in text:
        text = _ESCAPED_PAIR.sub(_escaped_pair, text)
    text = _redact_form(text)
    if ":" in text:
        text = _HEADER_LINE.sub(_header_line, text)
    return _BEARER.sub(_bearer, text)


def _escaped_pair(match: re.Match[str]) -> str:
    escape, key, value = match.groups()
    if not sensitive(key) or value in ("", f'{escape}"{escape}"', "null"):
        return match[0]
    return f'{escape}"{key}{escape}":{escape}"{REDACTED}{escape}"'


def _header_line(match: re.Match[str]) -> str:
    """A ``Name: value`` pair: hidden for a credential header wherever it stands, and for any
    other sensitive name at the start of a line (``name: 홍길동``)."""
    name, value = match.groups()
    if not value or not sensitive(name):
        return match[0]
    if name.lower().replace("-", "_") not in _CREDENTIAL_HEADERS:
        before = match.string[: match.start()].rstrip(" \t")
        if before and before[-1] not in "\r\n>":
            return match[0]
    return f"{name}: {REDACTED}"


def _bearer(match: re.Match[str]) -> str:
    return f"{match[1]}{match[2]}{REDACTED}"


def _redacted(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: REDACTED if sensitive(key) and value not in (None, "") else _redacted(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_redacted(item) for item in data]
    if isinstance(data, str) and _TEXT_TO_SCAN.search(data):
        return _redact_text(data)  # a PG's answer quoted in a message, JSON inside a string
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

_QUERY_PAIR = re.compile(r"(?<=[?&])([^=&\s\"'<>#]{1,80}+)=([^&\s\"'<>#]*)")

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
