"""The shape every paged listing shares: ``{total, previous, next, list}``."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

from iamport_async.models._types import Deciding, Model

T = TypeVar("T")
"""The type of the listing's items."""


@attrs.frozen
class Page(Model, Generic[T]):
    """One page of a listing. ``previous`` and ``next`` are page numbers, 0 where there is none;
    pages start at 1."""

    DECIDING = Deciding("total", "list", "previous", "next")
    """Strict, all of it: a page that cannot say its items or its next page is no page."""

    total: int
    """How many items the whole listing has, over every page."""
    list: tuple[T, ...]
    """The items on this page."""
    previous: int = 0
    """The previous page's number; 0 on the first page."""
    next: int = 0
    """The next page's number; 0 on the last page."""
