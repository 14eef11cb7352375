"""Every code sample of the docs runs against the fake API, and does what its page says.

Each page's ``python`` blocks run in order in one namespace (see ``_samples``) on a fresh
``FakeIamport`` with a virtual clock. The namespace starts with ``client`` (a client wired to
the fake) and ``fake``, plus what ``_pages`` gives the page: the data a reader's own app would
have (an ``imp_uid`` the fake knows, an ``order``, a ``request``), never a library name, so a
sample that forgets an import fails here. ``Iamport(...)`` built by a sample is wired to the
fake too. After the blocks, the page's checks assert what the samples should have done.

Blocks that define ``test_*`` functions are test modules: they run under pytest in a
subprocess, with ``docs/examples`` importable, and must pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import iamport_async
from iamport_async import Iamport
from iamport_async.testing import FakeIamport, VirtualClock
from tests.docs import _pages
from tests.docs._backend import DocsBackend
from tests.docs._samples import DOCS, ROOT, Sample, pages, run, samples

pytestmark = pytest.mark.anyio

QUIET_PLUGINS = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark"]
"""Plugins the samples do not use; hypothesis alone adds seconds to each start."""
LOOP_SCOPE = ["-o", "asyncio_default_fixture_loop_scope=function"]
FAKE_SECRET = "test_imp_secret"  # FakeIamport's default
PAGES_WITH_SAMPLES = [page for page in pages() if samples(page)]
TEST_MODULES = [
    sample for page in PAGES_WITH_SAMPLES for sample in samples(page) if sample.is_test_module
]


@pytest.fixture
def anyio_backend() -> str:
    """One backend is enough: the samples' behaviour is the library's, tested on both."""
    return "asyncio"


class _Clients:
    """Clients that samples build with ``Iamport(...)``: wired to the fake, closed at the end.

    A sample's ``async with Iamport(...) as client:`` would close the client the next block
    goes on using (a reader's app keeps one open), so closing is deferred to the test's end.
    """

    def __init__(self, fake: FakeIamport, backend: DocsBackend) -> None:
        self.made: list[Iamport] = []
        clients = self

        class DocsIamport(Iamport):
            def __init__(
                self, *, imp_key: str | None = None, imp_secret: str | None = None, **options: Any
            ) -> None:
                options.setdefault("transport", backend)
                options.setdefault("clock", fake.clock)
                options.setdefault("seed", 7)
                # a key written out ("...") is the fake's; none given is read from the
                # environment, as the pages say (set to the fake's below)
                super().__init__(
                    imp_key=None if imp_key is None else fake.imp_key,
                    imp_secret=None if imp_secret is None else FAKE_SECRET,
                    **options,
                )
                clients.made.append(self)

            async def aclose(self) -> None:
                """Deferred: see ``_Clients``."""

        self.cls = DocsIamport

    async def close(self) -> None:
        for client in self.made:
            await Iamport.aclose(client)


@attrs.define
class PageEnv:
    fake: FakeIamport
    backend: DocsBackend
    namespace: dict[str, Any]


@pytest.fixture
async def page_env(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PageEnv]:
    # server time is now, as for a reader: samples compute windows from datetime.now()
    fake = FakeIamport(clock=VirtualClock(), seed=7, start_time=int(time.time()))
    backend = DocsBackend(fake)
    clients = _Clients(fake, backend)
    monkeypatch.setattr(iamport_async, "Iamport", clients.cls)
    monkeypatch.setenv("IAMPORT_API_KEY", fake.imp_key)
    monkeypatch.setenv("IAMPORT_API_SECRET", FAKE_SECRET)
    monkeypatch.syspath_prepend(str(DOCS / "examples"))
    try:
        async with clients.cls() as client:
            namespace: dict[str, Any] = {"__name__": "docs_sample", "client": client, "fake": fake}
            yield PageEnv(fake, backend, namespace)
    finally:
        await clients.close()


@pytest.mark.parametrize("page", PAGES_WITH_SAMPLES)
async def test_every_sample_of_the_page_runs(page: str, page_env: PageEnv) -> None:
    fake, namespace = page_env.fake, page_env.namespace
    context = _pages.CONTEXTS.get(page, _pages.Context())
    await context.setup(fake, namespace)
    results: list[Any] = []
    for index, sample in enumerate(samples(page)):
        if sample.is_test_module:
            continue
        try:
            results.append(await run(sample, namespace))
        except Exception as error:
            raise AssertionError(f"{sample.where}: the sample fails: {error!r}") from error
        if index in context.after:
            await context.after[index](fake, namespace, results)
    assert page_env.backend.problems == [], "requests the spec does not accept"
    await context.check(fake, namespace, results)


def test_every_page_with_samples_has_its_context() -> None:
    """Placeholders for a page are declared, not guessed: a new page gets a context."""
    assert set(PAGES_WITH_SAMPLES) - set(_pages.CONTEXTS) <= _pages.NO_CONTEXT_NEEDED


# A second pytest starts from nothing: 37 s on a loaded 2-core machine (measured). Its own
# timeout, then this test's, stay well above that, and only catch a hang.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("sample", TEST_MODULES, ids=lambda sample: sample.where)
def test_a_test_module_sample_passes_under_pytest(sample: Sample, tmp_path: Path) -> None:
    module = tmp_path / f"test_docs_sample_{sample.line}.py"
    module.write_text(sample.source, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(DOCS / "examples"), str(ROOT)])
    # The page offers both ways to run async tests: anyio marks, or pytest-asyncio's auto mode
    mode = "strict" if "pytest.mark.anyio" in sample.source else "auto"
    command = [sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS]
    done = subprocess.run(  # noqa: S603 (this interpreter, our own sample)
        [*command, "-o", f"asyncio_mode={mode}", *LOOP_SCOPE, "-W", "error", str(module)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"{sample.where}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    assert " passed" in done.stdout
