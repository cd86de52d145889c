"""Numbers as people write them: 学制 4 and 2.5, rates 100% and 87.5%."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def plain_number(value) -> str:
    """A decimal without trailing zeros or exponent: 4.0 -> "4", 2.50 -> "2.5"."""
    number = Decimal(str(value))
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def percent(value) -> str:
    """A rate in percent with at most one decimal: 100.00 -> "100%", 87.25 -> "87.3%"."""
    number = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{plain_number(number)}%"
