"""A payment as the API describes it (``PaymentAnnotation``) and what it carries.

Only ``imp_uid``, ``merchant_uid``, ``amount`` and ``status`` must be present: everything else
has a default, because real answers leave fields out (the seed examples lack ``sandbox`` and
``cancellation_id``, which the spec marks required) and a lookup that crashes on a missing
optional field breaks a checkout.
"""

from __future__ import annotations

import builtins
import enum
import types
import typing
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from itertools import repeat
from typing import Annotated, Any

import attrs

from iamport_async.models._converter import (
    Model,
    Money,
    Timestamp,
    _lenient_enum,
    converter,
    to_money,
    to_optional_int,
    to_timestamp,
)
from iamport_async.models.page import Page


class PaymentStatus(enum.StrEnum):
    """``status`` of a payment. A partially cancelled payment is already ``cancelled``."""

    READY = "ready"
    PAID = "paid"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Channel(enum.StrEnum):
    """``channel``: where the payment was made (``api``: billing key or key-in)."""

    PC = "pc"
    MOBILE = "mobile"
    API = "api"


class CustomerUidUsage(enum.StrEnum):
    """``customer_uid_usage``: what the billing key was used for (None: an ordinary payment)."""

    ISSUE = "issue"
    PAYMENT = "payment"
    PAYMENT_SCHEDULED = "payment.scheduled"


class _LenientIntMarker:
    """An int the API may send as an int, a numeric string, null or the string ``"null"``."""


LenientInt = Annotated[int | None, _LenientIntMarker]
"""``card_type`` and ``card_quota``: int, numeric string, null or ``"null"``; None if absent."""


def _is_lenient_int(tp: Any) -> bool:
    return getattr(tp, "__metadata__", None) == (_LenientIntMarker,)


def _structure_list_or_none(tp: Any) -> Any:
    (item,) = tp.__args__

    def structure(value: Any, _: Any) -> list[Any]:
        if value is None:
            return []
        return [converter.structure(element, item) for element in value]

    return structure


converter.register_structure_hook_func(_is_lenient_int, lambda v, _: to_optional_int(v))


@attrs.frozen
class PaymentCancel(Model):
    """One entry of ``cancel_history``: a full or partial cancel."""

    amount: Money
    pg_tid: str | None = None
    cancelled_at: Timestamp = None
    reason: str | None = None
    cancellation_id: str | None = None
    receipt_url: str | None = None


@attrs.frozen
class VbankDeposit(Model):
    """One entry of ``deposit_history``: a deposit into a fixed virtual account."""

    amount: Money
    pg_tid: str | None = None
    depositor_name: str | None = attrs.field(default=None, repr=False)
    deposited_at: Timestamp = None


@attrs.frozen
class Promotion(Model):
    """``promotion``: the card-company promotion applied and the discount it took off."""

    id: str | None = None
    discount: Money | None = None


