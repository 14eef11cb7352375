"""Fast structure functions, generated once per model class: the same models the rules of
``_types.py`` build, at about 1.5x the CPU of ``json.loads`` on the same bytes.

Why: a reconciliation worker decodes millions of payments. cattrs' own generated function
(detailed validation, a hook call per field, then the keyword-matching ``__init__``) costs
about 4x ``json.loads``; a payment has 55 fields.

How, for one model class (:class:`_ModelCode`):

1. Each field gets a plan (:class:`_FieldPlan`): the converter's hook for its type, plus the
   *fast paths*, values the code converts inline, each checked against that hook once, here,
   so that inline and hook always agree. A str field keeps a str as it is; a timestamp turns
   an int into a datetime; an amount turns an int into a Decimal; an enum field looks the
   value up in a dict. Anything else (a numeric string, a null, a wrong type) goes to the
   hook, whose error names the field.
2. Python source is written for the class and compiled with ``exec``. The *general*
   function reads each field with ``data.get``; a *shaped* one, made for each key order seen
   (the API writes one order, so a body has one or two), unpacks ``data.values()`` by
   position and knows up front which fields are absent and which keys are unknown. For a
   payment with ``imp_uid`` (a str) and ``paid_at`` (a timestamp) it reads like::

       def structure(data):
           x0, x1, = data.values()
           if x0.__class__ is str:
               pass
           else:
               x0 = s0(x0)
           if x1.__class__ is int and -1 < x1 < END_OF_TIME:
               x1 = from_seconds(x1, UTC) if x1 else None
           elif x1 is None:
               pass
           else:
               x1 = s1(x1)
           ...
           u = {}
           o = new(B); o.imp_uid = x0; o.paid_at = x1; ...; o.unknown_fields = u
           o.__class__ = C
           return o

   Every generated function keeps its source as ``__doc__``, and its file name names the
   class, so a traceback shows where it came from.
3. The instance is filled through a mutable twin of the frozen class (:func:`_builder`),
   then given the real class: frozen attribute assignment is ten times slower.
4. These functions are strict: any value that does not fit raises. Only when one raises does
   :meth:`_ModelCode.tolerant` read the payload again, field by field: a misfit in a field
   the class declares deciding (:class:`~iamport_async.models._types.Deciding`) raises as
   before, one in a descriptive field becomes None (or its default, for a flag or a list),
   its raw value kept in the model's ``misfits``, with one warning per field per process.
   An answer where everything fits never reaches that path, and pays nothing for it.

Only our own source is compiled: field names come from the model classes; names the API
sends are data (kept in the namespace, never in the source). :class:`Structurers` hands
these functions to the converter as hooks, built on first use.
"""

from __future__ import annotations

import builtins
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs

from iamport_async.models._types import (
    END_OF_TIME,
    ERRORS,
    NO_MISFITS,
    Misfits,
    deciding,
    describe,
    hidden_names,
    is_lenient_int,
    is_model,
    is_sequence,
    is_timestamp,
    lenient_enum,
    warn_misfit,
)


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()
"""What ``dict.get`` answers for a field not in the payload (None is a value the API sends)."""

_UNSET = object()


def _probe(hook: Callable[[Any, Any], Any], value: Any, tp: Any) -> Any:
    """What ``hook`` makes of ``value``; ``_UNSET`` if it refuses it."""
    try:
        return hook(value, tp)
    except ERRORS:
        return _UNSET


def _resolved_hints(tp: Any) -> dict[str, Any]:
    """Field types of a model class, with a generic's type variables filled (``Page[Payment]``:
    ``list`` is ``list[Payment]``)."""
    cls = typing.get_origin(tp) or tp
    hints = typing.get_type_hints(cls, include_extras=True)
    if cls is tp:
        return hints
    mapping = dict(zip(cls.__parameters__, typing.get_args(tp), strict=True))

    def fill(hint: Any) -> Any:
        if isinstance(hint, TypeVar):
            return mapping.get(hint, hint)
        parameters = getattr(hint, "__parameters__", ())
        return hint[tuple(mapping.get(p, p) for p in parameters)] if parameters else hint

    return {name: fill(hint) for name, hint in hints.items()}


