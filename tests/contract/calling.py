"""Call a client method with arguments made from its signature, and read what it returns.

Arguments come from the type hints (str, int, Decimal, bool, datetime, enums, Literal,
``list[...]``, attrs request classes, ``X | None``), shaped by the spec parameter of the same
name where there is one (enum values, formats), and by ``Override`` where neither can tell the
format (a card expiry is ``YYYY-MM``). ``REQUIRED`` mode leaves out every argument that has a
default; ``FULL`` mode gives them all.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import types
import typing
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import attrs

from tests.contract.router import FULL, REQUIRED, AnswerGenerator
from tests.contract.spec import Operation, Parameter, Schema, SpecOperation

FUTURE = datetime.combine(datetime.now(UTC).date() + timedelta(days=30), time(), tzinfo=UTC)
"""Midnight UTC 30 days from today: every generated date is in the future (schedules)."""
MAX_ITEMS = 50
"""Items read from a listing or stream: enough to see each page of the generated answers."""


@attrs.frozen
class Override:
    """An argument value the signature cannot tell (a format), and why."""

    value: Any
    reason: str
    always: bool = False
    """Give it in required mode too (where the call does nothing without it)."""


Overrides = Mapping[tuple[str, str], Override]
"""By ``("METHOD /path", name)``, or ``("*", name)`` for every operation."""


class CannotGenerate(Exception):
    pass


class ArgumentMaker:
    def __init__(
        self, op: SpecOperation, overrides: Overrides, answers: AnswerGenerator, mode: str
    ) -> None:
        self.op = op
        self.overrides = overrides
        self.answers = answers
        self.mode = mode
        self._params = {p.name: p for p in op.parameters}

    def arguments(self, function: Any) -> tuple[list[Any], dict[str, Any]]:
        """Positional and keyword arguments for the bound method ``function``."""
        signature = inspect.signature(function)
        hints = typing.get_type_hints(function, include_extras=True)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for name, parameter in signature.parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                continue
            hint = hints.get(name, Any)
            override = self._override(name)
            has_default = parameter.default is not inspect.Parameter.empty
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                if self.mode == FULL or (override and override.always) or not args:
                    args.append(override.value if override else self.value(hint, name))
                continue
            if has_default and self.mode == REQUIRED and not (override and override.always):
                continue
            value = override.value if override else self.value(hint, name)
            if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(value)
            else:
                kwargs[name] = value
        return args, kwargs

    def _override(self, name: str) -> Override | None:
        return self.overrides.get((str(self.op), name)) or self.overrides.get(("*", name))

    def _spec_schema(self, name: str) -> Schema | None:
        bare = name.rstrip("_")
        candidates = [name, bare, bare.replace("_", "-"), f"{bare}[]"]
        if bare.endswith("s"):
            candidates += [f"{bare[:-1]}[]", bare[:-1]]
        for candidate in candidates:
            param: Parameter | None = self._params.get(candidate)
            if param is not None:
                return param.schema
        return None

    def value(self, hint: Any, name: str, schema: Schema | None = None) -> Any:
        """A value of type ``hint`` for the argument or field ``name``."""
        if schema is None:
            schema = self._spec_schema(name)
        resolved: Schema = self.answers.spec.resolve(schema)[0] if schema else {}
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            return self.value(typing.get_args(hint)[0], name, schema)
        if origin in (typing.Union, types.UnionType):
            return self._union(hint, name, schema)
        if origin is typing.Literal:
            choices = typing.get_args(hint)
            preferred = [c for c in choices if c in resolved.get("enum", ())]
            return (preferred or list(choices))[0]
        if hint is Any or hint is object:
            return self.answers.value(schema, FULL, name) if schema else f"{name}-1"
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            members = list(hint)
            preferred = [m for m in members if m.value in resolved.get("enum", ())]
            return (preferred or members)[0]
        if hint is bool:
            return True
        if isinstance(hint, type) and issubclass(hint, datetime):
            return _dated(FUTURE, name)
        if isinstance(hint, type) and issubclass(hint, date):
            return _dated(FUTURE, name).date()
        if hint is int:
            return self._integer(name, resolved)
        if hint is Decimal:
            return Decimal(1000) if self.mode == REQUIRED else Decimal("1000.50")
        if hint is float:
            return 1.0
        if hint is str:
            return self._string(name, resolved)
        if origin is not None and _is_collection(origin):
            return self._collection(origin, hint, name, resolved)
        if isinstance(hint, type) and attrs.has(hint):
            return self._attrs_instance(hint, resolved)
        raise CannotGenerate(f"argument {name}: cannot make a {hint!r}; add an Override")

    def _union(self, hint: Any, name: str, schema: Schema | None) -> Any:
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        if not members:
            return None
        failures = []
        for member in members:
            try:
                return self.value(member, name, schema)
            except CannotGenerate as exc:
                failures.append(str(exc))
        raise CannotGenerate("; ".join(failures))

    def _integer(self, name: str, schema: Schema) -> int:
        if schema.get("enum"):
            return int(schema["enum"][0])
        if name in ("page",):
            return 1
        if name in ("limit",):
            return 20
        if name.endswith(("_at", "_due", "_datetime")) or name.rstrip("_") in ("from", "to"):
            return int(_dated(FUTURE, name).timestamp())
        if "amount" in name or name in ("tax_free", "vat", "checksum", "checking_amount"):
            return 1000
        return 1

    def _string(self, name: str, schema: Schema) -> str:
        if schema.get("enum"):
            return str(schema["enum"][0])
        value = self.answers.value(schema or {"type": "string"}, FULL, name)
        return str(value)

    def _collection(self, origin: Any, hint: Any, name: str, schema: Schema) -> Any:
        args = typing.get_args(hint)
        if isinstance(origin, type) and issubclass(origin, collections.abc.Mapping):
            if schema.get("properties"):
                return self.answers.value(schema, self.mode, name)
            return {}
        item_hint = args[0] if args else Any
        items = schema.get("items") if isinstance(schema.get("items"), dict) else None
        item = self.value(item_hint, name, items)
        if issubclass(origin, collections.abc.AsyncIterable):
            return _aiter_of(item)
        if origin is tuple:
            return (item,)
        if origin in (set, frozenset, collections.abc.Set):
            return {item}
        return [item]

    def _attrs_instance(self, cls: type[Any], schema: Schema) -> Any:
        hints = typing.get_type_hints(cls, include_extras=True)
        properties: dict[str, Schema] = schema.get("properties", {})
        kwargs = {}
        for field in attrs.fields(cls):
            if not field.init:
                continue
            if field.default is not attrs.NOTHING and self.mode == REQUIRED:
                continue
            override = self._override(field.name)
            key = field.alias or field.name
            kwargs[key] = (
                override.value
                if override
                else self.value(hints.get(field.name, Any), field.name, properties.get(field.name))
            )
        return cls(**kwargs)


def _is_collection(origin: Any) -> bool:
    return isinstance(origin, type) and issubclass(
        origin,
        collections.abc.Iterable | collections.abc.Mapping | collections.abc.AsyncIterable,
    )


async def _aiter_of(item: Any) -> collections.abc.AsyncIterator[Any]:
    yield item


def _dated(base: datetime, name: str) -> datetime:
    """``to``/``*_to``/``end`` a day after ``from``/``*_from``/``start``: a valid window."""
    bare = name.rstrip("_")
    if bare in ("to", "end", "until") or bare.endswith(("_to", "_end", "_until")):
        return base + timedelta(days=1)
    return base


# --- reading results -----------------------------------------------------------------------


async def consume(result: Any) -> tuple[Any, list[Any]]:
    """What a call returns (awaited if awaitable), and everything it hands back: awaited,
    entered as a context, iterated (bounded)."""
    if inspect.isawaitable(result):
        returned = await result
        values = [returned]
        if hasattr(result, "__aiter__"):  # Paged: awaited for a page, iterated for items
            values += await _drain(result)
        return returned, values
    if hasattr(result, "__aenter__"):
        async with result as entered:
            values = await _drain(entered) if hasattr(entered, "__aiter__") else [entered]
        return result, values
    if hasattr(result, "__aiter__"):
        return result, await _drain(result)
    return result, [result]


async def _drain(iterable: Any) -> list[Any]:
    items = []
    async for item in iterable:
        items.append(item)
        if len(items) >= MAX_ITEMS:
            break
    return items


def result_problems(values: list[Any], *, full: bool) -> list[str]:
    """Errors a call folded into its result, and (for full answers) fields no model took."""
    problems: list[str] = []
    seen: set[int] = set()

    def walk(value: Any, where: str, depth: int) -> None:
        if depth > 12 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, BaseException):
            problems.append(f"{where}: the call reported an error: {value!r}")
            return
        if isinstance(value, str | bytes | int | float | Decimal | datetime | enum.Enum):
            return
        if attrs.has(type(value)):
            unknown = getattr(value, "unknown_fields", None)
            if full and unknown:
                problems.append(
                    f"{where} ({type(value).__name__}): spec fields left in unknown_fields: "
                    f"{sorted(unknown)}"
                )
            for field in attrs.fields(type(value)):
                if field.name != "unknown_fields":
                    walk(getattr(value, field.name), f"{where}.{field.name}", depth + 1)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{where}[{key!r}]", depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]", depth + 1)

    for index, value in enumerate(values):
        walk(value, f"result[{index}]", 0)
    return problems


def return_problems(function: Any, value: Any) -> list[str]:
    """Whether the first value a call handed back is of the method's declared return type
    (checked for classes, ``list[X]`` and the item type of ``Paged[X]`` and ``Page[X]``)."""
    hint = typing.get_type_hints(function).get("return", Any)
    return _conforms(hint, value, "return value")


def _conforms(hint: Any, value: Any, where: str) -> list[str]:
    origin = typing.get_origin(hint)
    if hint is Any or isinstance(hint, typing.TypeVar):
        return []
    if hint is None or hint is type(None):
        return [] if value is None else [f"{where}: declared None, got {type(value).__name__}"]
    if origin in (typing.Union, types.UnionType):
        options = [_conforms(member, value, where) for member in typing.get_args(hint)]
        return [] if any(not o for o in options) else options[0]
    if origin is typing.Annotated:
        return _conforms(typing.get_args(hint)[0], value, where)
    if origin is list and isinstance(value, list):
        (item_hint,) = typing.get_args(hint) or (Any,)
        return [p for item in value for p in _conforms(item_hint, item, f"{where}[]")]
    if origin is not None and isinstance(origin, type):
        if getattr(origin, "__name__", "") in ("Paged", "Page"):
            (item_hint,) = typing.get_args(hint)
            items = getattr(value, "list", None)
            if items is None:
                return [f"{where}: a {origin.__name__} has no page list: {type(value).__name__}"]
            return [p for item in items for p in _conforms(item_hint, item, f"{where}.list[]")]
        return [] if isinstance(value, origin) else [f"{where}: not a {origin.__name__}"]
    if isinstance(hint, type):
        if isinstance(value, hint):
            return []
        return [f"{where}: declared {hint.__name__}, got {type(value).__name__}"]
    return []


def operation_label(key: Operation) -> str:
    return f"{key[0]} {key[1]}"
