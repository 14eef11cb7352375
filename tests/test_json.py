"""The fast decoder (the ``speed`` extra) makes of any bytes what the standard library makes."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamport_async import _json

fast_loads = _json.fast_loads
needs_fast = pytest.mark.skipif(fast_loads is None, reason="needs the speed extra (msgspec)")


def outcome(decode: _json.Decoder, data: bytes | str) -> tuple[str, Any]:
    """What ``decode`` made of ``data``: the value with every type spelled out, or the error."""
    try:
        value = decode(data)
    except (ValueError, RecursionError) as error:
        return "error", (type(error), str(error))
    # Python 3.13's json decodes nesting 3,000 deep; spelling it out recurses as deep.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        return "value", typed(value)
    finally:
        sys.setrecursionlimit(limit)


def typed(value: Any) -> Any:
    """``value`` with its types, so that ``1 == 1.0 == Decimal(1) == True`` tell apart."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, Decimal):
        return ("Decimal", str(value))  # the digits as written: 1.50 is not 1.5
    return (type(value).__name__, value)


def test_the_standard_library_reads_fractions_as_decimal() -> None:
    assert _json.stdlib_loads(b'{"a": 1.50, "b": 2}') == {"a": Decimal("1.50"), "b": 2}
    assert type(_json.stdlib_loads(b"1e2")) is Decimal


def test_without_the_extra_the_standard_library_decodes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _json.loads is (_json.fast_loads or _json.stdlib_loads)
    monkeypatch.setattr(_json, "loads", _json.stdlib_loads)
    assert _json.loads(b'{"amount": 10.5}') == {"amount": Decimal("10.5")}


EDGES = [
    b'{"amount": 10.50, "cancel_amount": 0.0, "x": -0.0}',
    b"12345678901234567890123456789",  # beyond 64 bits: an int, never a float
    b"-98765432109876543210",
    b"1e400",
    b"0.1e-999999",
    b"1E2",
    b"-0",
    b'"\\ud800"',  # a lone surrogate escape (a buyer's broken emoji)
    b'"\\ud83d\\ude00"',
    b"NaN",
    b"[Infinity, -Infinity]",
    b"\xef\xbb\xbf{}",  # a byte-order mark
    '{"a": 1}'.encode("utf-16"),
    b'"\xff"',
    b'"a\x01b"',
    b"01",
    b"1.",
    b"[1]x",
    b"",
    b"  {} \n",
    b'{"a": 1, "a": 2}',
    b"1" * 5000,
    b"[" * 3000 + b"]" * 3000,
    '{"name": "김민준", "card_name": "KB국민카드"}',
]


@needs_fast
@pytest.mark.parametrize("data", EDGES)
def test_edges_decode_alike(data: bytes | str) -> None:
    assert fast_loads is not None
    assert outcome(fast_loads, data) == outcome(_json.stdlib_loads, data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


def _default(value: object) -> object:
    raise TypeError(type(value).__name__)


def dump(value: Any) -> str:
    """JSON text of ``value``, a ``Decimal`` written as its digits."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)


@needs_fast
@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from(["", " ", "\n\t"]))
def test_any_json_decodes_alike(value: Any, space: str) -> None:
    assert fast_loads is not None
    text = space + dump(value) + space
    assert outcome(fast_loads, text.encode()) == outcome(_json.stdlib_loads, text.encode())
    assert outcome(fast_loads, text) == outcome(_json.stdlib_loads, text)


@needs_fast
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_any_bytes_decode_alike(data: bytes) -> None:
    assert fast_loads is not None
    assert outcome(fast_loads, data) == outcome(_json.stdlib_loads, data)
