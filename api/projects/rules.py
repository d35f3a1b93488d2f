"""The PMO's rules for project data: formats, ranges and derived values."""

from __future__ import annotations

import re
from decimal import Decimal

from api.kit.errors import Validator
from api.projects.models import RiskSeverity

PROJECT_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,38}[A-Z0-9]")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
# Numeric(14, 2) columns: up to twelve digits before the point, at most two after it.
AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")
NAME_LENGTH = 200
SCALE = range(1, 6)


def risk_severity(*, probability: int, impact: int) -> RiskSeverity:
    """The severity band of a probability x impact score on the 5 x 5 grid."""
    score = probability * impact
    if score >= 15:
        return RiskSeverity.CRITICAL
    if score >= 9:
        return RiskSeverity.HIGH
    if score >= 4:
        return RiskSeverity.MEDIUM
    return RiskSeverity.LOW


def check_code(validator: Validator, code: str | None) -> None:
    """A project code is 2 to 40 capital letters, digits and inner dashes, like `BCR-GMS`."""
    if code is not None:
        validator.check(bool(PROJECT_CODE.fullmatch(code)), "code",
                        "code must be 2 to 40 capital letters, digits or inner dashes, like BCR-GMS")


def check_text(validator: Validator, value: str | None, field: str) -> None:
    """A required short text (a name or a title) is 1 to 200 characters once trimmed."""
    if value is not None:
        validator.check(1 <= len(value.strip()) <= NAME_LENGTH, field, f"{field} must be 1 to {NAME_LENGTH} characters")


def check_percent(validator: Validator, value: int | None, field: str = "percentComplete") -> None:
    """A percentage complete lies between 0 and 100."""
    if value is not None:
        validator.check(0 <= value <= 100, field, f"{field} must be between 0 and 100")


def check_scale(validator: Validator, value: int | None, field: str) -> None:
    """Probability and impact are scored 1 to 5."""
    if value is not None:
        validator.check(value in SCALE, field, f"{field} must be between 1 and 5")


def check_currency(validator: Validator, currency: str | None) -> None:
    """A currency is an ISO 4217 code: three capital letters."""
    if currency is not None:
        validator.check(bool(CURRENCY_CODE.fullmatch(currency)), "currency",
                        "currency must be an ISO 4217 code of three capital letters, like USD")


SIGNED_AMOUNT = re.compile(r"-?\d{1,12}(\.\d{1,2})?")


def parse_signed_amount(validator: Validator, value: str, field: str) -> Decimal | None:
    """An amount that may be negative (a credit), like "-1250.00", with at most two places."""
    validator.check(bool(SIGNED_AMOUNT.fullmatch(value.strip())), field,
                    f"{field} must be a decimal string with at most two places, like \"1250.00\" or \"-80.00\"")
    return Decimal(value.strip()) if SIGNED_AMOUNT.fullmatch(value.strip()) else None


def parse_amount(validator: Validator, value: str | None, field: str) -> Decimal | None:
    """The amount in a non-negative decimal string with at most two places, like "1250.00"."""
    if value is None:
        return None
    valid = AMOUNT.fullmatch(value.strip()) is not None
    validator.check(valid, field, f'{field} must be a non-negative amount with at most two decimals, like "1250.00"')
    return Decimal(value.strip()) if valid else None
