"""The shared argument checks: amounts the API reads as the caller meant, ids that can be a
path segment, text that can be sent."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from iamport_async import Iamport
from iamport_async.endpoints._checks import (
    MAX_AMOUNT,
    nonblank_text,
    optional_amount,
    optional_verbatim_text,
    require_amount,
    require_id,
    string_map,
    whole_amount,
)
from iamport_async.errors import InvalidInputError


@pytest.mark.parametrize("positive", [True, False])
@pytest.mark.parametrize("tiny", [Decimal("1E-400"), Decimal("0.001"), Decimal("0.004999")])
def test_an_amount_that_rounds_to_nothing_is_refused_not_sent_as_zero(
    tiny: Decimal, positive: bool
) -> None:
    """The API reads an amount of 0 as "all of it": a cancel of 1E-400 was a full refund."""
    with pytest.raises(InvalidInputError) as raised:
        require_amount("amount", tiny, positive=positive)
    assert raised.value.field == "amount"
    if positive:
        assert "rounds to nothing" in str(raised.value)


@pytest.mark.parametrize(
    "value", [Decimal("10.001"), Decimal("1E-3"), Decimal("1234567890.123456789")]
)
def test_more_than_cents_is_refused_rather_than_rounded(value: Decimal) -> None:
    with pytest.raises(InvalidInputError, match="at most 2 decimal places"):
        require_amount("amount", value)


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (Decimal("10.05"), Decimal("10.05")),
        (Decimal("10.50"), Decimal("10.50")),
        (Decimal("1E+3"), 1000),
        (Decimal("1000.00"), 1000),
        (1000, 1000),
        (Decimal("9999999999999.99"), Decimal("9999999999999.99")),
    ],
)
def test_an_exact_amount_is_kept_exactly(value: Decimal | int, sent: Decimal | int) -> None:
    amount = require_amount("amount", value)
    assert amount == sent
    assert type(amount) is type(sent)


@pytest.mark.parametrize("big", [MAX_AMOUNT, Decimal(MAX_AMOUNT), Decimal("1E+30"), 10**400])
def test_an_amount_beyond_what_a_double_holds_exactly_is_refused(big: Decimal | int) -> None:
    with pytest.raises(InvalidInputError, match="below"):
        require_amount("amount", big)


@pytest.mark.parametrize("currency", ["KRW", "JPY"])
def test_a_currency_without_minor_units_takes_whole_amounts_only(currency: str) -> None:
    with pytest.raises(InvalidInputError, match="whole"):
        require_amount("amount", Decimal("1000.5"), currency=currency)
    assert require_amount("amount", Decimal("1000.0"), currency=currency) == 1000
    assert require_amount("amount", Decimal("1000.5"), currency="USD") == Decimal("1000.5")


def test_the_callers_decimal_context_changes_nothing() -> None:
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert require_amount("amount", Decimal("12345.67")) == Decimal("12345.67")
        with pytest.raises(InvalidInputError):
            require_amount("amount", Decimal("12345.678"))


def test_parts_and_whole_amounts_follow_the_same_rules() -> None:
    with pytest.raises(InvalidInputError):
        optional_amount("tax_free", Decimal("1E-400"), 1000)
    with pytest.raises(InvalidInputError):
        whole_amount("amount", Decimal("1E-400"), positive=True)
    assert optional_amount("tax_free", Decimal("0.10"), 1000) == Decimal("0.10")


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_ids_are_refused_they_cannot_be_path_segments(dots: str) -> None:
    with pytest.raises(InvalidInputError, match=r"'\.' or '\.\.'"):
        require_id("imp_uid", dots)
    assert require_id("imp_uid", "...") == "..."  # not a dot segment: a valid id


@pytest.mark.parametrize(
    "check",
    [
        lambda v: require_id("imp_uid", v),
        lambda v: nonblank_text("name", v),
        lambda v: optional_verbatim_text("custom_data", v),
        lambda v: string_map("extra", {"k": v}),
        lambda v: string_map("extra", {v: "x"}),
    ],
)
def test_broken_unicode_is_refused_by_every_text_check(check: object) -> None:
    with pytest.raises(InvalidInputError, match="surrogate") as raised:
        check("a\udc00b")  # type: ignore[operator]
    assert raised.value.__context__ is None


@pytest.mark.anyio
async def test_a_list_as_a_find_status_is_refused_not_a_type_error() -> None:
    """Found by the property test: ``status not in frozenset`` raised TypeError for a list."""
    async with Iamport(imp_key="k", imp_secret="s") as client:
        with pytest.raises(InvalidInputError) as raised:
            await client.payments.find("order-1", status=["paid"])  # type: ignore[arg-type]
    assert raised.value.field == "status"
