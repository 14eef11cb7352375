"""Response models: frozen attrs classes named and shaped like the API's definitions."""

from iamport_async.models._converter import Model, Money, Timestamp, converter

__all__ = ["Model", "Money", "Timestamp", "converter"]
