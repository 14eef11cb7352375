"""docs/retries.md's mutations table is the one the code declares, and every mutation
declares how its unknown outcome is settled."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from iamport_async import Iamport
from iamport_async._mutations import BEGIN, END, mutations

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_mutations_table.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_mutations_table", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def client() -> AsyncIterator[Iamport]:
    async with Iamport(imp_key="docs", imp_secret="docs") as client:  # no request is sent
        yield client


def test_the_committed_mutations_table_is_up_to_date() -> None:
    generator = _generator()
    committed = generator.OUTPUT.read_text(encoding="utf-8")
    assert BEGIN in committed
    assert END in committed
    assert committed == generator.render(committed), (
        "docs/retries.md's table is out of date: run `python scripts/gen_mutations_table.py`"
    )


@pytest.mark.anyio
async def test_every_method_that_changes_something_declares_its_settlement(
    client: Iamport,
) -> None:
    found = mutations(client)
    undeclared = [name for name, (_, mark) in found.items() if mark is None]
    assert undeclared == []
    assert len(found) >= 50  # every non-GET operation of the spec the client serves
    assert "payments.cancel" in found
    assert "subscribe.onetime" in found
