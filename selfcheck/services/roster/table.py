"""A table read from a file: its rows, lazily, and what the reader learned about it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Table:
    """The rows of one sheet or CSV file, read lazily."""

    rows: Iterator[tuple[int, list]]
    encoding: str = ""
    sheet: str = ""
    sheets: list = field(default_factory=list)  # [(name, score)] of the visible sheets
    total_rows: int = 0
    notes: list[str] = field(default_factory=list)
