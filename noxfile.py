"""Sessions: tests (every installed Python from 3.11), lint, typecheck, docs, bench, extras.

``nox -s tests lint typecheck`` is the README's check; .ci/run adds ``extras``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")  # use installed interpreters only

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["tests", "lint", "typecheck"]

PYTHONS = ["3.11", "3.12", "3.13"]

# The package with every extra, editable; the development tools come from pyproject's
# [dependency-groups] (PEP 735), which are not published as extras.
PACKAGE = ("-e", ".[fake,redis,cli,otel,speed]")


def groups(*names: str) -> tuple[str, ...]:
    """The requirements of these dependency groups, for any installer (uv or pip)."""
    return nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), *names)


# On the newer Pythons, the suite on asyncio alone, less its multi-process Redis fleet and its
# soaks: those test the machine rather than the language, and trio, the fleet and the soaks
# run once, on the oldest Python, which keeps CI well inside its time. The real-socket fault
# suite runs everywhere: asyncio's socket behaviour changes between versions (3.12's
# Server.wait_closed waits for open connections, for one).
NEWER_PYTHON_ARGS = ["-m", "not slow", "--ignore=tests/fleet"]
NEWER_PYTHON_ENV = {"IAMPORT_TEST_BACKENDS": "asyncio"}

# One pytest worker per core (pytest-xdist), each test file whole on one worker: a file's
# module fixtures (the Redis fleet) start once, and its tests run in the order written. Every
# server a test starts listens on an ephemeral port, every file it writes is in its tmp_path.
# `nox -s tests -- -n 0` runs in one process; arguments after `--` replace the selection.
PARALLEL = ["-n", "auto", "--dist", "loadfile"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite: all of it, on asyncio and trio, on the oldest Python; on the newer ones,
    all but the fleet and the soaks, on asyncio."""
    session.install(*PACKAGE, *groups("test"))
    if session.python == PYTHONS[0]:
        session.run("pytest", *PARALLEL, *session.posargs)
    else:
        args = session.posargs or NEWER_PYTHON_ARGS
        session.run("pytest", *PARALLEL, *args, env=NEWER_PYTHON_ENV)


@nox.session(python=PYTHONS[0])
def lint(session: nox.Session) -> None:
    """ruff, including its async rules, and the formatter's verdict."""
    session.install(*groups("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS[0])
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package and the tests; pyright on the package and on the typing
    tests of the API."""
    session.install(*PACKAGE, *groups("typecheck"))
    session.run("mypy")
    session.run("pyright", "tests/typing", "iamport_async")


@nox.session(python=PYTHONS[0])
def docs(session: nox.Session) -> None:
    """The documentation site, built with --strict (broken links fail)."""
    # ruff formats the reference's signatures
    session.install("-e", ".", *groups("docs"), "ruff")
    session.run("mkdocs", "build", "--strict")


PEERS = ["iamport-rest-client==0.9.0", "async-iamport==0.2.0"]
"""The existing Python clients benchmarks/peers.py measures: never package dependencies."""


@nox.session(python=PYTHONS[0])
def bench(session: nox.Session) -> None:
    """Every benchmark; each prints its figures as ratios against a baseline of the same run.
    ``benchmarks/instructions.py`` needs valgrind (``apt-get install valgrind``)."""
    session.install(*PACKAGE, *groups("test"), *PEERS)
    for script in sorted(Path("benchmarks").glob("[!_]*.py")):
        session.run("python", "-m", f"benchmarks.{script.stem}", *session.posargs)


@nox.session(python=PYTHONS[0])
def extras(session: nox.Session) -> None:
    """The built wheel, installed with each extra alone into a clean venv, doing its job."""
    session.install("uv")
    session.run("python", "scripts/check_extras.py")


@nox.session(python=PYTHONS[0])
def pictures(session: nox.Session) -> None:
    """Measure, then redraw every picture in docs/img/ (SVG, with its data file beside it)."""
    session.install(*PACKAGE, *groups("test"), *PEERS, "matplotlib")
    img = "docs/img"
    session.run("python", "-m", "benchmarks.peers", "--json", f"{img}/peers.json")
    session.run("python", "-m", "benchmarks._figures", "adaptive", "--json", f"{img}/adaptive.json")
    session.run("python", "-m", "benchmarks._figures", "memory", "--json", f"{img}/memory.json")
    trace = f"{img}/trace-retried-call.json"
    session.run("python", "-m", "benchmarks._figures", "trace", "--json", trace)
    session.run("python", "scripts/pictures.py", img)
