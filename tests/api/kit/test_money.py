"""Money as the schema shows it: cents, rounded half-even, and never a negative zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.kit.money import Money


@pytest.mark.parametrize(("amount", "shown"), [("1250", "1250.00"), ("0.125", "0.12"), ("0.135", "0.14"),
                                               ("-12.345", "-12.34"), ("-0.004", "0.00"), ("-0", "0.00")])
def test_an_amount_is_rounded_half_even_to_cents_and_a_rounded_away_negative_is_zero(amount: str, shown: str) -> None:
    assert Money.of(Decimal(amount), "usd") == Money(amount=shown, currency="USD")
