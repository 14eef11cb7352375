"""JSON decoding for every answer, request body and orders file the package reads.

One rule: numbers with a fraction or an exponent become ``Decimal`` (money is never a float),
integers stay ``int`` of any size, and the value is what ``json.loads(data,
parse_float=Decimal)`` makes of the same bytes.

With the ``speed`` extra (``pip install "iamport-async[speed]"``), msgspec decodes, at half
the CPU of the standard library. It was chosen over orjson by measurement
(callgrind, the fake's 100-payment answer: orjson 0.37x, msgspec 0.50x the instructions of
``json.loads``): orjson is faster still, but it has no hook for numbers,
so it reads ``1.10`` as a float and an integer beyond 64 bits as a float too, and telling
afterwards whether a decoded value holds a float costs more than the decoding saved.
msgspec hands each such number's text to ``Decimal`` (``float_hook``), exactly as the
standard library's ``parse_float`` does. Where the two parsers differ, msgspec refuses
(``NaN``, a lone surrogate escape, a byte-order mark, UTF-16 bytes, an integer of more
than 4300 digits, nesting too deep): then the standard library decodes, so its verdict, a
value or its error, is the answer either way. ``tests/test_json.py`` holds the two to that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Decoder = Callable[[bytes | str], Any]


def stdlib_loads(data: bytes | str) -> Any:
    """``data`` decoded by the standard library; fractions as ``Decimal``."""
    return json.loads(data, parse_float=Decimal)


def _fast_decoder() -> Decoder | None:
    try:
        import msgspec
    except ImportError:
        return None
    decode = msgspec.json.Decoder(float_hook=Decimal).decode
    refused = (msgspec.DecodeError, RecursionError)  # RecursionError: nested too deep

    def fast_loads(data: bytes | str) -> Any:
        """``data`` decoded by msgspec; what it refuses, by the standard library."""
        try:
            return decode(data)
        except refused:
            return stdlib_loads(data)

    return fast_loads


fast_loads: Decoder | None = _fast_decoder()
"""The fast decoder, or ``None`` without the ``speed`` extra."""

loads: Decoder = fast_loads or stdlib_loads
"""The decoder in use: the fast one when installed. Read it at call time
(``_json.loads(...)``), so that a test or a benchmark can choose the other."""
