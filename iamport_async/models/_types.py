"""The field types of the models, and the rules that read the API's values into them.

Tolerance is the point: the API adds fields, documents timestamps as strings but sends ints,
sends ``card_type`` as an int, null or the string ``"null"``. A client that crashes on any of
that breaks payments, so every model accepts:

- unknown fields: kept in ``unknown_fields`` (a dict), never an error;
- unknown enum values: kept as the plain string (fields are typed ``SomeEnum | str``);
- timestamps (:data:`Timestamp`) as int, float or numeric string; ``0`` means "not set" (None);
- money (:data:`Money`) as ``Decimal``, from ints, numeric strings or decimals, never float;
- lenient ints (:data:`LenientInt`) as int, numeric string, null or ``"null"``;
- sequences (``tuple[X, ...]``: models are frozen, so their sequences are too) from a JSON
  array, or null for an empty one.

Each rule is a plain function here (``to_timestamp``, ``to_money`` ...) or a predicate that
picks the types it applies to (``is_timestamp`` ...); ``_converter.py`` registers them all on
the one converter, and ``_codegen.py`` inlines the common cases of the same rules.
"""

from __future__ import annotations

import builtins
import enum
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import attrs
import cattrs

END_OF_TIME = 253_402_300_800
"""UNIX seconds of 10000-01-01: every int from 0 below it is a valid aware datetime."""


ERRORS = (
    TypeError,
    ValueError,
    KeyError,
    ArithmeticError,
    AttributeError,
    cattrs.BaseValidationError,
)
"""What a hook raises on a value that does not fit its type."""


def describe(error: BaseException) -> str:
    """What did not fit, in words: cattrs' own account of a validation error, else its text."""
    if isinstance(error, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(error))
    return str(error)


class _TimestampMarker:
    """Marks a field as a UNIX-seconds timestamp."""


class _LenientIntMarker:
    """Marks an int the API may send as an int, a numeric string, null or ``"null"``."""


Timestamp = Annotated[datetime | None, _TimestampMarker]
"""An aware UTC datetime, or None where the API sends 0 (or nothing)."""

Money = Decimal
"""Amounts are Decimal: KRW is whole, USD and others are not, and float rounds."""

LenientInt = Annotated[int | None, _LenientIntMarker]
"""``card_type`` and ``card_quota``: int, numeric string, null or ``"null"``; None if absent."""


@attrs.frozen
class Model:
    """Base of every response model: frozen, slotted, tolerant of new fields."""

    unknown_fields: dict[str, Any] = attrs.field(factory=dict, kw_only=True, repr=False, eq=False)
    """Fields the API sent that this version of the model does not know."""


def to_timestamp(value: Any) -> datetime | None:
    if value is None or value == "" or value == "null":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, bool):
        raise TypeError(f"not a timestamp: {value!r}")
    seconds = float(value)  # int, float, Decimal or a numeric string
    if seconds == 0:
        return None
    if not 0 < seconds < END_OF_TIME:  # NaN too; fromtimestamp would raise OSError or worse
        raise ValueError("timestamp out of range (not UNIX seconds from 1970 to 9999)")
    return datetime.fromtimestamp(seconds, tz=UTC)


def to_money(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def to_optional_int(value: Any) -> int | None:
    """Lenient int: accepts null, "null", "" and numeric strings (``card_type`` sends all)."""
    if value is None or value == "null" or value == "":
        return None
    return int(value)


def is_timestamp(tp: Any) -> bool:
    return typing.get_origin(tp) is Annotated and _TimestampMarker in tp.__metadata__


def is_lenient_int(tp: Any) -> bool:
    return typing.get_origin(tp) is Annotated and _LenientIntMarker in tp.__metadata__


def lenient_enum(tp: Any) -> type[enum.Enum] | None:
    """The enum class of a ``SomeEnum | str`` union (optionally ``| None``), else None."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
    if len(enums) == 1 and str in args and len(args) == 2:
        return enums[0]
    return None


def enum_hook(enum_cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        try:
            return enum_cls(value)
        except ValueError:
            return str(value)

    return structure


def is_model(tp: Any) -> bool:
    """A Model subclass, or a parametrised generic one such as ``Page[Payment]``."""
    cls = typing.get_origin(tp) or tp
    return isinstance(cls, type) and attrs.has(cls) and issubclass(cls, Model)


def is_model_list(tp: Any) -> bool:
    """``list[SomeModel]``."""
    args = typing.get_args(tp)
    return typing.get_origin(tp) is builtins.list and len(args) == 1 and is_model(args[0])


def is_sequence(tp: Any) -> bool:
    """``tuple[X, ...]``: a model's sequence field."""
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def to_text(value: Any) -> str:
    """A string; a number is taken as its digits (ids sometimes arrive as numbers), but a null
    or an object is an error, never the text ``"None"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected a string, got {_kind(value)}")


_FLAGS = {"true": True, "1": True, "y": True, "false": False, "0": False, "n": False}


def to_flag(value: Any) -> bool:
    """A boolean; also 0/1, the strings true/false/1/0/Y/N (never ``bool("false")``), and
    null for false (the API sends null for flags that do not apply)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _FLAGS:
        return _FLAGS[value.strip().lower()]
    raise TypeError(f"expected a boolean, got {_kind(value)}")


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
