"""Parsing a batch of rows column by column.

A roster's columns repeat a few values (学院, 专业, 层次, dates): each distinct value of a
column is parsed once and the column is filled by one dictionary lookup per cell, done
in C. The result is the same as parsing every cell on its own: for each row the values
in column order, and for the few cells that are blank or wrong, which they are.
"""

from __future__ import annotations

from operator import itemgetter

from selfcheck.services.roster import normalize as n

BLANK = object()  # a cell with nothing in it
MEMO_LIMIT = 20_000  # distinct values remembered per column
_MEMO_KINDS = frozenset({str, float})  # True == 1 == 1.0: only these are safe dictionary keys together


def cell_value(raw, parse):
    """``BLANK``, the parsed value, or the ``CellError`` the parser raised."""
    if raw is None or (raw.__class__ is str and not raw.strip()):
        return BLANK
    try:
        return parse(raw)
    except n.CellError as exc:
        return exc


def column_values(raws: list, parse, memo: dict | None) -> tuple[list, list[int]]:
    """The parsed values of one column's cells, and the positions of the blank or wrong ones."""
    cell_error = n.CellError
    if memo is not None and len(memo) < MEMO_LIMIT and set(map(type, raws)) <= _MEMO_KINDS:
        distinct = set(raws)
        for raw in distinct.difference(memo):
            memo[raw] = cell_value(raw, parse)
        values = list(map(memo.__getitem__, raws))
        problems = {raw for raw in distinct if memo[raw] is BLANK or memo[raw].__class__ is cell_error}
        if not problems:
            return values, []
        return values, [i for i, raw in enumerate(raws) if raw in problems]
    values, bad = [], []
    for i, raw in enumerate(raws):
        value = cell_value(raw, parse)
        if value is BLANK or value.__class__ is cell_error:
            bad.append(i)
        values.append(value)
    return values, bad


def parse_batch(batch: list[tuple[int, list]], columns: list[tuple]) -> list[tuple[int, dict, list]]:
    """``(row number, record, problems)`` for each ``(row number, cells)`` of ``batch``.

    ``columns`` holds ``(key, position, parser, memo or None)``. A record has the parsed
    value of every cell that is neither blank nor wrong, in column order; ``problems``
    lists ``(key, BLANK or CellError)`` of the others, in column order.
    """
    cells_of = [cells for _, cells in batch]
    narrowest = min(map(len, cells_of))
    keys = [key for key, *_ in columns]
    parsed_columns, problem_cells = [], {}
    for index, (_key, position, parse, memo) in enumerate(columns):
        if position < narrowest:
            raws = list(map(itemgetter(position), cells_of))
        else:
            raws = [cells[position] if position < len(cells) else "" for cells in cells_of]
        values, bad = column_values(raws, parse, memo)
        parsed_columns.append(values)
        for row in bad:
            problem_cells.setdefault(row, []).append(index)
    result = []
    for row, ((number, _), values) in enumerate(zip(batch, zip(*parsed_columns, strict=True), strict=True)):
        record = dict(zip(keys, values, strict=True))
        problems = []
        for index in problem_cells.get(row, ()):
            problems.append((keys[index], record.pop(keys[index])))
        result.append((number, record, problems))
    return result
