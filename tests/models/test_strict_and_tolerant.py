"""For every model of every operation: a descriptive field given a value of the wrong type
(a string for an int, an int for a string, an object for a string, a list for an object)
reads None (a flag or a list: its default) with the raw value in ``misfits``, and the model
is still returned; the same wrong value in a deciding field raises ResponseValidationError.
"""

from __future__ import annotations

import typing
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamport_async.errors import ResponseValidationError
from iamport_async.models._converter import converter, structure
from iamport_async.models._types import ERRORS, deciding
from tests.models.test_generated_structure import MODELS, _hints, _valid

WRONG: list[Any] = ["abc", 7, {"x": 1}, [1], True, -3, "1e3"]
"""Values of the wrong type for some field or other; each field takes those its rule refuses."""


def _refused(hint: Any, value: Any) -> bool:
    try:
        converter.get_structure_hook(hint)(value, hint)
    except ERRORS:
        return True
    return False


def _fields(tp: Any) -> list[tuple[str, Any, bool]]:
    cls = typing.get_origin(tp) or tp
    kinds, hints = deciding(cls), _hints(tp)
    return [
        (f.name, hints[f.name], f.name in kinds.fields or f.default is attrs.NOTHING)
        for f in attrs.fields(cls)
        if f.name not in ("unknown_fields", "misfits")
    ]


def _read(tp: Any, payload: dict[str, Any]) -> Any:
    return structure(payload, tp, status=200, method="GET", path="/x")


@pytest.mark.parametrize("tp", MODELS, ids=lambda tp: getattr(tp, "__name__", str(tp)))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_descriptive_misfits_are_kept_and_deciding_ones_raise(tp: Any, data: st.DataObject) -> None:
    cls = typing.get_origin(tp) or tp
    base = _valid(cls, 0) if cls is tp else {"total": 1, "list": []}
    fields = _fields(tp)
    descriptive = [(n, h) for n, h, d in fields if not d]
    chosen = data.draw(st.lists(st.sampled_from(descriptive), unique=True)) if descriptive else []
    payload = dict(base)
    wrong: dict[str, Any] = {}
    for name, hint in chosen:
        refused = [value for value in WRONG if _refused(hint, value)]
        if refused:
            wrong[name] = payload[name] = data.draw(st.sampled_from(refused))
    model = _read(tp, payload)
    assert dict(model.misfits) == wrong
    for name in wrong:
        field = attrs.fields_dict(cls)[name]
        assert getattr(model, name) in (None, field.default) or getattr(model, name) == ()
    for name, hint, decides in fields:
        if not decides:
            continue
        refused = [value for value in WRONG if _refused(hint, value)]
        if refused:
            with pytest.raises(ResponseValidationError, match=rf"\.{name}"):
                _read(tp, {**payload, name: data.draw(st.sampled_from(refused))})


def test_every_model_has_deciding_and_descriptive_fields_sorted() -> None:
    """Money, ids and statuses decide in every model that has them."""
    must = {"imp_uid", "merchant_uid", "customer_uid", "amount", "cancel_amount", "status"}
    for tp in MODELS:
        cls = typing.get_origin(tp) or tp
        for name, hint, decides in _fields(tp):
            money = "Decimal" in str(hint)
            assert decides or not (name in must or money), f"{cls.__name__}.{name} must decide"
