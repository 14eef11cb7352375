"""Ids and amounts as the API takes them: the value rules shared by every layer that checks
them (the endpoints' argument checks, the models' ``Payment.matches``, reconcile's orders,
webhook expectations).

Each check returns the value as the API takes it, or raises InvalidInputError naming the
field. No message ever contains the refused value: many are personal or card data.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal

from iamport_async._engine.wire import DOT_SEGMENTS, sendable
from iamport_async.errors import InvalidInputError

MAX_ID_LENGTH = 256
"""Longest id accepted (the docs give merchant_uid <= 40, customer_uid <= 80)."""

_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def require_id(field: str, value: object, max_length: int = MAX_ID_LENGTH) -> str:
    """``value`` if it is a usable id: a non-blank string of at most ``max_length``
    characters, with no control characters or broken Unicode, that can be a path segment
    (``.`` and ``..`` cannot: the HTTP client resolves them, and calls another endpoint)."""
    value = nonblank_text(field, value, max_length)
    if _CONTROL_CHARACTER.search(value):
        raise InvalidInputError(field, "contains control characters")
    if value in DOT_SEGMENTS:
        raise InvalidInputError(field, "cannot be '.' or '..' (not a usable path segment)")
    return value


def nonblank_text(field: str, value: object, max_length: int | None = None) -> str:
    """A non-blank, sendable string of at most ``max_length`` characters (the spec's
    ``maxLength``)."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise InvalidInputError(field, f"is {len(value)} characters; at most {max_length}")
    return sendable(field, value)


MONEY_SCALE = 2
"""Decimal places an amount may have: cents (USD and the other currencies with a fraction the
API's PGs take). An amount with more would be rounded somewhere on the way, silently."""

ZERO_DECIMAL_CURRENCIES = frozenset(
    {"KRW", "JPY", "VND", "CLP", "ISK", "PYG", "UGX", "BIF", "DJF", "GNF", "KMF", "RWF", "VUV"}
    | {"XAF", "XOF", "XPF"}
)
"""ISO 4217 currencies without minor units: an amount in one of them must be whole."""

MAX_AMOUNT = 10**13
"""Amounts must be below this (ten trillion): with 2 decimal places that is 15 significant
digits, which a server reading JSON numbers as doubles still reads back exactly."""

_CENT = Decimal(1).scaleb(-MONEY_SCALE)
_EXACT = decimal.Context(prec=40, traps=[decimal.InvalidOperation, decimal.Inexact])
"""The context amounts are checked in: the caller's own context (its precision, its
rounding) never changes what is sent."""
_LENIENT = decimal.Context(prec=40)


def require_amount(
    field: str, value: object, *, positive: bool = False, currency: str | None = None
) -> int | Decimal:
    """An amount as the API can take it exactly: an int, or a Decimal of at most 2 decimal
    places (whole in a currency without minor units, such as KRW), below ``MAX_AMOUNT``,
    negative (or zero, if ``positive``) refused. Returned as an int when whole, else as the
    Decimal, which the engine sends digit for digit (never through float).

    ``Decimal("1E-400")`` is refused, not rounded: the API reads an amount of 0 as "all of
    it" (a cancel of 0 is a full refund).
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidInputError(field, f"must be an int or Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInputError(field, "must be a finite number")
    if value < 0 or (positive and value == 0):
        raise InvalidInputError(field, f"must be {'above' if positive else 'at least'} 0")
    if value >= MAX_AMOUNT:
        raise InvalidInputError(field, f"must be below {MAX_AMOUNT:,}")
    if isinstance(value, int):
        return value
    whole = isinstance(currency, str) and currency in ZERO_DECIMAL_CURRENCIES
    try:
        value.quantize(Decimal(1) if whole else _CENT, context=_EXACT)
    except decimal.DecimalException:
        raise InvalidInputError(field, _too_fine(value, positive, whole)) from None
    return int(value) if value == value.to_integral_value(context=_EXACT) else value


def _too_fine(value: Decimal, positive: bool, whole: bool) -> str:
    unit = "a whole amount" if whole else f"at most {MONEY_SCALE} decimal places"
    if positive and value.quantize(Decimal(1) if whole else _CENT, context=_LENIENT) == 0:
        return f"rounds to nothing at {unit}; the API would read 0 as the whole amount"
    return f"must be {unit}" + (" in this currency" if whole else "")


def expected_amount(value: int | Decimal) -> Decimal:
    """An amount a payment is compared with (``Expected``, ``Payment.matches``, reconcile):
    int or Decimal, never float (``1000.1`` is not the amount anyone charged), at least 0."""
    return Decimal(require_amount("amount", value))


def expected_currency(value: str | None) -> str | None:
    """A currency a payment is compared with, upper-cased (``"krw"`` is KRW); None: any."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("currency", "must be a non-empty string such as 'KRW'")
    return value.strip().upper()
