"""A call's URL, handed to httpx already parsed.

Given a URL as text, httpx parses and validates it character by character, in Python: for a
bulk lookup's 2,700-character query that is 175 us, more than the rest of the request's
client work together (and a fifth of the CPU of decoding the 100 payments it answers). Our
paths and queries are written by this package (``endpoints._base.path``,
:mod:`~iamport_async._engine.query`), percent-encoded already, so the base URL is parsed once
per client and a call's URL is that, with the call's path and query put in place: the very
``httpx.URL`` that parsing ``base_url + path + "?" + query`` makes, for a few microseconds.

That holds only for text httpx would keep as it is: printable ASCII outside its
percent-encode sets, and a path without ``.`` segments (httpx would resolve them). Anything
else (which the package's own encoders never write) is parsed by httpx as before. The one
thing borrowed from httpx's insides is the field the parsed form lives in; if a version of
httpx keeps it elsewhere, :func:`_works` finds out on import and every URL is parsed.
"""

from __future__ import annotations

import re

import httpx


def _allowed(excluded: str) -> re.Pattern[str]:
    """Printable ASCII but ``excluded``: the characters httpx's quoting leaves as they are."""
    kept = "".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in excluded)
    return re.compile(f"[{re.escape(kept)}]*")


_QUERY_KEPT = _allowed('"#<>')
"""httpx's query percent-encode set (WHATWG): space, ``"``, ``#``, ``<``, ``>``."""
_PATH_KEPT = _allowed('"#<>?`{}')
"""httpx's path percent-encode set: the query's, and ``?``, `````, ``{``, ``}``."""
_MAX_LENGTH = 65536
"""httpx's longest URL."""


class Urls:
    """The URLs of calls to one ``base_url``: ``Urls(base_url).of(path, query)``."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        parsed = httpx.URL(base_url)
        self._base = parsed._uri_reference if _WORKS and not parsed.query else None
        self._prefix = "" if self._base is None else self._base.path

    def of(self, path: str, query: str) -> httpx.URL | str:
        """``base_url + path`` with ``?query`` if ``query``: as an ``httpx.URL`` put
        together, or as text for httpx to parse when it is not text httpx keeps as is."""
        base = self._base
        full_path = self._prefix + path
        if (
            base is not None
            and path[:1] == "/"
            and "/." not in full_path  # no "." or ".." segment for httpx to resolve
            and _PATH_KEPT.fullmatch(full_path)
            and (not query or _QUERY_KEPT.fullmatch(query))
            and len(self._base_url) + len(path) + 1 + len(query) <= _MAX_LENGTH
        ):
            url = httpx.URL.__new__(httpx.URL)
            url._uri_reference = base._replace(path=full_path, query=query or None)
            return url
        text = self._base_url + path
        return f"{text}?{query}" if query else text


def _works() -> bool:
    """Whether a URL put together equals the one httpx parses (this httpx keeps its parsed
    form where :class:`Urls` puts it)."""
    try:
        base = httpx.URL("https://api.iamport.kr:8443/v1")
        url = httpx.URL.__new__(httpx.URL)
        url._uri_reference = base._uri_reference._replace(
            path="/v1/payments", query="ids[]=imp_1&b=%2F"
        )
        parsed = httpx.URL("https://api.iamport.kr:8443/v1/payments?ids[]=imp_1&b=%2F")
        return url == parsed and url.raw_path == parsed.raw_path and str(url) == str(parsed)
    except Exception:  # any failure: parse every URL, as before
        return False


_WORKS = _works()
