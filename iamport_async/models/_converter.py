"""The one cattrs Converter that turns API payloads into models, and the rules it applies.

Tolerance is the point: the API adds fields, documents timestamps as strings but sends ints,
sends ``card_type`` as an int, null or the string ``"null"``. A client that crashes on any of
that breaks payments, so every model accepts:

- unknown fields: kept in ``unknown_fields`` (a dict), never an error;
- unknown enum values: kept as the plain string (fields are typed ``SomeEnum | str``);
- timestamps (:data:`Timestamp`) as int, float or numeric string; ``0`` means "not set" (None);
- money (:data:`Money`) as ``Decimal``, from ints, numeric strings or decimals, never float.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from iamport_async.errors import ResponseValidationError

T = TypeVar("T")


class _TimestampMarker:
    """Marks a field as a UNIX-seconds timestamp."""


Timestamp = Annotated[datetime | None, _TimestampMarker]
"""An aware UTC datetime, or None where the API sends 0 (or nothing)."""

Money = Decimal
"""Amounts are Decimal: KRW is whole, USD and others are not, and float rounds."""


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
    if isinstance(value, bool):
        return int(value)
    return int(value)


def _is_timestamp(tp: Any) -> bool:
    return typing.get_origin(tp) is Annotated and _TimestampMarker in tp.__metadata__


def _lenient_enum(tp: Any) -> type[enum.Enum] | None:
    """The enum class of a ``SomeEnum | str`` union (optionally ``| None``), else None."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
    if len(enums) == 1 and str in args and len(args) == 2:
        return enums[0]
    return None


def _enum_hook(enum_cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        try:
            return enum_cls(value)
        except ValueError:
            return str(value)

    return structure


def _is_model(tp: Any) -> bool:
    """A Model subclass, or a parametrised generic one such as ``Page[Payment]``."""
    cls = typing.get_origin(tp) or tp
    return isinstance(cls, type) and attrs.has(cls) and issubclass(cls, Model)


def _model_hook(converter: cattrs.Converter) -> Callable[[type[Any]], Callable[[Any, Any], Any]]:
    def factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        base = make_dict_structure_fn(cls, converter)
        known = frozenset(a.name for a in attrs.fields(typing.get_origin(cls) or cls))

        def structure(data: Any, _: Any) -> Any:
            if not isinstance(data, Mapping):
                name = getattr(cls, "__name__", str(cls))
                raise TypeError(f"{name} expects an object, got {type(data).__name__}")
            extra = data.keys() - known
            if extra:
                data = {**data, "unknown_fields": {key: data[key] for key in extra}}
            return base(data, cls)

        return structure

    return factory


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_structure_hook_func(_is_timestamp, lambda v, _: to_timestamp(v))
    converter.register_structure_hook(Decimal, lambda v, _: to_money(v))
    converter.register_structure_hook_factory(
        lambda tp: _lenient_enum(tp) is not None,
        lambda tp: _enum_hook(typing.cast(type[enum.Enum], _lenient_enum(tp))),
    )
    converter.register_structure_hook_factory(_is_model, _model_hook(converter))
    return converter


converter = make_converter()


def structure(payload: Any, model: Any, *, method: str, path: str) -> Any:
    """``payload`` as ``model`` (a class or a type such as ``list[Payment]``), or a
    ResponseValidationError that says what did not fit."""
    try:
        return converter.structure(payload, model)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as exc:
        problem = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise ResponseValidationError(
            f"answer does not fit {getattr(model, '__name__', model)}: {problem}",
            status=200,
            body="",  # the payload may hold personal data: the problem alone is reported
            method=method,
            path=path,
        ) from exc