def _builder(cls: type[Any]) -> type[Any] | None:
    """A mutable twin of ``cls`` that the generated function fills, then turns into ``cls``.

    Assigning to a slot of a class with the default ``__setattr__`` is one specialised
    bytecode; a frozen class sends every assignment through ``object.__setattr__``, about ten
    times the cost (5 us of the 11 a payment's 55 fields took). The twin adds no slot, so
    ``__class__`` assignment turns it into a genuine ``cls``: frozen again, equal and identical
    in layout to what ``__init__`` builds. Only for a class whose ``__init__`` does nothing but
    set its fields (no validators, converters, hooks, hidden slots): None otherwise.
    """
    fields = attrs.fields(cls)
    if any(
        f.validator is not None or f.converter is not None or not f.init or f.alias != f.name
        for f in fields
    ):
        return None
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return None
    slots: set[str] = set()
    for klass in cls.__mro__:
        if "__slots__" not in klass.__dict__:
            if klass is not object:
                return None  # an instance __dict__ somewhere: not a plain slotted class
            continue
        declared = klass.__dict__["__slots__"]
        slots.update((declared,) if isinstance(declared, str) else declared)
    if slots - {"__weakref__"} != {f.name for f in fields}:
        return None
    return type(
        cls.__name__,
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}.<builder>",
        },
    )


