"""Settings from the environment: IAMPORT_API_KEY / IAMPORT_API_SECRET and IAMPORT_LOG."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import respx

from iamport_async import Iamport
from iamport_async._environment import LOGGER_NAME, switch_logging_on
from iamport_async.errors import InvalidInputError
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_a_client_without_arguments_uses_the_environments_key_and_secret(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IAMPORT_API_KEY", "env-key")
    monkeypatch.setenv("IAMPORT_API_SECRET", "env-secret")
    api.get("/payments/imp_1").respond(json=envelope({}))
    async with Iamport() as client:
        await client.request("GET", "/payments/imp_1")
    sent = api.routes["token"].calls.last.request.content
    assert b'"imp_key":"env-key"' in sent.replace(b" ", b"")
    assert b'"imp_secret":"env-secret"' in sent.replace(b" ", b"")


async def test_an_explicit_argument_wins_over_the_environment(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IAMPORT_API_KEY", "env-key")
    monkeypatch.setenv("IAMPORT_API_SECRET", "env-secret")
    api.get("/payments/imp_1").respond(json=envelope({}))
    async with Iamport(imp_key="arg-key") as client:
        await client.request("GET", "/payments/imp_1")
    sent = api.routes["token"].calls.last.request.content.replace(b" ", b"")
    assert b'"imp_key":"arg-key"' in sent
    assert b'"imp_secret":"env-secret"' in sent


@pytest.mark.parametrize(
    ("present", "field", "variable"),
    [
        ({}, "imp_key", "IAMPORT_API_KEY"),
        ({"IAMPORT_API_KEY": "k"}, "imp_secret", "IAMPORT_API_SECRET"),
        ({"IAMPORT_API_KEY": "k", "IAMPORT_API_SECRET": ""}, "imp_secret", "IAMPORT_API_SECRET"),
    ],
)
def test_a_missing_credential_names_its_variable(
    present: dict[str, str], field: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(InvalidInputError) as caught:
        Iamport()
    assert caught.value.field == field
    assert variable in str(caught.value)


def test_an_explicit_empty_key_is_refused_even_with_the_variable_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IAMPORT_API_KEY", "env-key")
    monkeypatch.setenv("IAMPORT_API_SECRET", "env-secret")
    with pytest.raises(InvalidInputError, match="imp_key"):
        Iamport(imp_key="")


@pytest.mark.parametrize("value", ["  ", "env-key\n", " env-key"])
def test_a_key_with_surrounding_whitespace_in_the_environment_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``export IAMPORT_API_KEY=$(cat key.txt)`` keeps no newline, but a secret mounted from a
    file or pasted into a .env often does: it would only come back as a 401 from the API."""
    monkeypatch.setenv("IAMPORT_API_KEY", value)
    monkeypatch.setenv("IAMPORT_API_SECRET", "env-secret")
    with pytest.raises(InvalidInputError) as caught:
        Iamport()
    assert caught.value.field == "imp_key"
    assert "IAMPORT_API_KEY" in str(caught.value)
    assert "whitespace" in str(caught.value)


def test_a_secret_argument_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Iamport(imp_key="key", imp_secret="secret\n")
    assert caught.value.field == "imp_secret"
    assert "secret\n" not in str(caught.value)


@pytest.fixture
def library_logger() -> Iterator[logging.Logger]:
    """The ``iamport_async`` logger, restored afterwards (the switch changes it globally)."""
    logger = logging.getLogger(LOGGER_NAME)
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_iamport_log_sets_the_level_and_adds_one_stderr_handler(
    value: str, level: int, library_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    library_logger.handlers[:] = []  # as imported without IAMPORT_LOG
    monkeypatch.setenv("IAMPORT_LOG", value)
    switch_logging_on()
    switch_logging_on()  # a second call adds no second handler
    assert library_logger.level == level
    [handler] = library_logger.handlers
    assert isinstance(handler, logging.StreamHandler)
    assert handler.stream is sys.stderr


@pytest.mark.parametrize("value", ["", "verbose", "0"])
def test_other_values_leave_logging_to_the_application(
    value: str, library_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (library_logger.level, list(library_logger.handlers))
    monkeypatch.setenv("IAMPORT_LOG", value)
    switch_logging_on()
    assert (library_logger.level, list(library_logger.handlers)) == before


PROGRAM = """
import anyio, httpx
from iamport_async import Iamport

def api(request):
    if request.url.path == "/users/getToken":
        body = {"access_token": "tok-secret-1", "now": 0, "expired_at": 1800}
    else:
        body = {"imp_uid": "imp_1"}
    return httpx.Response(200, json={"code": 0, "message": None, "response": body})

async def main():
    async with Iamport(transport=httpx.MockTransport(api)) as client:
        await client.request("GET", "/payments/imp_1")

anyio.run(main)
"""


@pytest.mark.parametrize("value", ["debug", None])
def test_iamport_log_debug_prints_each_request_to_stderr(value: str | None) -> None:
    env = {**os.environ, "IAMPORT_API_KEY": "key-1", "IAMPORT_API_SECRET": "secret-1"}
    env.pop("IAMPORT_LOG", None)
    if value is not None:
        env["IAMPORT_LOG"] = value
    done = subprocess.run(  # noqa: S603 (this interpreter, our own program)
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True
    )
    if value is None:
        assert done.stderr == ""
        return
    assert "GET /payments/imp_1 -> HTTP 200" in done.stderr
    assert "iamport_async DEBUG" in done.stderr
    for secret in ("secret-1", "tok-secret-1"):
        assert secret not in done.stderr
