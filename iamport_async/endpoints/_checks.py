"""Argument checks shared by every endpoint group, on top of the value rules of
:mod:`iamport_async._values` (ids, amounts), which are re-exported here.

Each check returns the value as the API takes it, or raises InvalidInputError naming the field,
before anything is sent. The ``optional_*`` forms pass None through (a field not given is not
sent). No message ever contains the refused value: many are personal or card data.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from iamport_async._engine.wire import sendable
from iamport_async._values import MAX_AMOUNT as MAX_AMOUNT
from iamport_async._values import nonblank_text as nonblank_text
from iamport_async._values import require_amount as require_amount
from iamport_async._values import require_id as require_id
from iamport_async.errors import InvalidInputError

PRODUCT_TYPES = ("real", "digital")
"""``product_type`` where the spec lists its values (KSNET needs it)."""

_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)


# --- ids and text ------------------------------------------------------------------------


def optional_id(field: str, value: object) -> str | None:
    return None if value is None else require_id(field, value)


def optional_nonblank_text(field: str, value: object, max_length: int | None = None) -> str | None:
    """:func:`nonblank_text`, or None: a non-blank string of at most ``max_length``."""
    return None if value is None else nonblank_text(field, value, max_length)


def optional_verbatim_text(field: str, value: object) -> str | None:
    """Free text passed through as given (``custom_data``, ``bypass``): any sendable string,
    blank included (unlike :func:`optional_nonblank_text`)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    return sendable(field, value)


def optional_body_bool(field: str, value: object) -> bool | None:
    """A bool as a JSON body takes it (``true``/``false``), or None."""
    if value is not None and not isinstance(value, bool):
        raise InvalidInputError(field, f"must be a bool, got {type(value).__name__}")
    return value


def optional_query_bool(field: str, value: object) -> str | None:
    """A bool as a query parameter takes it: the string ``"true"`` or ``"false"``, or None."""
    flag = optional_body_bool(field, value)
    return None if flag is None else "true" if flag else "false"


def id_iterable(field: str, values: object) -> Iterable[object]:
    """``values`` if it can be iterated for ids (each is checked as it is read): not one
    string, which would be iterated character by character."""
    if isinstance(values, str):
        raise InvalidInputError(field, "must be an iterable of ids, not one string")
    if not isinstance(values, Iterable):
        raise InvalidInputError(field, f"must be an iterable of ids, got {type(values).__name__}")
    return values


def choice(field: str, value: object, choices: Iterable[str] | type[enum.StrEnum]) -> str:
    """One of ``choices`` (strings, or a StrEnum class), as a plain string; a StrEnum member
    counts as its value."""
    allowed = [str(option) for option in choices]
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInputError(field, f"must be one of {', '.join(allowed)}")
    return str(value)


def optional_choice(
    field: str, value: object, choices: Iterable[str] | type[enum.StrEnum]
) -> str | None:
    return None if value is None else choice(field, value, choices)


def digit_string(field: str, value: object, low: int, high: int, shape: str) -> str:
    """``value`` as given if it holds ``low`` to ``high`` digits, with only ``-``, ``.`` or
    spaces besides (the API strips those): account, phone and identity numbers."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    digits = [char for char in value if char not in "-. "]
    if not all(char in "0123456789" for char in digits) or not low <= len(digits) <= high:
        raise InvalidInputError(field, f"must be {shape}")
    return value


def notice_urls(value: str | Sequence[str] | None) -> list[str] | None:
    """``notice_url`` where the spec makes it an array: one URL or several, each non-blank."""
    if value is None:
        return None
    urls = [value] if isinstance(value, str) else value
    if not isinstance(urls, Sequence) or not urls:
        raise InvalidInputError("notice_url", "must be a URL or a non-empty list of URLs")
    return [nonblank_text("notice_url", url) for url in urls]


def string_map(field: str, value: object) -> dict[str, str] | None:
    """``extra`` (``{"naverUseCfm": "YYYYMMDD"}``): a mapping of strings to strings."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInputError(field, "must be a mapping of strings to strings")
    return {sendable(field, k): sendable(field, v) for k, v in value.items()}


def currency_code(field: str, value: object) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise InvalidInputError(field, "must be a currency code such as KRW or USD")
    return value


def optional_currency_code(field: str, value: object) -> str | None:
    return None if value is None else currency_code(field, value)


# --- numbers and times -------------------------------------------------------------------


