"""The access token: one fetch however many ask, refreshed ahead of expiry, never poisoned."""

from __future__ import annotations

import traceback

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async._engine.token import UNKNOWN_LIFETIME_USE, IssuedToken, TokenManager
from iamport_async.errors import ResponseValidationError, ServerError, UnauthorizedError
from iamport_async.testing.clock import VirtualClock
from tests.conftest import TOKEN_LIFETIME, envelope, token_payload

pytestmark = pytest.mark.anyio

REAL_NOW = 1_700_000_000


class SlowTokenApi:
    """An API whose token endpoint answers only when released: lets callers pile up."""

    def __init__(self) -> None:
        self.token_requests = 0
        self.release = anyio.Event()
        self.tokens_carried: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            self.token_requests += 1
            await self.release.wait()
            return httpx.Response(200, json=token_payload(f"tok-{self.token_requests}"))
        self.tokens_carried.append(request.headers["Authorization"])
        return httpx.Response(200, json=envelope({"ok": True}))


def slow_client(api: SlowTokenApi, clock: VirtualClock) -> Iamport:
    return Iamport(
        imp_key="k",
        imp_secret="s",
        transport=httpx.MockTransport(api),
        clock=clock,
        max_concurrency=None,
    )


async def test_a_thousand_calls_on_a_cold_client_fetch_one_token(clock: VirtualClock) -> None:
    api = SlowTokenApi()
    async with slow_client(api, clock) as client, anyio.create_task_group() as tg:
        for _ in range(1000):
            tg.start_soon(client.request, "GET", "/payments/imp_1")
        await anyio.wait_all_tasks_blocked()
        api.release.set()
    assert api.token_requests == 1
    assert api.tokens_carried == ["Bearer tok-1"] * 1000


async def test_a_thousand_calls_on_an_expired_token_fetch_one_more(clock: VirtualClock) -> None:
    api = SlowTokenApi()
    api.release.set()
    async with slow_client(api, clock) as client:
        await client.request("GET", "/payments/imp_1")
        clock.advance(TOKEN_LIFETIME)
        api.release = anyio.Event()
        async with anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(client.request, "GET", "/payments/imp_1")
            await anyio.wait_all_tasks_blocked()
            api.release.set()
    assert api.token_requests == 2
    assert api.tokens_carried[1:] == ["Bearer tok-2"] * 1000


async def test_the_token_is_reused_until_shortly_before_expiry(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({}))
    await client.request("GET", "/payments/imp_1")
    clock.advance(TOKEN_LIFETIME - 61)  # the server would hand back the same token here
    await client.request("GET", "/payments/imp_1")
    assert api.routes["token"].call_count == 1
    clock.advance(60)  # one second left: refreshed ahead of expiry, not after a 401
    await client.request("GET", "/payments/imp_1")
    assert api.routes["token"].call_count == 2


@pytest.mark.parametrize("skew", [-600, 600])
async def test_a_server_clock_ten_minutes_off_changes_nothing(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock, skew: int
) -> None:
    api.routes["token"].respond(json=token_payload(now=REAL_NOW + skew))
    api.get("/payments/imp_1").respond(json=envelope({}))
    for _ in range(10):
        await client.request("GET", "/payments/imp_1")
        clock.advance(100)
    assert api.routes["token"].call_count == 1


async def test_a_401_refreshes_the_token_and_replays_the_call_once(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].side_effect = [
        httpx.Response(200, json=token_payload("tok-1")),
        httpx.Response(200, json=token_payload("tok-2")),
    ]
    unauthorized = httpx.Response(401, json=envelope(code=-1, message="Unauthorized"))
    route = api.get("/payments/imp_1")
    route.side_effect = [unauthorized, httpx.Response(200, json=envelope({"imp_uid": "imp_1"}))]

    assert await client.request("GET", "/payments/imp_1") == {"imp_uid": "imp_1"}
    carried = [call.request.headers["Authorization"] for call in route.calls]
    assert carried == ["Bearer tok-1", "Bearer tok-2"]


async def test_a_second_401_raises(api: respx.MockRouter, client: Iamport) -> None:
    route = api.get("/payments/imp_1").respond(401, json=envelope(code=-1, message="Unauthorized"))
    with pytest.raises(UnauthorizedError) as caught:
        await client.request("GET", "/payments/imp_1")
    assert caught.value.status == 401
    assert route.call_count == 2
    assert api.routes["token"].call_count == 2


async def test_wrong_credentials_raise_unauthorized_without_retrying(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].respond(401, json=envelope(code=-1, message="Unauthorized"))
    route = api.get("/payments/imp_1")
    with pytest.raises(UnauthorizedError):
        await client.request("GET", "/payments/imp_1")
    assert api.routes["token"].call_count == 1
    assert not route.called


