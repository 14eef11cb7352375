"""The generated structure functions build exactly what the model's constructor builds from
the converter's own hooks, for every model class, on both of their paths (by key order, and
by name), with unknown fields, missing fields, nulls, and values of the wrong type: strict on
their own (any misfit raises), and through the structurer, tolerant in descriptive fields
(the field's fallback, the raw value in ``misfits``) and strict in deciding ones."""

from __future__ import annotations

import builtins
import random
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iamport_async.models  # noqa: F401 (imports every model module)
from iamport_async.errors import ResponseValidationError
from iamport_async.models._codegen import _MAX_SHAPES, Structurers
from iamport_async.models._converter import converter, structure
from iamport_async.models._types import ERRORS, Model, OrderedBy, deciding
from iamport_async.models._types import lenient_enum as _lenient_enum
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment, PaymentStatus


def _all_models() -> list[type[Model]]:
    found: list[type[Model]] = []
    pending = list(Model.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        generic = bool(getattr(cls, "__parameters__", ()))  # Page: tested as Page[Payment]
        ours = cls.__module__.startswith("iamport_async.models") and "<" not in cls.__qualname__
        if ours and not generic:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


MODELS: list[Any] = [*_all_models(), Page[Payment]]
SECONDS = 1_700_000_000
_MONEY = {"cancel_amount": 0, "cancel_history": []}
"""What every payment answer carries besides its ids, amount and status."""


def _hints(tp: Any) -> dict[str, Any]:
    cls = typing.get_origin(tp) or tp
    hints = typing.get_type_hints(cls, include_extras=True)
    if cls is not tp:  # Page[Payment]: its only parameter is the item type
        hints = {k: (tuple[Payment, ...] if k == "list" else v) for k, v in hints.items()}
    return hints


def _candidates(tp: Any, depth: int) -> list[Any]:
    """Raw JSON values for a field of type ``tp``: right, null, loose, and wrong."""
    core = tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        core = args[0] if len(args) == 1 else tp
    loose: list[Any] = [None, True, 1.5, "", "null", {"x": 1}]
    metadata = getattr(tp, "__metadata__", ())
    if metadata and isinstance(metadata[0], OrderedBy):  # a history: its entries, mixed too
        entry = typing.get_args(typing.get_args(tp)[0])[0]
        valid = _valid(entry, depth + 1) if depth < 2 else {}
        at = metadata[0].timestamp
        mixed = [{**valid, at: SECONDS}, {**valid, at: 0}]
        return [*loose, [], [{}], [valid], [{**valid, at: SECONDS}], mixed, [{**valid, at: 0}]]
    if metadata and "Timestamp" in metadata[0].__name__:
        return [*loose, 0, SECONDS, str(SECONDS), "0", SECONDS + 0.5, -1, 10**12, "soon"]
    if metadata:  # a lenient int
        return [*loose, 0, 3, "3", "x"]
    enum_cls = _lenient_enum(tp)
    if enum_cls is not None:
        return [*loose, *(m.value for m in enum_cls), "brand_new", 5]
    if core is str:
        return [*loose, "x", "홍길동", 12345]
    if core is bool:
        return [*loose, False, 0, 1, "false"]
    if core is int:
        return [*loose, 0, 7, "7", "x"]
    if core is Decimal:
        return [*loose, 0, 1000, "10.5", " 7 ", 10.25, "abc", -5, "NaN", "-1", "1e3", 2**70]
    if typing.get_origin(core) is tuple:
        item = typing.get_args(core)[0]
        items = [[], ["a", 1]] if item is str else [[], [{}]]
        if depth < 2 and isinstance(item, type) and issubclass(item, Model):
            items.append([_valid(item, depth + 1)])
        return [*loose, *items]
    if isinstance(core, type) and issubclass(core, Model):
        values = [*loose, {}]
        if depth < 2:
            values.append(_valid(core, depth + 1))
        return values
    return [*loose, "x", 3, [1], {"k": "v"}]


def _fits(hint: Any, value: Any) -> bool:
    try:
        return converter.get_structure_hook(hint)(value, hint) is not None
    except (*ERRORS, cattrs.BaseValidationError):
        return False


def _must(cls: type[Any], field: Any) -> bool:
    """Whether every answer must carry the field."""
    return field.default is attrs.NOTHING or field.name in deciding(cls).in_answer


def _valid(cls: type[Model], depth: int) -> dict[str, Any]:
    """A payload with the required fields of ``cls`` filled plausibly."""
    payload: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if _must(cls, field):
            hint = _hints(cls)[field.name]
            payload[field.name] = next(
                value
                for value in reversed(_candidates(hint, depth))
                if _fits(hint, value) and value is not None
            )
    return payload


class _Refused(Exception):
    """The reference refuses the payload (a misfit in a deciding field, or a strict path)."""


def _fallback(field: Any, hint: Any) -> Any:
    if type(None) in _union(hint):
        return None
    default = field.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


def _union(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _expected(tp: Any, payload: Mapping[str, Any], *, tolerant: bool = True) -> Any:
    """What the constructor builds from the converter's hook for each field: the reference.
    ``tolerant``: a descriptive field the hook refuses takes its fallback, its raw value in
    ``misfits``; otherwise (and always for a deciding field) the payload is refused."""
    cls = typing.get_origin(tp) or tp
    hints = _hints(tp)
    kinds = deciding(cls)
    arguments: dict[str, Any] = {}
    misfits: dict[str, Any] = {}
    fields = [f for f in attrs.fields(cls) if f.name not in ("unknown_fields", "misfits")]
    for field in fields:
        must = field.default is attrs.NOTHING or field.name in kinds.in_answer
        if field.name not in payload:
            if must:
                raise _Refused(field.name)
            continue
        hint = hints[field.name]
        try:
            value = converter.get_structure_hook(hint)(payload[field.name], hint)
            if value is None and field.name in kinds.set_in_answer:
                raise ValueError("unset")
        except ERRORS:
            if not tolerant or field.name in kinds.fields or field.default is attrs.NOTHING:
                raise _Refused(field.name) from None
            value = _fallback(field, hint)
            misfits[field.name] = payload[field.name]
        arguments[field.alias] = value
    names = {f.name for f in fields}
    unknown = {k: v for k, v in payload.items() if k not in names}
    built = cls(**arguments, unknown_fields=unknown)
    return built, misfits


def _same(actual: Any, reference: tuple[Any, dict[str, Any]]) -> None:
    expected, misfits = reference
    assert type(actual) is type(expected)
    assert dict(actual.misfits) == misfits
    assert actual.unknown_fields == expected.unknown_fields
    for field in attrs.fields(type(expected)):
        if field.name == "misfits":
            continue
        got, want = getattr(actual, field.name), getattr(expected, field.name)
        assert type(got) is type(want), field.name
        assert got == want, field.name
        if isinstance(want, datetime):
            assert got.tzinfo is UTC


@st.composite
def _payloads(draw: st.DrawFn, tp: Any) -> dict[str, Any]:
    cls = typing.get_origin(tp) or tp
    payload: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name == "unknown_fields":
            continue
        required = _must(cls, field)
        if draw(st.integers(0, 9)) < (1 if required else 3):
            continue  # absent
        payload[field.name] = draw(st.sampled_from(_candidates(_hints(tp)[field.name], 0)))
    for name in draw(st.lists(st.sampled_from(["x0", "new_field", "__class__", "a'); b("]))):
        payload[name] = draw(st.sampled_from([None, 1, "v", [1], {"k": "v"}]))
    keys = list(payload)
    draw(st.randoms()).shuffle(keys)
    return {key: payload[key] for key in keys}


def _paths(tp: Any) -> tuple[dict[str, Callable[[Any], Any]], dict[str, Callable[[Any], Any]]]:
    """The strict generated functions, and the structurer's tolerant ways in."""
    structurers = Structurers(converter)
    code = structurers.code(tp)
    by_shape = structurers.function(tp)
    strict = {
        "by key order, strict": lambda payload: code._shaped([*payload])(payload),
        "by name, strict": code.general,
    }
    tolerant = {
        "by key order": by_shape,
        "a mapping": lambda payload: by_shape(types.MappingProxyType(payload)),
    }
    return strict, tolerant


def _check(paths: dict[str, Callable[[Any], Any]], payload: dict[str, Any], reference: Any) -> None:
    for path in paths.values():
        if reference is None:
            with pytest.raises((TypeError, ValueError)):
                path(payload)
        else:
            _same(path(payload), reference)
            _same(path(payload), reference)  # the second time through the remembered shape


def _reference(tp: Any, payload: dict[str, Any], *, tolerant: bool) -> Any:
    try:
        return _expected(tp, payload, tolerant=tolerant)
    except (_Refused, cattrs.BaseValidationError, *ERRORS):
        return None


@pytest.mark.parametrize("tp", MODELS, ids=lambda tp: getattr(tp, "__name__", str(tp)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_builds_what_its_constructor_builds(tp: Any, data: st.DataObject) -> None:
    payload = data.draw(_payloads(tp))
    strict, tolerant = _paths(tp)
    _check(strict, payload, _reference(tp, payload, tolerant=False))
    reference = _reference(tp, payload, tolerant=True)
    _check(tolerant, payload, reference)
    if reference is None:
        with pytest.raises(ResponseValidationError):
            structure(payload, tp, status=200, method="GET", path="/x")
    else:
        _same(structure(payload, tp, status=200, method="GET", path="/x"), reference)


def test_a_built_model_is_frozen_and_of_its_own_class() -> None:
    payment = structure(
        {**_MONEY, "imp_uid": "imp_1", "merchant_uid": "o", "amount": 1000, "status": "paid"},
        Payment,
        status=200,
        method="GET",
        path="/payments/imp_1",
    )
    assert type(payment) is Payment
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        payment.amount = Decimal(1)  # type: ignore[misc]
    assert payment == Payment(
        imp_uid="imp_1", merchant_uid="o", amount=Decimal(1000), status=PaymentStatus.PAID
    )
    assert hash(attrs.evolve(payment, amount=Decimal(5)).amount) == hash(Decimal(5))


def test_payments_of_many_key_orders_read_alike_beyond_the_remembered_shapes() -> None:
    base = {
        "imp_uid": "imp_1",
        "merchant_uid": "o",
        "amount": "1000",
        "status": "refunded_later",
        "paid_at": SECONDS,
        "cancel_amount": 0,
        "cancel_history": None,
        "extra": 1,
    }
    rng = random.Random(5)
    structurers = Structurers(converter)
    function = structurers.function(Payment)
    expected = _expected(Payment, base)
    for _ in range(_MAX_SHAPES * 3):
        keys = list(base)
        rng.shuffle(keys)
        _same(function({key: base[key] for key in keys}), expected)
    assert len(structurers.code(Payment).shapes) == _MAX_SHAPES


def test_keys_the_api_sends_are_data_never_code() -> None:
    hostile = "a'): pass\nimport os\n#"
    payment = structure(
        {**_MONEY, "imp_uid": "imp_1", "merchant_uid": "o", "amount": 1, "status": "paid"}
        | {hostile: 1},
        Payment,
        status=200,
        method="GET",
        path="/payments/imp_1",
    )
    assert payment.unknown_fields == {hostile: 1}


def test_an_item_that_does_not_fit_is_named_with_its_index_and_field() -> None:
    good = {**_MONEY, "imp_uid": "imp_1", "merchant_uid": "o", "amount": 1, "status": "paid"}
    with pytest.raises(ResponseValidationError, match=r"\[1\] Payment\.paid_at"):
        structure(
            [good, {**good, "paid_at": "yesterday"}],
            builtins.list[Payment],
            status=200,
            method="GET",
            path="/payments",
        )