@attrs.frozen
class Payment(Model):
    """A payment (``PaymentAnnotation``). Field names are the API's.

    Amounts are ``Decimal``; timestamps are aware UTC datetimes, None where the API sends 0;
    ``status``, ``channel`` and ``customer_uid_usage`` are enums, or the plain string when the
    API sends a value this version does not know. Personal data (buyer, card and account
    numbers, custom_data) is left out of ``repr``.
    """

    imp_uid: str
    merchant_uid: str
    amount: Money
    status: PaymentStatus | str
    cancel_amount: Money = Decimal(0)
    currency: str | None = None
    sandbox: bool = False
    pay_method: str | None = None
    channel: Channel | str | None = None
    pg_provider: str | None = None
    emb_pg_provider: str | None = None
    pg_tid: str | None = None
    pg_id: str | None = None
    escrow: bool = False
    apply_num: str | None = None
    bank_code: str | None = None
    bank_name: str | None = None
    card_code: str | None = None
    card_name: str | None = None
    card_issuer_code: str | None = None
    card_issuer_name: str | None = None
    card_publisher_code: str | None = None
    card_publisher_name: str | None = None
    card_quota: LenientInt = None
    card_number: str | None = attrs.field(default=None, repr=False)
    card_type: LenientInt = None
    """0 credit, 1 check; None where the PG does not say (INICIS billing sends null)."""
    vbank_code: str | None = None
    vbank_name: str | None = None
    vbank_num: str | None = attrs.field(default=None, repr=False)
    vbank_holder: str | None = attrs.field(default=None, repr=False)
    vbank_date: Timestamp = None
    vbank_issued_at: Timestamp = None
    name: str | None = None
    buyer_name: str | None = attrs.field(default=None, repr=False)
    buyer_email: str | None = attrs.field(default=None, repr=False)
    buyer_tel: str | None = attrs.field(default=None, repr=False)
    buyer_addr: str | None = attrs.field(default=None, repr=False)
    buyer_postcode: str | None = attrs.field(default=None, repr=False)
    custom_data: str | None = attrs.field(default=None, repr=False)
    """What the checkout page passed as ``custom_data``: a JSON string, not parsed here."""
    user_agent: str | None = attrs.field(default=None, repr=False)
    started_at: Timestamp = None
    paid_at: Timestamp = None
    failed_at: Timestamp = None
    cancelled_at: Timestamp = None
    fail_reason: str | None = None
    cancel_reason: str | None = None
    receipt_url: str | None = None
    cancel_history: builtins.list[PaymentCancel] = attrs.field(factory=list, repr=False)
    deposit_history: builtins.list[VbankDeposit] = attrs.field(factory=list, repr=False)
    cancel_receipt_urls: builtins.list[str] = attrs.field(factory=list, repr=False)
    """Deprecated by the API in favour of ``cancel_history[].receipt_url``."""
    cash_receipt_issued: bool = False
    customer_uid: str | None = None
    customer_uid_usage: CustomerUidUsage | str | None = None
    promotion: Promotion | None = None

    @property
    def refundable_amount(self) -> Decimal:
        """What can still be cancelled: ``amount - cancel_amount``. This is the ``checksum`` a
        guarded cancel sends."""
        return self.amount - self.cancel_amount

    @property
    def is_paid(self) -> bool:
        """Paid and not cancelled in any part."""
        return self.status == PaymentStatus.PAID and self.cancel_amount == 0

    @property
    def is_fully_cancelled(self) -> bool:
        """Nothing is left to refund (the status alone does not say: a partial cancel already
        sets ``cancelled``)."""
        return self.status == PaymentStatus.CANCELLED and self.cancel_amount >= self.amount

    @property
    def is_partially_cancelled(self) -> bool:
        return Decimal(0) < self.cancel_amount < self.amount

    def matches(self, *, amount: int | Decimal, currency: str | None = None) -> bool:
        """Whether this payment is paid for exactly ``amount`` (and ``currency``, if given):
        the check a checkout handler makes before it ships the order."""
        if not self.is_paid or self.amount != Decimal(amount):
            return False
        return currency is None or self.currency == currency


PaymentPage = Page[Payment]
"""One page of a payment listing (``PagedPaymentAnnotation``)."""


_NULLABLE_LISTS = frozenset(
    {builtins.list[PaymentCancel], builtins.list[VbankDeposit], builtins.list[str]}
)
# the API may send null for an empty history: read it as []
converter.register_structure_hook_factory(lambda tp: tp in _NULLABLE_LISTS, _structure_list_or_none)


# --- a faster structure hook for the models read in bulk ---------------------------------------
#
# A reconciliation worker decodes millions of payments; cattrs' generated function (detailed
# validation, an Optional dispatch per field) spends about 4x what json.loads does. This hook
# applies the same rules as the shared converter (unknown fields kept, lenient enums, timestamps,
# money, lenient ints, null lists) but checks the plain str and bool fields in bulk, in C, and
# converts field by field only what needs converting. A value that does not fit is reported
# with its field's name.

_PLAIN = object()
"""Marks a ``str`` / ``str | None`` field: kept as is when it is a str or None."""
_FLAG = object()
"""Marks a ``bool`` field: kept as is when it is a bool."""
_STR_OR_NONE = frozenset({str, type(None)})
_BOOL = frozenset({bool})


def _timestamp(value: Any) -> datetime | None:
    if value.__class__ is int:
        return None if value == 0 else datetime.fromtimestamp(value, UTC)
    return to_timestamp(value)


def _money(value: Any) -> Decimal:
    return Decimal(value) if value.__class__ is int else to_money(value)


def _optional_money(value: Any) -> Decimal | None:
    return None if value is None else _money(value)


def _lenient_int(value: Any) -> int | None:
    return value if value.__class__ is int else to_optional_int(value)


