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

Tolerance stops where money is. Each model declares which of its fields *decide*
(:class:`Deciding`, its ``DECIDING``): ids, amounts, statuses, currencies and the timestamps
a guard or a reconciliation reads. A value that does not fit a deciding field is an error
(``ResponseValidationError``); one that does not fit any other (*descriptive*) field is read
as None (or, for a flag or a list, its default), the raw value kept in the model's
``misfits`` (:class:`Misfits`) and a warning logged once per field. Money is never negative,
never NaN or infinite, and never written as a float (``1e3``).

Each rule is a plain function here (``to_timestamp``, ``to_money`` ...) or a predicate that
picks the types it applies to (``is_timestamp`` ...); ``_converter.py`` registers them all on
the one converter, and ``_codegen.py`` inlines the common cases of the same rules.
"""

from __future__ import annotations

import builtins
import enum
import logging
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

import attrs
import cattrs

from iamport_async._redact import sensitive

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
class OrderedBy:
    """Marks a history (``Annotated[tuple[Entry, ...], OrderedBy("cancelled_at")]``) whose
    entries are put in order by that timestamp: either every entry has it or none does. A
    history mixing the two has no order (code sorting it would compare a datetime with None),
    so it is an error."""

    timestamp: str
    """The entries' field that orders them."""


def ordered_by(tp: Any) -> OrderedBy | None:
    """The :class:`OrderedBy` mark of an ordered history type, else None."""
    if typing.get_origin(tp) is not Annotated:
        return None
    return next((m for m in tp.__metadata__ if isinstance(m, OrderedBy)), None)


