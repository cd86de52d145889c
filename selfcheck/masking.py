"""Masking of personal data shown to people who need less than the whole value."""

from __future__ import annotations


def mask_id_number(value: str, visible: int = 4) -> str:
    """Hide all but the last ``visible`` characters of an ID number."""
    if not value:
        return ""
    if len(value) <= visible:
        return "*" * len(value)
    return "*" * (len(value) - visible) + value[-visible:]


def mask_phone(value: str) -> str:
    """Keep the first three and last four digits of a phone number."""
    if len(value) < 8:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
