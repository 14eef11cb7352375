"""No model may fail on an answer for lacking a field the caller can do without.

The API leaves fields out (answers recorded before 2026 lack ``sandbox``; some PGs omit
card details), so a field a model requires turns a good answer into an error. The rule: only
what identifies the thing (its ids), its amount and its status may be required.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import attrs
import pytest

import iamport_async.models
from iamport_async.models._converter import structure
from iamport_async.models._types import Model
from iamport_async.models.customer import Customer

IDENTITY = re.compile(r"(.+_uid|.+_id|.+Id|.*_?code)")
"""Names of ids: ``imp_uid``, ``pg_id``, ``channelGroupId``, ``tier_code``, ``code``."""
AMOUNT_OR_STATUS = frozenset({"amount", "amount_total", "status"})

EXEMPT = {
    ("Page", "total"): "the shape of a listing, not data: a page without it is no page",
    ("Page", "list"): "a page without its list must never read as an empty listing",
    ("VbankHolder", "bank_holder"): "the one datum asked for: None would answer a question",
}


def _models() -> list[type[Model]]:
    package = iamport_async.models
    found: dict[str, type[Model]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Model):  # attrs classes, all
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


MODELS = _models()


def test_every_model_is_walked() -> None:
    assert len(MODELS) >= 30
    assert Customer in MODELS


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_only_ids_amounts_and_statuses_are_required(model: type[Model]) -> None:
    required = [
        field.name
        for field in attrs.fields(model)
        if field.default is attrs.NOTHING
        and not IDENTITY.fullmatch(field.name)
        and field.name not in AMOUNT_OR_STATUS
        and (model.__name__, field.name) not in EXEMPT
    ]
    assert not required, f"{model.__name__} requires {required}"


def test_a_billing_key_without_sandbox_or_card_details_is_read() -> None:
    customer = structure({"customer_uid": "c-1"}, Customer, status=200, method="GET", path="/x")
    assert customer.customer_uid == "c-1"
    assert customer.sandbox is None
    assert customer.pg_provider is None
