"""The one cattrs Converter that turns API payloads into models: every hook is registered here.

The rules are in ``_types.py`` (what each field type accepts), the fast structure functions
in ``_codegen.py`` (generated per model class, giving the same results as the rules), and
the one union the API answers with (a billing key: plain or "super") is told apart here.
:func:`structure` is what the endpoints call; it turns every misfit into a
ResponseValidationError that says what did not fit and which payment.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import cattrs

from iamport_async.errors import ResponseValidationError
from iamport_async.models._codegen import Structurers, failed_ids
from iamport_async.models._types import (
    ERRORS,
    describe,
    enum_hook,
    is_lenient_int,
    is_model,
    is_model_list,
    is_sequence,
    is_timestamp,
    lenient_enum,
    ordered_by,
    ordered_hook,
    to_flag,
    to_money,
    to_optional_int,
    to_text,
    to_timestamp,
)
from iamport_async.models.customer import BillingKey, Customer, SuperBillingKey


def make_converter() -> cattrs.Converter:
    """A converter with every rule of ``_types.py``; models get generated structure functions,
    and a billing key is read as a plain or a super one."""
    converter = cattrs.Converter()
    converter.register_structure_hook_func(is_timestamp, lambda v, _: to_timestamp(v))
    converter.register_structure_hook_func(is_lenient_int, lambda v, _: to_optional_int(v))
    converter.register_structure_hook(Decimal, lambda v, _: to_money(v))
    converter.register_structure_hook(str, lambda v, _: to_text(v))
    converter.register_structure_hook(bool, lambda v, _: to_flag(v))
    converter.register_structure_hook_factory(
        lambda tp: lenient_enum(tp) is not None,
        lambda tp: enum_hook(typing.cast(type[enum.Enum], lenient_enum(tp))),
    )
    structurers = Structurers(converter)
    converter.register_structure_hook_factory(is_model, structurers.model_hook)
    converter.register_structure_hook_factory(is_model_list, structurers.list_hook)
    converter.register_structure_hook_factory(is_sequence, structurers.sequence_hook)
    converter.register_structure_hook_factory(
        lambda tp: ordered_by(tp) is not None, lambda tp: ordered_hook(converter, tp)
    )

    def billing_key(value: Any, _: Any) -> Customer | SuperBillingKey:
        """A super billing key carries ``channelGroupId``; a plain one does not."""
        if isinstance(value, Mapping) and "channelGroupId" in value:
            return converter.structure(value, SuperBillingKey)
        return converter.structure(value, Customer)

    converter.register_structure_hook_func(lambda tp: tp == BillingKey, billing_key)
    return converter


converter = make_converter()
"""The one converter the package builds models with: ``converter.structure(payload, Payment)``
turns a decoded ``response`` payload (a dict) into a model, keeping unknown fields and enum
values, reading 0 timestamps as None and amounts as Decimal (the rules of ``_types.py``)."""


def structure(payload: Any, model: Any, *, status: int, method: str, path: str) -> Any:
    """``payload`` (of an answer with HTTP ``status``) as ``model`` (a class or a type such
    as ``list[Payment]``), or a ResponseValidationError that says what did not fit, and
    which payment (its ``imp_uid``/``merchant_uid``, when the answer has them)."""
    try:
        return converter.structure(payload, model)
    except ERRORS as exc:
        raise ResponseValidationError(
            f"answer does not fit {getattr(model, '__name__', model)}: {describe(exc)}",
            status=status,
            body="",  # the payload may hold personal data: the problem alone is reported
            method=method,
            path=path,
            ids=failed_ids(payload, exc),
        ) from exc
