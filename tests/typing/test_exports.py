"""The public exports: complete, resolvable, sorted."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import iamport_async
import iamport_async.errors
import iamport_async.models

PUBLIC_PACKAGES = [
    "iamport_async",
    "iamport_async.models",
    "iamport_async.testing",
    "iamport_async.webhooks",
]


@pytest.mark.parametrize("name", PUBLIC_PACKAGES)
def test_every_exported_name_resolves_and_the_list_is_sorted(name: str) -> None:
    module = importlib.import_module(name)
    exported: list[str] = module.__all__
    assert len(set(exported)) == len(exported)
    for attribute in exported:
        assert getattr(module, attribute, None) is not None, f"{name}.{attribute}"

    # ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest
    def rank(text: str) -> tuple[int, str]:
        kind = 0 if text.isupper() else 1 if text[:1].isupper() else 2
        return kind, text

    assert exported == sorted(exported, key=rank)


def _public_classes(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__ and name[0] != "_"
    }


def test_models_exports_every_model_and_enum() -> None:
    defined: set[str] = set()
    for info in pkgutil.iter_modules(iamport_async.models.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"iamport_async.models.{info.name}")
            defined |= _public_classes(module)
    assert defined <= set(iamport_async.models.__all__), sorted(
        defined - set(iamport_async.models.__all__)
    )


def test_the_top_level_exports_every_error_class() -> None:
    errors = {
        name
        for name in _public_classes(iamport_async.errors)
        if issubclass(getattr(iamport_async.errors, name), Exception)
    }
    assert errors <= set(iamport_async.__all__), sorted(errors - set(iamport_async.__all__))


def test_top_level_names_are_the_same_objects_as_their_homes() -> None:
    assert iamport_async.NotFoundError is iamport_async.errors.NotFoundError
    assert iamport_async.Payment is iamport_async.models.Payment
    assert isinstance(iamport_async.__version__, str)
    assert iamport_async.__version__.count(".") >= 2
