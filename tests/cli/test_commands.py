"""The iamport-async command against the fake API, in-process (``main(argv, transport=)``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from iamport_async.cli import main
from iamport_async.reconcile import Progress
from iamport_async.testing import FakeIamport


def seed(fake: FakeIamport, n: int) -> list[dict[str, Any]]:
    return [
        fake.add_payment(
            imp_uid=f"imp_{i}",
            merchant_uid=f"ord_{i}",
            amount=1000 + i,
            status="paid",
            cancel_amount=0,
        )
        for i in range(n)
    ]


def write_csv(path: Path, rows: list[str]) -> str:
    path.write_text("imp_uid,merchant_uid,amount,status\n" + "\n".join(rows) + "\n")
    return str(path)


def report(path: Path) -> tuple[list[dict[str, str]], str]:
    lines = path.read_text().splitlines()
    return list(csv.DictReader(lines[:-1])), lines[-1]


def test_planted_mismatches_and_bad_rows_exit_1(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 300)
    rows = [f"imp_{i},,{1000 + i},paid" for i in range(300)]
    rows[10] = "imp_10,,999,paid"  # line 12: amount differs
    rows[20] = ",ord_20,1020,cancelled"  # line 22: status differs
    rows[30] = "imp_nope,,1,paid"  # line 32: unknown
    rows[40] = "imp_40,,forty,paid"  # line 42: bad row
    rows[50] = ",,1050,paid"  # line 52: bad row
    out = tmp_path / "report.csv"
    code = main(
        ["reconcile", write_csv(tmp_path / "o.csv", rows), "--out", str(out), "--plain"],
        transport=fake.transport(),
    )
    assert code == 1
    found, trailer = report(out)
    by_line = {int(r["line"]): r for r in found}
    assert len(found) == 300
    assert by_line[12]["outcome"] == "amount_differs"
    assert by_line[12]["amount"] == "1010"
    assert by_line[22]["outcome"] == "status_differs"
    assert by_line[32]["outcome"] == "unknown"
    assert by_line[42]["outcome"] == by_line[52]["outcome"] == "bad_row"
    assert sum(r["outcome"] == "matched" for r in found) == 295
    assert trailer == "# complete: 298 orders, 2 bad rows"
    err = capsys.readouterr().err
    assert "line 42: amount: 'forty' is not a number" in err
    assert "line 52: no imp_uid and no merchant_uid" in err
    assert "amount_differs" in err  # the summary table
    assert fake.stats.requests["GET /payments"] == 4  # 298 ids: 3 by imp_uid, 1 by merchant_uid


def test_everything_matched_exits_0_with_a_jsonl_report(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 5)
    orders = tmp_path / "o.jsonl"
    orders.write_text(
        "".join(json.dumps({"imp_uid": f"imp_{i}", "amount": 1000 + i}) + "\n" for i in range(5))
    )
    out = tmp_path / "r.jsonl"
    assert main(["reconcile", str(orders), "--out", str(out)], transport=fake.transport()) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["outcome"] for line in lines[:-1]] == ["matched"] * 5
    assert lines[0]["amount"] == lines[0]["expected_amount"]
    assert lines[-1] == {"trailer": "complete", "orders": 5, "bad_rows": 0}


def test_ctrl_c_leaves_a_partial_report_that_says_so(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 1000)
    rows = [f"imp_{i},,{1000 + i},paid" for i in range(1000)]

    def interrupt(progress: Progress) -> None:
        if progress.done >= 300:
            raise KeyboardInterrupt

    out = tmp_path / "r.csv"
    code = main(
        ["reconcile", write_csv(tmp_path / "o.csv", rows), "--out", str(out), "--plain"],
        transport=fake.transport(),
        progress_hook=interrupt,
    )
    assert code == 130
    found, trailer = report(out)
    assert len(found) == 300
    assert all(r["outcome"] == "matched" for r in found)
    assert trailer.startswith("# partial: 300 orders")
    assert "partial" in capsys.readouterr().err


def test_no_credentials_is_a_usage_error(
    fake: FakeIamport,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("IAMPORT_API_SECRET")
    path = write_csv(tmp_path / "o.csv", ["imp_1,,1,paid"])
    assert main(["reconcile", path], transport=fake.transport()) == 2
    assert "IAMPORT_API_SECRET" in capsys.readouterr().err
    assert fake.stats.total_requests == 0


def test_refused_credentials_exit_3_after_one_login(
    fake: FakeIamport,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not exit 1 ("differences found") with every order lookup_failed: nothing was compared."""
    monkeypatch.setenv("IAMPORT_API_SECRET", "wrong")
    seed(fake, 10)
    rows = [f"imp_{i},,{1000 + i},paid" for i in range(2000)]
    out = tmp_path / "r.csv"
    code = main(
        ["reconcile", write_csv(tmp_path / "o.csv", rows), "--out", str(out), "--plain"],
        transport=fake.transport(),
    )
    assert code == 3
    found, trailer = report(out)
    assert found == []
    assert trailer.startswith("# partial: 0 orders")
    err = capsys.readouterr().err
    assert "the API refused the credentials (IAMPORT_API_KEY, IAMPORT_API_SECRET)" in err
    assert "wrong" not in err
    assert fake.stats.requests["POST /users/getToken"] == 1
    assert main(["payments", "get", "imp_1", "imp_2"], transport=fake.transport()) == 3
    assert fake.stats.requests["POST /users/getToken"] == 2  # one more run, one more login
    assert fake.stats.requests.get("GET /payments", 0) == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [("--base-url", "http://user:hunter2@api.example.com"), ("--tier", "a1")],
)
def test_a_bad_connection_option_is_a_usage_error_not_a_traceback(
    fake: FakeIamport, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["payments", "get", option, value, "imp_1"], transport=fake.transport()) == 2
    err = capsys.readouterr().err
    assert option.removeprefix("--").replace("-", "_") in err
    assert "hunter2" not in err
    assert fake.stats.total_requests == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["reconcile", "missing.csv"],
        ["reconcile", "orders.xlsx"],
        ["reconcile", "{csv}", "--concurrency", "0"],
        ["reconcile", "{csv}", "--tier", "lower"],
        ["reconcile", "{csv}", "--rate", "0"],
        ["reconcile"],
        ["nothing"],
        ["payments", "get", " "],
    ],
)
def test_usage_and_input_errors_exit_2(
    fake: FakeIamport, tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "o.csv", ["imp_1,,1,paid"])
    argv = [arg.replace("{csv}", path) for arg in argv]
    if argv[1:2] == ["missing.csv"] or argv[1:2] == ["orders.xlsx"]:
        argv[1] = str(tmp_path / argv[1])
    assert main(argv, transport=fake.transport()) == 2
    assert capsys.readouterr().err
    assert fake.stats.requests.get("GET /payments", 0) == 0


