"""Money in the schema: a decimal string with two places and an ISO 4217 currency code."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import strawberry

CENTS = Decimal("0.01")


@strawberry.type(description="An amount of money: a decimal string with two places, and its currency code.")
class Money:
    amount: str = strawberry.field(description="The amount as a decimal string with two places, e.g. \"1250.00\".")
    currency: str = strawberry.field(description="The ISO 4217 currency code, e.g. \"USD\".")

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> Money:
        """`amount` in `currency`, rounded to cents (banker's rounding, as accounting systems do); a negative amount
        that rounds to nothing is 0.00, not -0.00."""
        rounded = Decimal(amount).quantize(CENTS, rounding=ROUND_HALF_EVEN)
        return cls(amount=str(rounded if rounded else abs(rounded)), currency=currency.upper())