class _FieldPlan:
    """How the generated code reads one field: inline for the common value, else a hook."""

    def __init__(self, converter: cattrs.Converter, cls: type[Any], field: Any, tp: Any) -> None:
        self.name: str = field.name
        self.tp = tp
        self.hook = converter.get_structure_hook(tp)
        self.required = field.default is attrs.NOTHING
        kinds = deciding(cls)
        self.decides = self.required or field.name in kinds.fields
        """A misfit here is an error; otherwise the field is descriptive (tolerant)."""
        self.in_answer = self.required or field.name in kinds.in_answer
        """The answer must carry the field: its default is for code, not for a gap."""
        self.set_in_answer = field.name in kinds.set_in_answer
        """The answer must carry the field set: None (from null or 0) is an error."""
        self.factory: Callable[[], Any] | None = None
        self.default: Any = None
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            if field.default.takes_self:
                raise TypeError(f"{cls.__name__}.{field.name}: takes_self factories unsupported")
            self.factory = field.default.factory
        elif not self.required:
            self.default = field.default
        self.label = f"{cls.__name__}.{field.name}"
        self.keeps_none = _probe(self.hook, None, tp) is None
        """Whether the hook reads null as None (an Optional, a timestamp, a lenient int)."""
        self.fallback: Any = None
        if not self.decides and not _admits_none(tp):
            self.fallback = self.default_value()
        """What a descriptive field reads when its value does not fit: None, or for a type
        without None (a flag, a list) the field's default."""
        self.fast = self._fast_paths()

    def _fast_paths(self) -> list[tuple[str, str | None, dict[str, Any]]]:
        """``(test, action, names)`` pairs for the values the code converts inline, each checked
        against the hook here, so that inline and hook always agree."""
        tp, hook = self.tp, self.hook
        optional = typing.get_origin(tp) in (typing.Union, types.UnionType) and type(
            None
        ) in typing.get_args(tp)
        core = [a for a in typing.get_args(tp) if a is not type(None)] if optional else [tp]
        if is_lenient_int(tp):
            core = [int]
        same = _kept_class(core[0], hook, tp) if len(core) == 1 else None
        if same is not None:
            return [("{x}.__class__ is {c}", None, {"c": same})]
        if is_timestamp(tp) and _agrees(hook, tp, {1_700_000_000: _from_seconds(1_700_000_000)}):
            return [
                (
                    "{x}.__class__ is int and -1 < {x} < END_OF_TIME",
                    "{x} = from_seconds({x}, UTC) if {x} else None",
                    {},
                )
            ]
        if core == [Decimal] and _agrees(hook, tp, {7: Decimal(7)}) and _refuses(hook, tp, -1):
            # a Decimal (a JSON fraction) goes to the hook, which checks it is finite,
            # not negative and not exponent notation: rare in won, not worth inlining
            return [("{x}.__class__ is int and {x} >= 0", "{x} = Decimal({x})", {})]
        enum_cls = lenient_enum(tp)
        if enum_cls is not None:
            members = {member.value: member for member in enum_cls}
            if all(_probe(hook, value, tp) is member for value, member in members.items()):
                return [("{x}.__class__ is str", "{x} = {m}({x}, {x})", {"m": members.get})]
        if is_sequence(_unannotated(core[0])) and _probe(hook, [], tp) == ():
            return [("{x}.__class__ is list and not {x}", "{x} = ()", {})]
        return []

    def code(self, i: int, x: str, namespace: dict[str, Any], *, may_be_absent: bool) -> list[str]:
        """Lines that leave the field's value in variable ``x`` (its raw value on entry)."""
        names = {"x": x}
        branches: list[tuple[str, str | None]] = []
        for test, action, extra in self.fast:
            for key, value in extra.items():
                names[key] = f"{key}{i}"
                namespace[f"{key}{i}"] = value
            branches.append((test.format(**names), action.format(**names) if action else None))
        if self.keeps_none:
            branches.append((f"{x} is None", None))
        if may_be_absent:
            branches.append((f"{x} is ABSENT", f"a += 1; {x} = {self.default_code(i, namespace)}"))
        namespace[f"s{i}"] = self.slow()
        unset = []
        if self.set_in_answer:
            namespace[f"n{i}"] = self.unset
            unset = [f"if {x} is None:", f"    n{i}()"]
        if not branches:
            return [f"{x} = s{i}({x})", *unset]
        lines = []
        for number, (test, action) in enumerate(branches):
            lines += [f"{'if' if number == 0 else 'elif'} {test}:", f"    {action or 'pass'}"]
        return [*lines, "else:", f"    {x} = s{i}({x})", *unset]

    def default_code(self, i: int, namespace: dict[str, Any]) -> str:
        """An expression for the field's value when the payload lacks it."""
        if self.in_answer:
            namespace[f"r{i}"] = self.missing
            return f"r{i}()"
        if self.factory is not None:
            namespace[f"f{i}"] = self.factory
            return f"f{i}()"
        if self.default is None:
            return "None"
        namespace[f"d{i}"] = self.default
        return f"d{i}"

    def default_value(self) -> Any:
        """The field's value when the payload lacks it (an error if it must be there)."""
        if self.in_answer:
            return self.missing()
        return self.factory() if self.factory is not None else self.default

    def missing(self) -> Any:
        raise ValueError(f"{self.label}: required field missing")

    def unset(self) -> Any:
        raise ValueError(f"{self.label}: must be set (not null, not 0)")

    def read(self, raw: Any) -> Any:
        """The field's value from the payload's ``raw`` value (absent: ``_ABSENT``), by the
        converter's hook alone; an error if it does not fit."""
        if raw is _ABSENT:
            return self.default_value()
        value = self.slow()(raw)
        if value is None and self.set_in_answer:
            self.unset()
        return value

    def slow(self) -> Callable[[Any], Any]:
        """The converter's hook for every value the inline code does not take, with the field
        named in any error."""
        hook, tp, label = self.hook, self.tp, self.label

        def convert(value: Any) -> Any:
            try:
                return hook(value, tp)
            except ERRORS as exc:
                raise ValueError(f"{label}: {describe(exc) or type(exc).__name__}") from exc

        return convert


_SAMPLES: dict[type[Any], tuple[Any, ...]] = {str: ("", "x"), bool: (True, False), int: (0, 7)}


def _unannotated(tp: Any) -> Any:
    """``tp`` without its ``Annotated`` marks."""
    return typing.get_args(tp)[0] if typing.get_origin(tp) is typing.Annotated else tp


def _admits_none(tp: Any) -> bool:
    """Whether a field of type ``tp`` may hold None (an Optional, a timestamp, a lenient int)."""
    tp = _unannotated(tp)
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(tp)


