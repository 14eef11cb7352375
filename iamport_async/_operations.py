"""Which client method serves which API operation, read from the ``@operation`` marks.

The contract test and the docs' operation table (``docs/operations.md``) both read this, so an
operation of the spec that no method serves shows up in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from iamport_async._engine.engine import TOKEN_PATH
from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE, Endpoints

Operation = tuple[str, str]
"""``(METHOD, path template)`` as the spec writes them: ``("GET", "/payments/{imp_uid}")``."""

TOKEN_OPERATION: Operation = ("POST", TOKEN_PATH)
TOKEN_METHOD = "_engine.tokens.get"  # noqa: S105 (a method's name, not a secret)
"""getToken has no endpoint method: every client fetches and refreshes its token itself."""


def operation_methods(
    source: Any | Iterable[type[Endpoints]],
) -> dict[Operation, list[str]]:
    """Every operation served, with the dotted names of all the methods that serve it.

    ``source`` is a client (names are ``"payments.get"``, from its group attributes, plus
    getToken served by its engine) or an iterable of ``Endpoints`` classes (names are
    ``"Payments.get"``: for groups not wired into the client yet). Names keep the order the
    groups and methods are defined in, so the first one is the group's main form.
    """
    served: dict[Operation, list[str]] = {}
    for owner, cls in _groups(source):
        for name, function in _methods(cls):
            for method, template in getattr(function, OPERATIONS_ATTRIBUTE, ()):
                served.setdefault((method, template), []).append(f"{owner}.{name}")
    if not isinstance(source, Iterable) and hasattr(source, "_engine"):
        served.setdefault(TOKEN_OPERATION, []).append(TOKEN_METHOD)
    return served


def client_operations(source: Any | Iterable[type[Endpoints]]) -> dict[Operation, str]:
    """``(METHOD, path template)`` to the dotted name of the (first) method that serves it."""
    return {key: names[0] for key, names in operation_methods(source).items()}


def _groups(source: Any | Iterable[type[Endpoints]]) -> Iterator[tuple[str, type[Endpoints]]]:
    if isinstance(source, Iterable):
        for cls in source:
            if not (isinstance(cls, type) and issubclass(cls, Endpoints)):
                raise TypeError(f"not an Endpoints class: {cls!r}")
            yield cls.__name__, cls
        return
    for attribute, value in vars(source).items():
        if isinstance(value, Endpoints) and not attribute.startswith("_"):
            yield attribute, type(value)


def _methods(cls: type[Endpoints]) -> Iterator[tuple[str, Any]]:
    """Public functions of ``cls`` and its bases, in definition order, each name once."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        for name, function in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            yield name, function
