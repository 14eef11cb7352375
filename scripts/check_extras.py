"""Install the built wheel with each extra alone into a clean venv, and use what it is for.

A dependency the package imports but does not declare is hidden in development, where every
extra and the test tools are installed together; here each extra stands alone, as a user
installs it. Run by ``nox -s extras`` (CI) as ``python scripts/check_extras.py``; it needs
``uv`` on PATH and the package registry, nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CORE = """
import anyio
from iamport_async.testing import FakeIamport

async def main():
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.client() as client:  # in-process: the core needs no extra for this
        assert (await client.payments.get("imp_1")).amount == 1000
    try:
        async with fake.serve():
            raise AssertionError("fake.serve() ran without the fake extra")
    except RuntimeError as error:
        assert "iamport-async[fake]" in str(error), error
    try:
        from iamport_async.fleet import RedisShared
    except ImportError as error:
        assert "iamport-async[redis]" in str(error), error
    else:
        raise AssertionError("RedisShared imported without the redis extra")
    try:
        import iamport_async.otel
    except ImportError as error:
        assert "iamport-async[otel]" in str(error), error
    else:
        raise AssertionError("iamport_async.otel imported without the otel extra")
    from iamport_async import _json
    assert _json.fast_loads is None and _json.loads is _json.stdlib_loads  # no msgspec

anyio.run(main)
"""

FAKE = """
import anyio
from iamport_async import Iamport
from iamport_async.testing import FakeIamport

async def main():
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.serve() as base_url:  # uvicorn on a socket on 127.0.0.1
        assert base_url.startswith("http://127.0.0.1:"), base_url
        async with Iamport(
            imp_key=fake.imp_key, imp_secret="test_imp_secret", base_url=base_url
        ) as client:
            assert (await client.payments.get("imp_1")).amount == 1000
    assert fake.stats.requests["GET /payments/{imp_uid}"] == 1

anyio.run(main)
"""

REDIS = """
from iamport_async.fleet import RedisShared

shared = RedisShared.from_url("redis://127.0.0.1:6379/0", rate_limit=50)  # connects lazily
assert "RedisShared" in repr(shared)
"""

OTEL = """
import anyio
from iamport_async import Iamport
from iamport_async.otel import OpenTelemetryInstrumentation
from iamport_async.testing import FakeIamport

async def main():  # the API alone: no SDK configured, its no-op providers take the calls
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.client(instrumentation=OpenTelemetryInstrumentation()) as client:
        assert (await client.payments.get("imp_1")).amount == 1000

anyio.run(main)
"""

SPEED = """
from decimal import Decimal

import anyio
from iamport_async import _json
from iamport_async.testing import FakeIamport

assert _json.loads is _json.fast_loads is not None  # msgspec, picked up by itself
assert _json.loads(b'{"amount":10.50,"n":123456789012345678901234}') == {
    "amount": Decimal("10.50"), "n": 123456789012345678901234
}

async def main():
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.client() as client:
        assert (await client.payments.get("imp_1")).amount == 1000

anyio.run(main)
"""

# extra -> Python run in the venv, or None: run the CLI's demo instead.
PROBES: dict[str, str | None] = {
    "": CORE,
    "fake": FAKE,
    "redis": REDIS,
    "cli": None,
    "otel": OTEL,
    "speed": SPEED,
}


def run(*command: str | Path, cwd: Path) -> None:
    print("$", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, check=True)  # noqa: S603 (fixed)


def check(extra: str, wheel: Path, work: Path) -> None:
    venv = work / f"venv-{extra or 'core'}"
    python = venv / "bin" / "python"
    run("uv", "venv", "--quiet", "--python", sys.executable, venv, cwd=work)
    requirement = f"iamport-async{f'[{extra}]' if extra else ''} @ {wheel.as_uri()}"
    run("uv", "pip", "install", "--quiet", "--python", python, requirement, cwd=work)
    probe = PROBES[extra]
    if probe is None:
        run(venv / "bin" / "iamport-async", "demo", cwd=work)
    else:
        script = work / f"probe_{extra or 'core'}.py"
        script.write_text(probe)
        # -I: the package comes from the venv, never from a source tree on sys.path.
        run(python, "-I", script, cwd=work)


def main() -> None:
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="iamport-extras-") as tmp:
        work = Path(tmp)
        run("uv", "build", "--quiet", "--wheel", "--out-dir", work / "dist", ROOT, cwd=work)
        (wheel,) = (work / "dist").glob("iamport_async-*.whl")
        for extra in PROBES:
            check(extra, wheel, work)
            print(f"ok: iamport-async[{extra}]" if extra else "ok: iamport-async", flush=True)
    print(f"every extra installs and works alone ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
