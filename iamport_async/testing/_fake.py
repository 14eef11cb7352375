"""``FakeIamport``: the fake API's state plus the request pipeline both front ends share.

The front ends (``_transport``: in-process httpx; ``_asgi``: ASGI, which ``_server`` runs
under uvicorn) are handed :meth:`FakeIamport.handle` and never import this module.

For each request, in order: latency (on the fake's clock) → server rate limit (429) →
scripted answer, if one matches → route (unknown: :func:`not_served`) → token check (401) →
the operation's handler. A scripted ``drop_after`` or ``truncated_json`` is applied after the
handler ran: the server did the work, the client never learns it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from iamport_async._engine.clock import sleep_for
from iamport_async.clock import Clock
from iamport_async.testing import (  # imported to register their routes
    _ops_auth,
    _ops_benepia,
    _ops_certifications,
    _ops_codes,
    _ops_cvs,
    _ops_escrow,
    _ops_kcpquick,
    _ops_naver,
    _ops_payco,
    _ops_payments,
    _ops_paymentwall,
    _ops_receipts,
    _ops_schedules,
    _ops_vbanks,
)
from iamport_async.testing._asgi import FakeApp
from iamport_async.testing._drift import Drift
from iamport_async.testing._faults import Faults
from iamport_async.testing._http import (
    Drop,
    FakeRequest,
    Handling,
    Hang,
    Reply,
    encode,
    fail,
)
from iamport_async.testing._ops_subscribe import run_due_schedules
from iamport_async.testing._router import ROUTER, TOKEN_OPERATION, Route
from iamport_async.testing._state import FakeState
from iamport_async.testing._stats import LoggedRequest, new_request_log
from iamport_async.testing._transport import FakeTransport
from iamport_async.testing._webhooks import ASGIApp, send_webhook

if TYPE_CHECKING:
    import httpx

    from iamport_async.client import Iamport
    from iamport_async.sync import Iamport as SyncIamport

del _ops_auth, _ops_benepia, _ops_certifications, _ops_codes, _ops_cvs, _ops_escrow
del _ops_kcpquick, _ops_naver, _ops_payco, _ops_payments, _ops_paymentwall, _ops_receipts
del _ops_schedules, _ops_vbanks

_HTML = ((b"content-type", b"text/html; charset=utf-8"),)
_TEXT = ((b"content-type", b"text/plain; charset=utf-8"),)
_HTML_PAGES = {
    "500_html": (500, b"<html><body><h1>500 Internal Server Error</h1></body></html>"),
    "502": (502, b"<html><head><title>502 Bad Gateway</title></head></html>"),
    "503": (503, b"<html><head><title>503 Service Temporarily Unavailable</title></head></html>"),
}
UNAUTHORIZED = "Unauthorized"


def not_served(method: str, path: str) -> Reply:
    """A route the fake does not serve: HTTP 404 *without* the API's envelope, so that the
    client raises an ``ApiError`` quoting this text, never a ``NotFoundError`` (which would
    say the API looked and found nothing)."""
    text = (
        f"the fake (iamport_async.testing.FakeIamport) does not serve {method} {path}: no "
        "operation of the API has this method and path; FakeIamport.operations() lists "
        "those served, and @route registers another"
    )
    return Reply(404, text.encode(), _TEXT)


def _bearer(headers: dict[str, str]) -> str:
    """The token from any form the API accepts: ``Authorization: Bearer <t>``,
    ``Authorization: <t>`` or ``X-ImpTokenHeader: <t>`` (the API's overview docs)."""
    value = headers.get("authorization") or headers.get("x-imptokenheader") or ""
    scheme, _, rest = value.partition(" ")
    return rest.strip() if rest and scheme.lower() == "bearer" else value.strip()


class FakeIamport(FakeState):
    """A faithful, stateful, in-memory i'mport API for tests, benchmarks and demos.

    ::

        fake = FakeIamport(clock=VirtualClock())
        fake.add_payment(imp_uid="imp_1", amount=1000)
        async with fake.client() as client:          # in-process, no socket
            payment = await client.request("GET", "/payments/imp_1")

    ``clock`` drives server time (token expiry) and injected latency; ``seed`` makes ids and
    generated payments reproducible. ``fake.app`` is the ASGI app, ``fake.serve()`` runs it on
    127.0.0.1; ``fake.faults``, ``fake.stats`` and ``fake.requests`` are for assertions;
    ``fake.send_webhook()`` notifies the app under test as i'mport would.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int = 0,
        imp_key: str = "test_imp_key",
        imp_secret: str = "test_imp_secret",  # noqa: S107 (a fake's default credential)
        start_time: int | None = None,
    ) -> None:
        super().__init__(clock, seed, imp_key, imp_secret, start_time)
        self.faults = Faults(self.rng, ROUTER.operations.keys())
        """What goes wrong and how often: latency, rate limits, scripted answers."""
        self.drift = Drift(ROUTER.operations.keys())
        """Answers with values of another type in named fields (``fake.drift.set``)."""
        self.requests = new_request_log()
        """The last requests (bounded), oldest first: method, path, operation, status, fault."""
        self.app = FakeApp(self.handle)
        """The ASGI app serving this fake, for ``fake.serve()`` or your own server."""

    @staticmethod
    def operations() -> list[str]:
        """Every operation the fake serves, as ``"METHOD /path/{template}"``."""
        return sorted(ROUTER.operations)

    def transport(self) -> FakeTransport:
        """An httpx transport that runs requests through the fake in-process (no socket)."""
        return FakeTransport(self.handle, self.clock)

    def client(self, **options: Any) -> Iamport:
        """An ``Iamport`` client wired to this fake in-process, with its credentials, clock
        and seed; ``options`` are passed on (``max_retries=0``, ``rate_limit=...``)."""
        from iamport_async.client import Iamport  # the client is optional for the fake

        options.setdefault("clock", self.clock)
        options.setdefault("seed", self.seed)
        return Iamport(
            imp_key=self.imp_key,
            imp_secret=self._imp_secret,
            transport=self.transport(),
            **options,
        )

    def sync_client(self, **options: Any) -> SyncIamport:
        """A blocking ``iamport_async.sync.Iamport`` wired to this fake in-process, like
        :meth:`client` (for Django, Flask and other sync tests; no async test needed).
        Close it (or use it as ``with``) when done: it runs a loop thread."""
        from iamport_async.sync import Iamport as SyncIamport  # optional for the fake

        options.setdefault("clock", self.clock)
        options.setdefault("seed", self.seed)
        return SyncIamport(
            imp_key=self.imp_key,
            imp_secret=self._imp_secret,
            transport=self.transport(),
            **options,
        )

    def serve(
        self, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "critical"
    ) -> contextlib.AbstractAsyncContextManager[str]:
        """``async with fake.serve() as base_url:`` runs the app under uvicorn (the extra
        ``iamport-async[fake]``) on a real socket, an ephemeral port by default (asyncio)."""
        from iamport_async.testing._server import serve

        return serve(self.app, host=host, port=port, log_level=log_level)

    async def send_webhook(
        self,
        imp_uid: str,
        url: str,
        *,
        app: ASGIApp | None = None,
        status: str | None = None,
        form: bool = False,
        sender: str | None = None,
    ) -> httpx.Response:
        """Deliver the webhook i'mport would send for the payment ``imp_uid`` as held now.

        ``url`` is where the console points: a full URL (a server on 127.0.0.1), or with
        ``app`` a path on that ASGI app (``"/iamport/webhook"``), called in-process from
        ``sender`` (default: i'mport's first address). ``status`` overrides the payment's
        (a late or replayed webhook); ``form`` posts form-encoded instead of JSON. Returns
        the app's answer. The app re-fetches the payment from this fake if its client is
        wired to it (``fake.client()``).
        """
        return await send_webhook(
            self, imp_uid, url, app=app, status=status, form=form, sender=sender
        )

    def run_schedules(self) -> list[dict[str, Any]]:
        """Execute the scheduled charges that are due by now; return those schedules."""
        return run_due_schedules(self)

    # -- the pipeline ------------------------------------------------------------------------

    async def handle(self, request: FakeRequest) -> Handling:
        """Answer one request: a :class:`Reply`, or a :class:`Drop` / :class:`Hang` that the
        front end turns into what a socket would show."""
        matched = ROUTER.match(request.method, request.path)
        operation = matched[0].operation if matched else None
        stats = self.stats
        stats.requests[operation or f"{request.method} (unknown route)"] += 1
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        fault: str | None = None
        outcome: Handling | None = None
        try:
            delay = self.faults.delay()
            if delay:
                await sleep_for(self.clock, delay)
            retry_after = self.faults.throttled(self.clock.monotonic())
            if retry_after is not None:
                fault = "429"
                outcome = Reply(
                    429,
                    encode({"code": -1, "message": "Too Many Requests", "response": None}),
                    (
                        (b"content-type", b"application/json"),
                        (b"retry-after", retry_after.encode()),
                    ),
                )
            else:
                fault = self.faults.take(operation)
                outcome = self._answer(request, matched, fault)
            return outcome
        finally:
            stats.in_flight -= 1
            status = outcome.status if isinstance(outcome, Reply) else None
            if status is not None:
                stats.statuses[status] += 1
            if fault is not None:
                stats.faults_injected += 1
            self.requests.append(
                LoggedRequest(
                    method=request.method,
                    path=request.path,
                    query=request.raw_query,
                    operation=operation,
                    status=status,
                    fault=fault,
                    at=self.now(),
                )
            )

    def _answer(
        self,
        request: FakeRequest,
        matched: tuple[Route, dict[str, str]] | None,
        fault: str | None,
    ) -> Handling:
        if fault in _HTML_PAGES:
            status, page = _HTML_PAGES[fault]
            return Reply(status, page, _HTML)
        if fault == "401":
            return fail(401, -1, UNAUTHORIZED)
        if fault == "drop_before":
            return Drop(processed=False)
        if fault == "timeout":
            return Hang()
        reply = self._process(request, matched)
        if self.drift.active:
            operation = matched[0].operation if matched else None
            reply = self.drift.apply(operation, reply, token=operation == TOKEN_OPERATION)
        if fault == "drop_after":
            return Drop(processed=True)
        if fault == "truncated_json":
            return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.headers)
        return reply

    def _process(self, request: FakeRequest, matched: tuple[Route, dict[str, str]] | None) -> Reply:
        if matched is None:
            return not_served(request.method, request.path)
        route, params = matched
        if route.operation != TOKEN_OPERATION and not self.token_valid(_bearer(request.headers)):
            return fail(401, -1, UNAUTHORIZED)
        request.path_params = params
        return route.handler(self, request)