async def test_a_failed_refresh_reaches_every_waiter_and_the_next_caller_retries(
    clock: VirtualClock,
) -> None:
    outcomes: list[IssuedToken | Exception] = [
        UnauthorizedError(status=401, code=-1, message="x", body="", method="POST", path="/"),
        IssuedToken("tok-2", now=0, expired_at=TOKEN_LIFETIME),
    ]
    gate = anyio.Event()

    async def fetch() -> IssuedToken:
        await gate.wait()
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    tokens = TokenManager(fetch, clock)
    failures: list[BaseException] = []

    async def ask() -> None:
        try:
            await tokens.get()
        except UnauthorizedError as error:
            failures.append(error)

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(ask)
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert len(failures) == 5
    assert (await tokens.get()).value == "tok-2"


async def test_a_cancelled_refresh_strands_no_waiter(clock: VirtualClock) -> None:
    fetches = 0
    leader_started = anyio.Event()

    async def fetch() -> IssuedToken:
        nonlocal fetches
        fetches += 1
        if fetches == 1:
            leader_started.set()
            await anyio.sleep_forever()
        return IssuedToken(f"tok-{fetches}", now=0, expired_at=TOKEN_LIFETIME)

    tokens = TokenManager(fetch, clock)
    got: list[str] = []

    async def wait_for_token() -> None:
        got.append((await tokens.get()).value)

    leader_scope = anyio.CancelScope()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_in_scope, leader_scope, tokens)
        await leader_started.wait()
        for _ in range(3):
            tg.start_soon(wait_for_token)
        await anyio.wait_all_tasks_blocked()
        leader_scope.cancel()
    assert got == ["tok-2"] * 3
    assert fetches == 2


async def _in_scope(scope: anyio.CancelScope, tokens: TokenManager) -> None:
    with scope:
        await tokens.get()


async def test_a_401_drops_only_the_token_it_carried(clock: VirtualClock) -> None:
    issued = iter(["tok-1", "tok-2"])

    async def fetch() -> IssuedToken:
        return IssuedToken(next(issued), now=0, expired_at=TOKEN_LIFETIME)

    tokens = TokenManager(fetch, clock)
    old = await tokens.get()
    tokens.invalidate(old)
    new = await tokens.get()
    tokens.invalidate(old)  # a late 401 of a request that carried the old token
    assert (await tokens.get()) is new


# --- what a token answer may look like ------------------------------------------------------


async def test_a_token_answer_with_fractional_seconds_is_used(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    now = REAL_NOW + 0.25
    api.routes["token"].respond(
        json=envelope({"access_token": "tok-f", "now": now, "expired_at": now + TOKEN_LIFETIME})
    )
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    for _ in range(3):
        await client.request("GET", "/payments/imp_1")
        clock.advance(100)
    assert api.routes["token"].call_count == 1
    assert [call.request.headers["Authorization"] for call in route.calls] == ["Bearer tok-f"] * 3


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"access_token": "tok-secret-1", "expired_at": REAL_NOW}, "now is missing"),
        ({"access_token": "tok-secret-1", "now": "1700000000", "expired_at": 1}, "now is a str"),
        ({"access_token": "tok-secret-1", "now": REAL_NOW, "expired_at": True}, "expired_at is"),
        ({"access_token": "tok-secret-1", "now": REAL_NOW, "expired_at": None}, "expired_at is"),
        ({"now": REAL_NOW, "expired_at": REAL_NOW + 1}, "access_token is missing"),
        ({"access_token": 12345, "now": 1, "expired_at": 2}, "access_token is a int"),
        (["tok-secret-1"], "response is a list, not an object"),
        # h11 refuses the header and repeats it, token included, in its error and our cause
        (
            {"access_token": "tok-secret-1\r\nX-Other: 1", "now": 1, "expired_at": 2},
            "access_token is not a valid header value",
        ),
        ({"access_token": "tok secret-1", "now": 1, "expired_at": 2}, "access_token is not"),
        ({"access_token": "tok-secret-1", "now": 10**400, "expired_at": 1}, "now is not a finite"),
    ],
)
async def test_a_bad_token_answer_says_which_field_and_never_shows_the_token(
    api: respx.MockRouter, client: Iamport, answer: object, problem: str
) -> None:
    api.routes["token"].respond(json=envelope(answer))
    with pytest.raises(ResponseValidationError) as caught:
        await client.request("GET", "/payments/imp_1")
    shown = str(caught.value) + repr(caught.value) + caught.value.body
    assert problem in str(caught.value)
    assert "tok-secret-1" not in shown
    assert "12345" not in shown


