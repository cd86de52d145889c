from decimal import Decimal

from django import template

from selfcheck.numbers import percent as percent_text

register = template.Library()


@register.simple_tag
def percent(done, total) -> Decimal:
    """Completion in percent, 0 when there is nothing to complete."""
    if not total:
        return Decimal("0")
    return (Decimal(done or 0) * 100 / Decimal(total)).quantize(Decimal("0.1"))


@register.filter
def pct(value) -> str:
    """A rate as people write it: 100%, 87.5%."""
    if value is None or value == "":
        return ""
    return percent_text(value)
