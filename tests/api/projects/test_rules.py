"""The PMO's rules for project data, checked directly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.kit.errors import ValidationFailed, Validator
from api.projects.models import RiskSeverity
from api.projects.rules import check_code, parse_amount, risk_severity


def test_severity_bands_cover_the_whole_grid() -> None:
    bands = {(p, i): risk_severity(probability=p, impact=i) for p in range(1, 6) for i in range(1, 6)}
    assert {key for key, band in bands.items() if band is RiskSeverity.CRITICAL} == {
        (p, i) for p in range(1, 6) for i in range(1, 6) if p * i >= 15}
    assert bands[(3, 3)] is RiskSeverity.HIGH and bands[(2, 4)] is RiskSeverity.MEDIUM
    assert bands[(1, 4)] is RiskSeverity.MEDIUM and bands[(1, 3)] is RiskSeverity.LOW
    assert sum(band is RiskSeverity.LOW for band in bands.values()) == 5


@pytest.mark.parametrize(("code", "valid"), [("BCR-GMS", True), ("A1", True), ("DWR-PERMIT-2", True),
                                             ("a-1", False), ("A-", False), ("A", False), ("A B", False),
                                             ("X" * 41, False)])
def test_project_codes(code: str, valid: bool) -> None:
    validator = Validator()
    check_code(validator, code)
    assert (not validator.problems) is valid


@pytest.mark.parametrize(("text", "amount"), [("0", Decimal("0")), ("1250.5", Decimal("1250.5")),
                                              (" 999999999999.99 ", Decimal("999999999999.99")), ("1,000", None),
                                              ("-1", None), ("1.001", None), ("NaN", None), ("", None)])
def test_amounts(text: str, amount: Decimal | None) -> None:
    validator = Validator()
    assert parse_amount(validator, text, "budgetAtCompletion") == amount
    if amount is None:
        with pytest.raises(ValidationFailed):
            validator.raise_if_any()
    else:
        validator.raise_if_any()