def test_payments_get_prints_json_without_buyer_or_card_details(
    fake: FakeIamport, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.add_payment(
        imp_uid="imp_a",
        merchant_uid="ord_a",
        amount=1500,
        status="paid",
        buyer_name="홍길동",
        buyer_email="gd@example.com",
        card_number="536112******1234",
    )
    code = main(["payments", "get", "imp_a", "imp_b", "--json"], transport=fake.transport())
    assert code == 1  # imp_b is missing
    captured = capsys.readouterr()
    (payment,) = json.loads(captured.out)
    assert payment["imp_uid"] == "imp_a"
    assert payment["amount"] == 1500
    assert payment["status"] == "paid"
    assert "홍길동" not in captured.out
    assert "gd@example.com" not in captured.out
    assert "1234" not in captured.out
    assert "imp_b: not found" in captured.err
    assert fake.stats.requests["GET /payments"] == 1


@pytest.mark.parametrize("plain", [True, False])
def test_payments_get_table(
    fake: FakeIamport, capsys: pytest.CaptureFixture[str], plain: bool
) -> None:
    fake.add_payment(imp_uid="imp_a", merchant_uid="ord_a", amount=1500, status="paid")
    argv = ["payments", "get", "imp_a", *(["--plain"] if plain else [])]
    assert main(argv, transport=fake.transport()) == 0
    out = capsys.readouterr().out
    assert "imp_a" in out
    assert "ord_a" in out
    assert "1,500" in out


def test_payments_get_plain_lines_values_up(
    fake: FakeIamport, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.add_payment(
        imp_uid="imp_a", merchant_uid="ord_a", amount=1500, status="paid", paid_at=1700000000
    )
    assert main(["payments", "get", "imp_a", "--plain"], transport=fake.transport()) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines[1:] if not line.lstrip().startswith("-")]
    starts = {line.index(line.split()[1]) for line in rows}  # where each value begins
    assert len(starts) == 1, lines
    assert any("2023-11-14T22:13:20+00:00" in line for line in rows)


def test_the_demo_fails_when_a_discrepancy_is_missed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from iamport_async.cli import _demo
    from iamport_async.reconcile import ReconcileOutcome

    real_plan = _demo.plan

    def lying_plan(records: list[dict[str, Any]], seed: int = _demo.SEED) -> _demo.Plan:
        layout = real_plan(records, seed)
        ref = next(r for r, o in layout.planted.items() if o is ReconcileOutcome.AMOUNT_DIFFERS)
        layout.planted[ref] = ReconcileOutcome.STATUS_DIFFERS  # a claim the run will not confirm
        return layout

    monkeypatch.setattr(_demo, "plan", lying_plan)
    assert main(["demo", "--payments", "1000", "--plain"]) == 1
    assert "FAILED: 1 problems" in capsys.readouterr().out


def test_without_rich_the_command_prints_plain_text(
    fake: FakeIamport, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from iamport_async.cli._display import PlainDisplay, make_display

    for name in ("rich", "rich.console", "rich.progress", "rich.table"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if not installed
    assert isinstance(make_display(), PlainDisplay)
    fake.add_payment(imp_uid="imp_a", merchant_uid="ord_a", amount=1500, status="paid")
    assert main(["payments", "get", "imp_a"], transport=fake.transport()) == 0
    out = capsys.readouterr().out
    assert "1,500" in out
    assert "┃" not in out  # no rich box drawing
