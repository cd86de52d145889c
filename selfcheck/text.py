"""Normalisation of text typed or exported by people: spaces and full-width forms."""

from __future__ import annotations

import unicodedata

_SPACES = {"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u200b": ""}


def to_half_width(value: str) -> str:
    """Full-width ASCII (Ａ１２) to half-width (A12); other characters unchanged."""
    out = []
    for char in value:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif char in _SPACES:
            out.append(_SPACES[char])
        else:
            out.append(char)
    return "".join(out)


def normalize_text(value) -> str:
    """Trim ASCII and full-width spaces and fold full-width letters and digits."""
    if value is None:
        return ""
    text = to_half_width(unicodedata.normalize("NFC", str(value)))
    return text.strip()
