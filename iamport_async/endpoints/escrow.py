"""Escrow shipping details (tag ``escrow``): register, change and read the parcel sent for an
escrow payment. The PG releases the money once the buyer confirms receipt.

The body is two levels deep (``sender``, ``receiver``, ``logis``, ``products[]``), so each
part is a request class checked when built. Which sender and receiver fields are needed
differs by PG (INICIS wants name, tel, addr and postcode; Kiwoom Pay a ``relationship``;
Smartro a ``formed_address``); ``logis`` is always complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._checks import (
    nonblank_text,
    optional_body_bool,
    optional_currency_code,
    optional_int_between,
    optional_nonblank_text,
    require_amount,
    require_id,
    unix_seconds,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.errors import InvalidInputError
from iamport_async.models.escrow import EscrowLogis
from iamport_async.retry import Idempotency


def _address(field: str, value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InvalidInputError(field, "must be a mapping with string keys")
    return dict(value)


@attrs.frozen(kw_only=True)
class _Body:
    """A part of the request body: checked when it is made (its ``to_json`` raises
    InvalidInputError naming the field), so a bad value fails where it was written."""

    def __attrs_post_init__(self) -> None:
        self.to_json()

    def to_json(self) -> dict[str, Any]:
        """The part as the API spells it; fields left at None are not sent."""
        raise NotImplementedError


@attrs.frozen(kw_only=True)
class _Party(_Body):
    """A sender or a receiver: the fields both have. Personal data: out of ``repr``."""

    _ROLE: ClassVar[str]
    """How the fields are named in an error (``sender.tel``)."""

    name: str | None = attrs.field(default=None, repr=False)
    """The person's name (required by KG INICIS and Smartro's new module)."""
    tel: str | None = attrs.field(default=None, repr=False)
    """The person's phone number (required by KG INICIS and Smartro's new module)."""
    addr: str | None = attrs.field(default=None, repr=False)
    """The person's address (required by KG INICIS)."""
    postcode: str | None = attrs.field(default=None, repr=False)
    """The person's postcode (required by KG INICIS and Smartro's new module)."""
    formed_address: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    """The structured address Smartro's new module needs instead of ``addr``."""

    def to_json(self) -> dict[str, Any]:
        """The person as the API spells it; fields left at None are not sent."""
        role = self._ROLE
        return drop_none(
            {
                "name": optional_nonblank_text(f"{role}.name", self.name),
                "tel": optional_nonblank_text(f"{role}.tel", self.tel),
                "addr": optional_nonblank_text(f"{role}.addr", self.addr),
                "postcode": optional_nonblank_text(f"{role}.postcode", self.postcode),
                "formed_address": _address(f"{role}.formed_address", self.formed_address),
            }
        )


@attrs.frozen(kw_only=True)
class EscrowSender(_Party):
    """Who sends the parcel (SPEC ``EscrowLogisSenderAnnotation``). Personal data: out of
    ``repr``."""

    _ROLE = "sender"
    relationship: str | None = None
    """The sender's relation to the buyer (Kiwoom Pay), e.g. ``본인``."""

    def to_json(self) -> dict[str, Any]:
        """The sender as the API spells it; fields left at None are not sent."""
        relationship = optional_nonblank_text("sender.relationship", self.relationship)
        return {**super().to_json(), **drop_none({"relationship": relationship})}


@attrs.frozen(kw_only=True)
class EscrowReceiver(_Party):
    """Who receives the parcel (SPEC ``EscrowLogisReceiverAnnotation``). Personal data: out of
    ``repr``."""

    _ROLE = "receiver"


@attrs.frozen(kw_only=True)
class EscrowLogisInfo(_Body):
    """The parcel (SPEC ``EscrowLogisInfoAnnotation``): courier code (``company``, from the
    courier code table), ``invoice`` number and when it was sent (aware datetime or UNIX
    seconds). ``receiving_at`` (a date, sent as YYYYMMDD) and ``address`` are for Kiwoom Pay."""

    company: str
    """The courier's code."""
    invoice: str
    """The tracking (invoice) number."""
    sent_at: datetime | int
    """When the parcel was sent: an aware datetime, or UNIX seconds."""
    receiving_at: date | str | None = None
    """When it was received (Kiwoom Pay): a date, or a ``YYYYMMDD`` string."""
    address: str | None = attrs.field(default=None, repr=False)
    """The shipping address (required by Kiwoom Pay); left out of ``repr``."""

    def to_json(self) -> dict[str, Any]:
        """The parcel as the API spells it; fields left at None are not sent."""
        return drop_none(
            {
                "company": nonblank_text("logis.company", self.company),
                "invoice": nonblank_text("logis.invoice", self.invoice),
                "sent_at": unix_seconds("logis.sent_at", self.sent_at),
                "receiving_at": _yyyymmdd("logis.receiving_at", self.receiving_at),
                "address": optional_nonblank_text("logis.address", self.address),
            }
        )


