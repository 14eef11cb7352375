"""The ``@operation`` marks (``endpoints/_base.py``): each operation of the API is one public
method, awaited (a coroutine), iterated (a listing's pages) or entered (a stream), whose path
parameters are its positional arguments.

The contract test (``tests/contract``) checks that every operation of the spec has a method
and that every mark names an operation of the spec; this checks the marks themselves, once,
over every endpoint group of the client.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Any

from iamport_async import Iamport
from iamport_async._operations import operation_methods
from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE, Endpoints
from iamport_async.endpoints.payments import Payments

SEVERAL_FORMS = {("GET", "/payments"): ["payments.get_many", "payments.iter_many"]}
"""The one operation with two methods: the lookup of many ids, awaited or streamed."""

OWN_ARGUMENTS: frozenset[type[Endpoints]] = frozenset({Payments})
"""Groups whose positional arguments predate the rule (``cancel(imp_uid)``, ``find``'s
status), and stay as they are for callers."""


def groups() -> list[type[Endpoints]]:
    client = Iamport(imp_key="k", imp_secret="s")
    return [type(value) for value in vars(client).values() if isinstance(value, Endpoints)]


def marked(group: type[Endpoints]) -> Iterator[tuple[str, Any, tuple[str, str]]]:
    for name, member in inspect.getmembers(group):
        for mark in getattr(member, OPERATIONS_ATTRIBUTE, ()):
            yield name, member, mark


def iterated(function: Any) -> bool:
    """Whether ``function`` returns an async iterable (a paged listing) or an async context
    (a stream)."""
    answer = inspect.signature(function, eval_str=True).return_annotation
    kind = typing.get_origin(answer) or answer
    return hasattr(kind, "__aiter__") or hasattr(kind, "__aenter__")


def test_each_operation_is_one_public_awaited_or_iterated_method() -> None:
    for group in groups():
        for name, member, _ in marked(group):
            assert not name.startswith("_"), f"{group.__name__}.{name} is private"
            assert inspect.iscoroutinefunction(member) or iterated(member), (
                f"{group.__name__}.{name}"
            )
    served = operation_methods(Iamport(imp_key="k", imp_secret="s"))
    several = {key: names for key, names in served.items() if len(names) > 1}
    assert several == SEVERAL_FORMS


def test_path_arguments_are_positional_and_the_rest_keyword_only() -> None:
    for group in groups():
        if group in OWN_ARGUMENTS:
            continue
        for name, function, (_, template) in marked(group):
            if name.endswith("_many"):
                continue  # a list of ids, in the query
            parameters = list(inspect.signature(function).parameters.values())[1:]
            positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
            in_path = [part[1:-1] for part in template.split("/") if part.startswith("{")]
            assert positional == in_path, f"{group.__name__}.{name}"
