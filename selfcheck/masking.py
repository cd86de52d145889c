"""Masking of personal data shown to people who need less than the whole value."""

from __future__ import annotations

import re


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


# A resident ID (18 characters, or the old 15 digits) or a Hong Kong/Macau permit inside
# free text: a reason typed by staff, an error message, an old audit entry.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|[HMhm]\d{8}(?:\d{2})?)(?![0-9A-Za-z])")
ID_KEYS = frozenset({"id_number", "sfzh"})


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds a whole ID number: search boxes refuse it, as it would land in a URL."""
    return bool(_ID_IN_TEXT.search(text or ""))


def mask_ids_in_text(text: str) -> str:
    """``text`` with every ID number in it masked."""
    return _ID_IN_TEXT.sub(lambda match: mask_id_number(match.group()), text)


def mask_personal(value, key: str | None = None):
    """A copy of JSON-like ``value`` (audit changes, check details, import problems) with ID
    numbers masked: every value under an ``id_number`` key, and ID numbers inside text."""
    if isinstance(value, dict):
        return {k: mask_personal(v, str(k).lower()) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_personal(v, key) for v in value]
    if isinstance(value, str):
        return mask_id_number(value) if key in ID_KEYS else mask_ids_in_text(value)
    return value
