"""The shape every paged listing shares: ``{total, previous, next, list}``."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

from iamport_async.models._converter import Model

T = TypeVar("T")


@attrs.frozen
class Page(Model, Generic[T]):
    """One page of a listing. ``previous`` and ``next`` are page numbers, 0 where there is none;
    pages start at 1."""

    total: int
    list: tuple[T, ...]
    previous: int = 0
    next: int = 0
