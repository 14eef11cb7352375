"""Ids in chunks: at most 100 to a request and a bounded query length, each once per chunk.

This is the one chunker: :func:`~iamport_async._batching.stream.lookup_all` and the stream
feed it an input of any length, and the coalescer feeds it the ids of concurrent callers.
"""

from __future__ import annotations

from iamport_async._engine.query import id_param_length

Key = tuple[str, str]
"""``(kind, id)`` in the caller's terms, e.g. ``("imp_uid", "imp_1")``. Only
``_engine/query.py`` knows how a query spells it (the API's bracketed key)."""

MAX_IDS = 100
"""The API's documented maximum of ids per multi-lookup."""

MAX_QUERY_LENGTH = 6000
"""Characters of encoded query string per request. Proxies and servers commonly cap the
request line at 8 KiB; this leaves room for the path and the HTTP framing."""


def encoded_length(key: Key) -> int:
    """Characters ``key`` adds to a query string, encoded as sent."""
    return id_param_length(key[0], key[1])


class ChunkBuilder:
    """Groups keys into chunks of 1 to ``max_ids`` keys and at most ``max_query_length``
    encoded characters, dropping a key repeated within the chunk being built.

    A single key longer than the length bound still makes a chunk of its own: it cannot be
    split, and refusing it is the endpoint's job.
    """

    def __init__(self, max_ids: int = MAX_IDS, max_query_length: int = MAX_QUERY_LENGTH) -> None:
        if max_ids < 1:
            raise ValueError("max_ids must be at least 1")
        self.max_ids = max_ids
        self.max_query_length = max_query_length
        self._keys: dict[Key, None] = {}
        self._length = 0

    def add(self, key: Key) -> list[list[Key]]:
        """Add ``key``; return the chunks it closed (none, usually): the one being built if
        ``key`` does not fit in it, and the one holding ``key`` if that is now full."""
        if key in self._keys:
            return []
        length = encoded_length(key)
        closed = []
        if self._keys and self._length + length > self.max_query_length:
            closed.append(self._take())
        self._keys[key] = None
        self._length += length
        if len(self._keys) >= self.max_ids:
            closed.append(self._take())
        return closed

    def flush(self) -> list[Key] | None:
        """The chunk being built (None if empty), and start a new one."""
        return self._take() if self._keys else None

    def _take(self) -> list[Key]:
        chunk = list(self._keys)
        self._keys = {}
        self._length = 0
        return chunk
