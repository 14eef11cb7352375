"""Schedule listings, shared by ``client.subscribe`` and ``client.customers``: the 3-month
range, the two answer shapes, and the listing of one billing key's schedules."""

from __future__ import annotations

from datetime import datetime

from iamport_async._engine import Answer
from iamport_async.endpoints._base import Endpoints, Read, path
from iamport_async.endpoints._checks import choice, page_number, require_id, unix_seconds
from iamport_async.errors import InvalidInputError
from iamport_async.models._converter import structure
from iamport_async.models.page import Page
from iamport_async.models.schedule import Schedule, ScheduleStatus
from iamport_async.results import Paged

MAX_SCHEDULE_RANGE = 92 * 24 * 3600
"""The longest three calendar months, in seconds. The API allows a range of "3 months"
without saying how it counts them; wider is certainly refused, and the server decides the
edge (it answers 400, raised as BadRequestError)."""


def schedule_range(
    from_field: str, start: datetime | int, to_field: str, end: datetime | int
) -> tuple[int, int]:
    """``(from, to)`` in UNIX seconds: ``from <= schedule_at < to``, at most 3 months apart.

    Wider ranges are refused rather than split: a listing is paged by the server, and
    stitching the pages of several ranges together would break ``await listing.page(n)``.
    """
    low = unix_seconds(from_field, start)
    high = unix_seconds(to_field, end)
    if high <= low:
        raise InvalidInputError(to_field, f"must be after {from_field}")
    if high - low > MAX_SCHEDULE_RANGE:
        raise InvalidInputError(
            to_field, f"is more than 3 months after {from_field}; query each range separately"
        )
    return low, high


def schedule_page(answer: Answer, method: str, path: str) -> Page[Schedule]:
    """A page of schedules from either shape the API is known for.

    SPEC types the schedule lists as a plain array (``ScheduleResponse``); the Java, PHP and
    Node clients parse the paged object ``{total, previous, next, list}``. An
    array is one complete page; ``null`` is an empty one.
    """
    payload, status = answer.payload, answer.status
    if payload is None:
        return Page(total=0, list=())
    if isinstance(payload, list):
        items: list[Schedule] = structure(
            payload, list[Schedule], status=status, method=method, path=path
        )
        return Page(total=len(items), list=tuple(items))
    page: Page[Schedule] = structure(
        payload, Page[Schedule], status=status, method=method, path=path
    )
    return page


def schedule_list(answer: Answer, method: str, path: str) -> list[Schedule]:
    """The schedules a POST answers: an array (SPEC), or a paged object's ``list``."""
    return list(schedule_page(answer, method, path).list)


def schedule_listing(
    group: Endpoints, path: str, params: dict[str, str | int], first: int
) -> Paged[Schedule]:
    async def fetch(number: int) -> Page[Schedule]:
        return await group._call(
            "GET", path, Read(schedule_page), params={**params, "page": number}
        )

    return Paged(fetch, first)


def customer_schedules(
    group: Endpoints,
    template: str,
    customer_uid: str,
    schedule_from: datetime | int,
    schedule_to: datetime | int,
    schedule_status: ScheduleStatus | str | None,
    page: int,
) -> Paged[Schedule]:
    """The two "schedules of one billing key" listings: same query, ``schedule-status`` with a
    hyphen (SPEC, PHP, Node; the Java client's ``schedule_status`` is likely its bug)."""
    require_id("customer_uid", customer_uid)
    low, high = schedule_range("schedule_from", schedule_from, "schedule_to", schedule_to)
    params: dict[str, str | int] = {"from": low, "to": high}
    if schedule_status is not None:
        params["schedule-status"] = choice("schedule_status", schedule_status, ScheduleStatus)
    return schedule_listing(group, path(template, customer_uid), params, page_number(page))