def _refuses(hook: Callable[[Any, Any], Any], tp: Any, value: Any) -> bool:
    """Whether the hook refuses ``value`` (so that the inline code may leave it to the hook)."""
    return _probe(hook, value, tp) is _UNSET


def _kept_class(core: Any, hook: Callable[[Any, Any], Any], tp: Any) -> type[Any] | None:
    """``core`` if the hook keeps a value of exactly that class as it is (a str for a str
    field, an int for a lenient int): the inline code then keeps it without a call."""
    samples = _SAMPLES.get(core)
    if samples is None:
        return None
    for sample in samples:
        kept = _probe(hook, sample, tp)
        if kept is _UNSET or kept.__class__ is not core or kept != sample:
            return None
    return typing.cast(type[Any], core)


def _agrees(hook: Callable[[Any, Any], Any], tp: Any, expected: dict[Any, Any]) -> bool:
    """Whether the hook gives the inline code's answers (it is the registered rule)."""
    return all(_probe(hook, value, tp) == answer for value, answer in expected.items())


def _from_seconds(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


_MODEL_OWN = frozenset({"unknown_fields", "misfits"})
"""Fields every model has that the payload does not fill by name."""

_MAX_SHAPES = 16
"""Key orders remembered per model class; a payload of any other order takes the general
function (an API that varied its order without end must not make us compile without end)."""


class _ModelCode:
    """The generated functions of one model class.

    ``general(payload)`` reads fields by name and accepts any mapping. A payload is usually
    one of few *shapes* (the same keys in the same order: the API serialises one way, and
    json.loads even shares the key strings among the objects of one body), so for each shape
    seen, a second function is generated that unpacks the values by position, knows which
    fields are missing and which keys are unknown, and looks nothing up by name. The function
    ``structurer()`` returns picks it when the payload's keys are the shape's.
    """

    def __init__(self, converter: cattrs.Converter, tp: Any) -> None:
        self.cls: type[Any] = typing.get_origin(tp) or tp
        hints = _resolved_hints(tp)
        fields = [f for f in attrs.fields(self.cls) if f.name not in _MODEL_OWN]
        unknown = deciding(self.cls).fields - {f.name for f in fields}
        if unknown:
            raise TypeError(f"{self.cls.__name__}.DECIDING names no field: {sorted(unknown)}")
        self.plans = [_FieldPlan(converter, self.cls, f, hints[f.name]) for f in fields]
        self.hidden = hidden_names(self.cls)
        self.aliases = [f.alias for f in fields]
        self.index = {plan.name: i for i, plan in enumerate(self.plans)}
        self.builder = _builder(self.cls)
        self.general = self._general()
        self.shapes: dict[tuple[str, ...], Callable[[Any], Any]] = {}

    def structurer(self) -> Callable[[Any], Any]:
        """``structure(payload) -> instance``: the shape's function when the payload's keys
        are a shape's, else the general one; if it raises, the tolerant reading."""
        general, shaped, name = self.general, self._shaped, self.cls.__name__
        tolerant = self.tolerant
        last_keys: builtins.list[str] = []
        last: Callable[[Any], Any] = general

        def structure(data: Any) -> Any:
            nonlocal last_keys, last
            if data.__class__ is dict:
                keys = [*data]
                if keys != last_keys:  # equal keys are usually the very same str objects
                    last = shaped(keys)
                last_keys = keys  # so that the next payload of this body compares by identity
                try:
                    return last(data)
                except ERRORS:
                    return tolerant(data)
            if not isinstance(data, Mapping):
                raise TypeError(f"{name} expects an object, got {type(data).__name__}")
            try:
                return general(data)
            except ERRORS:
                return tolerant(data)

        return structure

    def tolerant(self, data: Mapping[str, Any]) -> Any:
        """The model from a payload the strict functions refused, read field by field: a
        deciding field that does not fit raises (the same error), a descriptive one reads its
        fallback, and its raw value goes into ``misfits``."""
        values: dict[str, Any] = {}
        misfits: dict[str, Any] = {}
        for plan in self.plans:
            raw = data.get(plan.name, _ABSENT)
            try:
                values[plan.name] = plan.read(raw)
            except ERRORS:
                if plan.decides or raw is _ABSENT:
                    raise
                values[plan.name] = plan.fallback
                misfits[plan.name] = raw
                warn_misfit(self.cls, plan.name, raw, plan.fallback)
        unknown = {key: data[key] for key in data if key not in self.index}
        pairs = zip(self.aliases, self.plans, strict=True)
        arguments = {alias: values[plan.name] for alias, plan in pairs}
        return self.cls(**arguments, unknown_fields=unknown, misfits=Misfits(misfits, self.hidden))

    def _shaped(self, keys: builtins.list[str]) -> Callable[[Any], Any]:
        shape = tuple(keys)
        function = self.shapes.get(shape)
        if function is None:
            if len(self.shapes) >= _MAX_SHAPES:
                return self.general
            function = self.shapes[shape] = self._for_shape(shape)
        return function

    def _namespace(self) -> dict[str, Any]:
        return {
            "ABSENT": _ABSENT,
            "END_OF_TIME": END_OF_TIME,
            "from_seconds": datetime.fromtimestamp,
            "UTC": UTC,
            "Decimal": Decimal,
            "new": object.__new__,
            "B": self.builder,
            "C": self.cls,
            "M": NO_MISFITS,
        }

    def _general(self) -> Callable[[Any], Any]:
        namespace = self._namespace()
        namespace["known"] = frozenset(self.index)
        body = ["get = data.get", "a = 0"]
        for i, plan in enumerate(self.plans):
            body.append(f"v{i} = get({plan.name!r}, ABSENT)")
            body += plan.code(i, f"v{i}", namespace, may_be_absent=True)
        body.append(
            f"u = {{}} if len(data) + a == {len(self.plans)} else "
            "{k: data[k] for k in data if k not in known}"
        )
        return self._compile("structure", body, namespace, "general")

    def _for_shape(self, shape: tuple[str, ...]) -> Callable[[Any], Any]:
        """The function for payloads with exactly these keys in this order."""
        namespace = self._namespace()
        body = [f"{''.join(f'x{p}, ' for p in range(len(shape)))}= data.values()"] if shape else []
        unknown = []
        values: dict[int, str] = {}
        for position, key in enumerate(shape):
            i = self.index.get(key)
            if i is None:
                namespace[f"k{position}"] = key  # a name the API sent: data, never source
                unknown.append(f"k{position}: x{position}")
            else:
                values[i] = f"x{position}"
        for i, plan in enumerate(self.plans):
            if i in values:
                body += plan.code(i, values[i], namespace, may_be_absent=False)
            else:
                body.append(f"x_{i} = {plan.default_code(i, namespace)}")
                values[i] = f"x_{i}"
        body.append(f"u = {{{', '.join(unknown)}}}")
        return self._compile("structure", body, namespace, f"{len(shape)} keys", values)

    def _compile(
        self,
        name: str,
        body: builtins.list[str],
        namespace: dict[str, Any],
        what: str,
        values: dict[int, str] | None = None,
    ) -> Callable[[Any], Any]:
        values = values or {i: f"v{i}" for i in range(len(self.plans))}
        if self.builder is not None:
            body.append("o = new(B)")
            body += [f"o.{plan.name} = {values[i]}" for i, plan in enumerate(self.plans)]
            body += ["o.unknown_fields = u", "o.misfits = M", "o.__class__ = C", "return o"]
        else:
            arguments = "".join(f"{alias}={values[i]}, " for i, alias in enumerate(self.aliases))
            body.append(f"return C({arguments}unknown_fields=u)")
        source = f"def {name}(data):\n" + "".join(f"    {line}\n" for line in body)
        filename = f"<{self.cls.__module__}.{self.cls.__qualname__}: {what}>"
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 (our own generated source)
        function: Callable[[Any], Any] = namespace[name]
        function.__doc__ = source  # what was generated, for a reader debugging it
        return function


class Structurers:
    """The generated structure functions of one converter, each built on first use (so that
    hooks registered after a model class is defined still apply to it)."""

    def __init__(self, converter: cattrs.Converter) -> None:
        self._converter = converter
        self._code: dict[Any, _ModelCode] = {}
        self._functions: dict[Any, Callable[[Any], Any]] = {}

    def code(self, tp: Any) -> _ModelCode:
        """The generated code of model ``tp``."""
        code = self._code.get(tp)
        if code is None:
            code = self._code[tp] = _ModelCode(self._converter, tp)
        return code

    def function(self, tp: Any) -> Callable[[Any], Any]:
        """``structure(payload) -> instance`` for model ``tp``."""
        function = self._functions.get(tp)
        if function is None:
            function = self._functions[tp] = self.code(tp).structurer()
        return function

    def model_hook(self, tp: Any) -> Callable[[Any, Any], Any]:
        function: Callable[[Any], Any] | None = None

        def structure(data: Any, _: Any) -> Any:
            nonlocal function
            if function is None:
                function = self.function(tp)
            return function(data)

        return structure

    def list_hook(self, tp: Any) -> Callable[[Any, Any], Any]:
        """``list[SomeModel]``: what an endpoint answers with."""
        (item,) = typing.get_args(tp)
        function: Callable[[Any], Any] | None = None

        def structure(items: Any, _: Any) -> builtins.list[Any]:
            nonlocal function
            if function is None:
                function = self.function(item)
            return _each(function, items)

        return structure

    def sequence_hook(self, tp: Any) -> Callable[[Any, Any], Any]:
        """``tuple[X, ...]``, a model's field: null is empty (the API sends null for an empty
        history), and an empty one is the shared ``()``, which the garbage collector never
        tracks (a list in each such field of every payment doubled the collections a bulk
        lookup set off)."""
        item = typing.get_args(tp)[0]
        function: Callable[[Any], Any] | None = None

        def structure(items: Any, _: Any) -> tuple[Any, ...]:
            nonlocal function
            if items is None:
                return ()
            if function is None:
                function = self._item_function(item)
            return tuple(_each(function, items))

        return structure

    def _item_function(self, item: Any) -> Callable[[Any], Any]:
        """``structure(value) -> item``: a model's generated function, else the converter's
        hook for ``item``."""
        if is_model(item):
            return self.function(item)
        hook = self._converter.get_structure_hook(item)
        return lambda value: hook(value, item)


def _each(function: Callable[[Any], Any], items: Any) -> builtins.list[Any]:
    """``function`` of each item of the JSON array ``items``; an error names the index, and
    carries the item's ids (see :func:`ids_of`)."""
    if isinstance(items, str | bytes | Mapping):
        raise TypeError(f"expected a list, got {type(items).__name__}")
    result: builtins.list[Any] = []
    append = result.append
    try:
        for element in items:
            append(function(element))
    except ERRORS as exc:  # the item at len(result) did not fit
        error = ItemError(f"[{len(result)}] {exc}")
        error.ids = ids_of(items[len(result)] if isinstance(items, list) else None)
        raise error from exc
    return result


IDS = ("imp_uid", "merchant_uid")
"""The ids a ResponseValidationError keeps: what a caller needs to look the payment up."""


def ids_of(payload: Any) -> dict[str, str]:
    """The ids (:data:`IDS`) a payload object carries, as text."""
    if not isinstance(payload, Mapping):
        return {}
    found = ((name, payload.get(name)) for name in IDS)
    return {name: str(value) for name, value in found if isinstance(value, str | int)}


class ItemError(ValueError):
    """An item of a list did not fit; ``ids`` are the item's."""

    ids: dict[str, str]


def failed_ids(payload: Any, error: BaseException) -> dict[str, str]:
    """The ids of what failed: the payload's own, else the failed list item's (the
    outermost one that has ids, found along the error's causes)."""
    ids = ids_of(payload)
    cause: BaseException | None = error
    while not ids and cause is not None:
        ids = getattr(cause, "ids", None) or {}
        cause = cause.__cause__
    return ids
