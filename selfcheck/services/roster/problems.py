"""What an import can report: row problems, and files refused outright."""

from __future__ import annotations

from dataclasses import dataclass

from selfcheck.masking import mask_ids_in_text


@dataclass(frozen=True, slots=True)
class RowProblem:
    """An error (the row is not imported) or a warning (it is) about one cell.

    ``row`` is the row number staff see in Excel; 0 for a problem with the whole file.
    """

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        # Stored and shown to staff: an ID number quoted by any check is masked.
        return {"row": self.row, "column": self.column, "message": mask_ids_in_text(self.message)}


class FileRefused(Exception):
    """The file cannot be read as a roster; ``message`` says why, in Chinese, for staff.

    ``problems`` splits the message by column when there are several (missing columns).
    """

    def __init__(self, message: str, *, problems: list[RowProblem] | None = None, header_row: int | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or [RowProblem(header_row or 0, "", message)]
        self.header_row = header_row
        self.encoding = ""


class ProblemList(list):
    """Problems as found, keeping at most ``cap`` of them: a file where every cell is
    wrong must not need memory in proportion. ``total`` counts them all."""

    def __init__(self, cap: int):
        super().__init__()
        self.cap = cap
        self.total = 0

    def append(self, problem: RowProblem) -> None:
        self.total += 1
        if len(self) < self.cap:
            super().append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)
