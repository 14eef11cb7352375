"""A call's URL, put together from the parsed base URL, is the one httpx parses from text."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamport_async._engine import url as url_module
from iamport_async._engine.query import encode_query, id_params, plain_query
from iamport_async._engine.url import Urls
from iamport_async.endpoints._base import path as endpoint_path
from iamport_async.errors import InvalidInputError

BASES = [
    "https://api.iamport.kr",
    "http://127.0.0.1:8080",
    "https://proxy.example.com/iamport",
    "https://proxy.example.com:8443/a/b",
    "http://[::1]:9000",
]


def parsed(base: str, path: str, query: str) -> httpx.URL:
    return httpx.URL(f"{base}{path}?{query}" if query else base + path)


def same(ours: httpx.URL | str, theirs: httpx.URL) -> None:
    url = httpx.URL(ours) if isinstance(ours, str) else ours
    assert url == theirs
    assert str(url) == str(theirs)
    assert url.raw_path == theirs.raw_path
    assert (url.scheme, url.host, url.port, url.path, url.query) == (
        theirs.scheme,
        theirs.host,
        theirs.port,
        theirs.path,
        theirs.query,
    )


def test_this_httpx_keeps_its_parsed_url_where_urls_puts_it() -> None:
    assert url_module._WORKS
    assert isinstance(Urls(BASES[0]).of("/payments/imp_1", ""), httpx.URL)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(BASES),
    st.lists(st.text(max_size=12), max_size=3),
    st.lists(st.tuples(st.sampled_from(["imp_uid", "merchant_uid", "page"]), st.text(max_size=12))),
)
def test_the_urls_endpoints_write_are_the_ones_httpx_parses(
    base: str, segments: list[str], keys: list[tuple[str, str]]
) -> None:
    try:
        path = endpoint_path("/payments" + "/{}" * len(segments), *segments)
        query = encode_query(id_params(keys))
    except InvalidInputError:
        return
    same(Urls(base).of(path, query), parsed(base, path, query))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(BASES),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
)
def test_any_text_is_put_together_only_where_httpx_keeps_it_as_is(
    base: str, path: str, query: str
) -> None:
    path = "/" + path
    ours = Urls(base).of(path, query)
    try:
        theirs = parsed(base, path, query)
    except httpx.InvalidURL:
        assert isinstance(ours, str)  # httpx refuses it, as before
        return
    same(ours, theirs)


def test_a_query_of_ids_is_written_in_one_go() -> None:
    keys = [("imp_uid", f"imp_{i}") for i in range(3)]
    assert plain_query(id_params(keys)) == "imp_uid[]=imp_0&imp_uid[]=imp_1&imp_uid[]=imp_2"
    mixed = [("imp_uid", "a"), ("merchant_uid", "b.c~d")]
    assert plain_query(id_params(mixed)) == "imp_uid[]=a&merchant_uid[]=b.c~d"


@pytest.mark.parametrize(
    "params",
    [
        [("imp_uid[]", "a b")],
        [("imp_uid[]", "a\nb")],
        [("imp_uid[]", "a"), ("imp_uid[]", "b\n")],
        [("page", 1)],
        [("flag", True)],
        {"imp_uid[]": "a"},
        [],
        [("imp_uid[]\ud800", "c")],
    ],
)
def test_anything_else_is_left_to_the_one_by_one_encoder(params: object) -> None:
    assert plain_query(params) is None  # type: ignore[arg-type]


@given(st.lists(st.tuples(st.sampled_from(["imp_uid[]", "x[]", "page"]), st.text(max_size=8))))
def test_one_go_writes_what_the_one_by_one_encoder_writes(pairs: list[tuple[str, str]]) -> None:
    fast = plain_query(pairs)
    if fast is not None:
        assert fast == encode_query(pairs)
