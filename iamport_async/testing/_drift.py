"""Drift on demand: answers whose fields carry values of another type than the API's, as a
server that is not quite i'mport's (or i'mport after a change) sends them.

``fake.drift.set({"card_type": "card"})`` makes every later answer carry ``"card"`` wherever
it has a ``card_type`` field (at any depth: a payment, a cancel in its history, each item of
a list or a page); ``operations=`` limits it to some operations. The fake does the work as
usual, then drifts what it answers: test that your code gets a billing key whose
``card_type`` is None, with ``"card"`` in its ``misfits``, and a delete that succeeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from iamport_async.testing._http import Reply, encode


class Drift:
    """``fake.drift``: values to put in place of the fake's own, by field name."""

    def __init__(self, operations: Iterable[str]) -> None:
        self._operations = frozenset(operations)
        self._rules: list[tuple[dict[str, Any], frozenset[str] | None]] = []

    def set(self, fields: Mapping[str, Any], *, operations: Iterable[str] | None = None) -> None:
        """From now on, answers (of ``operations``, named ``"GET /payments/{imp_uid}"``;
        None: every operation but the token's) carry these values for these fields, wherever
        the answer already has the field. Rules add up; a later one wins on the same field."""
        wanted = None if operations is None else frozenset(operations)
        for name in wanted or ():
            if name not in self._operations:
                raise ValueError(f"unknown operation {name!r}; e.g. 'GET /payments/{{imp_uid}}'")
        self._rules.append((dict(fields), wanted))

    def clear(self) -> None:
        """No more drift: answers are the fake's own again."""
        self._rules.clear()

    @property
    def active(self) -> bool:
        """Whether any rule is set."""
        return bool(self._rules)

    # -- used by the fake --------------------------------------------------------------------

    def apply(self, operation: str | None, reply: Reply, *, token: bool) -> Reply:
        """``reply`` with this operation's drift applied to its ``response`` (a reply that is
        not a JSON envelope is left alone)."""
        fields: dict[str, Any] = {}
        for rule, wanted in self._rules:
            if (wanted is None and not token) or (wanted is not None and operation in wanted):
                fields.update(rule)
        if not fields:
            return reply
        try:
            body = json.loads(reply.body, parse_float=Decimal)
        except ValueError:
            return reply
        if not isinstance(body, dict) or "response" not in body:
            return reply
        body["response"] = _drifted(body["response"], fields)
        return Reply(reply.status, encode(body), reply.headers)


def _drifted(value: Any, fields: Mapping[str, Any]) -> Any:
    if isinstance(value, list):
        return [_drifted(item, fields) for item in value]
    if isinstance(value, dict):
        return {
            key: fields[key] if key in fields else _drifted(item, fields)
            for key, item in value.items()
        }
    return value
