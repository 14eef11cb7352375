"""The demo's text: what docs/cli.md says of it is what it does, and its tables line up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iamport_async.cli import main
from iamport_async.cli._demo import FAULTS, RETRIES, SEED, fewest_requests, intro, plan
from iamport_async.testing import FakeIamport

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _sample() -> str:
    """The demo's output as the page shows it (the ``text`` block of the demo section)."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## `iamport-async demo") : text.index("## `iamport-async reconcile")]
    return section[section.index("```text\n") + 8 : section.rindex("```")]


def test_the_page_states_the_demos_own_numbers() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"scripts {FAULTS} `HTTP 503` answers" in text
    assert f"after their {RETRIES} retries" in text


def test_the_pages_sample_output_is_what_10000_payments_give() -> None:
    fake = FakeIamport(seed=SEED)
    layout = plan(fake.seed_payments(10_000))
    sample = " ".join(_sample().split())
    assert " ".join(intro(10_000, layout).split()) in sample
    assert f"The fewest possible is {fewest_requests(layout):,}:" in sample
    assert f"{FAULTS} of them answered HTTP 503" in sample
    assert f"HTTP 503 past {RETRIES} retries" in sample


@pytest.mark.parametrize("plain", [True, False])
def test_the_demo_table_shows_every_planted_outcome_found(
    capsys: pytest.CaptureFixture[str], plain: bool
) -> None:
    assert main(["demo", "--payments", "3000", *(["--plain"] if plain else [])]) == 0
    out = capsys.readouterr().out
    assert "OK: every planted discrepancy was found" in out
    for kind in ("amount_differs", "status_differs", "refunded_partly", "unknown", "duplicate"):
        # outcome, first pass, final, planted: the final count is the planted one
        assert re.search(rf"{kind}\s+[\d,]+\s+3\s+3\s", out), kind
    assert re.search(r"lookup_failed\s+[1-9][\d,]*\s+0\s+0\s", out)
    assert max(len(line) for line in out.splitlines()) <= 100  # readable in a terminal
