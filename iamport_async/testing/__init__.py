"""Testing helpers shipped with the library: a virtual clock and a fake i'mport API.

``FakeIamport`` is a stateful in-memory implementation of the API (see ``docs/testing.md``):
in-process through ``fake.transport()`` / ``fake.client()``, or on a socket with
``fake.serve()``. ``seed_payments`` generates realistic payment records.
"""

from iamport_async.testing._fake import FakeIamport
from iamport_async.testing._faults import Answer
from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._ops_certifications import TEST_OTP
from iamport_async.testing._ops_subscribe import DECLINED_CARD, UNDERFUNDED_CARD
from iamport_async.testing._records import seed_payments
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState
from iamport_async.testing._stats import LoggedRequest, Stats
from iamport_async.testing.clock import VirtualClock

__all__ = [
    "DECLINED_CARD",
    "TEST_OTP",
    "UNDERFUNDED_CARD",
    "Answer",
    "FakeIamport",
    "FakeRequest",
    "FakeState",
    "LoggedRequest",
    "Reply",
    "Stats",
    "VirtualClock",
    "fail",
    "ok",
    "route",
    "seed_payments",
]