def int_between(field: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """An int (not a bool) from ``minimum`` to ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(field, f"must be an int, got {type(value).__name__}")
    if value < minimum:
        raise InvalidInputError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidInputError(field, f"must be at most {maximum}")
    return value


def optional_int_between(
    field: str, value: object, minimum: int, maximum: int | None = None
) -> int | None:
    return None if value is None else int_between(field, value, minimum, maximum)


def page_number(value: object) -> int:
    return int_between("page", value, 1)


LATEST_UNIX_SECONDS = 4_102_444_800
"""2100-01-01: a later request time is milliseconds passed as seconds, by mistake."""


def unix_seconds(field: str, value: object, *, minimum: int = 1) -> int:
    """A request timestamp as UNIX seconds: an aware ``datetime`` or an int of at least
    ``minimum`` (0 where the epoch means "from the start"), before 2100 (a later one is
    milliseconds by mistake).

    Naive datetimes are refused: their time zone would be a guess, and a guess about when to
    charge a card is not one to make silently.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInputError(field, "must be timezone-aware (naive datetimes are refused)")
        return before_2100(field, int(value.timestamp()))
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(
            field, f"must be an aware datetime or UNIX seconds, got {type(value).__name__}"
        )
    if value < minimum:
        raise InvalidInputError(field, f"must be a UNIX time of at least {minimum}")
    return before_2100(field, value)


def before_2100(field: str, seconds: int) -> int:
    """``seconds`` if before :data:`LATEST_UNIX_SECONDS`."""
    if seconds > LATEST_UNIX_SECONDS:
        raise InvalidInputError(
            field, "is after 2100-01-01: it looks like milliseconds; pass UNIX seconds"
        )
    return seconds


def optional_unix_seconds(field: str, value: object, *, minimum: int = 1) -> int | None:
    return None if value is None else unix_seconds(field, value, minimum=minimum)


# --- money -------------------------------------------------------------------------------


def whole_amount(field: str, value: object, *, positive: bool = False) -> int:
    """An amount the spec types ``integer``: an int, or a Decimal with no fraction."""
    amount = require_amount(field, value, positive=positive)
    if not isinstance(amount, int):
        raise InvalidInputError(field, "must be a whole amount (the API takes an integer)")
    return amount


def optional_whole_amount(
    field: str, value: object, ceiling: int | Decimal | None = None
) -> int | None:
    """An optional whole part of an amount (``tax_free``): at least 0, at most ``ceiling``."""
    if value is None:
        return None
    part = whole_amount(field, value)
    if ceiling is not None and part > ceiling:
        raise InvalidInputError(field, "must not exceed amount")
    return part


def optional_amount(
    field: str,
    value: object,
    ceiling: int | Decimal | None = None,
    currency: str | None = None,
    *,
    positive: bool = False,
) -> int | Decimal | None:
    """An optional amount the spec types ``number`` (``tax_free``, ``vat_amount``, a cancel's
    ``amount`` and ``checksum``): see :func:`require_amount`; at most ``ceiling``."""
    if value is None:
        return None
    part = require_amount(field, value, positive=positive, currency=currency)
    if ceiling is not None and part > ceiling:
        raise InvalidInputError(field, "must not exceed amount")
    return part


# --- groups of fields --------------------------------------------------------------------


def buyer_fields(
    buyer_name: str | None,
    buyer_email: str | None,
    buyer_tel: str | None,
    buyer_addr: str | None,
    buyer_postcode: str | None,
) -> dict[str, str | None]:
    """The buyer fields, with the ``maxLength`` the spec gives them wherever they appear."""
    return {
        "buyer_name": optional_nonblank_text("buyer_name", buyer_name, 16),
        "buyer_email": optional_nonblank_text("buyer_email", buyer_email, 64),
        "buyer_tel": optional_nonblank_text("buyer_tel", buyer_tel, 16),
        "buyer_addr": optional_nonblank_text("buyer_addr", buyer_addr, 128),
        "buyer_postcode": optional_nonblank_text("buyer_postcode", buyer_postcode, 8),
    }


_CARD_NUMBER = re.compile(
    r"\d{4}-\d{4}-\d{4}-\d{4}"  # 16 digits, the documented form
    r"|\d{4}-\d{6}-\d{5}"  # 15-digit American Express, as printed
    r"|\d{4}-\d{4}-\d{4}-\d{3}"  # 15 digits in the 4-4-4-3 form some PGs take
    r"|\d{4}-\d{6}-\d{4}",  # 14-digit Diners
    re.ASCII,
)
_EXPIRY = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)
_BIRTH = re.compile(r"\d{6}|\d{10}", re.ASCII)
_PWD_2DIGIT = re.compile(r"\d{2}", re.ASCII)
_CVC = re.compile(r"\d{3,4}", re.ASCII)


def _card_datum(field: str, value: object, pattern: re.Pattern[str], shape: str) -> str:
    """``value`` if it has the documented shape; the error names the shape, never the value."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not pattern.fullmatch(value):
        raise InvalidInputError(field, f"must have the form {shape}")
    return value


def card_fields(
    *,
    card_number: str | None,
    expiry: str | None,
    birth: str | None,
    pwd_2digit: str | None,
    cvc: str | None,
) -> dict[str, str]:
    """The card fields given, each checked against its documented form.

    ``card_number`` ``dddd-dddd-dddd-dddd`` (15-digit ``dddd-dddddd-ddddd`` or
    ``dddd-dddd-dddd-ddd``, 14-digit ``dddd-dddddd-dddd``), ``expiry`` ``YYYY-MM``, ``birth``
    6 digits (YYMMDD; ``000000`` for foreign PGs) or a 10-digit business number, ``pwd_2digit``
    2 digits, ``cvc`` 3 or 4 digits.
    """
    checks = (
        ("card_number", card_number, _CARD_NUMBER, "dddd-dddd-dddd-dddd"),
        ("expiry", expiry, _EXPIRY, "YYYY-MM"),
        ("birth", birth, _BIRTH, "YYMMDD (6 digits) or a 10-digit business number"),
        ("pwd_2digit", pwd_2digit, _PWD_2DIGIT, "dd (the first 2 digits of the PIN)"),
        ("cvc", cvc, _CVC, "3 or 4 digits"),
    )
    return {
        field: _card_datum(field, value, pattern, shape)
        for field, value, pattern, shape in checks
        if value is not None
    }