async def test_a_non_finite_time_is_refused_by_name(api: respx.MockRouter, client: Iamport) -> None:
    api.routes["token"].respond(
        content=b'{"code":0,"message":null,"response":'
        b'{"access_token":"t","now":NaN,"expired_at":1700001800}}'
    )
    with pytest.raises(ResponseValidationError, match="now is not a finite number"):
        await client.request("GET", "/payments/imp_1")


@pytest.mark.parametrize("lifetime", [0, -5])
async def test_a_token_without_lifetime_is_used_without_a_fetch_before_every_call(
    api: respx.MockRouter,
    client: Iamport,
    clock: VirtualClock,
    caplog: pytest.LogCaptureFixture,
    lifetime: int,
) -> None:
    api.routes["token"].respond(
        json=envelope({"access_token": "tok-0", "now": REAL_NOW, "expired_at": REAL_NOW + lifetime})
    )
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    for _ in range(5):
        await client.request("GET", "/payments/imp_1")
        clock.advance(10)
    assert api.routes["token"].call_count == 1
    assert route.call_count == 5
    assert "lifetime" in caplog.text
    assert "tok-0" not in caplog.text
    clock.advance(UNKNOWN_LIFETIME_USE)  # after a while it is asked for again
    await client.request("GET", "/payments/imp_1")
    assert api.routes["token"].call_count == 2


async def test_a_token_without_lifetime_that_is_refused_is_replaced_at_once(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].side_effect = [
        httpx.Response(200, json=envelope({"access_token": t, "now": 5, "expired_at": 5}))
        for t in ("tok-a", "tok-b")
    ]
    route = api.get("/payments/imp_1")
    route.side_effect = lambda request: (
        httpx.Response(200, json=envelope({}))
        if request.headers["Authorization"] == "Bearer tok-b"
        else httpx.Response(401, json=envelope(code=-1, message="Unauthorized"))
    )
    await client.request("GET", "/payments/imp_1")
    assert api.routes["token"].call_count == 2


# --- a failed refresh: one error per caller ---------------------------------------------------


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception reachable by ``__cause__``/``__context__``; fails on a
    cycle instead of looping."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        assert all(current is not other for other in seen), "cause/context cycle"
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        assert len(seen) < 50, "cause/context chain does not end"
    return seen


async def test_every_waiter_of_a_failed_refresh_gets_its_own_error(clock: VirtualClock) -> None:
    gate = anyio.Event()

    async def fetch() -> IssuedToken:
        await gate.wait()
        raise ServerError(status=500, code=None, message=None, body="", method="POST", path="/")

    tokens = TokenManager(fetch, clock)
    failures: list[ServerError] = []

    async def ask(number: int) -> None:
        try:
            await tokens.get()
        except ServerError as error:
            error.add_note(f"caller {number}")  # what each caller's own code adds
            error.after_ambiguous_failure = number == 0
            failures.append(error)

    async with anyio.create_task_group() as tg:
        for number in range(5):
            tg.start_soon(ask, number)
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert len({id(error) for error in failures}) == 5
    assert sorted(error.__notes__[0] for error in failures) == [f"caller {n}" for n in range(5)]
    assert all(len(error.__notes__) == 1 for error in failures)
    assert sum(error.after_ambiguous_failure for error in failures) == 1
    assert all(error.status == 500 and type(error) is ServerError for error in failures)


async def test_cancels_waiting_on_a_failed_token_each_get_one_error_and_no_cycle(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].respond(500, json=envelope(code=-1, message="down"))
    cancel = api.post("/payments/cancel").respond(json=envelope({}))
    failures: list[BaseException] = []

    async def refund(number: int) -> None:
        try:
            await client.payments.cancel(f"imp_{number}", reason="test")
        except ServerError as error:
            failures.append(error)

    async with anyio.create_task_group() as tg:
        for number in range(5):
            tg.start_soon(refund, number)
    assert not cancel.called
    assert len(failures) == 5
    assert len({id(error) for error in failures}) == 5
    for error in failures:
        notes = getattr(error, "__notes__", [])
        assert len(notes) == len(set(notes)) <= 1
        _chain(error)
        assert "".join(traceback.format_exception(error)).count("HTTP 500") >= 1


async def test_a_failed_token_fetch_raises_an_error_whose_chain_ends(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.routes["token"].respond(401, json=envelope(code=-1, message="Unauthorized"))
    with pytest.raises(UnauthorizedError) as caught:
        await client.request("GET", "/payments/imp_1")
    chain = _chain(caught.value)
    assert all(isinstance(error, UnauthorizedError) for error in chain)
