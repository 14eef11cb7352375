"""Reading order files: good rows become orders, bad rows are reported by line, not fatal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from iamport_async.cli._orders import BadRow, InputFileError, OrderFile, count_rows


def read(path: Path) -> tuple[list[tuple[object, str | None, Decimal]], list[BadRow]]:
    bad: list[BadRow] = []
    source = OrderFile(str(path), bad.append)
    try:
        orders = [(o.ref, o.imp_uid or o.merchant_uid, o.amount) for o in source]
    finally:
        source.close()
    return orders, bad


def test_csv_rows_and_bad_rows_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(
        b"\xef\xbb\xbfimp_uid,merchant_uid,amount,status\n"
        b"imp_1,,1000,paid\n"
        b",,2000,paid\n"  # line 3: no id
        b"imp_3,,12x,paid\n"  # line 4: not a number
        b"imp_\xff4,,1000,paid\n"  # line 5: not UTF-8
        b"\n"
        b',ord_7,"1500.50",cancelled\n'
        b"imp_8,,1000\n"  # line 8: too few fields
        b"imp_9,,-5,paid\n"  # line 9: negative
        b"imp_10,,1.5e3,\n"
    )
    orders, bad = read(path)
    assert orders == [
        (2, "imp_1", Decimal(1000)),
        (7, "ord_7", Decimal("1500.50")),
        (10, "imp_10", Decimal(1500)),
    ]
    assert [b.line for b in bad] == [3, 4, 5, 8, 9]
    assert "imp_uid" in bad[0].problem
    assert "'12x' is not a number" in bad[1].problem
    assert "UTF-8" in bad[2].problem
    assert count_rows(str(path)) == 8


def test_jsonl_rows_amounts_never_become_floats(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_bytes(
        b'{"imp_uid": "imp_1", "amount": 1000}\n'
        b'{"merchant_uid": "ord_2", "amount": 0.1, "currency": "USD"}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"imp_uid": "imp_5", "amount": "abc"}\n'
        b'{"imp_uid": 5, "amount": 1}\n'
        b'{"imp_uid": "imp_\xc3", "amount": 1}\n'
    )
    orders, bad = read(path)
    assert orders == [(1, "imp_1", Decimal(1000)), (2, "ord_2", Decimal("0.1"))]
    assert isinstance(orders[1][2], Decimal)
    assert [b.line for b in bad] == [3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.txt", b"imp_uid,amount\n", ".csv or .jsonl"),
        ("orders.csv", b"", "empty"),
        ("orders.csv", b"imp_uid,price\nimp_1,1\n", "needs 'amount'"),
        ("orders.csv", b"order,amount\nimp_1,1\n", "imp_uid"),
    ],
)
def test_a_file_that_cannot_be_read_at_all(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        OrderFile(str(path), print)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="No such file"):
        OrderFile(str(tmp_path / "none.csv"), print)
