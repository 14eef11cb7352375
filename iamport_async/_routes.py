"""A request's path back to the API's route template: ``/payments/imp_1`` is
``/payments/{imp_uid}``. Instrumentation names calls by template, never by path (ids are
personal data, and a label per id would have no end).

The templates are the ``@operation`` marks of the endpoint groups, so every route a client
method can call is known; a path matching none (``client.request`` to somewhere else) has no
template.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from iamport_async._operations import TOKEN_OPERATION, operation_methods
from iamport_async.endpoints._base import Endpoints

_Templates = dict[tuple[str, int], list[tuple[tuple[str | None, ...], str]]]


def route_template(method: str, path: str) -> str | None:
    """The template of ``method path`` (the path without its query), or ``None``.

    Where two templates match, the one with more fixed segments, earlier, wins:
    ``/payments/prepare`` is not ``/payments/{imp_uid}``.
    """
    segments = path.partition("?")[0].split("/")
    for fixed, template in _templates().get((method.upper(), len(segments)), ()):
        if all(
            part is None or part == segment for part, segment in zip(fixed, segments, strict=True)
        ):
            return template
    return None


@functools.cache
def _templates() -> _Templates:
    table: _Templates = {}
    operations = {*operation_methods(list(_groups())), TOKEN_OPERATION}
    for method, template in operations:
        fixed = tuple(None if part.startswith("{") else part for part in template.split("/"))
        table.setdefault((method, len(fixed)), []).append((fixed, template))
    for candidates in table.values():  # most specific first: fixed segments, leftmost first
        candidates.sort(key=lambda entry: tuple(part is None for part in entry[0]))
    return table


def _groups(cls: type[Endpoints] = Endpoints) -> Iterator[type[Endpoints]]:
    """Every endpoint group class defined (the client imports them all)."""
    for sub in cls.__subclasses__():
        yield sub
        yield from _groups(sub)
