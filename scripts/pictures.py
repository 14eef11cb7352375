"""Draw the docs' pictures (SVG, docs/img/) from the data files a real run wrote beside them.

Nothing here is drawn by hand: each picture is a plot of its JSON file, and the JSON files
are written by ``benchmarks/peers.py`` and ``benchmarks/_figures.py`` (``nox -s pictures``
runs all of it; the trace's is a real call traced by the OpenTelemetry SDK). Each picture
says when and where its data was measured.

    python scripts/pictures.py [docs/img]
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

plt.rcParams.update(
    {
        "svg.hashsalt": "iamport-async",  # stable ids: a redraw of the same data is no diff
        "svg.fonttype": "none",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
OURS, OTHERS, LIMIT = "#3f51b5", "#9e9e9e", "#e53935"


def _footer(fig: Any, data: dict[str, Any]) -> None:
    load = data.get("load_average")
    where = f"measured {data['date']} on {data['machine']}"
    if load:
        where += f", load average {load[0]}–{load[1]}"
    fig.text(0.01, 0.01, where, fontsize=7, color="#616161")


def _save(fig: Any, path: Path) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    print(f"wrote {path}")


def peers(data: dict[str, Any], path: Path) -> None:
    rows = data["rows"]
    labels = [f"{r['label']}\n{r['version']}" for r in rows]
    colors = [OURS if r["package"] == "iamport-async" else OTHERS for r in rows]
    fig, (requests, wall) = plt.subplots(2, 1, figsize=(8, 6.4))
    ys = list(range(len(rows)))[::-1]
    lookups = [r["requests"] - r["token_requests"] for r in rows]
    tokens = [r["token_requests"] for r in rows]
    requests.barh(ys, lookups, color=colors)
    requests.barh(ys, tokens, left=lookups, color=colors, alpha=0.45, hatch="//")
    requests.set_xscale("log")
    requests.set_xlim(1, max(r["requests"] for r in rows) * 400)
    requests.set_yticks(ys, labels)
    wall.set_yticks(ys, labels)
    requests.set_title("HTTP requests (log scale; hatched: token requests)")
    for y, r in zip(ys, rows, strict=True):
        note = f"{r['requests']:,}, of them {r['token_requests']:,} for tokens"
        requests.text(max(r["requests"], 1) * 1.15, y, note, va="center", fontsize=8)
    walls = [r["wall_s"] for r in rows]
    wall.barh(ys, walls, color=colors)
    wall.set_title("wall time, seconds")
    for y, r in zip(ys, rows, strict=True):
        note = f"{r['wall_s']:.1f} s: {r['done']:,} of {data['ids']:,} found"
        if r["errors"]:
            note += "\nerrors: " + ", ".join(f"{n:,} {k}" for k, n in r["errors"].items())
        if r.get("unfinished"):
            note += f"\n{r['unfinished']:,} unfinished at the {data['bound_s']:.0f} s bound"
        wall.text(r["wall_s"] + max(walls) * 0.03, y, note, va="center", fontsize=8)
    wall.set_xlim(0, max(walls) * 1.9)
    fig.suptitle(
        f"{data['ids']:,} payment lookups by imp_uid, {data['latency_s'] * 1000:.0f} ms "
        "latency,\nthe project's fake API on 127.0.0.1, one run",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _footer(fig, data)
    _save(fig, path)


def adaptive(data: dict[str, Any], path: Path) -> None:
    samples = data["samples"]
    times, accepted, throttled = [], [], []
    for before, after in itertools.pairwise(samples):
        span = after["t"] - before["t"]
        times.append(after["t"])
        accepted.append((after["accepted"] - before["accepted"]) / span)
        throttled.append((after["throttled"] - before["throttled"]) / span)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.step(
        [s["t"] for s in samples],
        [s["limit"] for s in samples],
        where="post",
        color=LIMIT,
        label="the server's limit (unknown to the client)",
    )
    ax.plot(times, accepted, color=OURS, label="accepted by the server, per second")
    ax.bar(
        times, throttled, width=0.4, color=LIMIT, alpha=0.35, label="throttled (429), per second"
    )
    allowed = [s["allowed"] for s in samples]
    ax.plot(
        [s["t"] for s in samples],
        [float("nan") if a is None else a for a in allowed],
        color=OURS,
        linestyle=":",
        label="the client's adaptive rate",
    )
    ax.set_xlabel("seconds")
    ax.set_ylabel("requests per second")
    ax.set_ylim(0, max(s["limit"] for s in samples) * 1.6)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    ax.set_title(f"Iamport(adaptive=True), {data['workers']} tasks calling payments.get in a loop")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _footer(fig, data)
    _save(fig, path)


def memory(data: dict[str, Any], path: Path) -> None:
    samples = data["samples"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot([s["lookups"] for s in samples], [s["rss_mib"] for s in samples], color=OURS)
    ax.set_xlabel("ids streamed")
    ax.set_ylabel("resident memory, MiB")
    ax.set_ylim(0, max(s["rss_mib"] for s in samples) * 1.3)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    streamed = f"{data['ids_streamed']:,}"
    if data["ids_streamed"] < data["ids_asked"]:
        streamed += f" of {data['ids_asked']:,} (stopped at the {data['bound_s']:.0f} s bound)"
    rss = [s["rss_mib"] for s in samples]
    ax.set_title(
        f"payments.iter_many over a generator of {streamed} ids:\nresident memory "
        f"{rss[0]:.1f} MiB at the start, at most {max(rss):.1f} MiB"
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _footer(fig, data)
    _save(fig, path)


def trace_retried_call(data: dict[str, Any], path: Path) -> None:
    """A waterfall: a bar per span, the call's attempts drawn inside its bar (red: 503, blue:
    answered), the backoff between them labelled with its wait."""
    spans = data["spans"]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.9 * len(spans)))
    ys = list(range(len(spans)))[::-1]
    end = max(span["end"] for span in spans)
    for y, span in zip(ys, spans, strict=True):
        ms = (span["end"] - span["start"]) * 1000
        ax.barh(y, span["end"] - span["start"], left=span["start"], height=0.5, color=OTHERS)
        ax.text(span["end"] + end * 0.01, y, f"{ms:.0f} ms", va="center", fontsize=8)
        for event in span["events"]:
            attributes = event["attributes"]
            if event["name"] == "attempt":
                took = attributes["iamport.duration"]
                status = attributes.get("http.response.status_code")
                color = OURS if status and status < 400 else LIMIT
                ax.barh(y, took, left=event["t"] - took, height=0.5, color=color)
                label = f"attempt {attributes['iamport.attempt']}\n{status or 'no answer'}"
                ax.text(event["t"] - took / 2, y - 0.42, label, ha="center", va="top", fontsize=7)
            elif event["name"] == "retry":
                wait = attributes["iamport.retry.wait"]
                ax.annotate(
                    "",
                    xy=(event["t"] + wait, y + 0.32),
                    xytext=(event["t"], y + 0.32),
                    arrowprops={"arrowstyle": "->", "color": "#616161"},
                )
                ax.text(
                    event["t"] + wait / 2,
                    y + 0.38,
                    f"backoff {wait * 1000:.0f} ms",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_yticks(ys, [_span_label(span) for span in spans])
    ax.set_ylim(min(ys) - 1.0, max(ys) + 0.9)
    ax.set_xlim(0, end * 1.12)
    ax.set_xlabel("seconds from the call's start")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(
        f"payments.get, its first {len(data['scripted'])} attempts answered HTTP "
        f"{'/'.join(sorted(set(data['scripted'])))} by the fake API\n(OpenTelemetry SDK, "
        f"InMemorySpanExporter; {data['latency_s'] * 1000:.0f} ms latency per request)",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footer(fig, data)
    _save(fig, path)


def _span_label(span: dict[str, Any]) -> str:
    label = span["name"]
    if span["parent"]:
        label += "\n(child span)"
    return label


PICTURES = {
    "peers": peers,
    "adaptive": adaptive,
    "memory": memory,
    "trace-retried-call": trace_retried_call,
}


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    for name, draw in PICTURES.items():
        source = folder / f"{name}.json"
        if source.exists():
            draw(json.loads(source.read_text(encoding="utf-8")), folder / f"{name}.svg")
        else:
            print(f"no {source}: run its benchmark first (nox -s pictures)")


if __name__ == "__main__":
    main()
