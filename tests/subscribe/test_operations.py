"""Every subscribe and billing-key operation of the spec has exactly one marked method."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE
from iamport_async.endpoints.customers import Customers
from iamport_async.endpoints.subscribe import Subscribe

SPEC = Path(__file__).parents[1] / "contract" / "spec" / "iamport-v1.openapi.json"


def marks() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for group in (Customers, Subscribe):
        for _, member in inspect.getmembers(group, callable):
            found.extend(getattr(member, OPERATIONS_ATTRIBUTE, ()))
    return found


def test_the_groups_cover_the_subscribe_operations_of_the_spec_once_each() -> None:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    expected = {
        (method.upper(), route)
        for route, operations in spec["paths"].items()
        if route.startswith("/subscribe/")
        for method in operations
    }
    found = marks()
    assert len(expected) == 16
    assert sorted(found) == sorted(expected)
