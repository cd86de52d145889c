from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag
def percent(done, total) -> Decimal:
    """Completion in percent, 0 when there is nothing to complete."""
    if not total:
        return Decimal("0")
    return (Decimal(done or 0) * 100 / Decimal(total)).quantize(Decimal("0.1"))
