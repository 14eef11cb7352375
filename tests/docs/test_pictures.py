"""The docs' pictures are plots of measured data, and the pages quote that data faithfully.

Each ``docs/img/*.svg`` is drawn by ``scripts/pictures.py`` from the JSON file beside it,
which a benchmark wrote (``nox -s pictures``): the file must be there, and say when and on
what machine it was measured. The performance page's figures for the peers benchmark must be
the ones in its data file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PICTURES = sorted((DOCS / "img").glob("*.svg"))


def test_there_are_pictures() -> None:
    assert {p.stem for p in PICTURES} >= {"peers", "adaptive", "memory", "trace-retried-call"}


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.stem)
def test_each_picture_has_its_measured_data_beside_it(picture: Path) -> None:
    data = json.loads(picture.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["date"]
    assert data["machine"]
    assert data.get("samples") or data.get("rows") or data.get("spans")
    assert f"img/{picture.name}" in "".join(p.read_text("utf-8") for p in DOCS.glob("*.md"))


def test_the_performance_page_quotes_the_peers_run() -> None:
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    data = json.loads((DOCS / "img" / "peers.json").read_text(encoding="utf-8"))
    rows = {row["label"]: row for row in data["rows"]}
    batched = rows["iamport-async, batched"]
    assert f"{batched['requests']:,} requests" in page
    assert f"all {batched['done']:,} found in\n  {batched['wall_s']:.1f} s" in page
    naive = rows["iamport-async, one get per id (naive)"]
    assert f"{naive['done']:,} found when the {data['bound_s']:.0f} s were up" in page
    peer = rows["async-iamport"]
    assert f"all {peer['errors']['TimeoutError']:,} failed with `TimeoutError`" in page
    assert peer["requests"] == 0  # "not one request reached the server"
    official = rows["iamport-rest-client (official)"]
    assert f"{official['requests']:,} requests ({official['token_requests']:,})" in page
    assert f"{official['done']:,} found in the {data['bound_s']:.0f} s" in page


def test_the_performance_page_quotes_the_memory_run() -> None:
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    data = json.loads((DOCS / "img" / "memory.json").read_text(encoding="utf-8"))
    samples = data["samples"]
    assert f"over a generator of {data['ids_streamed']:,} ids" in page
    steady = {round(s["rss_mib"], 1) for s in samples if s["lookups"] >= 5000}
    assert steady == {63.2}, steady
    assert "stayed at 63.2 MiB" in page
    assert f"took {samples[-1]['t']:.0f} s" in page


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def test_the_observability_page_quotes_the_traced_call() -> None:
    page = " ".join((DOCS / "observability.md").read_text(encoding="utf-8").split())
    data = json.loads((DOCS / "img" / "trace-retried-call.json").read_text(encoding="utf-8"))
    call, token = data["spans"]
    assert token["parent"] == call["name"]  # the token request is the call's child span
    resent = call["attributes"]["http.request.resend_count"]
    assert f"one span of {ms(call['end'] - call['start'])} with" in page
    assert f"`http.request.resend_count` {resent} and status 200" in page
    attempts = [e["attributes"] for e in call["events"] if e["name"] == "attempt"]
    assert [a.get("http.response.status_code") for a in attempts] == [503, 503, 200]
    took = [ms(a["iamport.duration"]) for a in attempts]
    assert f"three `attempt` events of {took[0]}, {took[1]} and {took[2]} (503, 503, 200)" in page
    waits = [
        ms(e["attributes"]["iamport.retry.wait"]) for e in call["events"] if e["name"] == "retry"
    ]
    assert f"the backoffs were {waits[0]} and {waits[1]}" in page
    assert f"a child span of {ms(token['end'] - token['start'])}" in page