def _field_converter(tp: Any) -> Any:
    """The function that turns a JSON value into a value of ``tp``, or a bulk marker."""
    if tp in (str, str | None):
        return _PLAIN
    if tp is bool:
        return _FLAG
    if tp == Timestamp:
        return _timestamp
    if tp is Decimal:
        return _money
    if tp == Decimal | None:
        return _optional_money
    if tp == LenientInt:
        return _lenient_int
    enum_cls = _lenient_enum(tp)
    if enum_cls is not None:
        members = {member.value: member for member in enum_cls}

        def lenient(value: Any) -> Any:
            member = members.get(value)
            if member is not None or value is None:
                return member
            return str(value)

        return lenient
    hook = converter.get_structure_hook(tp)
    if tp in _NULLABLE_LISTS:
        return lambda v: hook(v, tp) if v else []
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in tp.__args__:
        return lambda v: None if v is None else hook(v, tp)
    return lambda v: hook(v, tp)


_ABSENT = object()
"""Default of a required field: still there after the defaults are applied means missing."""

_set = object.__setattr__


def fast_structure_hook(cls: type[Model]) -> Callable[[Any, Any], Any]:
    """A structure hook for ``cls`` with the converter's rules, built on first use.

    It fills the slots directly instead of calling the generated ``__init__``: the keyword
    matching of ~55 JSON-decoded (non-interned) names and one bound ``__setattr__`` call per
    field cost more than json.loads itself. Only for classes without validators, converters
    or ``__attrs_post_init__`` (checked), where the result is the same object ``__init__``
    would build.
    """
    names: list[str] = []
    defaults: list[Any] = []
    plain: list[int] = []
    flags: list[int] = []
    special: list[tuple[int, Callable[[Any], Any]]] = []
    known: set[str] = set()

    def build() -> None:
        if hasattr(cls, "__attrs_post_init__"):
            raise TypeError(f"{cls.__name__} has __attrs_post_init__: use the default hook")
        hints = typing.get_type_hints(cls, include_extras=True)
        for field in attrs.fields(cls):
            if field.name == "unknown_fields":
                continue
            if field.validator is not None or field.converter is not None:
                raise TypeError(f"{cls.__name__}.{field.name} has a validator or converter")
            index = len(names)
            names.append(field.name)
            default = field.default
            if default is attrs.NOTHING:
                defaults.append(_ABSENT)
            elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                defaults.append(None)  # the list converters turn None into a fresh []
            else:
                defaults.append(default)
            convert = _field_converter(hints[field.name])
            if convert is _PLAIN:
                plain.append(index)
            elif convert is _FLAG:
                flags.append(index)
            else:
                special.append((index, convert))
            if isinstance(default, attrs.Factory) and convert in (_PLAIN, _FLAG):  # type: ignore[arg-type]
                raise TypeError(f"{cls.__name__}.{field.name}: factory default unsupported")
        known.update(names)

    def structure(data: Any, _: Any) -> Any:
        if not known:
            build()
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__} expects an object, got {type(data).__name__}")
        values = list(map(data.get, names, defaults))
        if not _STR_OR_NONE.issuperset(map(type, map(values.__getitem__, plain))):
            for index in plain:
                value = values[index]
                if value is not None and value.__class__ is not str:
                    values[index] = str(value)
        if not _BOOL.issuperset(map(type, map(values.__getitem__, flags))):
            for index in flags:
                values[index] = bool(values[index])
        index = 0
        try:
            for index, convert in special:
                value = values[index]
                if value is not _ABSENT:
                    values[index] = convert(value)
        except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ValueError(f"{cls.__name__}.{names[index]}: {exc}") from exc
        if _ABSENT in values:
            missing = [n for n, v in zip(names, values, strict=True) if v is _ABSENT]
            raise ValueError(f"{cls.__name__}: missing required field(s) {missing}")
        instance = object.__new__(cls)
        deque(map(_set, repeat(instance), names, values), maxlen=0)  # the loop, in C
        unknown = {} if known.issuperset(data) else {k: data[k] for k in data.keys() - known}
        _set(instance, "unknown_fields", unknown)
        return instance

    return structure


for _model in (Payment, PaymentCancel, VbankDeposit, Promotion):
    converter.register_structure_hook(_model, fast_structure_hook(_model))
del _model
