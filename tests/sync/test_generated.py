"""The sync surface is the async one: generated, up to date, every method a twin that reaches
its async method with the arguments it was given."""

from __future__ import annotations

import importlib.util
import inspect
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import iamport_async.sync as sync
from iamport_async import results
from iamport_async.client import Iamport as AsyncIamport
from iamport_async.endpoints.payments import CoalescingPayments as AsyncCoalescingPayments
from iamport_async.reconcile import Reconciliation as AsyncReconciliation
from iamport_async.sync import _twins

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_sync.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_sync", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def test_the_committed_twins_are_up_to_date() -> None:
    committed = GENERATOR.OUTPUT.read_text(encoding="utf-8")
    fresh = GENERATOR.render()
    assert GENERATOR.normalized(committed) == GENERATOR.normalized(fresh), (
        "iamport_async/sync/_twins.py is out of date: run `python scripts/gen_sync.py`"
    )


def test_the_regeneration_command_opens_the_package_docstring() -> None:
    first_lines = (sync.__doc__ or "").splitlines()[:4]
    assert any(GENERATOR.COMMAND in line for line in first_lines)


# -- the surface, method by method -----------------------------------------------------------

SYNC_FORMS: dict[type, Any] = {
    results.Paged: sync.Paged,
    results.BatchStream: sync.BatchStream,
    AsyncCoalescingPayments: sync.CoalescingPayments,
    AsyncIamport: sync.Iamport,
}


def _surface() -> Iterator[tuple[str, type, str, type]]:
    """``(attribute, async class, method, sync class)`` for every public method of every
    endpoint group, of the client, and of the coalescing view."""
    for attribute, cls in GENERATOR.groups():
        twin = getattr(_twins, cls.__name__)
        for name, _ in inspect.getmembers(cls, callable):
            if not name.startswith("_"):
                yield attribute, cls, name, twin
    for name, _ in inspect.getmembers(AsyncIamport, inspect.iscoroutinefunction):
        if not name.startswith("_") and name not in GENERATOR.CLIENT_SKIPPED:
            yield "", AsyncIamport, name, sync.Iamport
    for name in ("get", "get_by_merchant_uid"):
        yield "payments.coalescing()", AsyncCoalescingPayments, name, sync.CoalescingPayments


SURFACE = sorted(_surface(), key=lambda row: (row[0], row[2]))


def test_the_surface_is_whole() -> None:
    groups = {attribute for attribute, *_ in SURFACE}
    assert {"payments", "customers", "subscribe", "receipts", "vbanks"} <= groups
    assert len(SURFACE) >= 85


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    return typing.get_type_hints(function)


def _sync_form(annotation: Any) -> Any:
    origin = typing.get_origin(annotation) or annotation
    if origin in SYNC_FORMS:
        args = typing.get_args(annotation)
        return SYNC_FORMS[origin][args] if args else SYNC_FORMS[origin]
    return annotation


@pytest.mark.parametrize(
    ("attribute", "cls", "name", "twin"), SURFACE, ids=[f"{r[0]}.{r[2]}" for r in SURFACE]
)
def test_every_method_has_a_twin_with_its_signature(
    attribute: str, cls: type, name: str, twin: type
) -> None:
    original = getattr(cls, name)
    copy = getattr(twin, name)
    assert not inspect.iscoroutinefunction(copy)
    theirs, ours = inspect.signature(original), inspect.signature(copy)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    hints, twin_hints = _hints(original), _hints(copy)
    for parameter in theirs.parameters:
        if parameter in hints:
            assert twin_hints[parameter] == hints[parameter], parameter
    assert twin_hints["return"] == _sync_form(hints["return"])
    assert inspect.getdoc(copy), f"{name} has no docstring"
    overloads = typing.get_overloads(original)
    assert len(typing.get_overloads(copy)) == len(overloads)


class _Recorded:
    """What a patched async method was called with."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []


def _arguments(function: Callable[..., Any]) -> tuple[list[object], dict[str, object]]:
    """A distinct object for every parameter without a default."""
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(object())
        elif parameter.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            kwargs[parameter.name] = object()
    return args, kwargs


@pytest.mark.parametrize(
    ("attribute", "cls", "name", "twin"), SURFACE, ids=[f"{r[0]}.{r[2]}" for r in SURFACE]
)
def test_every_twin_reaches_its_async_method(
    attribute: str, cls: type, name: str, twin: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = getattr(cls, name)
    recorded = _Recorded()
    answer: Any = object()
    if inspect.iscoroutinefunction(original):

        async def patched(self: object, *args: Any, **kwargs: Any) -> Any:
            recorded.calls.append((args, kwargs))
            return answer

    else:
        returns = _hints(original)["return"]
        origin = typing.get_origin(returns) or returns
        answer = object.__new__(origin)

        def patched(self: object, *args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            recorded.calls.append((args, kwargs))
            return answer

    monkeypatch.setattr(cls, name, patched)
    with sync.Iamport(imp_key="key", imp_secret="secret") as client:
        if cls is AsyncIamport:
            owner: Any = client
        elif cls is AsyncCoalescingPayments:
            owner = sync.CoalescingPayments(client._link, object.__new__(cls))
        else:
            owner = getattr(client, attribute)
        args, kwargs = _arguments(original)
        result = getattr(owner, name)(*args, **kwargs)
    assert len(recorded.calls) == 1
    called_args, called_kwargs = recorded.calls[0]
    bound = inspect.signature(original).bind(None, *called_args, **called_kwargs)
    given = inspect.signature(original).bind(None, *args, **kwargs)
    bound.apply_defaults()
    given.apply_defaults()
    assert bound.arguments == given.arguments
    if inspect.iscoroutinefunction(original):
        assert result is answer
    else:
        assert type(result) is _sync_form(type(answer))


def test_reconciliation_takes_the_async_ones_arguments() -> None:
    theirs = inspect.signature(AsyncReconciliation)
    ours = inspect.signature(sync.Reconciliation)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    assert sync.reconcile is sync.Reconciliation


def test_the_constructor_takes_the_async_ones_options() -> None:
    theirs = inspect.signature(AsyncIamport)
    ours = inspect.signature(sync.Iamport)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    assert _hints(sync.Iamport.__init__) == _hints(AsyncIamport.__init__)
