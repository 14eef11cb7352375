"""The loop thread's hop: a call stopped after it started is not told "nothing happened"."""

from __future__ import annotations

import asyncio
import threading

import pytest

from iamport_async.errors import ClientClosedError
from iamport_async.sync import _runner
from iamport_async.sync._runner import Runner


def test_a_call_stopped_by_close_after_it_started_has_an_unknown_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_runner, "_CLOSE_GRACE", 0.01)
    runner = Runner()
    started = threading.Event()

    async def in_flight() -> None:  # a charge whose answer has not come
        started.set()
        await asyncio.Event().wait()

    call = runner.submit(in_flight())
    assert started.wait(5)
    runner.close()
    with pytest.raises(ClientClosedError) as raised:
        runner.wait(call)
    assert raised.value.outcome_known is False
    assert "may have carried it out" in str(raised.value)


def test_a_call_refused_by_a_closed_runner_sent_nothing() -> None:
    runner = Runner()
    runner.close()

    async def never() -> None:
        raise AssertionError("not started")

    with pytest.raises(ClientClosedError) as raised:
        runner.run(never())
    assert raised.value.outcome_known is True
