"""The one rule for "may the server have acted?", and the outcome every error carries."""

from __future__ import annotations

import pickle

import pytest

from iamport_async.errors import (
    ApiError,
    BackpressureError,
    BusinessError,
    ClientClosedError,
    ConnectError,
    ConnectionLost,
    IamportError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
    UnauthorizedError,
    UnsupportedPgError,
    server_may_have_acted,
)


def api(kind: type[ApiError], status: int) -> ApiError:
    return kind(status=status, code=-1, message="m", body="", method="POST", path="/p")


NOT_ACTED = [
    InvalidInputError("amount", "must be > 0"),
    BackpressureError(1.0, 0.5),
    ConnectError("refused", method="POST", path="/p"),
    api(RateLimitedError, 429),
    api(UnauthorizedError, 401),
    api(NotFoundError, 404),
    api(ApiError, 400),
    api(BusinessError, 200),
    api(UnsupportedPgError, 501),
    ClientClosedError("closed before sending"),
]
MAY_HAVE_ACTED = [
    RequestTimeout("slow", method="POST", path="/p"),
    ConnectionLost("reset", method="POST", path="/p"),
    api(ServerError, 500),
    api(ServerError, 502),
    api(ApiError, 408),  # a gateway may send it after forwarding the request
    ResponseValidationError("no envelope", status=200, body="", method="POST", path="/p"),
    OutcomeUnknownError("check", cause=None, method="POST", path="/p"),
    ClientClosedError("closed during a refund", outcome_known=False),
    RuntimeError("anything else"),
]


@pytest.mark.parametrize("error", NOT_ACTED, ids=lambda e: type(e).__name__)
def test_failures_that_prove_nothing_was_done(error: Exception) -> None:
    assert server_may_have_acted(error) is False


@pytest.mark.parametrize("error", MAY_HAVE_ACTED, ids=lambda e: type(e).__name__)
def test_failures_after_which_the_server_may_have_acted(error: Exception) -> None:
    assert server_may_have_acted(error) is True


def test_an_error_says_its_outcome_is_known_unless_told_otherwise() -> None:
    assert IamportError("x").outcome_known is True
    unknown = OutcomeUnknownError(
        "read payments.get", cause=api(ServerError, 502), method="POST", path="/payments/cancel"
    )
    assert unknown.outcome_known is False
    assert unknown.after_ambiguous_failure is True  # the deprecated flag still answers
    assert "read payments.get" in str(unknown)
    assert "ServerError" in str(unknown)


@pytest.mark.parametrize(
    "error",
    [
        *NOT_ACTED,
        RequestTimeout("read timed out", method="POST", path="/payments/cancel"),
        ResponseValidationError(
            "bad", status=201, body="{}", method="POST", path="/p", ids={"imp_uid": "imp_1"}
        ),
        OutcomeUnknownError(
            "read payments.get(imp_1)",
            cause=RequestTimeout("t", method="POST", path="/p"),
            method="POST",
            path="/payments/cancel",
        ),
        ClientClosedError("closed", outcome_known=False),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_error_survives_pickling_whole(error: IamportError) -> None:
    # A worker process's failure reaches its parent pickled (ProcessPoolExecutor,
    # multiprocessing): it must arrive as the same error, attributes and all.
    error.add_note("while reconciling order 7")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (bytes made here)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.outcome_known == error.outcome_known
    assert server_may_have_acted(copy) == server_may_have_acted(error)
    public = {name: value for name, value in vars(error).items() if name != "cause"}
    assert {name: vars(copy)[name] for name in public} == public
    if isinstance(error, OutcomeUnknownError):
        assert isinstance(copy, OutcomeUnknownError)
        assert str(copy.cause) == str(error.cause)


PG_MESSAGE = (
    'PG 응답: {"card_number": "4092-0230-1234-5678", "buyer_name": "홍길동", "code": "F01"} '
    "Authorization: Bearer tok_9f8e7d6c5b4a"
)


@pytest.mark.parametrize("kind", [ApiError, BusinessError, ServerError, NotFoundError])
def test_the_apis_message_is_redacted_like_the_body(kind: type[ApiError]) -> None:
    error = kind(status=200, code=-1, message=PG_MESSAGE, body="", method="POST", path="/p")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (bytes made here)
    for shown in (str(error), repr(error), error.message or "", str(copy), copy.message or ""):
        leaks = [value for value in ("4092-0230", "홍길동", "tok_9f8e7d6c5b4a") if value in shown]
        assert leaks == []
    assert "PG 응답" in str(error)
    assert "F01" in (error.message or "")