@attrs.frozen(kw_only=True)
class EscrowProduct(_Body):
    """A product in the parcel (SPEC ``EscrowLogisProductsAnnotation``; Welcome Payments
    requires the list). ``amount`` is the unit price."""

    id: str
    """The product's id (required by Welcome Payments)."""
    name: str
    """The product's name (required by Welcome Payments)."""
    amount: int | Decimal
    """The unit price, in ``currency`` units (KRW: won)."""
    code: str | None = None
    """The merchant's product code."""
    currency: str | None = None
    """The API's default: KRW."""
    quantity: int | None = None
    """The API's default: 1."""
    tag: str | None = None
    """A category, e.g. books or appliances."""

    def to_json(self) -> dict[str, Any]:
        """The product as the API spells it; fields left at None are not sent."""
        return drop_none(
            {
                "id": nonblank_text("products.id", self.id),
                "name": nonblank_text("products.name", self.name),
                "amount": require_amount("products.amount", self.amount),
                "code": optional_nonblank_text("products.code", self.code),
                "currency": optional_currency_code("products.currency", self.currency),
                "quantity": optional_int_between("products.quantity", self.quantity, 1),
                "tag": optional_nonblank_text("products.tag", self.tag),
            }
        )


async def _registered(
    self: Escrow, error: Exception, imp_uid: str, *, logis: EscrowLogisInfo, **_: Any
) -> EscrowLogis | None:
    registered = await self.get(imp_uid)
    same = registered.company == logis.company and registered.invoice == logis.invoice
    return registered if same else None


_SHIPPING = mutation(
    Resent.GUARDED,
    "`escrow.get(imp_uid)`: the courier and invoice sent",
    "read escrow.get(imp_uid): the courier and invoice registered",
    read_back=_registered,
)
"""What registering and replacing the shipping details declare (see ``_mutation``)."""


class Escrow(Endpoints):
    """Escrow shipping details (``client.escrow``)."""

    @operation("GET", "/escrows/logis/{imp_uid}")
    async def get(self, imp_uid: str) -> EscrowLogis:
        """The shipping details registered for escrow payment ``imp_uid``.

        No such payment is a NotFoundError; a payment with no details registered yet is a
        ConflictError (409, as the spec documents).
        """
        endpoint = path("/escrows/logis/{}", require_id("imp_uid", imp_uid))
        return await self._call("GET", endpoint, EscrowLogis)

    @operation("POST", "/escrows/logis/{imp_uid}")
    @_SHIPPING
    async def register(
        self,
        imp_uid: str,
        *,
        sender: EscrowSender,
        receiver: EscrowReceiver,
        logis: EscrowLogisInfo,
        products: Sequence[EscrowProduct] | None = None,
        send_email: bool | None = None,
    ) -> EscrowLogis:
        """Register the parcel sent for escrow payment ``imp_uid``. ``send_email`` (NICE's new
        module; the API's default: true) mails the buyer when the purchase is confirmed.

        Retry: ``GUARDED``. The API registers details once per payment and refuses a second
        registration (409, ConflictError), and no money moves. A ConflictError with
        ``after_ambiguous_failure`` set usually means the first attempt registered them: read
        them with :meth:`get`.
        """
        endpoint = path("/escrows/logis/{}", require_id("imp_uid", imp_uid))
        body = _shipping(sender, receiver, logis, products)
        if send_email is not None:
            body["send_email"] = optional_body_bool("send_email", send_email)
        return await self._send_shipping("POST", endpoint, body)

    @operation("PUT", "/escrows/logis/{imp_uid}")
    @_SHIPPING
    async def update(
        self,
        imp_uid: str,
        *,
        sender: EscrowSender,
        receiver: EscrowReceiver,
        logis: EscrowLogisInfo,
        products: Sequence[EscrowProduct] | None = None,
    ) -> EscrowLogis:
        """Replace the shipping details of escrow payment ``imp_uid`` (a wrong invoice number,
        another courier). Details that can no longer change are refused (409, ConflictError).

        Retry: ``GUARDED``. The details are replaced by the ones given, so a repeat leaves
        them as the first attempt did, and no money moves.
        """
        endpoint = path("/escrows/logis/{}", require_id("imp_uid", imp_uid))
        return await self._send_shipping(
            "PUT", endpoint, _shipping(sender, receiver, logis, products)
        )

    async def _send_shipping(self, method: str, endpoint: str, body: dict[str, Any]) -> EscrowLogis:
        return await self._call(
            method, endpoint, EscrowLogis, json=body, idempotency=Idempotency.GUARDED
        )


def _shipping(
    sender: EscrowSender,
    receiver: EscrowReceiver,
    logis: EscrowLogisInfo,
    products: Sequence[EscrowProduct] | None,
) -> dict[str, Any]:
    _require("sender", sender, EscrowSender)
    _require("receiver", receiver, EscrowReceiver)
    _require("logis", logis, EscrowLogisInfo)
    body: dict[str, Any] = {
        "sender": sender.to_json(),
        "receiver": receiver.to_json(),
        "logis": logis.to_json(),
    }
    if products is not None:
        if isinstance(products, EscrowProduct | str) or not isinstance(products, Sequence):
            raise InvalidInputError("products", "must be a list of EscrowProduct")
        for product in products:
            _require("products", product, EscrowProduct)
        body["products"] = [product.to_json() for product in products]
    return body


def _require(field: str, value: object, cls: type[Any]) -> None:
    if not isinstance(value, cls):
        raise InvalidInputError(field, f"must be an {cls.__name__}, got {type(value).__name__}")


def _yyyymmdd(field: str, value: object) -> str | None:
    """A date as the API's ``YYYYMMDD`` string (a ``date`` or such a string)."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, str) and len(value) == 8 and value.isascii() and value.isdigit():
        try:
            date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
        else:
            return value
    raise InvalidInputError(field, "must be a date or a YYYYMMDD string")
