"""Prints the contract figure at the end of a run: operations covered / operations in the spec.

An operation counts as covered when each of its contract tests that ran passed (every answer
variant, on every backend).
"""

from __future__ import annotations

import pytest

_PROPERTY = "contract_operation"
_outcomes: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    operation = dict(report.user_properties).get(_PROPERTY)
    if not isinstance(operation, str):
        return
    if report.when == "call" or report.failed:
        _outcomes[operation] = _outcomes.get(operation, True) and report.passed


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcomes:
        return
    from tests.contract.test_contract import OPERATION_COUNT

    covered = sum(_outcomes.values())
    terminalreporter.write_line(f"contract: {covered}/{OPERATION_COUNT} operations covered")