def ordered_hook(converter: cattrs.Converter, tp: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    """The hook of an ordered history: the plain sequence's, then the order's check."""
    inner = typing.get_args(tp)[0]
    mark = ordered_by(tp)
    assert mark is not None
    hook = converter.get_structure_hook(inner)
    name = mark.timestamp

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        entries: tuple[Any, ...] = hook(value, inner)
        unset = sum(getattr(entry, name) is None for entry in entries)
        if 0 < unset < len(entries):
            raise ValueError(f"{unset} of {len(entries)} entries have no {name}: no order")
        return entries

    return structure


class Deciding:
    """Which fields of a model *decide* (ids, money, statuses, the timestamps a guard reads):
    a value that does not fit one of them is a ``ResponseValidationError``; every other field
    of the model is descriptive and tolerant. Declared once per model class, as its
    ``DECIDING``::

        DECIDING = Deciding(
            "imp_uid", "amount", in_answer=("cancel_amount",), set_in_answer=("paid_at",)
        )

    ``in_answer``: deciding fields every answer must carry (their default is for building a
    model in code, never for a field the API left out: a missing ``cancel_amount`` is not 0).
    ``set_in_answer``: deciding fields every answer must carry *set* (not null, not 0). A field
    with no default decides and must be in the answer whether listed or not.
    """

    __slots__ = ("fields", "in_answer", "set_in_answer")

    def __init__(
        self, *names: str, in_answer: Iterable[str] = (), set_in_answer: Iterable[str] = ()
    ) -> None:
        is_set = frozenset(set_in_answer)
        present = frozenset(in_answer) | is_set
        self.fields: frozenset[str] = frozenset(names) | present
        """Every deciding field (``in_answer`` and ``set_in_answer`` included)."""
        self.in_answer: frozenset[str] = present
        """Deciding fields the answer must carry (null allowed where the type allows it)."""
        self.set_in_answer: frozenset[str] = is_set
        """Deciding fields the answer must carry, set: a null or 0 there is an error."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deciding):
            return NotImplemented
        return (self.fields, self.in_answer, self.set_in_answer) == (
            other.fields,
            other.in_answer,
            other.set_in_answer,
        )

    def __hash__(self) -> int:
        return hash((self.fields, self.in_answer, self.set_in_answer))

    def __repr__(self) -> str:
        return (
            f"Deciding(fields={sorted(self.fields)}, in_answer={sorted(self.in_answer)}, "
            f"set_in_answer={sorted(self.set_in_answer)})"
        )

    def __or__(self, other: Deciding) -> Deciding:
        return Deciding(
            *self.fields,
            *other.fields,
            in_answer=self.in_answer | other.in_answer,
            set_in_answer=self.set_in_answer | other.set_in_answer,
        )


NOTHING_DECIDES = Deciding()
"""A model none of whose fields decides (a URL, a note): every field is tolerant."""


class Misfits(Mapping[str, Any]):
    """The values of a model's descriptive fields that did not fit: field name -> the raw
    value the API sent (the field itself reads None, or its default). Empty for almost every
    model. Its ``repr`` hides the values of personal and card fields; the mapping itself
    gives them to code that asks."""

    __slots__ = ("_hidden", "_values")

    def __init__(self, values: Mapping[str, Any] | None = None, hidden: Iterable[str] = ()) -> None:
        self._values: dict[str, Any] = dict(values or {})
        self._hidden = frozenset(hidden)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name!r}: {'<hidden>' if name in self._hidden else repr(value)}"
            for name, value in self._values.items()
        )
        return f"Misfits({{{shown}}})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Misfits, (self._values, self._hidden))


NO_MISFITS = Misfits()
"""The ``misfits`` of a model whose every field fit: one shared, empty, read-only mapping."""


@attrs.frozen
class Model:
    """Base of every response model: frozen, slotted, tolerant of new fields and of values
    that do not fit a descriptive field (see :class:`Deciding`)."""

    DECIDING: ClassVar[Deciding] = NOTHING_DECIDES
    """Which fields decide (strict); the others are descriptive (tolerant)."""

    unknown_fields: dict[str, Any] = attrs.field(factory=dict, kw_only=True, repr=False, eq=False)
    """Fields the API sent that this version of the model does not know."""
    misfits: Misfits = attrs.field(default=NO_MISFITS, kw_only=True, repr=False, eq=False)
    """Descriptive fields whose value did not fit, with the raw value the API sent: the
    field reads None (a flag or a list: its default). Empty when everything fit."""


def deciding(cls: type[Any]) -> Deciding:
    """The deciding fields of model class ``cls``: its own ``DECIDING`` and its bases'."""
    found = NOTHING_DECIDES
    for klass in cls.__mro__:
        declared = klass.__dict__.get("DECIDING")
        if isinstance(declared, Deciding):
            found = found | declared
    return found


def hidden_names(cls: type[Any]) -> frozenset[str]:
    """Fields of ``cls`` whose values no ``repr`` shows: left out of the model's own ``repr``,
    or personal by name (``_redact``)."""
    return frozenset(f.name for f in attrs.fields(cls) if not f.repr or sensitive(f.name))


logger = logging.getLogger("iamport_async")
_warned: set[tuple[str, str]] = set()


def warn_misfit(cls: type[Any], name: str, value: Any, reads: Any) -> None:
    """Log once per model field per process that a descriptive field did not fit: the class,
    the field, the kind of value and what the field reads instead (never the value: it may
    be personal)."""
    key = (cls.__qualname__, name)
    if key in _warned:
        return
    _warned.add(key)
    logger.warning(
        "%s.%s: the answer's value (%s) does not fit this descriptive field; read as %r, "
        "the raw value kept in .misfits (said once per field)",
        cls.__qualname__,
        name,
        _kind(value),
        reads,
    )


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
    """An amount: an int, a Decimal (a JSON number with a fraction) or a numeric string;
    never negative, NaN or infinite, and never a float or exponent notation (``1e3``: money
    that went through floating point may have been rounded before it reached us)."""
    if isinstance(value, bool | float):
        raise TypeError(f"not an amount: a {_kind(value)}")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {value[:40]!r}") from None
    else:
        raise TypeError(f"not an amount: a {_kind(value)}")
    if not amount.is_finite():
        raise ValueError(f"not an amount: {amount}")
    if amount < 0:
        raise ValueError("not an amount: negative")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # finite: always an int
        raise ValueError("not an amount: written in exponent notation, as a float")
    return amount


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
    """A known value as the member, an unknown string as itself; null as None; anything but
    a string (a number, an object) is an error, never its ``str()``."""

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {_kind(value)}")
        try:
            return enum_cls(value)
        except ValueError:
            return value

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
