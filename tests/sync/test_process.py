"""What only a real process shows: a fork (gunicorn --preload, Celery prefork) and Ctrl-C.

Each case is a small script run by a fresh interpreter with a timeout, so a hang is a failed
test, never a stuck suite; it prints what it saw as JSON on its last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGINT are POSIX")

TIMEOUT = 60


def _run(script: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


FORK = """
    import json, os, sys, time
    from iamport_async.testing import FakeIamport

    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", amount=1000)
    client = fake.sync_client()            # at import, as a Django settings module would
    USE_BEFORE = {use_before}
    if USE_BEFORE:
        assert client.payments.get("imp_1").amount == 1000   # loop thread and token exist

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                            # the child: its own loop thread, pool and token
        os.close(read)
        seen = {{}}
        try:
            seen["amount"] = str(client.payments.get("imp_1").amount)
            seen["again"] = str(client.payments.get("imp_1").amount)
            seen["tokens"] = fake.stats.requests["POST /users/getToken"]
            client.close()
        except Exception as error:
            seen["error"] = f"{{type(error).__name__}}: {{error}}"
        os.write(write, json.dumps(seen).encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        print(json.dumps({{"hung": True}}))
        sys.exit(0)
    child = json.loads(os.read(read, 65536) or b"{{}}")
    parent = str(client.payments.get("imp_1").amount)   # the parent's client still works
    client.close()
    tokens = fake.stats.requests["POST /users/getToken"]
    print(json.dumps({{"child": child, "parent": parent, "tokens": tokens}}))
"""


@pytest.mark.parametrize("use_before", [True, False], ids=["used-before-fork", "preloaded"])
def test_a_client_made_before_a_fork_works_in_the_child(use_before: bool) -> None:
    seen = _run(FORK.format(use_before=use_before))
    assert "hung" not in seen
    child = seen["child"]
    assert "error" not in child, child
    assert child["amount"] == child["again"] == "1000"
    # the child's fake is a copy of the parent's: one token more there, fetched by the child
    assert child["tokens"] == (2 if use_before else 1)
    assert seen["parent"] == "1000"
    assert seen["tokens"] == 1  # the parent's own token, not refetched


FORK_OWN_POOL = """
    import json, os, sys, time
    import httpx
    from iamport_async.sync import Iamport
    from iamport_async.testing import FakeIamport

    fake = FakeIamport()
    client = Iamport(
        imp_key=fake.imp_key, imp_secret="test_imp_secret",
        http_client=httpx.AsyncClient(transport=fake.transport()),
    )
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            client.payments.get("imp_1")
            said = "no error"
        except Exception as error:
            said = f"{type(error).__name__}: {error}"
        os.write(write, said.encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 20
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            print(json.dumps({"hung": True}))
            sys.exit(0)
        time.sleep(0.02)
    print(json.dumps({"child": os.read(read, 65536).decode()}))
"""


def test_a_client_with_its_own_pool_says_what_to_do_in_the_child() -> None:
    seen = _run(FORK_OWN_POOL)
    assert "hung" not in seen
    assert seen["child"].startswith("ClientClosedError")
    assert "after the fork" in seen["child"]


CTRL_C = """
    import json, os, signal, threading, time
    from iamport_async.testing import FakeIamport

    fake = FakeIamport()                    # the real clock: the call really hangs
    fake.add_payment(imp_uid="imp_1", amount=1000)
    client = fake.sync_client()
    client.log_in()
    fake.faults.latency(60)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    begun = time.monotonic()
    try:
        client.payments.get("imp_1")
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
    took = time.monotonic() - begun
    fake.faults.clear()
    fake.faults.latency(0)
    after = str(client.payments.get("imp_1").amount)   # the client is still usable
    client.close()
    print(json.dumps({"interrupted": interrupted, "took": took, "after": after,
                      "tokens": fake.stats.requests["POST /users/getToken"]}))
"""


def test_ctrl_c_interrupts_a_blocking_call_and_leaves_the_client_usable() -> None:
    seen = _run(CTRL_C)
    assert seen["interrupted"] is True
    assert seen["took"] < 5
    assert seen["after"] == "1000"
    assert seen["tokens"] == 1
