"""Every operation of this group of the spec has exactly one marked method."""

from __future__ import annotations

import inspect

from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE, Endpoints
from iamport_async.endpoints.benepia import Benepia
from iamport_async.endpoints.certifications import Certifications
from iamport_async.endpoints.cvs import Cvs
from iamport_async.endpoints.escrow import Escrow
from iamport_async.endpoints.receipts import Receipts
from iamport_async.endpoints.vbanks import Vbanks

OPERATIONS = {
    ("GET", "/receipts/{imp_uid}"),
    ("POST", "/receipts/{imp_uid}"),
    ("DELETE", "/receipts/{imp_uid}"),
    ("GET", "/receipts/external/{merchant_uid}"),
    ("POST", "/receipts/external/{merchant_uid}"),
    ("DELETE", "/receipts/external/{merchant_uid}"),
    ("POST", "/partners/receipts/{imp_uid}"),
    ("POST", "/vbanks"),
    ("PUT", "/vbanks/{imp_uid}"),
    ("DELETE", "/vbanks/{imp_uid}"),
    ("GET", "/vbanks/holder"),
    ("GET", "/certifications/{imp_uid}"),
    ("DELETE", "/certifications/{imp_uid}"),
    ("POST", "/certifications/otp/request"),
    ("POST", "/certifications/otp/confirm/{imp_uid}"),
    ("GET", "/escrows/logis/{imp_uid}"),
    ("POST", "/escrows/logis/{imp_uid}"),
    ("PUT", "/escrows/logis/{imp_uid}"),
    ("POST", "/cvs"),
    ("DELETE", "/cvs/{imp_uid}"),
    ("POST", "/benepia/point"),
    ("POST", "/benepia/payment"),
}
GROUPS: tuple[type[Endpoints], ...] = (Receipts, Vbanks, Certifications, Escrow, Cvs, Benepia)


def test_each_operation_of_the_group_has_one_marked_public_method() -> None:
    served: dict[tuple[str, str], list[str]] = {}
    for group in GROUPS:
        for name, function in inspect.getmembers(group, inspect.iscoroutinefunction):
            for mark in getattr(function, OPERATIONS_ATTRIBUTE, ()):
                assert not name.startswith("_"), f"{group.__name__}.{name} is private"
                served.setdefault(mark, []).append(f"{group.__name__}.{name}")
    assert set(served) == OPERATIONS
    assert all(len(names) == 1 for names in served.values()), served


def test_path_arguments_are_positional_and_the_rest_keyword_only() -> None:
    for group in GROUPS:
        for name, function in inspect.getmembers(group, inspect.iscoroutinefunction):
            marks = getattr(function, OPERATIONS_ATTRIBUTE, ())
            if not marks:
                continue
            (_, template), *_ = marks
            parameters = list(inspect.signature(function).parameters.values())[1:]
            positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
            in_path = [part[1:-1] for part in template.split("/") if part.startswith("{")]
            assert positional == in_path, f"{group.__name__}.{name}"
