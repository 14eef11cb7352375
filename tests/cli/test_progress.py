"""The reconcile progress line counts what the client met: retries, throttled answers (429/503)
and the rate it allows now, as reported by the client's instrumentation."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from iamport_async import Iamport
from iamport_async.cli import _common, main
from iamport_async.testing import FakeIamport, VirtualClock
from tests.cli.test_commands import seed, write_csv


@pytest.fixture(autouse=True)
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retries' backoff runs on a virtual clock: the test does not wait for it."""
    monkeypatch.setattr(_common, "Iamport", functools.partial(Iamport, clock=VirtualClock()))


def reconcile(fake: FakeIamport, tmp_path: Path, n: int, *options: str) -> int:
    seed(fake, n)
    orders = write_csv(tmp_path / "o.csv", [f"imp_{i},,{1000 + i},paid" for i in range(n)])
    argv = ["reconcile", orders, "--out", str(tmp_path / "r.csv"), "--plain", *options]
    return main(argv, transport=fake.transport())


def test_the_line_counts_scripted_503s_as_retries_and_throttles(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.faults.script("503", "503", "503", operations=["GET /payments"])
    assert reconcile(fake, tmp_path, 300, "--rate", "50") == 0  # every 503 retried away
    line = progress_line(capsys.readouterr().err)
    assert line.startswith("reconciling: 300/300 orders")
    assert line.endswith("; 3 retries, 3 throttled (429/503), rate 50.0/s")


def test_adaptive_shows_the_rate_it_fell_to(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.faults.script("503", operations=["GET /payments"])
    assert reconcile(fake, tmp_path, 300, "--rate", "50", "--adaptive") == 0
    line = progress_line(capsys.readouterr().err)
    assert "1 retry, 1 throttled (429/503)" in line
    match = re.search(r"rate ([\d.,]+)/s$", line)
    assert match, line
    assert float(match[1]) < 50


def test_a_quiet_run_shows_no_counts(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reconcile(fake, tmp_path, 30) == 0
    line = progress_line(capsys.readouterr().err)
    assert line.startswith("reconciling: 30/30 orders, ")
    assert ";" not in line  # no retry, no throttle, no rate limit: nothing more to say


def test_adaptive_with_redis_is_a_usage_error(
    fake: FakeIamport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = write_csv(tmp_path / "o.csv", ["imp_1,,1000,paid"])
    argv = ["reconcile", orders, "--adaptive", "--redis-url", "redis://127.0.0.1:1/0"]
    assert main(argv, transport=fake.transport()) == 2
    assert "--adaptive" in capsys.readouterr().err


def progress_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("reconciling: ")]
    assert lines, err
    return lines[-1]
