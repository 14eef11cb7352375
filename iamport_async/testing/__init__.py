"""Testing helpers shipped with the library."""

from iamport_async.testing.clock import VirtualClock

__all__ = ["VirtualClock"]
