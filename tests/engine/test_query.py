"""The query string the transport builds itself must be the one httpx would have sent, but for
the brackets of names such as ``imp_uid[]``, which go out as the API's examples write them."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from hypothesis import given
from hypothesis import strategies as st

import iamport_async
from iamport_async._engine import query as query_module
from iamport_async._engine.query import encode_query, id_param_length, id_params

BASE = "https://api.iamport.kr/payments"

names = st.sampled_from(["imp_uid[]", "merchant_uid[]", "page", "from", "sorting", "a b&c=d"])
values = st.one_of(st.text(), st.integers(), st.booleans(), st.floats(allow_nan=False))


Pairs = list[tuple[str, str | int | float | bool]]


def grouped(pairs: Pairs) -> Pairs:
    """``pairs`` in httpx's order: a name's values together, names in order of first use."""
    first = {name: index for index, (name, _) in reversed(list(enumerate(pairs)))}
    return sorted(pairs, key=lambda pair: first[pair[0]])


def same_as_httpx(ours: httpx.URL, theirs: httpx.URL) -> None:
    """The same parameters, and the same bytes once httpx's ``%5B%5D=`` is written ``[]=`` (a
    value cannot end so: its ``=`` is escaped, and ``&`` or the end follows it)."""
    assert ours.params.multi_items() == theirs.params.multi_items()
    assert ours.raw_path == theirs.raw_path.replace(b"%5B%5D=", b"[]=")


@given(st.lists(st.tuples(names, values), max_size=20))
def test_pairs_encode_as_httpx_encodes_them(pairs: Pairs) -> None:
    query = encode_query(grouped(pairs))
    ours = httpx.Request("GET", f"{BASE}?{query}" if pairs else BASE)
    same_as_httpx(ours.url, httpx.Request("GET", BASE, params=tuple(pairs)).url)


@given(st.dictionaries(names, st.one_of(st.none(), values)))
def test_a_mapping_leaves_out_none(params: dict[str, str | int | bool | None]) -> None:
    sent = {name: value for name, value in params.items() if value is not None}
    query = encode_query(params)
    ours = httpx.Request("GET", f"{BASE}?{query}" if query else BASE)
    same_as_httpx(ours.url, httpx.Request("GET", BASE, params=sent).url)


def test_the_usual_ids_go_out_as_they_are() -> None:
    query = encode_query([("imp_uid[]", "imp_123412341234"), ("imp_uid[]", "order-1.a_~")])
    assert query == "imp_uid[]=imp_123412341234&imp_uid[]=order-1.a_~"


def test_pairs_keep_the_order_given() -> None:
    pairs = [("imp_uid[]", "a"), ("merchant_uid[]", "b"), ("imp_uid[]", "c")]
    assert encode_query(pairs) == "imp_uid[]=a&merchant_uid[]=b&imp_uid[]=c"


def test_ids_that_need_escaping_are_escaped() -> None:
    query = encode_query([("merchant_uid[]", "주문 #1&x=y")])
    assert query == "merchant_uid[]=%EC%A3%BC%EB%AC%B8+%231%26x%3Dy"


def test_ids_named_by_kind_go_out_under_the_apis_bracketed_names() -> None:
    keys = [("imp_uid", "imp_1"), ("merchant_uid", "order 1"), ("customer_uid", "c/1")]
    assert encode_query(id_params(keys)) == (
        "imp_uid[]=imp_1&merchant_uid[]=order+1&customer_uid[]=c%2F1"
    )


@given(st.sampled_from(["imp_uid", "merchant_uid", "customer_uid"]), st.text())
def test_the_length_the_chunks_are_sized_by_is_the_length_sent(kind: str, value: str) -> None:
    assert id_param_length(kind, value) == len(encode_query(id_params([(kind, value)]))) + 1


WIRE_NAME = re.compile(r"\w+_uid\[\]")


def test_wire_names_are_spelled_in_the_query_module_only() -> None:
    """Everywhere else an id is named by its kind, as callers name it; the fake API
    (``iamport_async.testing``) is the server side and reads the query as the API does."""
    package = Path(iamport_async.__file__).parent
    spelled = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if WIRE_NAME.search(path.read_text(encoding="utf-8"))
        and path.parent.name != "testing"
        and path != Path(query_module.__file__)
    }
    assert spelled == set()
