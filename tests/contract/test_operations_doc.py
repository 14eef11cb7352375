"""docs/operations.md is the table the generator makes from the current code."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_operations_table.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_operations_table", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_operation_table_is_up_to_date() -> None:
    generator = _generator()
    expected = generator.render()
    committed = generator.OUTPUT.read_text(encoding="utf-8") if generator.OUTPUT.exists() else ""
    assert committed == expected, (
        "docs/operations.md is out of date: run `python scripts/gen_operations_table.py`"
    )


def test_the_table_lists_every_operation_once_by_method_and_path() -> None:
    generator = _generator()
    rows = generator.spec_operations()
    assert len(rows) == 81
    assert len({(method, path) for _, method, path in rows}) == 81
    table = generator.render()
    for operation_id, method, path in rows:
        assert f"| {operation_id} | {method} | `{path}` |" in table
