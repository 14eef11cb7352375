"""Billing keys (tag ``subscribe.customer``): issue, look up (one or many), delete, and list a
key's payments and schedules.

A billing key is named by the merchant's own ``customer_uid``. Keys issued with a
``channel_group_id`` are "super billing keys" and come back as
:class:`~iamport_async.models.customer.SuperBillingKey` instead of
:class:`~iamport_async.models.customer.Customer`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from iamport_async._batching import DEFAULT_CONCURRENCY, by_ids, ids_of, lookup_all
from iamport_async._engine.query import QueryParams
from iamport_async.endpoints._base import Cast, Endpoints, drop_none, operation, path
from iamport_async.endpoints._charge import SKEW_MARGIN
from iamport_async.endpoints._checks import (
    card_fields,
    id_iterable,
    int_between,
    nonblank_text,
    optional_nonblank_text,
    page_number,
    require_id,
)
from iamport_async.endpoints._mutation import Resent, closed_while_settling, mutation, unknown
from iamport_async.endpoints._schedules import customer_schedules
from iamport_async.errors import (
    BusinessError,
    ClientClosedError,
    IamportError,
    NotFoundError,
    OutcomeUnknownError,
)
from iamport_async.models.customer import BillingKey, Customer, SuperBillingKey
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment
from iamport_async.models.schedule import Schedule, ScheduleStatus
from iamport_async.results import IdResults, Paged
from iamport_async.retry import Idempotency

_BILLING_KEY = Cast[Customer | SuperBillingKey](BillingKey)

CUSTOMER_UID = "customer_uid"
"""The kind of id ``get_many`` takes (and its lookups carry)."""

ISSUE_CHECK = (
    "read customers.get(customer_uid): card_number and updated say which card the key holds"
)


async def _not_deleted(
    self: Customers, error: Exception, customer_uid: str, **kwargs: str | None
) -> Customer | SuperBillingKey | None:
    """Read the key after a delete's lost answer: still there, the delete did not happen and
    is sent once more (a repeat cannot do more than the first attempt); gone, the key as it was
    went with the lost answer, so None (noted: the key is deleted)."""
    try:
        await self.get(customer_uid)
    except (NotFoundError, BusinessError) as missing:
        if not _says_missing(missing):
            raise
        error.add_note(
            "reading back: the key is gone: it is deleted, by this call or before it; the key "
            "as it was went with the lost answer"
        )
        return None
    return await self._delete(customer_uid, _delete_params(**kwargs))


def _says_missing(error: NotFoundError | BusinessError) -> bool:
    """The API's answer for an unknown key: a 404 with its envelope, or HTTP 200 with code 1
    (as seen from the server)."""
    if isinstance(error, NotFoundError):
        return error.code is not None
    return error.code == 1


def _delete_params(*, reason: str | None = None, requester: str | None = None) -> QueryParams:
    return drop_none(
        {
            "reason": optional_nonblank_text("reason", reason),
            "extra[requester]": optional_nonblank_text("requester", requester),
        }
    )


class Customers(Endpoints):
    """Billing keys (``client.customers``)."""

    @operation("POST", "/subscribe/customers/{customer_uid}")
    @mutation(
        Resent.NEVER_SENT,
        "inside the call: `customers.get(customer_uid)`, the key only if it was updated after "
        "the call began (server time); a plain key only",
        ISSUE_CHECK,
        settles_itself=True,
    )
    async def issue(
        self,
        customer_uid: str,
        *,
        channel_key: str,
        card_number: str,
        expiry: str,
        birth: str | None = None,
        pwd_2digit: str | None = None,
        cvc: str | None = None,
        pg: str | None = None,
        customer_id: str | None = None,
        customer_name: str | None = None,
        customer_tel: str | None = None,
        customer_email: str | None = None,
        customer_addr: str | None = None,
        customer_postcode: str | None = None,
        channel_group_id: str | None = None,
    ) -> Customer | SuperBillingKey:
        """Issue (or replace) the billing key ``customer_uid`` for a card.

        ``card_number`` ``dddd-dddd-dddd-dddd`` (15-digit cards ``dddd-dddddd-ddddd``),
        ``expiry`` ``YYYY-MM``, ``birth`` YYMMDD or a 10-digit business number, ``pwd_2digit``
        the PIN's first two digits: each is checked before sending, and no error, log or
        repr ever shows them. Whether ``birth`` and ``pwd_2digit`` are needed depends on the
        PG. With ``channel_group_id`` the key is issued on every channel of that smart-routing
        group and a :class:`SuperBillingKey` comes back. A card the PG refuses is a
        BusinessError (code -1).

        Retry: ``UNGUARDED``. The API does not refuse a repeat (it re-registers the card
        under the same ``customer_uid``), and some PGs authorise the card when issuing, so a
        request that may have reached the server is not resent. When its answer is lost, the
        key is read back and returned if it was updated after the call began on the server's
        clock (as charges decide theirs); otherwise OutcomeUnknownError.
        """
        endpoint = path("/subscribe/customers/{}", require_id("customer_uid", customer_uid))
        body = drop_none(
            {
                "channel_key": nonblank_text("channel_key", channel_key, 55),
                **card_fields(
                    card_number=card_number,
                    expiry=expiry,
                    birth=birth,
                    pwd_2digit=pwd_2digit,
                    cvc=cvc,
                ),
                "pg": optional_nonblank_text("pg", pg, 80),
                "customer_id": optional_nonblank_text("customer_id", customer_id),
                "customer_name": optional_nonblank_text("customer_name", customer_name, 20),
                "customer_tel": optional_nonblank_text("customer_tel", customer_tel, 20),
                "customer_email": optional_nonblank_text("customer_email", customer_email, 200),
                "customer_addr": optional_nonblank_text("customer_addr", customer_addr, 200),
                "customer_postcode": optional_nonblank_text(
                    "customer_postcode", customer_postcode, 8
                ),
                "channel_group_id": optional_nonblank_text(
                    "channel_group_id", channel_group_id, 55
                ),
            }
        )
        began = self._clock.monotonic()
        try:
            key: Customer | SuperBillingKey = await self._call(
                "POST", endpoint, _BILLING_KEY, json=body, idempotency=Idempotency.UNGUARDED
            )
        except IamportError as error:
            if error.outcome_known or isinstance(error, OutcomeUnknownError | ClientClosedError):
                raise
            made = await self._issued_since(customer_uid, began, error)
            if made is None:
                raise unknown(ISSUE_CHECK, error) from error
            return made
        return key

    async def _issued_since(
        self, customer_uid: str, began: float, error: IamportError
    ) -> Customer | None:
        """The plain key ``customer_uid`` if it was updated at or after ``began`` on the
        server's clock (less the charges' margin), else None with a note on ``error``."""
        start = self._server_time(began)
        if start is None:
            error.add_note("the server's time is not known, so the key cannot be told to be new")
            return None
        try:
            key = await self.get(customer_uid)
        except ClientClosedError as closed:
            raise closed_while_settling(closed, error, ISSUE_CHECK) from error
        except IamportError as failed:
            error.add_note(f"reading the key back failed: {type(failed).__name__}")
            return None
        if not isinstance(key, Customer):
            error.add_note("a super billing key's read does not say when it was issued")
            return None
        if key.updated is None or key.updated.timestamp() < int(start) - SKEW_MARGIN:
            error.add_note("the key was not updated during this call: it is an older one")
            return None
        return key

    @operation("GET", "/subscribe/customers/{customer_uid}")
    async def get(self, customer_uid: str) -> Customer | SuperBillingKey:
        """The billing key ``customer_uid``.

        An unknown key is refused either as a 404 (NotFoundError, per SPEC) or as HTTP 200
        with code 1 (BusinessError, as seen from the server).
        """
        endpoint = path("/subscribe/customers/{}", require_id("customer_uid", customer_uid))
        return await self._call("GET", endpoint, _BILLING_KEY)

    @operation("DELETE", "/subscribe/customers/{customer_uid}")
    @mutation(
        Resent.GUARDED,
        "`customers.get(customer_uid)`: a key still there is deleted once more; a key gone (the "
        "API's not-found answer) is deleted, but the key as it was is lost: `OutcomeUnknownError` "
        "says so",
        "the key is deleted if customers.get(customer_uid) raises NotFoundError (the notes say "
        "what reading back found); the key as it was went with the lost answer",
        read_back=_not_deleted,
    )
    async def delete(
        self,
        customer_uid: str,
        *,
        reason: str | None = None,
        requester: str | None = None,
    ) -> Customer | SuperBillingKey:
        """Delete the billing key ``customer_uid``; returns the key as it was.

        ``requester`` is sent as ``extra[requester]`` (Naver Pay only: ``customer`` or
        ``admin``, the API's default).

        Retry: ``GUARDED``. No money moves, and a deleted key cannot be deleted again (404),
        so a repeat cannot do more than the first attempt. When an answer is lost, the key is
        read back: still there, it is deleted once more; gone, the key as it was cannot be
        had, so OutcomeUnknownError (its notes say the key is gone).
        """
        params = _delete_params(reason=reason, requester=requester)
        return await self._delete(require_id("customer_uid", customer_uid), params)

    async def _delete(self, customer_uid: str, params: QueryParams) -> Customer | SuperBillingKey:
        endpoint = path("/subscribe/customers/{}", customer_uid)
        return await self._call(
            "DELETE", endpoint, _BILLING_KEY, params=params, idempotency=Idempotency.GUARDED
        )

    @operation("GET", "/subscribe/customers")
    async def get_many(
        self, customer_uids: Iterable[str], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> IdResults[Customer | SuperBillingKey]:
        """Several billing keys, any number of them: sent 100 ids per request (deduplicated),
        ``concurrency`` requests at a time, matched back by ``customer_uid``.

        ``result.found`` maps each id found to its key, ``result.missing`` lists the ids the
        API does not have (HTTP 207 for some, a 404 with the API's envelope for all), and
        ``result.failed`` maps the ids whose request failed after its retries to the error;
        all in the order asked. Credentials the API refuses raise UnauthorizedError at once.
        """
        uids = id_iterable("customer_uids", customer_uids)
        int_between("concurrency", concurrency, 1)
        keys = [(CUSTOMER_UID, require_id("customer_uids", uid)) for uid in uids]
        fetch = by_ids(
            lambda query: self._call("GET", "/subscribe/customers", list[BillingKey], params=query)
        )
        answers = await lookup_all(
            keys, fetch, ids_of(CUSTOMER_UID), concurrency=concurrency, ready=self._log_in
        )
        return IdResults(CUSTOMER_UID, answers)

    @operation("GET", "/subscribe/customers/{customer_uid}/payments")
    def payments(self, customer_uid: str, *, page: int = 1) -> Paged[Payment]:
        """Payments made with the billing key ``customer_uid``, newest first.

        ``async for`` walks every page; ``await`` gives page ``page``.
        """
        endpoint = path(
            "/subscribe/customers/{}/payments", require_id("customer_uid", customer_uid)
        )

        async def fetch(number: int) -> Page[Payment]:
            return await self._call("GET", endpoint, Page[Payment], params={"page": number})

        return Paged(fetch, page_number(page))

    @operation("GET", "/subscribe/customers/{customer_uid}/schedules")
    def schedules(
        self,
        customer_uid: str,
        *,
        schedule_from: datetime | int,
        schedule_to: datetime | int,
        schedule_status: ScheduleStatus | str | None = None,
        page: int = 1,
    ) -> Paged[Schedule]:
        """Schedules of the billing key ``customer_uid`` due in
        ``schedule_from <= schedule_at < schedule_to`` (at most 3 months), newest first;
        ``schedule_status`` filters by status (sent as ``schedule-status``).

        ``async for`` walks every page; ``await`` gives page ``page``. The answer is accepted
        as SPEC's array or the paged object the official clients parse.
        """
        return customer_schedules(
            self,
            "/subscribe/customers/{}/schedules",
            customer_uid,
            schedule_from,
            schedule_to,
            schedule_status,
            page,
        )
